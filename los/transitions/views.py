"""Pages for transitions, the timeline, handover summaries and moves. Thin: load, ``authorize`` through the access
policy, call a service or a selector, render."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from los.access import audit
from los.access.guard import access, authorize, record_list_view
from los.access.models import AuditAction, Category, FamilyTransfer
from los.access.policy import Action, can, decide, visible_families
from los.core.downloads import file_response
from los.core.forms import ConflictError, act, error_text, form_action
from los.core.models import Municipality
from los.families.models import Family
from los.families.navigation import FAMILY_SIDE_BASES
from los.families.selectors import authorized_family, authorized_object, family_or_404
from los.transitions import handover, pdf, selectors, services, timeline, transfer
from los.transitions.forms import (
    ChecklistItemForm,
    ChecklistToggleForm,
    ChildViewForm,
    CloseForm,
    HandoverForm,
    ImportConfirmForm,
    ImportForm,
    MeetingForm,
    MoveAnswerForm,
    OpenPlanForm,
    PaperConfirmationForm,
    PlanEditForm,
    ProposeMoveForm,
    SettingsForm,
    TaskForm,
    TimelineFilterForm,
    VersionForm,
)
from los.transitions.models import (
    ChecklistItem,
    FamilyImport,
    HandoverSummary,
    MoveProposal,
    MoveStatus,
    PlanStatus,
    ReceiverKind,
    TransitionPlan,
    TransitionSettings,
    TransitionTask,
)

TIMELINE_PAGE_SIZE = 50


def _plans() -> QuerySet[TransitionPlan]:
    return TransitionPlan.objects.select_related("family__municipality", "child", "owner", "receiving_provider",
                                                 "meeting")


def _new_plan(family: Family) -> TransitionPlan:
    return TransitionPlan(family=family, municipality_id=family.municipality_id)


def _plan_url(plan: TransitionPlan, anchor: str = "") -> str:
    url = reverse("transitions:plan", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the family's transitions ---------------------------------------------------------------------------

@access("family")
@login_required
def family(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = family_or_404(family_pk)
    decision = authorize(request, Action.VIEW, family, Category.PLAN)
    user = request.user
    context = selectors.family_page(family)
    context["summaries"] = _readable_summaries(user, context["summaries"])
    return render(request, "transitions/family.html", {
        "family": family, **context,
        "can_change": can(user, Action.CHANGE, _new_plan(family)),
        "can_share": can(user, Action.CHANGE, HandoverSummary(family=family, municipality_id=family.municipality_id)),
        "can_see_sharing": can(user, Action.VIEW, family, Category.CONSENTS),
        "family_side": decision.basis in FAMILY_SIDE_BASES,
        "today": timezone.localdate(),
    })


@access("family")
@login_required
@require_POST
def plan_open(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = family_or_404(family_pk)
    authorize(request, Action.CHANGE, _new_plan(family))
    form = OpenPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the transition to plan."))
        return redirect("transitions:family", family.pk)
    return act(request, lambda: services.open_plan_now(family, form.cleaned_data["key"], by=request.user),
               success=lambda plan: reverse("transitions:plan", args=[plan.pk]),
               failure=reverse("transitions:family", args=[family.pk]),
               message=_("The transition plan is open, with a checklist and tasks."))


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


def _plan_action(request: HttpRequest, plan: TransitionPlan, form, key: str, save, message: str,
                 anchor: str = "") -> HttpResponse:
    """A form on the plan's page: on success back to the page (at ``anchor``), else the page with this form
    (``key``) and its messages."""
    return form_action(request, form, save, success=_plan_url(plan, anchor), message=message,
                       page=lambda status: _render_plan(request, plan, status=status, **{key: form}))


@access("family")
@login_required
def plan(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = authorized_object(request, Action.VIEW, _plans(), pk=transition_plan_pk)
    return _render_plan(request, plan)


def _plan_form_view(form_class: type, key: str, service: Callable[..., Any], message: str, anchor: str = "", *,
                    action: Action = Action.CHANGE,
                    form_kwargs: Callable[[TransitionPlan], dict] = lambda plan: {}) -> Callable:
    """The view of a form on the plan's page whose values go to ``service(plan, by=user, **values)``: the user
    needs ``action`` on the plan; see :func:`_plan_action`."""

    @access("family")
    @login_required
    @require_POST
    def view(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
        plan = authorized_object(request, action, _plans(), pk=transition_plan_pk)
        form = form_class(request.POST, **form_kwargs(plan))
        return _plan_action(request, plan, form, key,
                            lambda: service(plan, by=request.user, **form.cleaned_data), message, anchor)

    return view


plan_edit = _plan_form_view(PlanEditForm, "edit_form", services.update_plan, gettext_lazy("The plan is saved."),
                            "about", form_kwargs=lambda plan: {"plan": plan})
child_view = _plan_form_view(ChildViewForm, "child_form", services.save_child_view,
                             gettext_lazy("What the child says is saved."), "child", action=Action.CONTRIBUTE)
checklist_add = _plan_form_view(ChecklistItemForm, "item_form", services.add_checklist_item,
                                gettext_lazy("The line is added to the checklist."), "checklist")
task_add = _plan_form_view(TaskForm, "task_form", services.add_task, gettext_lazy("The task is added."), "tasks",
                           form_kwargs=lambda plan: {"owners": selectors.task_owner_choices(plan), "plan": plan})
plan_close = _plan_form_view(CloseForm, "close_form", services.close_plan,
                             gettext_lazy("The transition plan is closed. What worked is kept for the next time."))


@access("family")
@login_required
@require_POST
def checklist_toggle(request: HttpRequest, checklist_item_pk: int) -> HttpResponse:
    item = authorized_object(request, Action.CHANGE, ChecklistItem.objects.select_related("plan__family"),
                             pk=checklist_item_pk)
    form = ChecklistToggleForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            item = services.set_checklist_item(item, by=request.user, done=form.cleaned_data["done"],
                                               version=form.cleaned_data["version"])
        except ConflictError as exc:
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


def _posted_version(request: HttpRequest) -> int | None:
    """The version a button's form was opened at (``None`` when it is missing: the service then checks nothing)."""
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


