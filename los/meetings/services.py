"""Business rules for the coordination group. Views call these after ``authorize``.

Bad input raises :class:`django.core.exceptions.ValidationError` whose keys are the names of the form
fields the user typed into (so a form can show each message at its field); a stale ``version``
raises :class:`los.core.forms.ConflictError`. Nothing half-done is saved: multi-step actions are atomic.
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from los.access.models import Category
from los.access.policy import Action as AccessAction
from los.access.policy import decide
from los.accounts.models import Role, User
from los.archive import hooks as archive
from los.core.dates import format_day
from los.core.forms import ConflictError
from los.families.models import Child, Family, FamilyMember, FamilyStatus
from los.meetings import plans_link
from los.meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaSource,
    Attendance,
    CalendarToken,
    ContactEntry,
    ContactKind,
    Decision,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingPolicy,
    MeetingStatus,
    MemberKind,
    Minutes,
    MinutesStatus,
)
from los.meetings.selectors import draft_agenda, is_current_coordinator

MAX_DAYS_BACK = 30  # a meeting held up to 30 days ago can be registered afterwards
MAX_DAYS_AHEAD = 2 * 365
MAX_HOURS = 8
OVERDUE_REMINDER_EVERY_DAYS = 7


# --- the group ------------------------------------------------------------------------------------

def _check_family(obj: Any, family: Family) -> None:
    if obj is not None and obj.family_id != family.pk:
        raise ValidationError({"person": _("This person is not in this family.")})


@transaction.atomic
def add_group_member(family: Family, *, by: User, kind: str, family_member: FamilyMember | None = None,
                     child: Child | None = None, user: User | None = None, role_title: str = "",
                     joined: date | None = None) -> GroupMember:
    """Add a person to the family's coordination group.

    A service contact must be covered by the family's consent for meetings (the access policy decides,
    so the rule is the same one that lets them see the meetings); their service is taken from their role.
    """
    joined = joined or timezone.localdate()
    member = GroupMember(family=family, municipality_id=family.municipality_id, kind=kind, role_title=role_title,
                         joined=joined)
    active = GroupMember.objects.filter(family=family).filter(Q(left__isnull=True) | Q(left__gt=timezone.localdate()))
    if kind == MemberKind.FAMILY:
        if (family_member is None) == (child is None):
            raise ValidationError({"person": _("Choose one person from the family.")})
        _check_family(family_member, family)
        _check_family(child, family)
        member.family_member, member.child = family_member, child
        duplicate = active.filter(family_member=family_member) if family_member else active.filter(child=child)
    elif kind == MemberKind.COORDINATOR:
        if user is None or not is_current_coordinator(user, family):
            raise ValidationError({"person": _("Only the family's own barnekoordinator can join as coordinator.")})
        member.user = user
        duplicate = active.filter(user=user)
    elif kind == MemberKind.SERVICE:
        roles = [r for r in (user.active_roles() if user else []) if r.role == Role.SERVICE_CONTACT]
        if not roles:
            raise ValidationError({"person": _("This person is not a service contact.")})
        decision = decide(user, AccessAction.VIEW, family, Category.MEETINGS)
        if not decision.allowed:
            raise ValidationError({"person": _(
                "The family has not given consent that covers meetings for this service. Ask the family "
                "for consent first; then the service contact can join the group.")})
        provider = next((r.service_provider for r in roles if r.service_provider.name == decision.service),
                        roles[0].service_provider)
        member.user, member.service_provider = user, provider
        member.role_title = role_title or next((r.title for r in roles if r.service_provider_id == provider.pk), "")
        duplicate = active.filter(user=user)
    else:
        raise ValidationError({"kind": _("Choose what kind of member this is.")})
    if duplicate.exists():
        raise ValidationError({"person": _("This person is already a member of the group.")})
    member.save()
    return member


@transaction.atomic
def remove_group_member(member: GroupMember, *, by: User, left: date | None = None, reason: str = "") -> GroupMember:
    """Record that a member left the group. The row stays: the group's history is kept."""
    left = left or timezone.localdate()
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    if member.left is not None and member.left <= timezone.localdate():
        raise ValidationError(_("This member has already left the group."))
    if left < member.joined:
        raise ValidationError({"left": _("The date of leaving cannot be before the date of joining.")})
    member.left, member.left_reason = left, reason[:300]
    member.save(update_fields=["left", "left_reason"])
    return member


