"""Pages of the service map. Thin: load, authorize, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from los.access.guard import access, authorize, record_list_view
from los.access.models import Category
from los.access.policy import Action, can
from los.core.dates import format_day
from los.core.forms import form_action, submit
from los.families.models import Family
from los.families.selectors import authorized_family, authorized_object
from los.servicemap import forms, selectors, services, uploads
from los.servicemap.models import (
    Appeal,
    Application,
    Document,
    EntryState,
    Need,
    NeedRequest,
    Notification,
    ServiceEntry,
)

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def _clean(form: djforms.Form, *names: str) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return {k: data.get(k) for k in names} if names else data


def _version(form: djforms.Form) -> int | None:
    return form.cleaned_data.get("version")


# --------------------------------------------------------------------------------------------------
# the family's map
# --------------------------------------------------------------------------------------------------


def _render_family_map(request: HttpRequest, family: Family, bound: dict | None = None,
                       status: int = 200) -> HttpResponse:
    bound = bound or {}
    today = timezone.localdate()
    data = selectors.family_map(family, today)
    can_change = can(request.user, Action.CHANGE, family, Category.SERVICES)
    ownerless = selectors.ownerless_needs(family)
    owned = selectors.owned_open_needs(family)
    for need in [*ownerless, *owned]:
        need.ask_form = bound.get(("ask", need.pk)) or forms.AskServiceForm(family=family, prefix=f"ask-{need.pk}")
        need.update_form = bound.get(("need", need.pk)) or forms.NeedUpdateForm(
            initial=forms.NeedUpdateForm.initial_for(need), prefix=f"need-{need.pk}")
        need.can_change = can_change
        for row in need.requests.all():
            row.can_answer = can_change or can(request.user, Action.CHANGE, row)
            row.answer_form = bound.get(("answer", row.pk)) or forms.AnswerForm(
                prefix=f"answer-{row.pk}", initial={"response": row.response, "response_note": row.response_note,
                                                    "version": row.version})
    notifications = list(selectors.notifications_for(request.user, family, unread_only=True)[:20])
    context = {
        "family": family,
        "map": data,
        "sectors": data.sectors,
        "legend": [(value, label, selectors.STATE_ICONS[value]) for value, label in EntryState.choices],
        "can_change": can_change,
        "ownerless": ownerless,
        "owned": owned,
        "closed_needs": selectors.closed_needs(family),
        "entry_form": bound.get("entry") or forms.EntryForm(family=family, prefix="entry"),
        "need_form": bound.get("new_need") or forms.NeedForm(family=family, prefix="new-need"),
        "open_key": next(iter(bound), None),
        "notifications": notifications,
        "today": today,
    }
    return render(request, "servicemap/family_map.html", context, status=status)


@access("family")
@login_required
def family_map(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The visual map: the family in the centre, services around it by sector, and the list/table."""
    family = authorized_family(request, family_pk, Action.VIEW, Category.SERVICES)
    return _render_family_map(request, family)


