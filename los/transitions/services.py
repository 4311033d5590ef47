"""Actions on transition plans. Views call :func:`los.access.guard.authorize` first; the functions here
check the business rules, change the data and raise :class:`TransitionError` (a ``ValidationError`` whose
keys are form field names) with a message for the user, or :class:`los.core.forms.ConflictError` when someone else
saved the same thing first. Nothing half-done is saved: multi-step actions are atomic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access import audit
from los.access.models import AuditAction, Category, Consent, FamilyTransfer
from los.access.policy import Action, decide
from los.accounts.models import Role, User
from los.core.dates import format_day
from los.core.forms import ConflictError
from los.core.models import Municipality, ServiceProvider
from los.families.models import Child, CoordinatorAssignment, Family, FamilyMember, FamilyStatus
from los.transitions import checklists, planner
from los.transitions.models import (
    AGE_KINDS,
    ChecklistGroup,
    ChecklistItem,
    ConfirmationMethod,
    MoveProposal,
    MoveStatus,
    PlanStatus,
    TaskStatus,
    TransitionKind,
    TransitionPlan,
    TransitionSettings,
    TransitionTask,
)
from los.transitions.planner import Transition

MAX_TEXT = 300
MAX_TASK_DAYS_AHEAD = 3 * 365
RENEWAL_MONTHS_AFTER = 6
SETTINGS_FIELDS = ("kindergarten_months", "school_start_months", "lower_secondary_months",
                   "upper_secondary_months", "adult_months", "event_window_days")
MAX_MONTHS_AHEAD = 36
MAX_EVENT_DAYS = 365
ANY_TIME_AHEAD = 20 * 12


class TransitionError(ValidationError):
    """An action that cannot be done; the message is written for the user."""


def _check_version(obj: Any, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise ConflictError(_("Someone else changed this after you opened it. What you wrote is kept below; "
                              "look at the plan as it is now and save again."), current=obj)


def _lock(model: type, pk: int) -> Any:
    return model.objects.select_for_update().get(pk=pk)


# --- opening plans -----------------------------------------------------------------------------------------


def active_coordinators(family_ids: Iterable[int], today: date) -> dict[int, int]:
    """The current barnekoordinator (user id) of each family that has one."""
    out: dict[int, int] = {}
    for family_id, coordinator_id in (CoordinatorAssignment.objects.filter(family_id__in=list(family_ids),
                                                                           started__lte=today)
                                      .filter(Q(ended__isnull=True) | Q(ended__gt=today))
                                      .order_by("started").values_list("family_id", "coordinator_id")):
        out[family_id] = coordinator_id
    return out


def _consented_providers(family_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per family: the first service of each kind that an active consent names."""
    now = timezone.now()
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for family_id, provider_id, kind in (Consent.objects.filter(
            family_id__in=family_ids, withdrawn_at__isnull=True, valid_from__lte=now, valid_to__gt=now,
            service_provider__isnull=False).order_by("pk")
            .values_list("family_id", "service_provider_id", "service_provider__kind")):
        out[family_id].setdefault(kind, provider_id)
    return out


def _renewals(family_ids: list[int], plans: list[Transition]) -> dict[str, list[dict]]:
    """Per transition key: granted services that end around the transition (or, at 18, every grant)."""
    try:
        entry_model = apps.get_model("servicemap", "ServiceEntry")
    except LookupError:
        return {}
    entries = defaultdict(list)
    for entry in entry_model.objects.filter(family_id__in=family_ids, state__in=["granted", "partly_granted"]):
        entries[entry.family_id].append(entry)
    out: dict[str, list[dict]] = {}
    for t in plans:
        found = []
        horizon = planner.deadlines.add_months(t.on, RENEWAL_MONTHS_AFTER)
        for entry in entries.get(t.family_id, []):
            if t.kind == TransitionKind.TURNING_18 or (entry.period_to and entry.period_to <= horizon):
                found.append({"service": entry.name[:120],
                              "until": entry.period_to.isoformat() if entry.period_to else ""})
        out[t.key] = found
    return out