def leaving_can_be_undone(member: GroupMember, today: date | None = None) -> bool:
    """A leaving recorded for today can be undone the same day (a click too many, the wrong person)."""
    today = today or timezone.localdate()
    return member.left is not None and member.left == today


@transaction.atomic
def undo_leaving(member: GroupMember, *, by: User) -> GroupMember:
    """Undo a leaving recorded today: the member is in the group again, as before."""
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    if not leaving_can_be_undone(member):
        raise ValidationError(_("Only a leaving recorded today can be undone. Add the person to the group again "
                                "instead."))
    same_person = GroupMember.objects.filter(family_id=member.family_id).filter(
        Q(left__isnull=True) | Q(left__gt=timezone.localdate())).exclude(pk=member.pk)
    if member.family_member_id:
        same_person = same_person.filter(family_member_id=member.family_member_id)
    elif member.child_id:
        same_person = same_person.filter(child_id=member.child_id)
    else:
        same_person = same_person.filter(user_id=member.user_id)
    if same_person.exists():
        raise ValidationError(_("This person has been added to the group again already."))
    member.left, member.left_reason = None, ""
    member.save(update_fields=["left", "left_reason"])
    return member


# --- meetings -------------------------------------------------------------------------------------

def validate_meeting_input(*, municipality_id: int, kind: str, starts_at: datetime, ends_at: datetime,
                           place: str, video_link: str, phone: str, participants: Iterable[GroupMember],
                           family: Family, check_date: bool = True, now: datetime | None = None) -> None:
    """Check a meeting the way the user will understand it. Keys: kind, date, end_time, place, participants."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = defaultdict(list)
    if kind not in MeetingKind.values:
        errors["kind"].append(_("Choose what kind of meeting this is."))
    elif kind == MeetingKind.PROFESSIONAL and not MeetingPolicy.for_municipality(municipality_id).allow_professional_meetings:
        errors["kind"].append(_("Your municipality's delegation does not allow professionals-only meetings "
                                "(fagmøte). Call a coordination meeting with the family instead."))
    if ends_at <= starts_at:
        errors["end_time"].append(_("The meeting must end after it starts. Check the end time."))
    elif ends_at - starts_at > timedelta(hours=MAX_HOURS):
        errors["end_time"].append(_("A meeting can last at most %(hours)s hours.") % {"hours": MAX_HOURS})
    if check_date and starts_at < now - timedelta(days=MAX_DAYS_BACK):
        errors["date"].append(_("The date is more than %(days)s days ago. Check the date and the year.")
                              % {"days": MAX_DAYS_BACK})
    elif check_date and starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
        errors["date"].append(_("The date is more than two years ahead. Check the date and the year."))
    if not (place.strip() or video_link.strip() or phone.strip()):
        errors["place"].append(_("Say where the meeting is: give a place, a video link or a phone number."))
    members = list(participants)
    day = timezone.localtime(starts_at).date()
    if not members:
        errors["participants"].append(_("Choose who is invited."))
    for m in members:
        if m.family_id != family.pk or not (m.joined <= max(day, timezone.localdate()) and
                                            (m.left is None or m.left > min(day, timezone.localdate()))):
            errors["participants"].append(_("Only current members of the group can be invited."))
            break
    if kind == MeetingKind.PROFESSIONAL and any(m.kind == MemberKind.FAMILY for m in members):
        errors["participants"].append(_("A fagmøte is for professionals only: do not invite the family."))
    if errors:
        raise ValidationError(dict(errors))


def _notify(meeting: Meeting, member_ids: list[int] | None = None, cancel: bool = False) -> None:
    """Send invitations, updates or cancellations after the transaction commits (background task)."""
    if meeting.ends_at < timezone.now():
        return  # registered afterwards: nothing for calendars
    from los.meetings.tasks import send_meeting_invitations

    meeting_id = meeting.pk
    transaction.on_commit(lambda: send_meeting_invitations.enqueue(meeting_id, member_ids, cancel))


def _set_participants(meeting: Meeting, participants: Iterable[GroupMember]) -> tuple[list[int], list[int]]:
    """Make the invited rows match; returns (added member ids, removed member ids)."""
    wanted = {m.pk: m for m in participants}
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    added, removed = [], []
    for pk, member in wanted.items():
        row = rows.get(pk)
        if row is None:
            Attendance.objects.create(family_id=meeting.family_id, municipality_id=meeting.municipality_id,
                                      meeting=meeting, member=member, service_provider_id=member.service_provider_id,
                                      invited=True)
            added.append(pk)
        elif not row.invited:
            row.invited = True
            row.save(update_fields=["invited"])
            added.append(pk)
    for pk, row in rows.items():
        if pk not in wanted and row.invited:
            row.invited = False  # the row stays, so the cancellation can reach them
            row.save(update_fields=["invited"])
            removed.append(pk)
    return added, removed


@transaction.atomic
def schedule_meeting(family: Family, *, by: User, kind: str, starts_at: datetime, ends_at: datetime,
                     participants: Iterable[GroupMember], place: str = "", video_link: str = "",
                     phone: str = "") -> Meeting:
    """Call a meeting; participants get an invitation (.ics) by e-mail."""
    participants = list(participants)
    validate_meeting_input(municipality_id=family.municipality_id, kind=kind, starts_at=starts_at,
                           ends_at=ends_at, place=place, video_link=video_link, phone=phone,
                           participants=participants, family=family)
    meeting = Meeting.objects.create(
        family=family, municipality_id=family.municipality_id, kind=kind, starts_at=starts_at, ends_at=ends_at,
        place=place.strip(), video_link=video_link.strip(), phone=phone.strip(), created_by=by,
        ical_uid=f"{uuid.uuid4()}@los", status=MeetingStatus.SCHEDULED,
    )
    _set_participants(meeting, participants)
    _notify(meeting)
    return meeting


def _lock(meeting: Meeting, version: int | None) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if version is not None and locked.version != version:
        raise ConflictError(_("Someone else changed this meeting after you opened it. Your input is kept below; "
                              "check the meeting as it is now, then save again."), current=locked)
    return locked


@transaction.atomic
def update_meeting(meeting: Meeting, *, by: User, version: int | None, starts_at: datetime, ends_at: datetime,
                   participants: Iterable[GroupMember], place: str = "", video_link: str = "",
                   phone: str = "") -> Meeting:
    """Change time, place or participants. Calendars get an update with the same UID and a higher
    SEQUENCE; people no longer invited get a cancellation."""
    meeting = _lock(meeting, version)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be changed."))
    participants = list(participants)
    validate_meeting_input(municipality_id=meeting.municipality_id, kind=meeting.kind, starts_at=starts_at,
                           ends_at=ends_at, place=place, video_link=video_link, phone=phone,
                           participants=participants, family=meeting.family,
                           check_date=starts_at != meeting.starts_at)
    new = {"starts_at": starts_at, "ends_at": ends_at, "place": place.strip(), "video_link": video_link.strip(),
           "phone": phone.strip()}
    changed = any(getattr(meeting, k) != v for k, v in new.items())
    for k, v in new.items():
        setattr(meeting, k, v)
    added, removed = _set_participants(meeting, participants)
    if changed or added or removed:
        meeting.ical_sequence += 1
    meeting.version += 1
    meeting.updated_at = timezone.now()
    meeting.save()
    if changed:
        _notify(meeting)
    elif added:
        _notify(meeting, added)
    if removed:
        _notify(meeting, removed, cancel=True)
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, by: User, version: int | None, reason: str = "") -> Meeting:
    """Cancel: same UID, higher SEQUENCE, METHOD:CANCEL to every participant."""
    meeting = _lock(meeting, version)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("Minutes have been started for this meeting, so it cannot be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason.strip()[:300]
    meeting.ical_sequence += 1
    meeting.version += 1
    meeting.updated_at = timezone.now()
    meeting.save()
    _notify(meeting, cancel=True)
    return meeting


# --- agenda ---------------------------------------------------------------------------------------

@transaction.atomic
def add_agenda_item(meeting: Meeting, *, by: User, title: str, details: str = "", family_side: bool) -> AgendaItem:
    """The family (or another participant) adds something to talk about."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Write what you want to talk about.")})
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("The meeting is over or cancelled, so its agenda is closed."))
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if family_side and (minutes is not None or meeting.starts_at <= timezone.now()):
        raise ValidationError(_("The meeting has started. Tell the coordinator in the meeting, or add it to the "
                                "next meeting."))
    if family_side and meeting.kind == MeetingKind.PROFESSIONAL:
        raise ValidationError(_("The family does not add items to a fagmøte."))
    position = None
    if minutes is not None:
        position = (AgendaItem.objects.filter(meeting=meeting).aggregate(p=Max("position"))["p"] or 0) + 1
    return AgendaItem.objects.create(
        family_id=meeting.family_id, municipality_id=meeting.municipality_id, meeting=meeting, title=title[:300],
        details=details.strip(), source=AgendaSource.FAMILY_WISH if family_side else AgendaSource.PARTICIPANT,
        added_by=by, position=position,
    )