@access("family")
@login_required
@require_POST
def task_done(request: HttpRequest, transition_task_pk: int) -> HttpResponse:
    task = authorized_object(request, Action.CHANGE, TransitionTask.objects.select_related("plan__family"),
                             pk=transition_task_pk)
    version = _posted_version(request)
    return act(request, lambda: services.set_task_done(task, by=request.user, done=True, version=version),
               success=_plan_url(task.plan, "tasks"), message=_("The task is marked as done."))


@access("family")
@login_required
@require_POST
def meeting(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = authorized_object(request, Action.CHANGE, _plans(), pk=transition_plan_pk)
    if not services.meetings_available():
        raise Http404
    from los.meetings.models import Meeting

    authorize(request, Action.CHANGE, Meeting(family=plan.family, municipality_id=plan.municipality_id))
    form = MeetingForm(request.POST)

    def save():
        data = form.cleaned_data
        return services.schedule_transition_meeting(
            plan, by=request.user, starts_at=form.starts_at(), ends_at=form.ends_at(), place=data["place"],
            video_link=data["video_link"], phone=data["phone"])

    return _plan_action(request, plan, form, "meeting_form", save,
                        _("The transition meeting is scheduled. The coordination group gets an invitation by "
                          "e-mail."), "meeting")


@access("family")
@login_required
@require_POST
def plan_reopen(request: HttpRequest, transition_plan_pk: int) -> HttpResponse:
    plan = authorized_object(request, Action.CHANGE, _plans(), pk=transition_plan_pk)
    version = _posted_version(request)
    return act(request, lambda: services.reopen_plan(plan, by=request.user, version=version),
               success=_plan_url(plan), message=_("The transition plan is open again."))


# --- the timeline --------------------------------------------------------------------------------------

@access("family")
@login_required
def family_timeline(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = authorized_family(request, family_pk, Action.VIEW, Category.CASE)
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
    family = family_or_404(family_pk)
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

    def save():
        data = form.cleaned_data
        plan = TransitionPlan.objects.filter(pk=data["plan"], family=family).first() if data.get("plan") else None
        return handover.create_summary(
            family, by=request.user, receiver_kind=data["receiver_kind"], receiver_user=data["receiver_user"],
            receiver_provider=data["receiver_provider"], note=data["note"], plan=plan, request=request)

    return form_action(
        request, form, save, success=lambda summary: reverse("transitions:handover", args=[summary.pk]),
        message=lambda summary: _("The handover summary is shared with %(receiver)s. Only what the family's consent "
                                  "covers is included.") % {"receiver": summary.receiver_name},
        page=lambda status: render(request, "transitions/handover_form.html", {"family": family, "form": form},
                                   status=status))


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
    return file_response(pdf.summary_pdf(built, summary_row), "application/pdf",
                         f"overleveringssammendrag-{slugify(summary_row.family.display_name)}-{summary_row.pk}.pdf",
                         inline=True)


@access("family")
@login_required
def family_summary(request: HttpRequest, family_pk: int) -> HttpResponse:
    """What the reader needs to know about the family: the handover summary as the policy lets them read it.
    The receiving side of a move lands here first."""
    family = authorized_family(request, family_pk, Action.VIEW, Category.CASE)
    receiver = handover.Receiver(ReceiverKind.RECEIVING_UNIT, request.user, None)
    built = handover.build_summary(family, receiver, reader=request.user)
    return render(request, "transitions/summary.html", {
        "family": family, "summary": built,
        "imported": FamilyImport.objects.filter(family=family).select_related("imported_by").first(),
    })


# --- moving municipality ---------------------------------------------------------------------------------

def _move_probe(family: Family) -> MoveProposal:
    return MoveProposal(family=family, municipality_id=family.municipality_id)


def _proposal(family_pk: int, pk: int) -> tuple[Family, MoveProposal]:
    """The family of the address and its move proposal ``pk``, or a 404."""
    family = family_or_404(family_pk)
    return family, get_object_or_404(MoveProposal.objects.select_related("family__municipality", "to_municipality",
                                                                         "transfer"), pk=pk, family=family)


def _render_move(request: HttpRequest, family: Family, *, form: ProposeMoveForm | None = None,
                 paper_form: PaperConfirmationForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    see_moves = can(user, Action.VIEW, family, Category.CONSENTS)
    current = services.open_move(family) if see_moves else None
    may_propose = can(user, Action.CHANGE, _move_probe(family))
    may_record_paper = bool(current and current.status == MoveStatus.PROPOSED
                            and decide(user, Action.CHANGE, current).basis == "coordinator")
    return render(request, "transitions/move.html", {
        "family": family, "current": current, "see_moves": see_moves,
        "family_side": decide(user, Action.VIEW, family).basis in FAMILY_SIDE_BASES,
        "form": (form or ProposeMoveForm(family=family)) if may_propose and current is None else None,
        "paper_form": (paper_form or PaperConfirmationForm(family=family)) if may_record_paper else None,
        "paper_text": services.move_text(current, giver_name=_("The guardian who signs below"))
        if may_record_paper else "",
        "can_withdraw": bool(current and can(user, Action.CHANGE, current)),
        "proposals": list(family.move_proposals.select_related(
            "to_municipality", "proposed_by", "answered_by_member", "recorded_by", "withdrawn_by"))
        if see_moves else [],
        "exports": family.transition_exports.select_related("exported_by") if see_moves else [],
        "can_export": bool(current and current.status == MoveStatus.CONFIRMED
                           and transfer.exporting_decision(user, family)),
        "sent": transfer.what_is_sent(), "stays": transfer.what_stays(),
    }, status=status)


@access("family")
@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The move as the unit and the barnekoordinator see it: propose a move, see the family's answer, hand the
    record over once the family has confirmed."""
    family = authorized_family(request, family_pk, Action.VIEW, Category.CASE)
    if request.method != "POST":
        return _render_move(request, family)
    authorize(request, Action.CHANGE, _move_probe(family))
    form = ProposeMoveForm(request.POST, family=family)

    def save():
        data = form.cleaned_data
        return services.propose_move(family, by=request.user, to_municipality=data["to_municipality"],
                                     handover_date=data["handover_date"], note=data["note"], request=request)

    return form_action(
        request, form, save, success=reverse("transitions:move", args=[family.pk]),
        message=_("The move is proposed. The family reads what will be sent and confirms or declines in its own "
                  "pages; nothing is handed over before they confirm."),
        page=lambda status: _render_move(request, family, form=form, status=status))


@access("family")
@login_required
@require_POST
def move_paper(request: HttpRequest, family_pk: int, move_proposal_pk: int) -> HttpResponse:
    """The family's barnekoordinator records a confirmation a guardian signed on paper."""
    family, proposal = _proposal(family_pk, move_proposal_pk)
    authorize(request, Action.CHANGE, proposal)
    form = PaperConfirmationForm(request.POST, family=family)
    return form_action(
        request, form,
        lambda: services.record_paper_confirmation(proposal, by=request.user, member=form.cleaned_data["member"],
                                                   signed_on=form.cleaned_data["signed_on"], request=request),
        success=reverse("transitions:move", args=[family.pk]),
        message=_("The confirmation signed on paper is recorded. The family's record can now be handed over."),
        page=lambda status: _render_move(request, family, paper_form=form, status=status))


@access("family")
@login_required
@require_POST
def move_withdraw(request: HttpRequest, family_pk: int, move_proposal_pk: int) -> HttpResponse:
    """Withdraw a proposed or confirmed move: the unit, or the family withdrawing its confirmation."""
    family, proposal = _proposal(family_pk, move_proposal_pk)
    family_answers = decide(request.user, Action.SHARE, proposal).allowed
    authorize(request, Action.SHARE if family_answers else Action.CHANGE, proposal)
    return act(request, lambda: services.withdraw_move(proposal, by=request.user, request=request),
               success=reverse("transitions:move_answer" if family_answers else "transitions:move", args=[family.pk]),
               message=_("The move is withdrawn. The new municipality no longer sees the family through it."))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@access("family")
@login_required
@require_http_methods(["GET", "POST"])
def move_answer(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The family's own page about a proposed move: what will be sent, what stays, and the answer."""
    family = authorized_family(request, family_pk, Action.VIEW, Category.CONSENTS)
    proposal = services.open_move(family)
    from los.access import services as access_services

    member = access_services.consenting_member(request.user, family)
    may_answer = bool(proposal and member and can(request.user, Action.SHARE, proposal))
    text = services.move_text(proposal, giver_name=f"{member.given_name} {member.family_name}") \
        if proposal and member else ""
    form = MoveAnswerForm(initial={"text_digest": _digest(text)}) if text else None
    status = 200
    if request.method == "POST":
        if proposal is None:
            messages.error(request, _("There is no move to answer. Reload the page."))
            return redirect("transitions:move_answer", family.pk)
        authorize(request, Action.SHARE, proposal)
        answer = request.POST.get("answer")
        try:
            if answer == "decline":
                services.decline_move(proposal, by=request.user, request=request)
                messages.success(request, _("You have declined the move. Your record is not handed over."))
                return redirect("transitions:move_answer", family.pk)
            form = MoveAnswerForm(request.POST)
            if form.is_valid():
                if form.cleaned_data["text_digest"] != _digest(text):
                    messages.warning(request, _("The text has changed since you opened the page. Read it again "
                                                "before you confirm."))
                    form = MoveAnswerForm(initial={"text_digest": _digest(text)})
                else:
                    services.confirm_move(proposal, by=request.user, text_shown=text, request=request)
                    messages.success(request, _("Thank you. The move is confirmed, and your record can be handed "
                                                "over to the new municipality."))
                    return redirect("transitions:move_answer", family.pk)
            status = 400
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("transitions:move_answer", family.pk)
    return render(request, "transitions/move_answer.html", {
        "family": family, "proposal": proposal, "may_answer": may_answer, "text": text, "form": form,
        "sent": transfer.what_is_sent(), "stays": transfer.what_stays(),
        "can_withdraw": bool(proposal and proposal.status == MoveStatus.CONFIRMED and may_answer),
        "answered": family.move_proposals.exclude(status=MoveStatus.PROPOSED).select_related(
            "to_municipality", "answered_by_member", "recorded_by")[:10],
    }, status=status)


@access("family")
@login_required
@require_POST
def move_export(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = authorized_family(request, family_pk, Action.EXPORT)
    try:
        data, export = transfer.export_package(family, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("transitions:move", family.pk)
    del export
    return file_response(data, "application/json; charset=utf-8",
                         f"familiepakke-{slugify(family.reference)}-{timezone.localdate().isoformat()}.json")


# --- the coordinating unit --------------------------------------------------------------------------------

PENDING_PACKAGE = "los_family_package"


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


def _audit_package(request: HttpRequest, verified: transfer.VerifiedPackage, municipality_id: int,
                   what: str) -> None:
    package = verified.package
    audit.record(actor=request.user, action=AuditAction.VIEW, object_type="FamilyPackage",
                 object_id=str(package.get("package_id", ""))[:40], municipality_id=municipality_id,
                 category=Category.CASE, role=transfer._role(request.user), request=request,
                 reason=f"family package {what}: from {verified.sender.name} "
                        f"({package['source']['municipality'].get('name', '')}), package {verified.sha256[:12]}")


def _forget_pending(request: HttpRequest) -> None:
    pending = request.session.pop(PENDING_PACKAGE, None)
    if isinstance(pending, dict):
        transfer.discard(pending.get("token", ""))


def _pending(request: HttpRequest) -> tuple[dict, transfer.VerifiedPackage, Municipality]:
    """The package this person uploaded for preview, verified again; a ValidationError when it is gone."""
    pending = request.session.get(PENDING_PACKAGE)
    municipalities = {m.pk: m for m in transfer.import_municipalities(request.user)}
    if not isinstance(pending, dict) or pending.get("municipality") not in municipalities:
        raise transfer.TransferError(_("No package is waiting. Upload the family package again."))
    raw = transfer.staged(pending.get("token", ""))
    if raw is None:
        raise transfer.TransferError(_("The uploaded package is no longer kept here. Upload it again."))
    verified = transfer.open_package(raw)
    if verified.sha256 != pending.get("sha256"):
        raise transfer.TransferError(_("The package is not the one you uploaded. Upload it again."))
    return pending, verified, municipalities[pending["municipality"]]


def _start_again(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """The package cannot be used: forget it, say why, and back to the upload."""
    _forget_pending(request)
    messages.error(request, error_text(error))
    return redirect("transitions:import")


@access("staff")
@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest) -> HttpResponse:
    """Step 1 of receiving a family: upload the package. Nothing is imported before the preview is confirmed."""
    municipalities = transfer.import_municipalities(request.user)
    if not municipalities:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, municipalities=municipalities)

    def save() -> transfer.VerifiedPackage:
        upload = form.cleaned_data["package"]
        municipality = form.cleaned_data["municipality"]
        if upload.size > transfer.MAX_PACKAGE_BYTES:
            raise transfer.TransferError(_("The file is too large to be a family package."))
        raw = upload.read()
        verified = transfer.open_package(raw)
        transfer.plan_import(verified, by=request.user, municipality=municipality)
        _forget_pending(request)
        token = transfer.stage(raw)
        request.session[PENDING_PACKAGE] = {"token": token, "sha256": verified.sha256,
                                            "municipality": municipality.pk}
        _audit_package(request, verified, municipality.pk, "uploaded for preview")
        return verified

    return form_action(
        request, form, save, success="transitions:import_preview",
        page=lambda status: render(request, "transitions/import.html", {"form": form}, status=status))


@access("staff")
@login_required
def unit_import_preview(request: HttpRequest) -> HttpResponse:
    """Step 2: what will be imported, before anything is written."""
    if not transfer.import_municipalities(request.user):
        raise Http404
    try:
        pending, verified, municipality = _pending(request)
        plan = transfer.plan_import(verified, by=request.user, municipality=municipality)
    except ValidationError as error:
        return _start_again(request, error)
    _audit_package(request, verified, municipality.pk, "previewed")
    return render(request, "transitions/import_preview.html", {
        "preview": transfer.preview(plan), "municipality": municipality,
        "form": ImportConfirmForm(initial={"sha256": pending["sha256"]}),
    })


@access("staff")
@login_required
@require_POST
def unit_import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 3: import exactly the package that was previewed."""
    if not transfer.import_municipalities(request.user):
        raise Http404
    form = ImportConfirmForm(request.POST)
    try:
        pending, verified, municipality = _pending(request)
    except ValidationError as error:
        return _start_again(request, error)
    if not form.is_valid() or form.cleaned_data["sha256"] != pending["sha256"]:
        messages.error(request, _("The package is not the one on this page. Look at the preview again before you "
                                  "import."))
        return redirect("transitions:import_preview")
    try:
        result = transfer.import_package(verified, by=request.user, municipality=municipality, request=request)
    except ValidationError as error:
        return _start_again(request, error)
    _forget_pending(request)
    messages.success(request, _("The family's record is received. Read the handover summary first: the family "
                                "should not have to tell its story again."))
    return redirect("transitions:summary", result.family.pk)


@access("staff")
@login_required
@require_POST
def unit_import_cancel(request: HttpRequest) -> HttpResponse:
    """Discard the uploaded package without importing it."""
    if not transfer.import_municipalities(request.user):
        raise Http404
    try:
        _pending_, verified, municipality = _pending(request)
    except ValidationError:
        verified = None
    if verified is not None:
        _audit_package(request, verified, municipality.pk, "discarded without import")
    _forget_pending(request)
    messages.info(request, _("The package was not imported, and it is no longer kept here."))
    return redirect("transitions:unit")


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
    return form_action(
        request, form, lambda: services.save_settings(municipality, by=request.user, **form.cleaned_data),
        success=reverse("transitions:settings"),
        message=_("The settings are saved. New transition plans open as set here."),
        page=lambda status: render(request, "transitions/settings.html", {"form": form, "municipality": municipality},
                                   status=status))


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
