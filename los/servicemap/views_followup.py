"""Pages that take a family from "you may be entitled" to "it is delivered". Thin: load, authorize, call a service or
selector, render.

- ``kit`` (``/tjenester/familie/<pk>/soknadspakke/<id>/``): the application kit for one catalogue entry — what to
  attach and why, what Los already holds, what is missing (upload it once), and a draft of the factual part
  (``?format=txt`` downloads it). Los never sends an application anywhere.
- ``appeal_outline`` (``/tjenester/soknad/<pk>/klage/utkast/``): the appeal outline from the decision's own reasons,
  with the deadline and the address; the decision's reasons can be recorded there; the barnekoordinator's working
  draft (a working note) beside it.
- ``delivery_record``, ``delivery_remove``, ``decline``, ``decline_undo``, ``follow_delivery``: what a granted service
  delivered, and a service the family declined.
- ``delivery_settings``: the municipality's thresholds (the coordinating unit).
- ``measure_decision``: a plan measure that needs a decision, tied to the service map.
- ``agreement_application``: a meeting's agreement becomes an application in one step.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from los.access.guard import access, authorize
from los.access.models import Category
from los.access.policy import Action, can, decide_municipal_content
from los.core.downloads import file_response
from los.core.forms import act, form_action
from los.core.i18n import page_language
from los.families.models import Child, Family
from los.families.selectors import authorized_family, authorized_object
from los.servicemap import appeals, catalog, forms, kit, selectors, services
from los.servicemap.models import (
    AppealDraft,
    Application,
    Decision,
    Delivery,
    DeliverySettings,
    DocumentKind,
    EntryState,
    ServiceEntry,
)
from los.servicemap.views import _back, _entries, _entry_action


def _text_download(text: str, name: str) -> HttpResponse:
    return file_response(text, "text/plain; charset=utf-8", f"{name}.txt", cache_control="private, no-store")


# --------------------------------------------------------------------------------------------------
# The application kit
# --------------------------------------------------------------------------------------------------


def _kit_child(family: Family, value) -> Child | None:
    children = list(family.children.filter(birth_date__isnull=False).order_by("birth_date", "pk"))
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return children[0] if children else None
    return next((c for c in children if c.pk == pk), children[0] if children else None)


def _health_allowed(request: HttpRequest, child: Child | None) -> bool:
    if child is None:
        return False
    from los.carediary.models import CareDiary

    probe = CareDiary(family_id=child.family_id, municipality_id=child.municipality_id, child=child)
    return can(request.user, Action.VIEW, probe)


def _render_kit(request: HttpRequest, family: Family, catalog_id: str, child: Child | None,
                upload_forms: dict | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    the_kit = kit.build_kit(request.user, family, catalog_id, child, today, page_language(),
                            reasons_allowed=_health_allowed(request, child))
    can_upload = can(request.user, Action.CHANGE, family, Category.DOCUMENTS) and can(
        request.user, Action.CHANGE, family, Category.SERVICES)
    upload_forms = upload_forms or {}
    for item in the_kit.items:
        if item.upload_kind and can_upload:
            item.form = upload_forms.get(item.upload_kind) or forms.KitUploadForm(
                prefix=f"kit-{item.upload_kind}", initial={"kind": item.upload_kind})
    children = list(family.children.filter(birth_date__isnull=False).order_by("birth_date", "pk"))
    return render(request, "servicemap/kit.html", {
        "family": family, "kit": the_kit, "child": child, "children": children, "can_upload": can_upload,
        "open_kind": next(iter(upload_forms), ""), "today": today,
        "entry_url": reverse("servicemap:entry_detail", args=[the_kit.entry.pk]) if the_kit.entry else "",
        # the way back to the navigator only for those who may open it (it shows the child's health)
        "may_open_navigator": can(request.user, Action.VIEW, family, Category.HEALTH),
    }, status=status)


@access("family")
@login_required
def kit_page(request: HttpRequest, family_pk: int, catalog_id: str) -> HttpResponse:
    """What to attach and why, what Los holds, what is missing, and a draft of the application's factual part."""
    family = authorized_family(request, family_pk, Action.VIEW, Category.SERVICES)
    if catalog_id not in catalog.catalog_ids():
        raise Http404
    child = _kit_child(family, request.GET.get("barn"))
    if request.GET.get("format") == "txt":
        the_kit = kit.build_kit(request.user, family, catalog_id, child, timezone.localdate(), page_language(),
                                reasons_allowed=_health_allowed(request, child))
        return _text_download(the_kit.draft, f"soknad-{slugify(catalog_id)}")
    return _render_kit(request, family, catalog_id, child)