# --- minutes --------------------------------------------------------------------------------------

def minutes_can_be_approved(meeting: Meeting, now: datetime | None = None) -> bool:
    """Minutes are approved only after the meeting has started."""
    return meeting.starts_at <= (now or timezone.now())


def same_text(a: str, b: str) -> bool:
    """Whether two versions of a text are the same as a reader sees them (line endings and trailing spaces aside)."""
    def norm(text: str) -> str:
        return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n")
                         .strip().split("\n"))
    return norm(a) == norm(b)


@transaction.atomic
def start_minutes(meeting: Meeting, *, by: User) -> Minutes:
    """Open the minutes of a meeting; the first time, the draft agenda is stored as it stands."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    existing = Minutes.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled, so it has no minutes."))
    entries = draft_agenda(meeting)
    for position, entry in enumerate(entries, start=1):
        if entry.item is not None:
            entry.item.position = position
            entry.item.save(update_fields=["position"])
        else:
            AgendaItem.objects.create(
                family_id=meeting.family_id, municipality_id=meeting.municipality_id, meeting=meeting,
                title=entry.title[:300], details=entry.details, source=entry.source, action=entry.action,
                measure_id=entry.measure_pk, position=position,
            )
    return Minutes.objects.create(family_id=meeting.family_id, municipality_id=meeting.municipality_id,
                                  meeting=meeting, updated_by=by)


def _open_minutes(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Open the minutes first."))
    if minutes.is_approved:
        raise ValidationError(_("The minutes are approved and can no longer be changed."))
    return minutes


@transaction.atomic
def record_attendance(meeting: Meeting, *, by: User, present_ids: Iterable[int]) -> list[Attendance]:
    """Tick who came. Members not ticked are recorded as absent. The meeting counts as held."""
    _open_minutes(meeting)
    present = set(present_ids)
    day = timezone.localtime(meeting.starts_at).date()
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("member")}
    members = {m.pk: m for m in GroupMember.objects.filter(family_id=meeting.family_id)
               if m.is_active_on(day) or m.pk in rows}
    if meeting.kind == MeetingKind.PROFESSIONAL:
        members = {pk: m for pk, m in members.items() if m.kind != MemberKind.FAMILY}
    if present - set(members):
        raise ValidationError({"present": _("Only members of the group can be ticked as present.")})
    out = []
    for pk, member in members.items():
        row = rows.get(pk)
        if row is None:
            if pk not in present:
                continue  # not invited and not there: nothing to record
            row = Attendance(family_id=meeting.family_id, municipality_id=meeting.municipality_id, meeting=meeting,
                             member=member, service_provider_id=member.service_provider_id, invited=False)
        # someone who was not invited and did not come is not "absent"
        row.present = None if not row.invited and pk not in present else pk in present
        row.save()
        out.append(row)
    if meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at <= timezone.now():
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD, updated_at=timezone.now())
    return out


@transaction.atomic
def save_minutes(minutes: Minutes, *, by: User, text: str, version: int) -> Minutes:
    """Save the notes. A stale version (someone else saved first) is refused, never overwritten."""
    locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if locked.is_approved:
        raise ValidationError(_("The minutes are approved and can no longer be changed."))
    if locked.version != version:
        who = locked.updated_by.get_full_name() if locked.updated_by_id else _("someone else")
        raise ConflictError(_("%(who)s saved the notes after you opened them. Nothing was overwritten: your text "
                              "is still in the box, and the notes as they are saved now are shown below it. Combine "
                              "the two and save again.") % {"who": who}, current=locked)
    locked.text = text
    locked.version += 1
    locked.updated_by, locked.updated_at = by, timezone.now()
    locked.save(update_fields=["text", "version", "updated_by", "updated_at"])
    return locked


def _validate_owner(meeting: Meeting, owner_member: GroupMember | None) -> None:
    if owner_member is None:
        raise ValidationError({"owner": _("Choose who owns the action.")})
    if owner_member.family_id != meeting.family_id or owner_member.left is not None and \
            owner_member.left <= timezone.localdate():
        raise ValidationError({"owner": _("The owner must be a current member of the group.")})
    if meeting.kind == MeetingKind.PROFESSIONAL and owner_member.kind == MemberKind.FAMILY:
        raise ValidationError({"owner": _("Actions from a fagmøte are owned by professionals.")})


def _validate_due(meeting: Meeting, due_date: date | None) -> None:
    if due_date is None:
        raise ValidationError({"due_date": _("Give a due date.")})
    earliest = min(timezone.localdate(), timezone.localtime(meeting.starts_at).date())
    if due_date < earliest:
        raise ValidationError({"due_date": _("The due date has already passed. Choose a later date.")})
    if due_date > earliest + timedelta(days=3 * 365):
        raise ValidationError({"due_date": _("The due date is more than three years ahead. Check the year.")})


def _measure(meeting: Meeting, measure_id: int | None) -> Any:
    if not measure_id:
        return None
    measure = plans_link.open_measures(meeting.family).filter(pk=measure_id).first()
    if measure is None:
        raise ValidationError({"measure": _("Choose a measure from this family's plan.")})
    return measure


@transaction.atomic
def add_action(meeting: Meeting, *, by: User, title: str, owner_member: GroupMember | None, due_date: date | None,
               decision: Decision | None = None, measure_id: int | None = None) -> Action:
    """Add an action with an owner (a person and their service) and a due date, in one step."""
    _open_minutes(meeting)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Write what is to be done.")})
    _validate_owner(meeting, owner_member)
    _validate_due(meeting, due_date)
    measure = _measure(meeting, measure_id)
    return Action.objects.create(
        family_id=meeting.family_id, municipality_id=meeting.municipality_id, meeting=meeting, decision=decision,
        title=title[:300], owner_member=owner_member, owner_id=owner_member.login_id,
        service_provider_id=owner_member.service_provider_id, due_date=due_date, measure=measure, created_by=by,
    )


@transaction.atomic
def add_decision(meeting: Meeting, *, by: User, text: str, owner_member: GroupMember | None = None,
                 due_date: date | None = None, as_measure: bool = False) -> tuple[Decision, Action | None, Any]:
    """Write a decision; with an owner and a due date it also becomes an action, and with
    ``as_measure`` a measure in the individual plan, all in one step."""
    _open_minutes(meeting)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the agreement.")})
    if (owner_member is None) != (due_date is None):
        field = "due_date" if owner_member is not None else "owner"
        raise ValidationError({field: _("To make the agreement an action, give both an owner and a due date.")})
    decision = Decision.objects.create(family_id=meeting.family_id, municipality_id=meeting.municipality_id,
                                       meeting=meeting, text=text, created_by=by)
    action = None
    if owner_member is not None:
        action = add_action(meeting, by=by, title=text, owner_member=owner_member, due_date=due_date,
                            decision=decision)
    measure = decision_to_measure(decision, by=by, action=action) if as_measure else None
    return decision, action, measure


@transaction.atomic
def decision_to_measure(decision: Decision, *, by: User, action: Action | None = None) -> Any:
    """Make a decision a measure in the family's individual plan, in one step.

    The measure's owner is the action's owner (their log-in and service) when the decision is an
    action, otherwise the person doing it. The plans app checks its own rules (a current plan, who may
    change it, an owner who can see the plan) and its messages are shown as they are.
    """
    decision = Decision.objects.select_for_update(of=("self",)).select_related("family", "meeting").get(pk=decision.pk)
    if decision.measure_id:
        raise ValidationError(_("This agreement is already a measure in the individual plan."))
    if Minutes.objects.filter(meeting_id=decision.meeting_id, status=MinutesStatus.APPROVED).exists():
        raise ValidationError(_("The minutes are approved and can no longer be changed."))
    owner = action.owner_member if action else None
    responsible = owner.login_id if owner else None
    provider = owner.service_provider if owner else None
    if responsible is None and provider is None:
        responsible = by.pk
    with translation.override(decision.family.preferred_language or None):
        description = _("Agreed in the coordination group's meeting on %(date)s.") % {
            "date": format_day(decision.meeting.starts_at)}
    measure = plans_link.create_measure(
        family=decision.family, title=decision.text[:300], by=by, responsible_user=responsible,
        service_provider=provider, due_date=action.due_date if action else None, description=description)
    Decision.objects.filter(pk=decision.pk).update(measure=measure)
    if action is not None:
        Action.objects.filter(pk=action.pk, measure__isnull=True).update(measure=measure)
    return measure


def may_approve_minutes(user: User, family: Family) -> bool:
    """The family's barnekoordinator approves the minutes, or a co-coordinator standing in (not a minute-taker)."""
    from los.access.policy import co_assignment
    from los.families.models import CoRole

    if is_current_coordinator(user, family):
        return True
    co = co_assignment(user, family)
    return co is not None and co.role == CoRole.CO_COORDINATOR