def _first_child_names(family_ids: list[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for family_id, given in Child.objects.filter(family_id__in=family_ids).order_by("birth_date", "pk").values_list(
            "family_id", "given_name"):
        names.setdefault(family_id, given)
    return names


@transaction.atomic
def open_plans(transitions: list[Transition], *, today: date, by: User | None = None,
               backdate: bool = False) -> list[TransitionPlan]:
    """Open a plan for each transition that has none yet, with its checklist and tasks, in bulk.

    ``by`` is None when Los opens plans on time by itself. With ``backdate`` a plan is dated the day it
    was due to open (used by the demo data); otherwise ``today``.
    """
    if not transitions:
        return []
    family_ids = sorted({t.family_id for t in transitions})
    families = {f.pk: f for f in Family.objects.filter(pk__in=family_ids).only("pk", "municipality_id")}
    existing = set(TransitionPlan.objects.filter(family_id__in=family_ids).values_list("family_id", "key"))
    wanted: list[Transition] = []
    for t in transitions:
        if (t.family_id, t.key) not in existing and t.family_id in families:
            existing.add((t.family_id, t.key))
            wanted.append(t)
    if not wanted:
        return []
    coordinators = active_coordinators(family_ids, today)
    providers = _consented_providers(family_ids)
    renewals = _renewals(family_ids, wanted)
    names = _first_child_names(family_ids)
    plans: list[TransitionPlan] = []
    for t in wanted:
        family = families[t.family_id]
        opened = min(t.opens_on, today) if backdate and t.opens_on else today
        plans.append(TransitionPlan(
            family_id=t.family_id, municipality_id=family.municipality_id, child=t.child, kind=t.kind, key=t.key,
            transition_date=t.on, opened_on=opened, opened_automatically=by is None, opened_by=by,
            owner_id=coordinators.get(t.family_id), source_ref=t.source_ref,
            created_at=timezone.now() if not backdate else planner_start_of(opened),
        ))
    TransitionPlan.objects.bulk_create(plans, batch_size=2000)
    items: list[ChecklistItem] = []
    tasks: list[TransitionTask] = []
    for plan, t in zip(plans, wanted, strict=True):
        name = t.child.given_name if t.child is not None else names.get(t.family_id, "")
        params = {"name": name}
        position = 0
        for group, code in checklists.CHECKLISTS.get(t.kind, []):
            position += 1
            items.append(ChecklistItem(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                                       group=group, code=code, params=params, position=position,
                                       created_at=plan.created_at))
        for renewal in renewals.get(t.key, []):
            position += 1
            items.append(ChecklistItem(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                                       group=ChecklistGroup.APPLICATIONS, code="renew",
                                       params={**params, **renewal}, position=position, created_at=plan.created_at))
        for template in checklists.TASKS.get(t.kind, []):
            tasks.append(TransitionTask(
                plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id, code=template.code,
                params=params, owner_id=plan.owner_id,
                owner_provider_id=providers.get(t.family_id, {}).get(template.provider_kind)
                if template.provider_kind else None,
                due_date=checklists.task_due(template, t.on, plan.opened_on), created_at=plan.created_at))
    ChecklistItem.objects.bulk_create(items, batch_size=5000)
    TransitionTask.objects.bulk_create(tasks, batch_size=5000)
    return plans


def planner_start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=8)))


def open_due_plans(today: date | None = None, *, municipality_ids: Iterable[int] | None = None,
                   chunk: int = 5000) -> list[TransitionPlan]:
    """Open every transition plan that is due on ``today`` and not open yet, for families that have a
    barnekoordinator (status *active*). Safe to run again: a transition gets one plan."""
    today = today or timezone.localdate()
    families = Family.objects.filter(status=FamilyStatus.ACTIVE)
    if municipality_ids is not None:
        families = families.filter(municipality_id__in=list(municipality_ids))
    ids = list(families.order_by("pk").values_list("pk", flat=True))
    opened: list[TransitionPlan] = []
    for start in range(0, len(ids), chunk):
        batch = list(Family.objects.filter(pk__in=ids[start:start + chunk]).only("pk", "municipality_id"))
        opened += open_plans(planner.due_transitions(batch, today), today=today)
    return opened


