"""Pages for transitions, the timeline, handover summaries and moves. Thin: load, ``authorize`` through the access
policy, call a service or a selector, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from los.access.guard import access, authorize, record_list_view
from los.access.models import Category, FamilyTransfer
from los.access.policy import Action, can, visible_families
from los.families.models import Family
from los.transitions import handover, pdf, selectors, services, timeline, transfer
from los.transitions.forms import (
    ChecklistItemForm,
    ChecklistToggleForm,
    ChildViewForm,
    CloseForm,
    HandoverForm,
    ImportForm,
    MeetingForm,
    OpenPlanForm,
    PlanEditForm,
    SettingsForm,
    TaskForm,
    TimelineFilterForm,
    TransferForm,
    VersionForm,
)
from los.transitions.models import (
    ChecklistItem,
    FamilyImport,
    HandoverSummary,
    PlanStatus,
    ReceiverKind,
    TransitionPlan,
    TransitionSettings,
    TransitionTask,
)

TIMELINE_PAGE_SIZE = 50
FAMILY_SIDE = frozenset({"guardian", "young_person"})


def _family(pk: int) -> Family:
    return get_object_or_404(Family.objects.select_related("municipality"), pk=pk)


def _plan(pk: int) -> TransitionPlan:
    return get_object_or_404(TransitionPlan.objects.select_related("family__municipality", "child", "owner",
                                                                   "receiving_provider", "meeting"), pk=pk)


def _new_plan(family: Family) -> TransitionPlan:
    return TransitionPlan(family=family, municipality_id=family.municipality_id)


def _plan_url(plan: TransitionPlan, anchor: str = "") -> str:
    url = reverse("transitions:plan", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the family's transitions ---------------------------------------------------------------------------

@access("family")
@login_required
def family(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = _family(family_pk)
    decision = authorize(request, Action.VIEW, family, Category.PLAN)
    user = request.user
    context = selectors.family_page(family)
    context["summaries"] = _readable_summaries(user, context["summaries"])
    return render(request, "transitions/family.html", {
        "family": family, **context,
        "can_change": can(user, Action.CHANGE, _new_plan(family)),
        "can_share": can(user, Action.CHANGE, HandoverSummary(family=family, municipality_id=family.municipality_id)),
        "can_see_sharing": can(user, Action.VIEW, family, Category.CONSENTS),
        "family_side": decision.basis in FAMILY_SIDE,
        "today": timezone.localdate(),
    })


@access("family")
@login_required
@require_POST
def plan_open(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = _family(family_pk)
    authorize(request, Action.CHANGE, _new_plan(family))
    form = OpenPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the transition to plan."))
        return redirect("transitions:family", family.pk)
    try:
        plan = services.open_plan_now(family, form.cleaned_data["key"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("transitions:family", family.pk)
    messages.success(request, _("The transition plan is open, with a checklist and tasks."))
    return redirect("transitions:plan", plan.pk)


def _readable_summaries(user: Any, summaries: list[HandoverSummary]) -> list[HandoverSummary]:
    """The handover summaries the user may open: those made for them, and all of them for who sees the sharing."""
    return [s for s in summaries if can(user, Action.VIEW, s, handover.reading_category(user, s))]


# --- one plan ------------------------------------------------------------------------------------------

def _plan_context(request: HttpRequest, plan: TransitionPlan, **forms) -> dict:
    user = request.user
    can_change = can(user, Action.CHANGE, plan)
    context = selectors.plan_page(plan)
    context["summaries"] = _readable_summaries(user, context["summaries"])
    owners = selectors.task_owner_choices(plan) if can_change else []
    for task in context["open_tasks"]:
        task.can_mark_done = can(user, Action.CHANGE, task)
    return {
        "family": plan.family, "plan": plan, **context,
        "can_change": can_change,
        "can_toggle": can_change and plan.is_open,
        "can_contribute": can(user, Action.CONTRIBUTE, plan),
        "can_share": can(user, Action.CHANGE, HandoverSummary(family=plan.family,
                                                              municipality_id=plan.municipality_id)),
        "edit_form": forms.get("edit_form") or PlanEditForm(plan=plan, initial={
            "version": plan.version, "child_view": plan.child_view, "notes": plan.notes,
            "receiving_provider": plan.receiving_provider_id}),
        "child_form": forms.get("child_form") or ChildViewForm(initial={"version": plan.version,
                                                                        "child_view": plan.child_view}),
        "item_form": forms.get("item_form") or ChecklistItemForm(),
        "task_form": forms.get("task_form") or TaskForm(owners=owners, plan=plan),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
        "close_form": forms.get("close_form") or CloseForm(initial={"version": plan.version,
                                                                    "what_worked": plan.what_worked}),
        "meetings_available": services.meetings_available(),
        "today": timezone.localdate(),
    }


def _render_plan(request: HttpRequest, plan: TransitionPlan, status: int = 200, **forms) -> HttpResponse:
    return render(request, "transitions/plan.html", _plan_context(request, plan, **forms), status=status)


@access("family")
@login_required
def plan(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = _plan(transition_plan_pk)
    authorize(request, Action.VIEW, plan)
    return _render_plan(request, plan)


@access("family")
@login_required
@require_POST
def plan_edit(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = _plan(transition_plan_pk)
    authorize(request, Action.CHANGE, plan)
    form = PlanEditForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_plan(plan, by=request.user, version=data["version"], child_view=data["child_view"],
                                 notes=data["notes"], receiving_provider=data["receiving_provider"])
        except services.StaleVersionError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect(_plan_url(plan, "about"))
    return _render_plan(request, plan, status=400, edit_form=form)


@access("family")
@login_required
@require_POST
def child_view(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = _plan(transition_plan_pk)
    authorize(request, Action.CONTRIBUTE, plan)
    form = ChildViewForm(request.POST)
    if form.is_valid():
        try:
            services.save_child_view(plan, by=request.user, version=form.cleaned_data["version"],
                                     child_view=form.cleaned_data["child_view"])
        except services.StaleVersionError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("What the child says is saved."))
            return redirect(_plan_url(plan, "child"))
    return _render_plan(request, plan, status=400, child_form=form)


@access("family")
@login_required
@require_POST
def checklist_toggle(request: HttpRequest, checklist_item_pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem.objects.select_related("plan__family"), pk=checklist_item_pk)
    authorize(request, Action.CHANGE, item)
    form = ChecklistToggleForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            item = services.set_checklist_item(item, by=request.user, done=form.cleaned_data["done"],
                                               version=form.cleaned_data["version"])
        except services.StaleVersionError as exc:
            error = str(exc)
            item.refresh_from_db()
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Something went wrong. Reload the page and try again.")
    if request.htmx:
        return render(request, "transitions/_checklist_item.html", {"item": item, "can_change": True,
                                                                    "error": error})
    if error:
        messages.error(request, error)
    return redirect(_plan_url(item.plan, f"item-{item.pk}"))


@access("family")
@login_required
@require_POST
def checklist_add(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = _plan(transition_plan_pk)
    authorize(request, Action.CHANGE, plan)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_checklist_item(plan, by=request.user, group=form.cleaned_data["group"],
                                        text=form.cleaned_data["text"])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The line is added to the checklist."))
            return redirect(_plan_url(plan, "checklist"))
    return _render_plan(request, plan, status=400, item_form=form)


@access("family")
@login_required
@require_POST
def task_add(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = _plan(transition_plan_pk)
    authorize(request, Action.CHANGE, plan)
    form = TaskForm(request.POST, owners=selectors.task_owner_choices(plan), plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_task(plan, by=request.user, text=data["text"], owner=data["owner"],
                              owner_provider=data["owner_provider"], due_date=data["due_date"])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The task is added."))
            return redirect(_plan_url(plan, "tasks"))
    return _render_plan(request, plan, status=400, task_form=form)


@access("family")
@login_required
@require_POST
def task_done(request: HttpRequest, transition_task_pk: int) -> HttpResponse:
    task = get_object_or_404(TransitionTask.objects.select_related("plan__family"), pk=transition_task_pk)
    authorize(request, Action.CHANGE, task)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.set_task_done(task, by=request.user, done=True, version=version)
    except services.StaleVersionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The task is marked as done."))
    return redirect(_plan_url(task.plan, "tasks"))


@access("family")
@login_required
@require_POST
def meeting(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = _plan(transition_plan_pk)
    authorize(request, Action.CHANGE, plan)
    if not services.meetings_available():
        raise Http404
    from los.meetings.models import Meeting

    authorize(request, Action.CHANGE, Meeting(family=plan.family, municipality_id=plan.municipality_id))
    form = MeetingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.schedule_transition_meeting(
                plan, by=request.user, starts_at=form.starts_at(), ends_at=form.ends_at(), place=data["place"],
                video_link=data["video_link"], phone=data["phone"])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The transition meeting is scheduled. The coordination group gets an "
                                        "invitation by e-mail."))
            del meeting
            return redirect(_plan_url(plan, "meeting"))
    return _render_plan(request, plan, status=400, meeting_form=form)


@access("family")
@login_required
@require_POST
def plan_close(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = _plan(transition_plan_pk)
    authorize(request, Action.CHANGE, plan)
    form = CloseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.close_plan(plan, by=request.user, version=data["version"], status=data["status"],
                                what_worked=data["what_worked"])
        except services.StaleVersionError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The transition plan is closed. What worked is kept for the next time."))
            return redirect(_plan_url(plan))
    return _render_plan(request, plan, status=400, close_form=form)


@access("family")
@login_required
@require_POST
def plan_reopen(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = _plan(transition_plan_pk)
    authorize(request, Action.CHANGE, plan)
    form = VersionForm(request.POST)
    try:
        services.reopen_plan(plan, by=request.user, version=form.cleaned_data["version"] if form.is_valid() else None)
    except services.StaleVersionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The transition plan is open again."))
    return redirect(_plan_url(plan))


# --- the timeline --------------------------------------------------------------------------------------

@access("family")
@login_required
def family_timeline(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = _family(family_pk)
    authorize(request, Action.VIEW, family, Category.CASE)
    sources = timeline.sources()
    form = TimelineFilterForm(request.GET or None, kinds=selectors.timeline_kinds(request.user, family, sources))
    kinds, since, until = [], None, None
    if form.is_bound and form.is_valid():
        kinds, since, until = form.cleaned_data["kinds"], form.cleaned_data["since"], form.cleaned_data["until"]
    result = selectors.timeline_for(request.user, family, kinds=kinds, since=since, until=until, sources=sources)
    page = Paginator(result.events, TIMELINE_PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(request, "transitions/timeline.html", {
        "family": family, "form": form, "page": page, "timeline": result, "query": query.urlencode(),
        "filtered": bool(kinds or since or until),
    })


# --- handover summaries ----------------------------------------------------------------------------------

@access("family")
@login_required
def handover_new(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = _family(family_pk)
    authorize(request, Action.CHANGE, HandoverSummary(family=family, municipality_id=family.municipality_id))
    initial = {}
    plan_pk = request.GET.get("plan")
    if plan_pk and plan_pk.isdigit():
        initial["plan"] = int(plan_pk)
        found = TransitionPlan.objects.filter(pk=plan_pk, family=family).first()
        if found is not None:
            initial["receiver_kind"] = {"turning_18": ReceiverKind.ADULT_SERVICES, "move": ReceiverKind.RECEIVING_UNIT,
                                        "new_coordinator": ReceiverKind.NEW_COORDINATOR}.get(
                found.kind, ReceiverKind.RECEIVING_SCHOOL)
            if found.receiving_provider_id:
                initial["receiver_provider"] = found.receiving_provider_id
    form = HandoverForm(request.POST or None, family=family, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = TransitionPlan.objects.filter(pk=data["plan"], family=family).first() if data.get("plan") else None
        try:
            summary = handover.create_summary(
                family, by=request.user, receiver_kind=data["receiver_kind"], receiver_user=data["receiver_user"],
                receiver_provider=data["receiver_provider"], note=data["note"], plan=plan, request=request)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The handover summary is shared with %(receiver)s. Only what the family's "
                                        "consent covers is included.") % {"receiver": summary.receiver_name})
            return redirect("transitions:handover", summary.pk)
    return render(request, "transitions/handover_form.html", {"family": family, "form": form},
                  status=400 if form.errors else 200)


def _summary(pk: int) -> HandoverSummary:
    return get_object_or_404(HandoverSummary.objects.select_related(
        "family__municipality", "receiver_user", "receiver_provider", "created_by", "plan__child"), pk=pk)


@access("family")
@login_required
def handover_detail(request: HttpRequest, handover_summary_pk: int) -> HttpResponse:
    summary_row = _summary(handover_summary_pk)
    authorize(request, Action.VIEW, summary_row, handover.reading_category(request.user, summary_row))
    built = handover.build_summary(summary_row.family, handover.Receiver.of(summary_row), reader=request.user)
    return render(request, "transitions/handover.html", {
        "family": summary_row.family, "record": summary_row, "summary": built,
        "can_export": can(request.user, Action.EXPORT, summary_row,
                          handover.reading_category(request.user, summary_row)),
        "is_receiver": handover.is_receiver(request.user, summary_row),
    })


@access("family")
@login_required
def handover_pdf(request: HttpRequest, handover_summary_pk: int) -> HttpResponse:
    summary_row = _summary(handover_summary_pk)
    authorize(request, Action.EXPORT, summary_row, handover.reading_category(request.user, summary_row))
    built = handover.build_summary(summary_row.family, handover.Receiver.of(summary_row), reader=request.user)
    response = HttpResponse(pdf.summary_pdf(built, summary_row), content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="overleveringssammendrag-'
                                       f'{slugify(summary_row.family.display_name)}-{summary_row.pk}.pdf"')
    response["Cache-Control"] = "no-store"
    return response


@access("family")
@login_required
def family_summary(request: HttpRequest, family_pk: int) -> HttpResponse:
    """What the reader needs to know about the family: the handover summary as the policy lets them read it.
    The receiving side of a move lands here first."""
    family = _family(family_pk)
    authorize(request, Action.VIEW, family, Category.CASE)
    receiver = handover.Receiver(ReceiverKind.RECEIVING_UNIT, request.user, None)
    built = handover.build_summary(family, receiver, reader=request.user)
    return render(request, "transitions/summary.html", {
        "family": family, "summary": built,
        "imported": FamilyImport.objects.filter(family=family).select_related("imported_by").first(),
    })


# --- moving municipality ---------------------------------------------------------------------------------

@access("family")
@login_required
def move(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = _family(family_pk)
    authorize(request, Action.VIEW, family, Category.CASE)
    may_record = can(request.user, Action.CHANGE, FamilyTransfer(family=family, municipality_id=family.municipality_id))
    form = TransferForm(request.POST or None, family=family) if may_record else None
    if request.method == "POST":
        authorize(request, Action.CHANGE, FamilyTransfer(family=family, municipality_id=family.municipality_id))
        if form.is_valid():
            from los.access import services as access_services

            data = form.cleaned_data
            try:
                access_services.record_family_transfer(
                    family=family, to_municipality=data["to_municipality"], consented_by=data["consented_by"],
                    handover_date=data["handover_date"], recorded_by=request.user, note=data["note"],
                    request=request)
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, _("The move is recorded with the family's consent. The family's record can "
                                            "now be handed over."))
                return redirect("transitions:move", family.pk)
    active = transfer.active_transfer(family)
    return render(request, "transitions/move.html", {
        "family": family, "form": form, "active": active,
        "transfers": FamilyTransfer.objects.filter(family=family).select_related(
            "to_municipality", "consented_by", "recorded_by").order_by("-created_at"),
        "exports": family.transition_exports.select_related("exported_by"),
        "can_export": can(request.user, Action.EXPORT, family),
        "excluded": transfer.EXCLUDED,
    }, status=400 if form is not None and form.errors else 200)


@access("family")
@login_required
@require_POST
def move_export(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = _family(family_pk)
    authorize(request, Action.EXPORT, family)
    try:
        package, _export = transfer.export_package(family, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("transitions:move", family.pk)
    response = HttpResponse(transfer.package_bytes(package), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="familiepakke-{slugify(family.reference)}-'
                                       f'{date.today().isoformat()}.json"')
    response["Cache-Control"] = "no-store"
    return response


# --- the coordinating unit --------------------------------------------------------------------------------

@access("family_list")
@login_required
def unit(request: HttpRequest) -> HttpResponse:
    """Moves into the unit's municipality: recorded moves it can see, and records received."""
    municipalities = transfer.import_municipalities(request.user)
    ids = [m.pk for m in municipalities]
    visible = visible_families(request.user)
    incoming = (FamilyTransfer.objects.filter(to_municipality_id__in=ids, cancelled_at__isnull=True, family__in=visible)
                .select_related("family", "from_municipality", "to_municipality").order_by("-date"))
    imports = (FamilyImport.objects.filter(municipality_id__in=ids, family__in=visible)
               .select_related("family", "imported_by").order_by("-imported_at"))
    record_list_view(request, "transition_moves", ids[0] if len(ids) == 1 else None)
    return render(request, "transitions/unit.html", {
        "municipalities": municipalities, "incoming": incoming, "imports": imports,
        "form": ImportForm(municipalities=municipalities) if municipalities else None,
    })


