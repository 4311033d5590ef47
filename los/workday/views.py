"""Pages of the working day. Thin: who is asking, a selector, a template.

- ``today``: the start page of a barnekoordinator, a caseworker or the unit leader (``core:home`` renders it for them):
  everything that needs them, the most urgent first, each kind with its count in the page's own menu.
- ``find``: any family the user may open, by name, child's name, case number or date of birth, with pages.
- ``start_guide`` / ``start_guide_edit``: the first 30 days for a new barnekoordinator; the unit leader edits it.
- ``unit_settings``: the unit's norm for a coordinator's capacity.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from los.access.guard import access, record_list_view
from los.access.policy import prime_families
from los.accounts import services as account_services
from los.accounts.models import Role
from los.core.models import CoordinatingUnit
from los.referrals.selectors import families_per_10_percent
from los.workday import guide, selectors, services
from los.workday.forms import FindForm, GuideForm, NormForm

TODAY_ROLES = {Role.BARNEKOORDINATOR, Role.CASEWORKER, Role.UNIT_LEADER}
STAFF_ROLES = TODAY_ROLES | {Role.SERVICE_CONTACT}


def _language() -> str:
    code = (get_language() or "nb").split("-")[0]
    return code if code in ("nb", "nn", "en") else "nb"


def works_today(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.role_names() & TODAY_ROLES)


def today_context(request: HttpRequest) -> dict:
    """What the today page shows for the user's roles (a coordinator who also works in the unit sees both)."""
    user = request.user
    roles = user.role_names()
    today = timezone.localdate()
    context: dict = {"today": today, "parts": []}
    if Role.BARNEKOORDINATOR in roles:
        day = selectors.coordinator_today(user, today)
        context["parts"].append(("coordinator", day))
        context.update(day.extra)  # the service map's flags: services not delivered, measures without a decision
        started = [r.started for r in user.active_roles() if r.role == Role.BARNEKOORDINATOR and r.started]
        context["new_in_role"] = bool(started) and (today - max(started)).days <= 30
    if roles & {Role.CASEWORKER, Role.UNIT_LEADER}:
        context["parts"].append(("unit", selectors.unit_today(user, today)))
    if Role.SERVICE_CONTACT in roles:
        context["parts"].append(("contact", selectors.contact_today(user, today)))
    context["is_unit_leader"] = Role.UNIT_LEADER in roles
    return context


@access("family_list")
@login_required
def today(request: HttpRequest) -> HttpResponse:
    """The today page (also the start page of these roles)."""
    if not works_today(request):
        return redirect("core:home")
    context = today_context(request)
    if account_services.may_approve_any(request.user):  # a unit leader learns of staff roles waiting for approval
        context["roles_to_approve"] = len(account_services.pending_for(request.user))
    record_list_view(request, "today_page")
    return render(request, "workday/today.html", context)


@access("family_list")
@login_required
def find(request: HttpRequest) -> HttpResponse:
    """Find any family the user may open. Results start from the access policy, 25 to a page."""
    if not request.user.role_names() & STAFF_ROLES:
        raise PermissionDenied(_("Finding families is for staff who work on them."))
    form = FindForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    query, status, mine = data.get("q", ""), data.get("status", ""), bool(data.get("mine"))
    searched = bool(query or status or mine)
    page = None
    if searched:
        families = selectors.find_families(request.user, query, status=status, mine=mine)
        page = Paginator(families, selectors.PAGE_SIZE).get_page(request.GET.get("side"))
        prime_families(request.user, [f.pk for f in page.object_list])
        record_list_view(request, "family_search")
    params = {k: v for k, v in (("q", query), ("status", status), ("mine", "on" if mine else "")) if v}
    return render(request, "workday/find.html", {
        "form": form, "page": page, "query": query, "searched": searched, "params": urlencode(params),
        "may_filter_mine": Role.BARNEKOORDINATOR in request.user.role_names(),
    })


def _guide_municipality(request: HttpRequest):
    roles = [r for r in request.user.active_roles() if r.role in TODAY_ROLES]
    if not roles:
        raise PermissionDenied(_("The start guide is for the barnekoordinators and the coordinating unit."))
    leads = services.leader_municipalities(request.user)
    chosen = request.GET.get("kommune") or request.POST.get("kommune")
    for m in leads + [r.municipality for r in roles]:
        if str(m.pk) == chosen:
            return m, leads
    return roles[0].municipality, leads


@access("staff")
@login_required
def start_guide(request: HttpRequest) -> HttpResponse:
    """The first 30 days for a new barnekoordinator, from the municipality's own routines."""
    municipality, leads = _guide_municipality(request)
    text, row = guide.guide_for(municipality.pk, _language())
    return render(request, "workday/start_guide.html", {
        "municipality": municipality, "steps": guide.parse(text), "own": row is not None, "row": row,
        "may_edit": municipality.pk in {m.pk for m in leads}})


@access("staff")
@login_required
def start_guide_edit(request: HttpRequest) -> HttpResponse:
    """The unit leader writes the guide in the page's language (bokmål, nynorsk or English), starting from Los's."""
    municipality, leads = _guide_municipality(request)
    if municipality.pk not in {m.pk for m in leads}:
        raise PermissionDenied(_("Only the leader of the coordinating unit can change the start guide."))
    language = request.POST.get("language") or _language()
    text, row = guide.guide_for(municipality.pk, language)
    url = f"{reverse('workday:start_guide')}?kommune={municipality.pk}"
    if request.method == "POST" and request.POST.get("reset"):
        services.reset_guide(municipality, language, by=request.user)
        messages.success(request, _("The start guide is Los's text again."))
        return redirect(url)
    form = GuideForm(request.POST if request.method == "POST" else None,
                     initial={"text": text, "version": row.version if row else 0, "language": language})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_guide(municipality, form.cleaned_data["language"], form.cleaned_data["text"],
                                by=request.user, version=form.cleaned_data["version"])
        except services.StaleVersionError:
            form.add_error(None, _("Someone else saved the guide after you opened it. Your text is kept below; "
                                   "open the guide in another tab to compare, then save again."))
            form.data = form.data.copy()
            form.data["version"] = str(guide.guide_for(municipality.pk, language)[1].version)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The start guide is saved."))
            return redirect(url)
    return render(request, "workday/start_guide_edit.html", {
        "municipality": municipality, "form": form, "own": row is not None, "language": language},
        status=400 if form.errors else 200)


@access("staff")
@login_required
def unit_settings(request: HttpRequest) -> HttpResponse:
    """The unit leader sets the unit's norm for a barnekoordinator's capacity."""
    leads = services.leader_municipalities(request.user)
    if not leads:
        raise PermissionDenied(_("Only the leader of the coordinating unit can change this."))
    municipality = next((m for m in leads if str(m.pk) == (request.GET.get("kommune") or request.POST.get("kommune"))),
                        leads[0])
    unit = CoordinatingUnit.objects.filter(municipality=municipality).order_by("pk").first()
    form = NormForm(request.POST if request.method == "POST" else None,
                    initial={"families_per_10_percent": unit.families_per_10_percent if unit else None})
    if request.method == "POST" and form.is_valid():
        services.set_capacity_norm(municipality, form.cleaned_data["families_per_10_percent"], by=request.user)
        messages.success(request, _("The norm is saved. Capacities and load are worked out with it from now on."))
        return redirect(f"{reverse('workday:unit_settings')}?kommune={municipality.pk}")
    return render(request, "workday/unit_settings.html", {
        "municipality": municipality, "municipalities": leads, "form": form, "default": families_per_10_percent()},
        status=400 if form.errors else 200)