class UnsavedChangesError(ValidationError):
    """The text sent with an approval differs from the saved notes: something typed is not saved yet."""


@transaction.atomic
def approve_minutes(minutes: Minutes, *, by: User, version: int, text: str | None = None) -> Minutes:
    """The family's barnekoordinator (or a co-coordinator) approves; the family then sees the minutes.

    Refused before the meeting has started, and while the notes on the approver's screen (``text``, when given)
    differ from the saved notes: approving never locks the minutes with something typed left out."""
    locked = Minutes.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=minutes.pk)
    if not may_approve_minutes(by, locked.family):
        raise ValidationError(_("Only the family's barnekoordinator approves the minutes."))
    if locked.is_approved:
        raise ValidationError(_("The minutes are already approved."))
    if not minutes_can_be_approved(locked.meeting):
        raise ValidationError(_("The meeting has not started yet. Minutes can be approved after the meeting."))
    if text is not None and not same_text(text, locked.text):
        raise UnsavedChangesError(_("Some of the notes are not saved yet. Save them first, then approve the minutes."))
    if locked.version != version:
        raise ConflictError(_("The minutes were changed after you opened them. Read them again before you approve."),
                            current=locked)
    locked.status = MinutesStatus.APPROVED
    locked.approved_by, locked.approved_at = by, timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "approved_by", "approved_at", "version"])
    Meeting.objects.filter(pk=locked.meeting_id).exclude(status=MeetingStatus.HELD).update(
        status=MeetingStatus.HELD, updated_at=timezone.now())
    archive.minutes_approved(locked, by)
    if locked.meeting.kind == MeetingKind.COORDINATION:
        from los.meetings.tasks import send_minutes_notice

        meeting_id = locked.meeting_id
        transaction.on_commit(lambda: send_minutes_notice.enqueue(meeting_id))
    return locked


