from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from los.access.guard import access, record_list_view
from los.accounts import services as account_services
from los.accounts.models import Role
from los.families import selectors as family_selectors
from los.referrals import selectors as referral_selectors
from los.referrals import services as referral_services
from los.servicemap import selectors as servicemap_selectors


@access("authenticated")
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The role-aware start page: one section for each role the user holds."""
    from los.workday import views as workday

    if workday.works_today(request):  # a barnekoordinator, a caseworker or the unit leader starts the day here
        return workday.today(request)
    user = request.user
    roles = user.role_names()
    context: dict = {"roles": roles, "sections": []}
    if Role.BARNEKOORDINATOR in roles:
        context["my_families"] = family_selectors.families_coordinated_by(user)
        context["turning_18"] = referral_selectors.turning_18(context["my_families"])
        context["delivery_shortfalls"] = servicemap_selectors.delivery_shortfalls(user)
        context["measures_without_decision"] = servicemap_selectors.measures_without_decision(user)
    if roles & {Role.CASEWORKER, Role.UNIT_LEADER}:
        context["unit_families"] = family_selectors.families_of_unit(user)[:50]
        context["unit_counts"] = family_selectors.unit_status_counts(user)
    if Role.SERVICE_CONTACT in roles:
        from los.workday.selectors import contact_today

        context["contact_families"] = family_selectors.families_for_service_contact(user)
        context["contact_today"] = contact_today(user).sections[0]
    if Role.MUNICIPAL_LEADER in roles:
        context["is_leader"] = True
    if Role.SYSTEM_ADMIN in roles:
        context["is_admin"] = True
    context["our_families"] = family_selectors.families_of_guardian(user)
    context["pending_public_requests"] = referral_services.pending_public_requests(user)
    if account_services.may_approve_any(user):
        context["roles_to_approve"] = len(account_services.pending_for(user))
    context["is_staff_member"] = bool(roles)
    if not roles and not context["pending_public_requests"]:
        # a parent with one family goes straight to the family's own home: nothing to choose here
        families = list(context["our_families"][:2])
        if len(families) == 1:
            return redirect("portal:overview", family_pk=families[0].pk)
    if any(key in context for key in ("my_families", "unit_families", "contact_families")):
        record_list_view(request, "start_page_family_list")
    return render(request, "core/home.html", context)


@access("authenticated")
@login_required
def ping(request: HttpRequest) -> HttpResponse:
    """The cheapest page a logged-in user can open: the session and the user, nothing else. bench/pages.py
    measures every other page's throughput as a share of this one (the ceiling of the stack itself)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@access("public")
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    """The product's error page, in the layout and the user's language. It never shows what went wrong (the
    exception and its message are left out), so "no such family" and "not yours" read the same."""
    return render(request, "core/error.html", {"title": title, "text": text}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (``CSRF_FAILURE_VIEW``): the page had been open too long, or the
    form came from another site. The reason is not shown."""
    return _error(request, 403, _("The form could not be sent"),
                  _("The page had been open for a long time, or the form came from somewhere else. Go back, load the "
                    "page again and send it once more. Nothing you had saved is lost."))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("Something in the request was wrong"),
                  _("Go back and try again. Nothing you had saved is lost."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("You do not have access to this"),
                  _("Your role, your relation to the family or the family's consent does not give access to this page."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("We could not find the page"),
                  _("The page does not exist, or you do not have access to it."))


def server_error(request: HttpRequest) -> HttpResponse:
    """The last resort. When the database cannot be reached (a restart, a fail-over), say so with 503 and
    Retry-After instead of "something went wrong": the app reconnects by itself on the next request
    (CONN_HEALTH_CHECKS), so trying again in a moment is the right advice; that page is plain HTML that needs
    no database (the layout's context processors read the session and the user's roles). Any other error
    gets the product's error page in the layout, or the plain page when even that cannot be drawn."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("core/error_503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    try:  # in the layout and the user's language when that can be drawn
        return _error(request, 500, _("Something went wrong on our side"),
                      _("What you had saved is not lost. Try again in a little while. The error has been logged."))
    except Exception:  # noqa: BLE001 - the last resort must answer, whatever broke: plain HTML without a database
        return HttpResponse(render_to_string("core/error_500.html"), status=500)