def open_plan_now(family: Family, key: str, *, by: User, today: date | None = None) -> TransitionPlan:
    """Open the plan for one of the family's transitions ahead now (before Los would open it on time)."""
    today = today or timezone.localdate()
    transition = next((t for t in planner.family_transitions(family, today, horizon_months=ANY_TIME_AHEAD)
                       if t.key == key), None)
    if transition is None:
        raise TransitionError(_("This transition is no longer ahead. Reload the page."))
    if TransitionPlan.objects.filter(family=family, key=key).exists():
        raise TransitionError(_("A plan for this transition is already open."))
    try:
        plans = open_plans([transition], today=today, by=by)
    except IntegrityError as exc:  # opened by someone else at the same moment
        raise TransitionError(_("A plan for this transition is already open.")) from exc
    return plans[0]


def open_moved_in_plan(family: Family, *, by: User | None, from_name: str, today: date, import_id: int
                       ) -> TransitionPlan:
    """The receiving side's plan after a family's record was imported from another municipality."""
    transition = Transition(None, TransitionKind.MOVED_IN, today,
                            planner.label_for(TransitionKind.MOVED_IN, None, today, from_name), today,
                            f"moved_in:{import_id}", family.pk, f"import:{import_id}")
    return open_plans([transition], today=today, by=by)[0]


# --- working a plan ------------------------------------------------------------------------------------