# --- follow-up ------------------------------------------------------------------------------------

@transaction.atomic
def mark_action_done(action: Action, *, by: User) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status == ActionStatus.DONE:
        return action
    action.status, action.done_at, action.done_by = ActionStatus.DONE, timezone.now(), by
    action.save(update_fields=["status", "done_at", "done_by"])
    return action


@transaction.atomic
def reopen_action(action: Action, *, by: User) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.status, action.done_at, action.done_by = ActionStatus.OPEN, None, None
    action.save(update_fields=["status", "done_at", "done_by"])
    return action


def enqueue_action_reminders(now: datetime | None = None) -> int:
    """Find open actions that need a reminder and enqueue one e-mail per owner (for cron).

    - *before the due date*: once, when the due date is within the municipality's
      ``reminder_days_before`` (default 3 days);
    - *overdue*: the day after the due date, then every 7 days while it stays open.

    Each action is marked when its reminder is enqueued, so running the command twice sends nothing
    twice. Only owners who can log in get reminders, and the task checks the policy again.
    """
    from los.meetings.tasks import send_action_reminder

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    policies = dict(MeetingPolicy.objects.values_list("municipality_id", "reminder_days_before"))
    default_days = MeetingPolicy._meta.get_field("reminder_days_before").default
    horizon = today + timedelta(days=max([default_days, *policies.values()]))
    base = Action.objects.filter(status=ActionStatus.OPEN, owner__isnull=False, owner__is_active=True,
                                 family__status=FamilyStatus.ACTIVE)
    due_soon = [a for a in base.filter(due_date__gte=today, due_date__lte=horizon, reminded_at__isnull=True)
                .only("id", "owner_id", "due_date", "municipality_id")
                if a.due_date <= today + timedelta(days=policies.get(a.municipality_id, default_days))]
    overdue = list(base.filter(due_date__lt=today).filter(
        Q(overdue_reminded_at__isnull=True)
        | Q(overdue_reminded_at__lte=now - timedelta(days=OVERDUE_REMINDER_EVERY_DAYS))
    ).only("id", "owner_id"))
    per_owner: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"due": [], "overdue": []})
    for action in due_soon:
        per_owner[action.owner_id]["due"].append(action.pk)
    for action in overdue:
        per_owner[action.owner_id]["overdue"].append(action.pk)
    with transaction.atomic():
        Action.objects.filter(pk__in=[a.pk for a in due_soon]).update(reminded_at=now)
        Action.objects.filter(pk__in=[a.pk for a in overdue]).update(overdue_reminded_at=now)
        for owner_id, ids in per_owner.items():
            transaction.on_commit(
                lambda owner_id=owner_id, ids=ids: send_action_reminder.enqueue(owner_id, ids["due"], ids["overdue"])
            )
    return len(per_owner)