@access("family")
@login_required
@require_POST
def kit_upload(request: HttpRequest, family_pk: int, catalog_id: str) -> HttpResponse:
    """Upload a missing attachment once: it is kept with the service on the map (made now if it is not there yet) and
    offered to every later kit that asks for the same kind of document."""
    family = authorized_family(request, family_pk, Action.CHANGE, Category.DOCUMENTS)
    authorize(request, Action.CHANGE, family, Category.SERVICES)
    if catalog_id not in catalog.catalog_ids():
        raise Http404
    kind = request.POST.get("kind", "")
    if kind not in (DocumentKind.MEDICAL, DocumentKind.STATEMENT, DocumentKind.EXPERT, DocumentKind.DECISION):
        raise Http404
    child = _kit_child(family, request.POST.get("barn"))
    form = forms.KitUploadForm(request.POST, request.FILES, prefix=f"kit-{kind}")

    def save():
        entry = ServiceEntry.objects.filter(family=family, catalog_id=catalog_id).order_by("-pk").first()
        if entry is None:
            entry = services.create_entry(family, request.user, catalog_id=catalog_id, child=child,
                                          state=EntryState.CONSIDERED)
        return services.attach_document(entry, request.user, form.cleaned_data["file"],
                                        title=form.cleaned_data["title"], kind=kind)

    url = reverse("servicemap:kit", args=[family.pk, catalog_id]) + (f"?barn={child.pk}" if child else "")
    return form_action(request, form, save, success=url + "#kit-items",
                       message=lambda d: _("“%(title)s” is stored. Every application that needs it can use it now.")
                       % {"title": d.title},
                       page=lambda status: _render_kit(request, family, catalog_id, child, {kind: form},
                                                       status=status))


# --------------------------------------------------------------------------------------------------
# Appeals prepared
# --------------------------------------------------------------------------------------------------


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related("entry", "entry__family", "entry__provider", "entry__child", "family")


def _application(pk: int) -> Application:
    return get_object_or_404(_applications(), pk=pk)