def _text(value: str | None, field: str, message: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise TransitionError({field: [message]})
    if len(value) > limit:
        raise TransitionError({field: [_("Write at most %(limit)s characters.") % {"limit": limit}]})
    return value


def _require_open(plan: TransitionPlan) -> None:
    if plan.status != PlanStatus.OPEN:
        raise TransitionError(_("The transition plan is closed. Open it again to change it."))


@transaction.atomic
def set_checklist_item(item: ChecklistItem, *, by: User, done: bool, version: int | None = None,
                       note: str | None = None) -> ChecklistItem:
    item = _lock(ChecklistItem, item.pk)
    _require_open(item.plan)
    _check_version(item, version)
    item.done = done
    item.done_on = timezone.localdate() if done else None
    item.done_by = by if done else None
    if note is not None:
        item.note = _text(note, "note", "", required=False)
    item.version += 1
    item.save()
    return item


@transaction.atomic
def add_checklist_item(plan: TransitionPlan, *, by: User, group: str, text: str) -> ChecklistItem:
    _require_open(plan)
    if group not in ChecklistGroup.values:
        raise TransitionError({"group": [_("Choose which part of the checklist it belongs to.")]})
    text = _text(text, "text", _("Write what is to be done."))
    position = (plan.checklist.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return ChecklistItem.objects.create(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                                        group=group, text=text, position=position)


def validate_task(plan: TransitionPlan, *, text: str, owner: User | None, owner_provider: ServiceProvider | None,
                  due_date: date | None, today: date | None = None) -> dict[str, list[str]]:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = defaultdict(list)
    if not (text or "").strip():
        errors["text"].append(_("Write what is to be done."))
    elif len(text.strip()) > MAX_TEXT:
        errors["text"].append(_("Write at most %(limit)s characters.") % {"limit": MAX_TEXT})
    if owner is None and owner_provider is None:
        errors["owner"].append(_("Choose who is responsible."))
    if owner is not None and not decide(owner, Action.VIEW, plan).allowed:
        errors["owner"].append(_("%(name)s cannot see the transition plan: the family's consent does not cover the "
                                 "individual plan for them. Ask the family, or choose someone else.")
                               % {"name": owner.get_full_name() or owner.username})
    if due_date is None:
        errors["due_date"].append(_("Give a due date."))
    elif due_date < today:
        errors["due_date"].append(_("The due date is in the past. Check the date and the year."))
    elif due_date > today + timedelta(days=MAX_TASK_DAYS_AHEAD):
        errors["due_date"].append(_("The due date is more than three years ahead. Check the date and the year."))
    return dict(errors)


@transaction.atomic
def add_task(plan: TransitionPlan, *, by: User, text: str, owner: User | None,
             owner_provider: ServiceProvider | None, due_date: date | None) -> TransitionTask:
    _require_open(plan)
    errors = validate_task(plan, text=text, owner=owner, owner_provider=owner_provider, due_date=due_date)
    if errors:
        raise TransitionError(errors)
    return TransitionTask.objects.create(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                                         text=text.strip(), owner=owner, owner_provider=owner_provider,
                                         due_date=due_date, created_by=by)


@transaction.atomic
def set_task_done(task: TransitionTask, *, by: User, done: bool = True, version: int | None = None) -> TransitionTask:
    task = _lock(TransitionTask, task.pk)
    _check_version(task, version)
    if done and task.status == TaskStatus.DONE:
        raise TransitionError(_("This task is already marked as done."))
    task.status = TaskStatus.DONE if done else TaskStatus.OPEN
    task.done_at = timezone.now() if done else None
    task.done_by = by if done else None
    task.version += 1
    task.save()
    return task


@transaction.atomic
def update_plan(plan: TransitionPlan, *, by: User, version: int | None, child_view: str, notes: str,
                receiving_provider: ServiceProvider | None) -> TransitionPlan:
    plan = _lock(TransitionPlan, plan.pk)
    _require_open(plan)
    _check_version(plan, version)
    plan.child_view = _text(child_view, "child_view", "", required=False, limit=5000)
    plan.notes = _text(notes, "notes", "", required=False, limit=5000)
    plan.receiving_provider = receiving_provider
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save()
    return plan


@transaction.atomic
def save_child_view(plan: TransitionPlan, *, by: User, version: int | None, child_view: str) -> TransitionPlan:
    """What the child says, written by the family, the young person or someone who talked with the child."""
    plan = _lock(TransitionPlan, plan.pk)
    _require_open(plan)
    _check_version(plan, version)
    plan.child_view = _text(child_view, "child_view", _("Write what the child says."), limit=5000)
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save(update_fields=["child_view", "version", "updated_at"])
    return plan


@transaction.atomic
def close_plan(plan: TransitionPlan, *, by: User, version: int | None, status: str, what_worked: str
               ) -> TransitionPlan:
    plan = _lock(TransitionPlan, plan.pk)
    _check_version(plan, version)
    if plan.status != PlanStatus.OPEN:
        raise TransitionError(_("The transition plan is already closed."))
    if status not in (PlanStatus.DONE, PlanStatus.CANCELLED):
        raise TransitionError({"status": [_("Choose how the plan ends.")]})
    what_worked = _text(what_worked, "what_worked", "", required=False, limit=5000)
    if status == PlanStatus.DONE and not what_worked:
        raise TransitionError({"what_worked": [_("Write what worked, so that the next people can build on it.")]})
    plan.status, plan.what_worked = status, what_worked
    plan.closed_on, plan.closed_by = timezone.localdate(), by
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save()
    return plan


@transaction.atomic
def reopen_plan(plan: TransitionPlan, *, by: User, version: int | None) -> TransitionPlan:
    plan = _lock(TransitionPlan, plan.pk)
    _check_version(plan, version)
    if plan.status == PlanStatus.OPEN:
        raise TransitionError(_("The transition plan is already open."))
    plan.status, plan.closed_on, plan.closed_by = PlanStatus.OPEN, None, None
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save()
    return plan


# --- the transition meeting ----------------------------------------------------------------------------


def meetings_available() -> bool:
    try:
        from los.meetings import services as meeting_services  # noqa: F401
    except ImportError:
        return False
    return hasattr(meeting_services, "schedule_meeting")


_MEETING_FIELDS = {"date": "date", "end_time": "end_time", "place": "place"}


@transaction.atomic
def schedule_transition_meeting(plan: TransitionPlan, *, by: User, starts_at: datetime, ends_at: datetime,
                                place: str = "", video_link: str = "", phone: str = "") -> Any:
    """Call the transition meeting in the coordination group through the meetings app: every current member
    is invited, and the transition is put on the agenda."""
    _require_open(plan)
    if plan.meeting_id and plan.meeting.status == "scheduled":
        raise TransitionError(_("A transition meeting is already scheduled for this plan."))
    from los.meetings import selectors as meeting_selectors
    from los.meetings import services as meeting_services

    members = meeting_selectors.group_members(plan.family)
    if not members:
        raise TransitionError(_("The coordination group has no members yet. Add the members first, then call the "
                                "meeting."))
    try:
        meeting = meeting_services.schedule_meeting(
            plan.family, by=by, kind="coordination", starts_at=starts_at, ends_at=ends_at, participants=members,
            place=place, video_link=video_link, phone=phone)
        meeting_services.add_agenda_item(meeting, by=by, title=_("Transition plan: %(title)s") % {"title": plan.title},
                                         details=planner.label_for(plan.kind, plan.child, plan.transition_date),
                                         family_side=False)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            mapped: dict[str, list[str]] = defaultdict(list)
            for key, messages in error.message_dict.items():
                mapped[_MEETING_FIELDS.get(key, "__all__")].extend(messages)
            raise TransitionError(dict(mapped)) from error
        raise TransitionError(error.messages) from error
    plan = _lock(TransitionPlan, plan.pk)
    plan.meeting = meeting
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save(update_fields=["meeting", "version", "updated_at"])
    return meeting


# --- settings ------------------------------------------------------------------------------------------


def settings_municipalities(user: User) -> list[Municipality]:
    """The municipalities whose transition settings the user may change: where they lead the unit."""
    ids = {r.municipality_id for r in user.active_roles() if r.role == Role.UNIT_LEADER}
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


@transaction.atomic
def save_settings(municipality: Municipality, *, by: User, version: int | None, **values: int) -> TransitionSettings:
    if municipality not in settings_municipalities(by):
        raise TransitionError(_("Only the leader of the coordinating unit can change these settings."))
    current = TransitionSettings.objects.select_for_update().filter(municipality=municipality).first()
    if current is None:
        current = TransitionSettings(municipality=municipality, version=0)
    elif version is not None and current.version != version:
        raise ConflictError(_("Someone else changed the settings after you opened them. Look at them as they "
                              "are now and save again."), current=current)
    errors: dict[str, list[str]] = {}
    for name in SETTINGS_FIELDS:
        value = values.get(name)
        limit = MAX_EVENT_DAYS if name == "event_window_days" else MAX_MONTHS_AHEAD
        if value is None or value < 0 or value > limit:
            errors[name] = [_("Give a whole number from 0 to %(limit)s.") % {"limit": limit}]
        else:
            setattr(current, name, value)
    if errors:
        raise TransitionError(errors)
    current.version += 1
    current.updated_at, current.updated_by = timezone.now(), by
    current.save()
    return current


def is_age_kind(kind: str) -> bool:
    return kind in AGE_KINDS


# --- moving municipality: the proposed move and the family's answer ----------------------------------------------

MAX_MOVE_DAYS = 365


def move_text(proposal: MoveProposal, *, giver_name: str) -> str:
    """The text a guardian reads before confirming a move (in the active language); stored as it was shown."""
    from los.transitions import transfer

    place = proposal.to_municipality.name
    lines = [
        _("%(giver)s confirms on behalf of %(family)s that the family's record in Los is sent to the coordinating "
          "unit in %(place)s, for the move on %(date)s.") % {
            "giver": giver_name, "family": proposal.family.display_name, "place": place,
            "date": format_day(proposal.handover_date)},
        _("What is sent (only what the coordinating unit here has access to):"),
        "\n".join(f"– {category.label}: {text}" for category, text in transfer.what_is_sent()),
        _("What stays here:"),
        "\n".join(f"– {text}" for _category, text in transfer.what_stays()),
        _("The coordinating unit in %(place)s reads the record first, so that you do not have to tell your story "
          "again. You can withdraw this confirmation in Los until the record is sent; a record already sent is not "
          "taken back.") % {"place": place},
    ]
    return "\n\n".join(lines)


#: What a page about a move reads with it.
MOVE_RELATED = ("family", "to_municipality", "proposed_by", "answered_by_member", "recorded_by", "transfer")


def open_move(family: Family, related: tuple[str, ...] = MOVE_RELATED) -> MoveProposal | None:
    """The family's move that is waiting for an answer or confirmed (not withdrawn), newest first. ``related``: what
    is read with it (a page that shows less reads less)."""
    return (MoveProposal.objects.filter(family=family, status__in=[MoveStatus.PROPOSED, MoveStatus.CONFIRMED])
            .select_related(*related).order_by("-proposed_at", "-pk").first())


def _audit_move(actor: User, action: str, proposal: MoveProposal, reason: str, request: HttpRequest | None,
                role: str) -> None:
    audit.record(actor=actor, action=action, object_type="MoveProposal", object_id=proposal.pk,
                 municipality_id=proposal.family.municipality_id, family_id=proposal.family_id,
                 category=Category.CONSENTS, reason=reason, role=role, request=request)


def _staff_role(user: User) -> str:
    roles = user.active_roles()
    return roles[0].role if roles else ""


@transaction.atomic
def propose_move(family: Family, *, by: User, to_municipality: Municipality | None, handover_date: date | None,
                 note: str = "", request: HttpRequest | None = None, today: date | None = None) -> MoveProposal:
    """The coordinating unit (or the barnekoordinator) records that a move is proposed; the family answers it."""
    today = today or timezone.localdate()
    if to_municipality is None:
        raise TransitionError({"to_municipality": _("Choose the municipality the family moves to.")})
    if to_municipality.pk == family.municipality_id:
        raise TransitionError({"to_municipality": _("The family already belongs to this municipality.")})
    if handover_date is None:
        raise TransitionError({"handover_date": _("Give the handover date.")})
    if abs((handover_date - today).days) > MAX_MOVE_DAYS:
        raise TransitionError({"handover_date": _("Give a handover date within a year from today.")})
    Family.objects.select_for_update().filter(pk=family.pk).first()
    current = open_move(family)
    if current is not None:
        raise TransitionError(_("A move to %(place)s is already proposed. Withdraw it first.") % {
            "place": current.to_municipality.name})
    proposal = MoveProposal.objects.create(
        family=family, municipality_id=family.municipality_id, to_municipality=to_municipality,
        handover_date=handover_date, note=(note or "").strip()[:300], proposed_by=by)
    _audit_move(by, AuditAction.CHANGE, proposal, f"move to {to_municipality.name} from {handover_date.isoformat()} "
                f"proposed; waiting for the family's answer", request, _staff_role(by))
    return proposal


def _lock_proposal(proposal: MoveProposal) -> MoveProposal:
    return (MoveProposal.objects.select_for_update(of=("self",))
            .select_related("family", "to_municipality").get(pk=proposal.pk))


def _require_proposed(proposal: MoveProposal) -> None:
    if proposal.status != MoveStatus.PROPOSED:
        raise TransitionError(_("This move has already been answered (%(status)s). Reload the page.") % {
            "status": proposal.get_status_display().lower()})


def _answering(proposal: MoveProposal, by: User) -> tuple[MoveProposal, FamilyMember]:
    """The proposal, locked and still waiting for an answer, and the guardian answering it (one who may consent on
    the family's behalf)."""
    from los.access import services as access_services

    proposal = _lock_proposal(proposal)
    _require_proposed(proposal)
    member = access_services.consenting_member(by, proposal.family)
    if member is None:
        raise TransitionError(_("Only a guardian who may consent on the family's behalf can answer."))
    return proposal, member


def _record_transfer(proposal: MoveProposal, member: FamilyMember, by: User,
                     request: HttpRequest | None) -> FamilyTransfer:
    """The move as the access policy knows it, consented to by ``member``: the receiving unit may see the family
    from the handover date."""
    from los.access import services as access_services

    return access_services.record_family_transfer(
        family=proposal.family, to_municipality=proposal.to_municipality, consented_by=member,
        handover_date=proposal.handover_date, recorded_by=by, note=proposal.note, request=request)


@transaction.atomic
def confirm_move(proposal: MoveProposal, *, by: User, text_shown: str,
                 request: HttpRequest | None = None) -> MoveProposal:
    """A guardian who may consent confirms the move in Los, after reading ``text_shown``. The move is recorded
    (the receiving unit may see the family from the handover date) and the record may now be handed over."""
    proposal, member = _answering(proposal, by)
    if not (text_shown or "").strip():
        raise TransitionError(_("The text you confirm is missing. Start again."))
    transfer = _record_transfer(proposal, member, by, request)
    proposal.status, proposal.method = MoveStatus.CONFIRMED, ConfirmationMethod.DIGITAL
    proposal.answered_at, proposal.answered_by, proposal.answered_by_member = timezone.now(), by, member
    proposal.text_shown, proposal.transfer = text_shown, transfer
    proposal.save()
    _audit_move(by, AuditAction.SHARE, proposal, f"the family confirmed the move to {proposal.to_municipality.name} "
                f"in Los ({member.given_name} {member.family_name})", request, "guardian")
    return proposal


@transaction.atomic
def decline_move(proposal: MoveProposal, *, by: User, request: HttpRequest | None = None) -> MoveProposal:
    """A guardian who may consent declines the move: the record is not handed over."""
    proposal, member = _answering(proposal, by)
    proposal.status = MoveStatus.DECLINED
    proposal.answered_at, proposal.answered_by, proposal.answered_by_member = timezone.now(), by, member
    proposal.save()
    _audit_move(by, AuditAction.SHARE, proposal, f"the family declined the move to {proposal.to_municipality.name} "
                f"({member.given_name} {member.family_name})", request, "guardian")
    return proposal


@transaction.atomic
def record_paper_confirmation(proposal: MoveProposal, *, by: User, member: FamilyMember | None,
                              signed_on: date | None, request: HttpRequest | None = None) -> MoveProposal:
    """The family's barnekoordinator records a confirmation a guardian who may consent signed on paper (the access
    policy lets the barnekoordinator record a consent given on paper). Recorded as such: "on paper, recorded by …"."""

    proposal = _lock_proposal(proposal)
    _require_proposed(proposal)
    if decide(by, Action.CHANGE, proposal).basis != "coordinator":
        raise TransitionError(_("Only the family's barnekoordinator can record a confirmation given on paper."))
    if member is None or member.family_id != proposal.family_id or not (member.is_guardian and member.may_consent):
        raise TransitionError({"member": _("Choose the guardian who signed. Only a guardian who may consent can "
                                           "confirm the move.")})
    today = timezone.localdate()
    if signed_on is None or signed_on > today:
        raise TransitionError({"signed_on": _("Give the day the paper was signed (not in the future).")})
    if signed_on < timezone.localdate(proposal.proposed_at):
        raise TransitionError({"signed_on": _("The paper was signed before the move was proposed. Check the date.")})
    giver = f"{member.given_name} {member.family_name}"
    transfer = _record_transfer(proposal, member, by, request)
    proposal.status, proposal.method = MoveStatus.CONFIRMED, ConfirmationMethod.PAPER
    proposal.answered_at, proposal.answered_by, proposal.answered_by_member = timezone.now(), None, member
    proposal.recorded_by, proposal.paper_signed_on = by, signed_on
    proposal.text_shown, proposal.transfer = move_text(proposal, giver_name=giver), transfer
    proposal.save()
    _audit_move(by, AuditAction.CHANGE, proposal, f"confirmation of the move to {proposal.to_municipality.name} "
                f"signed on paper by {giver} on {signed_on.isoformat()}, recorded by the barnekoordinator",
                request, Role.BARNEKOORDINATOR)
    return proposal


@transaction.atomic
def withdraw_move(proposal: MoveProposal, *, by: User, request: HttpRequest | None = None) -> MoveProposal:
    """Withdraw a proposed or confirmed move (the unit, or the family withdrawing its confirmation). A recorded
    move is cancelled at once: the receiving unit no longer sees the family. A record already sent stays sent."""
    from los.access import services as access_services

    proposal = _lock_proposal(proposal)
    if proposal.status not in (MoveStatus.PROPOSED, MoveStatus.CONFIRMED):
        raise TransitionError(_("This move is no longer open. Reload the page."))
    family_side = access_services.consenting_member(by, proposal.family) is not None
    proposal.status, proposal.withdrawn_at, proposal.withdrawn_by = MoveStatus.WITHDRAWN, timezone.now(), by
    proposal.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
    if proposal.transfer_id:
        access_services.cancel_family_transfer(transfer=proposal.transfer, actor=by, request=request)
    _audit_move(by, AuditAction.SHARE if family_side else AuditAction.CHANGE, proposal,
                f"move to {proposal.to_municipality.name} withdrawn"
                + (" by the family" if family_side else ""), request,
                "guardian" if family_side else _staff_role(by))
    return proposal