@access("family")
@login_required
@require_POST
def entry_create(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = authorized_family(request, family_pk, Action.CHANGE, Category.SERVICES)
    form = forms.EntryForm(request.POST, family=family, prefix="entry")
    return form_action(request, form, lambda: services.create_entry(family, request.user, **_clean(form)),
                       success=lambda entry: reverse("servicemap:entry_detail", args=[entry.pk]),
                       message=lambda entry: _("“%(name)s” is on the service map.") % {"name": entry.name},
                       page=lambda status: _render_family_map(request, family, {"entry": form}, status=status))


# --------------------------------------------------------------------------------------------------
# one service: details, applications, decisions, appeals, documents
# --------------------------------------------------------------------------------------------------


def _entries() -> QuerySet[ServiceEntry]:
    return ServiceEntry.objects.select_related("family", "family__municipality")


def _entry(pk: int) -> ServiceEntry:
    return get_object_or_404(_entries(), pk=pk)


def _render_entry(request: HttpRequest, entry: ServiceEntry, bound: dict | None = None,
                  status: int = 200) -> HttpResponse:
    bound = bound or {}
    today = timezone.localdate()
    family = entry.family
    entry = selectors.entry_detail(entry, today)
    can_change = can(request.user, Action.CHANGE, entry)
    for app in entry.application_list:
        app.update_form = bound.get(("application", app.pk)) or forms.ApplicationUpdateForm(
            initial=forms.ApplicationForm.initial_for(app), prefix=f"app-{app.pk}")
        app.decision_form = bound.get(("decision", app.pk)) or forms.DecisionForm(
            initial=forms.DecisionForm.initial_for(app), prefix=f"decision-{app.pk}")
        app.no_appeal_form = forms.NoAppealForm(initial={"no_appeal": not app.no_appeal, "version": app.version},
                                                prefix=f"noappeal-{app.pk}")
        app.appeal_form = bound.get(("appeal", app.pk)) or forms.AppealForm(prefix=f"appeal-{app.pk}")
        for appeal in app.appeal_list:
            appeal.update_form = bound.get(("appeal_update", appeal.pk)) or forms.AppealUpdateForm(
                prefix=f"appeal-update-{appeal.pk}",
                initial={"status": appeal.status, "outcome": appeal.outcome, "sent_on": appeal.sent_on,
                         "outcome_on": appeal.outcome_on, "notes": appeal.notes, "version": appeal.version})
    show_documents = can(request.user, Action.VIEW, family, Category.DOCUMENTS)
    documents = []
    if show_documents:
        authorize(request, Action.VIEW, family, Category.DOCUMENTS)
        documents = list(entry.documents.select_related("application", "uploaded_by"))
    delivery = selectors.delivery_view(entry, today) if entry.is_active_grant or entry.deliveries.exists() else None
    context = {
        "family": family,
        "entry": entry,
        "delivery": delivery,
        "delivery_form": bound.get("delivery") or forms.DeliveryForm(prefix="delivery", entry=entry),
        "decline_form": bound.get("decline") or forms.DeclineForm(prefix="decline", initial={"version": entry.version}),
        "follow_form": forms.FollowForm(prefix="follow", initial={"version": entry.version,
                                                                  "follow": not entry.follow_delivery}),
        "undo_form": forms.FollowForm(prefix="undo", initial={"version": entry.version}),
        "can_change": can_change,
        "can_upload": can(request.user, Action.CHANGE, family, Category.DOCUMENTS),
        "show_documents": show_documents,
        "documents": documents,
        "entry_form": bound.get("entry") or forms.EntryUpdateForm(
            family=family, initial=forms.EntryForm.initial_for(entry), prefix="entry"),
        "application_form": bound.get("application") or forms.ApplicationForm(prefix="new-app"),
        "document_form": bound.get("document") or forms.DocumentForm(entry=entry, prefix="doc"),
        "legal_bases": forms.legal_basis_suggestions(),
        "open_key": next(iter(bound), None),
        "today": today,
    }
    return render(request, "servicemap/entry_detail.html", context, status=status)


def _back(entry: ServiceEntry, anchor: str = "") -> str:
    return reverse("servicemap:entry_detail", args=[entry.pk]) + (f"#{anchor}" if anchor else "")


def _entry_action(request: HttpRequest, entry: ServiceEntry, form: djforms.Form, key, save, message, anchor: str = ""):
    """A form on a service's page: on success back to the page (at ``anchor``), else the page with the form
    (under ``key``) open and its messages."""
    return form_action(request, form, save, success=lambda result: _back(entry, anchor(result) if callable(anchor)
                                                                          else anchor),
                       message=message, page=lambda status: _render_entry(request, entry, {key: form}, status=status))


@access("family")
@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = authorized_object(request, Action.VIEW, _entries(), pk=pk)
    return _render_entry(request, entry)


@access("family")
@login_required
@require_POST
def entry_update(request: HttpRequest, pk: int) -> HttpResponse:
    entry = authorized_object(request, Action.CHANGE, _entries(), pk=pk)
    form = forms.EntryUpdateForm(request.POST, family=entry.family, prefix="entry")
    return _entry_action(request, entry, form, "entry",
                         lambda: services.update_entry(entry, request.user, _version(form), **_clean(form)),
                         _("The changes are saved."))


@access("family")
@login_required
@require_POST
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    entry = authorized_object(request, Action.CHANGE, _entries(), pk=pk)
    form = forms.ApplicationForm(request.POST, prefix="new-app")
    return _entry_action(request, entry, form, "application",
                         lambda: services.create_application(entry, request.user, **_clean(form)),
                         _("The application is recorded."), lambda app: f"application-{app.pk}")


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related("entry", "entry__family", "family")


def _application_form_view(form_class: type, prefix: str, key: str,
                           save: Callable[[Application, djforms.Form, Any], Any],
                           message: str | Callable[[Any], str]) -> Callable:
    """The view of a form on one application, shown on its service's page: the form is named by ``prefix`` and
    ``key`` with the application's id, and ``save(app, form, user)`` calls the service; see :func:`_entry_action`."""

    @access("family")
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        app = authorized_object(request, Action.CHANGE, _applications(), pk=pk)
        form = form_class(request.POST, prefix=f"{prefix}-{app.pk}")
        return _entry_action(request, app.entry, form, (key, app.pk), lambda: save(app, form, request.user),
                             message, f"application-{app.pk}")

    return view


def _decision_message(saved: Application) -> str:
    if saved.appeal_deadline:
        return _("The decision is recorded. The appeal deadline is %(date)s.") % {
            "date": format_day(saved.appeal_deadline)}
    return _("The decision is recorded.")


application_update = _application_form_view(
    forms.ApplicationUpdateForm, "app", "application",
    lambda app, form, user: services.update_application(app, user, _version(form), **_clean(form)),
    gettext_lazy("The changes are saved."))
# Record the decision, e.g. "we got the decision today" from the family.
decision_record = _application_form_view(
    forms.DecisionForm, "decision", "decision",
    lambda app, form, user: services.record_decision(app, user, _version(form), **_clean(form)), _decision_message)
appeal_create = _application_form_view(
    forms.AppealForm, "appeal", "appeal", lambda app, form, user: services.create_appeal(app, user, **_clean(form)),
    gettext_lazy("The appeal is recorded."))


@access("family")
@login_required
@require_POST
def no_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    app = authorized_object(request, Action.CHANGE, _applications(), pk=pk)
    form = forms.NoAppealForm(request.POST, prefix=f"noappeal-{app.pk}")
    if submit(form, lambda: services.set_no_appeal(app, request.user, _version(form), form.cleaned_data["no_appeal"])):
        messages.success(request, _("The changes are saved."))
    else:
        messages.error(request, _("Someone else changed this while you were working on it. Your changes were not "
                                  "saved: check what is there now and try again."))
    return HttpResponseRedirect(_back(app.entry, f"application-{app.pk}"))


@access("family")
@login_required
@require_POST
def appeal_update(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = authorized_object(request, Action.CHANGE,
                               Appeal.objects.select_related("application", "application__entry",
                                                             "application__entry__family", "family"), pk=pk)
    form = forms.AppealUpdateForm(request.POST, prefix=f"appeal-update-{appeal.pk}")
    return _entry_action(request, appeal.application.entry, form, ("appeal_update", appeal.pk),
                         lambda: services.update_appeal(appeal, request.user, _version(form), **_clean(form)),
                         _("The changes are saved."), f"application-{appeal.application_id}")


@access("family")
@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(pk)
    authorize(request, Action.CHANGE, entry.family, Category.DOCUMENTS)
    form = forms.DocumentForm(request.POST, request.FILES, entry=entry, prefix="doc")
    return _entry_action(request, entry, form, "document",
                         lambda: services.attach_document(entry, request.user, form.cleaned_data["file"],
                                                          **_clean(form, "title", "kind", "application")),
                         lambda document: _("The document “%(title)s” is stored.") % {"title": document.title},
                         "documents")


@access("family")
@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a document as a download, only through the access policy (EXPORT)."""
    document = authorized_object(request, Action.EXPORT, Document.objects.select_related("family"), pk=pk)
    return uploads.download_response(document.file, document.base_name)


# --------------------------------------------------------------------------------------------------
# needs ("not my desk")
# --------------------------------------------------------------------------------------------------


@access("family")
@login_required
@require_POST
def need_create(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = authorized_family(request, family_pk, Action.CHANGE, Category.SERVICES)
    form = forms.NeedForm(request.POST, family=family, prefix="new-need")

    def save():
        data = form.cleaned_data
        return services.record_need(
            family, request.user, description=data["description"], source=data["source"], child=data["child"],
            providers=[data["provider"]] if data["provider"] else [], provider_name=data["provider_name"])

    return form_action(request, form, save, success=reverse("servicemap:family_map", args=[family.pk]) + "#needs",
                       message=_("The need is recorded."),
                       page=lambda status: _render_family_map(request, family, {"new_need": form}, status=status))


def _needs() -> QuerySet[Need]:
    return Need.objects.select_related("family", "family__municipality")


def _need_action(request: HttpRequest, need: Need, form: djforms.Form, key, save, message):
    """A form about a need: on success back to where it was sent from (the list of needs without an owner, or
    the need on the family's map), else the family's map with the form open and its messages."""
    if request.POST.get("next", "") == "unowned":
        back = reverse("servicemap:unowned_needs")
    else:
        back = reverse("servicemap:family_map", args=[need.family_id]) + f"#need-{need.pk}"
    return form_action(request, form, save, success=back, message=message,
                       page=lambda status: _render_family_map(request, need.family, {key: form}, status=status))


@access("family")
@login_required
@require_POST
def need_update(request: HttpRequest, pk: int) -> HttpResponse:
    need = authorized_object(request, Action.CHANGE, _needs(), pk=pk)
    form = forms.NeedUpdateForm(request.POST, prefix=f"need-{need.pk}")
    return _need_action(request, need, form, ("need", need.pk),
                        lambda: services.update_need(need, request.user, _version(form), **_clean(form)),
                        _("The changes are saved."))


@access("family")
@login_required
@require_POST
def need_ask(request: HttpRequest, pk: int) -> HttpResponse:
    need = authorized_object(request, Action.CHANGE, _needs(), pk=pk)
    form = forms.AskServiceForm(request.POST, family=need.family, prefix=f"ask-{need.pk}")
    return _need_action(request, need, form, ("ask", need.pk),
                        lambda: services.ask_service(need, request.user, **_clean(form)),
                        lambda row: _("Recorded that %(service)s was asked.") % {"service": row.provider_display})


@access("family")
@login_required
@require_POST
def need_answer(request: HttpRequest, pk: int) -> HttpResponse:
    row = authorized_object(request, Action.CHANGE,
                            NeedRequest.objects.select_related("need", "need__family", "family", "provider"), pk=pk)
    form = forms.AnswerForm(request.POST, prefix=f"answer-{row.pk}")

    def save():
        data = form.cleaned_data
        return services.answer_need_request(row, request.user, _version(form), response=data["response"],
                                            note=data["response_note"], responded_on=data["responded_on"])

    return _need_action(request, row.need, form, ("answer", row.pk), save, _("The answer is recorded."))


@access("family_list")
@login_required
def unowned_needs(request: HttpRequest) -> HttpResponse:
    """The coordinating unit's "not my desk" list: every need no service has accepted, across the
    families the user may see the services of."""
    never_asked = request.GET.get("ikke-spurt") == "1"
    qs = selectors.unowned_needs_for(request.user, never_asked=never_asked)
    page = Paginator(qs, 50).get_page(request.GET.get("side"))
    record_list_view(request, "servicemap_unowned_needs")
    today = timezone.localdate()
    for need in page.object_list:
        need.age_days = (today - need.recorded_on).days
    return render(request, "servicemap/unowned_needs.html", {"page": page, "never_asked": never_asked})


# --------------------------------------------------------------------------------------------------
# notifications
# --------------------------------------------------------------------------------------------------


@access("family_list")
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's own notifications about service maps, for families the user may still see."""
    qs = selectors.notifications_for(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("side"))
    record_list_view(request, "servicemap_notifications")
    return render(request, "servicemap/notifications.html", {"page": page})


@access("family")
@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = authorized_object(request, Action.VIEW, Notification, pk=pk, recipient=request.user)
    services.mark_read(notification)
    if request.POST.get("next") == "family":
        return HttpResponseRedirect(reverse("servicemap:family_map", args=[notification.family_id]))
    return HttpResponseRedirect(reverse("servicemap:notifications"))