def _render_outline(request: HttpRequest, app: Application, *, reasons_form=None, draft_form=None,
                    status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    family = app.entry.family
    outline = appeals.build_outline(request.user, app, today)
    page_outline = outline if outline.language == page_language() else appeals.build_outline(
        request.user, app, today, language=page_language())
    draft = None
    may_draft = can(request.user, Action.VIEW, AppealDraft(family=family, municipality_id=family.municipality_id,
                                                           application=app))
    if may_draft:
        authorize(request, Action.VIEW, family, Category.WORKING_NOTES)
        draft = AppealDraft.objects.filter(application=app).first()
    can_change = can(request.user, Action.CHANGE, app)
    return render(request, "servicemap/appeal_outline.html", {
        "family": family, "app": app, "entry": app.entry, "outline": outline, "page_outline": page_outline,
        "can_change": can_change, "may_draft": may_draft, "draft": draft,
        "reasons_form": reasons_form or forms.ReasonsForm(
            prefix="reasons", initial={"decision_reasons": app.decision_reasons, "version": app.version}),
        "draft_form": draft_form or (forms.AppealDraftForm(prefix="draft", initial={"text": draft.text,
                                                                                    "version": draft.version})
                                     if draft else None),
        "appeals": list(app.appeals.all()),
        "today": today,
    }, status=status)


@access("family")
@login_required
def appeal_outline(request: HttpRequest, pk: int) -> HttpResponse:
    """The appeal outline for a refused or partly granted decision (``?format=txt`` downloads it)."""
    app = authorized_object(request, Action.VIEW, _applications(), pk=pk)
    if app.decision not in (Decision.REFUSED, Decision.PARTLY_GRANTED):
        raise Http404
    if request.GET.get("format") == "txt":
        outline = appeals.build_outline(request.user, app, timezone.localdate())
        return _text_download(outline.text, f"klage-{slugify(app.entry.catalog_id or 'vedtak')}")
    return _render_outline(request, app)


def _outline_url(app: Application, anchor: str = "") -> str:
    return reverse("servicemap:appeal_outline", args=[app.pk]) + (f"#{anchor}" if anchor else "")


@access("family")
@login_required
@require_POST
def appeal_reasons(request: HttpRequest, pk: int) -> HttpResponse:
    app = authorized_object(request, Action.CHANGE, _applications(), pk=pk)
    form = forms.ReasonsForm(request.POST, prefix="reasons")
    return form_action(request, form, lambda: services.set_decision_reasons(
        app, request.user, form.cleaned_data.get("version"), form.cleaned_data.get("decision_reasons", "")),
        success=_outline_url(app, "outline-text"), message=_("Saved. The outline is updated."),
        page=lambda status: _render_outline(request, app, reasons_form=form, status=status))


@access("family")
@login_required
@require_POST
def appeal_draft_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The barnekoordinator starts a working draft from the outline (a working note: the unit never sees it)."""
    app = _application(pk)
    family = app.entry.family
    authorize(request, Action.CHANGE, AppealDraft(family=family, municipality_id=family.municipality_id,
                                                  application=app))
    existing = AppealDraft.objects.filter(application=app).first()
    if existing is None:
        outline = appeals.build_outline(request.user, app, timezone.localdate())
        services.start_appeal_draft(app, request.user, outline.text)
    return HttpResponseRedirect(_outline_url(app, "draft"))


@access("family")
@login_required
@require_POST
def appeal_draft_save(request: HttpRequest, pk: int) -> HttpResponse:
    draft = authorized_object(request, Action.CHANGE,
                              AppealDraft.objects.select_related("application", "application__entry",
                                                                 "application__entry__family", "family"), pk=pk)
    form = forms.AppealDraftForm(request.POST, prefix="draft")
    app = draft.application
    return form_action(request, form, lambda: services.save_appeal_draft(
        draft, request.user, form.cleaned_data.get("version"), form.cleaned_data["text"]),
        success=_outline_url(app, "draft"), message=_("Your working draft is saved."),
        page=lambda status: _render_outline(request, app, draft_form=form, status=status))


# --------------------------------------------------------------------------------------------------
# Delivery
# --------------------------------------------------------------------------------------------------


@access("family")
@login_required
@require_POST
def delivery_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The family, the provider or the coordinator records what was delivered."""
    entry = authorized_object(request, Action.CHANGE, _entries(), pk=pk)
    form = forms.DeliveryForm(request.POST, prefix="delivery", entry=entry)
    return _entry_action(request, entry, form, "delivery",
                         lambda: services.record_delivery(entry, request.user, **form.cleaned_data),
                         _("The delivery is recorded."), "delivery")


@access("family")
@login_required
@require_POST
def delivery_remove(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = authorized_object(request, Action.CHANGE, Delivery.objects.select_related("entry", "family"), pk=pk)
    return act(request, lambda: services.remove_delivery(delivery, request.user),
               success=_back(delivery.entry, "delivery"), message=_("The delivery is removed."))


@access("family")
@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """"We declined it because it was not good enough", with why."""
    entry = authorized_object(request, Action.CHANGE, _entries(), pk=pk)
    form = forms.DeclineForm(request.POST, prefix="decline")
    return _entry_action(request, entry, form, "decline", lambda: services.decline_service(
        entry, request.user, form.cleaned_data.get("version"), declined_on=form.cleaned_data["declined_on"],
        reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]),
        _("Recorded that you declined it. Los no longer flags its delivery."), "delivery")


@access("family")
@login_required
@require_POST
def decline_undo(request: HttpRequest, pk: int) -> HttpResponse:
    entry = authorized_object(request, Action.CHANGE, _entries(), pk=pk)
    form = forms.FollowForm(request.POST, prefix="undo")
    return _entry_action(request, entry, form, "undo",
                         lambda: services.undo_decline(entry, request.user, form.cleaned_data.get("version")),
                         _("The service is followed again."), "delivery")


@access("family")
@login_required
@require_POST
def follow_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    entry = authorized_object(request, Action.CHANGE, _entries(), pk=pk)
    form = forms.FollowForm(request.POST, prefix="follow")
    return _entry_action(request, entry, form, "follow", lambda: services.set_follow_delivery(
        entry, request.user, form.cleaned_data.get("version"), form.cleaned_data.get("follow", False)),
        _("The changes are saved."), "delivery")


def _settings_municipality(request: HttpRequest):
    from los.accounts.models import Role

    roles = [r for r in request.user.active_roles() if r.role in (Role.CASEWORKER, Role.UNIT_LEADER)]
    municipalities = {r.municipality_id: r.municipality for r in roles
                      if decide_municipal_content(request.user, r.municipality_id).allowed}
    if not municipalities:
        raise PermissionDenied(_("This page is for the municipality’s coordinating unit."))
    chosen = municipalities.get(int(request.GET.get("kommune") or 0)) if (request.GET.get("kommune") or "").isdigit() \
        else None
    return chosen or next(iter(municipalities.values())), list(municipalities.values())


@access("staff")
@login_required
def delivery_settings(request: HttpRequest) -> HttpResponse:
    """The municipality's thresholds for flagging a granted service that is not delivered (the coordinating unit)."""
    municipality, municipalities = _settings_municipality(request)
    row = DeliverySettings.objects.filter(municipality=municipality).first()
    initial = {"weeks": row.no_delivery_weeks if row else 4, "share": row.share_percent if row else 75,
               "version": row.version if row else 0}
    form = forms.DeliverySettingsForm(request.POST or None, initial=initial, prefix="settings")
    url = reverse("servicemap:delivery_settings") + f"?kommune={municipality.pk}"
    return form_action(request, form, lambda: services.save_delivery_settings(
        municipality.pk, request.user, form.cleaned_data.get("version"), weeks=form.cleaned_data.get("weeks"),
        share=form.cleaned_data.get("share")),
        success=url, message=_("The thresholds are saved."),
        page=lambda status: render(request, "servicemap/delivery_settings.html", {
            "form": form, "municipality": municipality, "municipalities": municipalities, "row": row},
            status=status))


# --------------------------------------------------------------------------------------------------
# The plan and the meetings tied to decisions
# --------------------------------------------------------------------------------------------------


@access("family")
@login_required
def measure_decision(request: HttpRequest, measure_pk: int) -> HttpResponse:
    """Say that a plan measure needs a decision, and which service on the map holds it."""
    from los.plans.models import Measure

    measure = authorized_object(request, Action.CHANGE,
                                Measure.objects.select_related("plan", "family", "family__municipality"), pk=measure_pk)
    family = measure.family
    authorize(request, Action.CHANGE, family, Category.SERVICES)
    form = forms.MeasureLinkForm(request.POST or None, family=family, prefix="link")
    plan_url = reverse("plans:family_plan", args=[family.pk]) + f"#measure-{measure.pk}"
    if request.method == "POST" and request.POST.get("remove"):
        services.unlink_measure(measure, request.user)
        from django.contrib import messages

        messages.success(request, _("The measure no longer needs a decision."))
        return HttpResponseRedirect(plan_url)

    def save():
        choice = form.cleaned_data["entry"]
        if choice == form.CHOICE_NEW:
            return services.link_measure(measure, request.user, create=True,
                                         catalog_id=form.cleaned_data.get("catalog_id") or "")
        if choice == form.CHOICE_NONE:
            return services.link_measure(measure, request.user)
        return services.link_measure(measure, request.user, entry=choice)

    current = selectors.measure_decisions(family).get(measure.pk)
    return form_action(request, form, save, success=plan_url, message=_("The measure is tied to the service map."),
                       page=lambda status: render(request, "servicemap/measure_decision.html", {
                           "family": family, "measure": measure, "form": form, "current": current},
                           status=status))


@access("family")
@login_required
def agreement_application(request: HttpRequest, decision_pk: int) -> HttpResponse:
    """An agreement in a meeting that needs an application becomes one in one step (one form: which right or
    service, and the date if it is already sent)."""
    from los.meetings.models import Decision as Agreement

    agreement = authorized_object(request, Action.VIEW,
                                  Agreement.objects.select_related("meeting", "family", "family__municipality"),
                                  pk=decision_pk)
    family = agreement.family
    authorize(request, Action.CHANGE, family, Category.SERVICES)
    existing = selectors.agreement_links([agreement.pk]).get(agreement.pk)
    if existing is not None:
        return HttpResponseRedirect(reverse("servicemap:entry_detail", args=[existing.entry_id]))
    form = forms.AgreementApplicationForm(request.POST or None, prefix="agreement")
    return form_action(request, form, lambda: services.agreement_to_application(
        agreement, request.user, catalog_id=form.cleaned_data.get("catalog_id") or "",
        sent_on=form.cleaned_data.get("sent_on")),
        success=lambda link: reverse("servicemap:entry_detail", args=[link.entry_id]),
        message=_("The agreement is on the service map. Its application kit is ready."),
        page=lambda status: render(request, "servicemap/agreement_application.html", {
            "family": family, "agreement": agreement, "form": form}, status=status))