# --- contact between meetings ---------------------------------------------------------------------

CONTACT_DAYS_BACK = 366


def validate_contact(*, happened_on: date | None, with_whom: str, agreed: str, follow_up: str,
                     follow_up_due: date | None, today: date | None = None) -> None:
    """Check a contact entry the way the user will understand it. Keys are the form's field names."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = defaultdict(list)
    if happened_on is None:
        errors["happened_on"].append(_("Give the date of the contact."))
    elif happened_on > today:
        errors["happened_on"].append(_("The contact cannot be in the future. Check the date."))
    elif happened_on < today - timedelta(days=CONTACT_DAYS_BACK):
        errors["happened_on"].append(_("The date is more than a year ago. Check the date and the year."))
    if not with_whom.strip():
        errors["with_whom"].append(_("Write who you talked with."))
    if not agreed.strip():
        errors["agreed"].append(_("Write what was said and agreed, in a sentence or two."))
    if follow_up_due is not None and not follow_up.strip():
        errors["follow_up"].append(_("Write what is to be followed up by that date."))
    if follow_up_due is not None and happened_on is not None and follow_up_due < happened_on:
        errors["follow_up_due"].append(_("The follow-up date is before the contact. Check the date."))
    if errors:
        raise ValidationError(dict(errors))


@transaction.atomic
def log_contact(family: Family, *, by: User, happened_on: date | None, kind: str, with_whom: str, agreed: str,
                follow_up: str = "", follow_up_due: date | None = None, shared_with_family: bool = False,
                ) -> ContactEntry:
    """Write down a call or a conversation between meetings (the view has authorized the change)."""
    validate_contact(happened_on=happened_on, with_whom=with_whom, agreed=agreed, follow_up=follow_up,
                     follow_up_due=follow_up_due)
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Choose what kind of contact it was.")})
    return ContactEntry.objects.create(
        family=family, municipality_id=family.municipality_id, happened_on=happened_on, kind=kind,
        with_whom=with_whom.strip()[:200], agreed=agreed.strip(), follow_up=follow_up.strip()[:300],
        follow_up_due=follow_up_due, shared_with_family=shared_with_family, created_by=by)


@transaction.atomic
def mark_followed_up(entry: ContactEntry, *, by: User, undo: bool = False) -> ContactEntry:
    entry = ContactEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.follow_up:
        raise ValidationError(_("This contact has nothing to follow up."))
    entry.follow_up_done_at = None if undo else (entry.follow_up_done_at or timezone.now())
    entry.version += 1
    entry.save(update_fields=["follow_up_done_at", "version"])
    return entry


# --- calendar addresses ---------------------------------------------------------------------------

def create_calendar_token(user: User) -> tuple[CalendarToken, str]:
    """A new secret calendar address for the user; the raw token is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    token = CalendarToken.objects.create(user=user, digest=CalendarToken.digest_of(raw), hint=raw[:6])
    return token, raw


def revoke_calendar_token(token: CalendarToken, *, by: User) -> CalendarToken:
    if token.user_id != by.pk:
        raise ValidationError(_("You can only revoke your own calendar addresses."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