@access("staff")
@login_required
def unit_import(request: HttpRequest) -> HttpResponse:
    municipalities = transfer.import_municipalities(request.user)
    if not municipalities:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["package"]
        try:
            if upload.size > transfer.MAX_PACKAGE_BYTES:
                raise transfer.TransferError(_("The file is too large to be a family package."))
            package = transfer.parse(upload.read())
            result = transfer.import_package(package, by=request.user, municipality=form.cleaned_data["municipality"],
                                             request=request)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The family's record is received. Read the handover summary first: the family "
                                        "should not have to tell its story again."))
            return redirect("transitions:summary", result.family.pk)
    return render(request, "transitions/import.html", {"form": form}, status=400 if form.errors else 200)


@access("staff")
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    municipalities = services.settings_municipalities(request.user)
    if not municipalities:
        raise Http404
    municipality = municipalities[0]
    current = TransitionSettings.for_municipality(municipality.pk)
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    initial["version"] = current.version if current.pk else None
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_settings(municipality, by=request.user, version=data.pop("version"), **data)
        except services.StaleVersionError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The settings are saved. New transition plans open as set here."))
            return redirect("transitions:settings")
    return render(request, "transitions/settings.html", {"form": form, "municipality": municipality},
                  status=400 if form.errors else 200)


@access("family_list")
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Open transition plans in the families the user may see the plans of, and the user's own tasks."""
    plans = list(selectors.my_plans(request.user)[:200])
    tasks = selectors.my_tasks(request.user)
    record_list_view(request, "transition_plans")
    today = timezone.localdate()
    for task in tasks:
        task.overdue = task.is_overdue_on(today)
    return render(request, "transitions/overview.html", {
        "plans": [p for p in plans if p.owner_id == request.user.pk] or plans,
        "mine_only": any(p.owner_id == request.user.pk for p in plans),
        "tasks": tasks, "today": today, "open_status": PlanStatus.OPEN,
    })
