"""Queries for the coordination group. The caller has been authorized for the family (or, for lists
across families, the query starts from ``policy.visible_families``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access.models import Category
from los.access.policy import Action as AccessAction
from los.access.policy import Decision as AccessDecision
from los.access.policy import decide, visible_families
from los.accounts.models import Role, User
from los.core.dates import format_day
from los.families.models import CoordinatorAssignment, Family
from los.meetings import plans_link
from los.meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaSource,
    Attendance,
    CalendarToken,
    ContactEntry,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberKind,
    Minutes,
)

FAMILY_SIDE_BASES = frozenset({"guardian", "young_person"})
TRANSITION_MONTHS = 12
MEASURE_LOOKAHEAD_DAYS = 30
FEED_PAST_DAYS = 90


# --- who is looking -------------------------------------------------------------------------------

def is_family_side(decision: AccessDecision) -> bool:
    """True when access comes from being the family (a guardian or the young person themselves)."""
    return decision.basis in FAMILY_SIDE_BASES


def professional_content_hidden(meeting: Meeting, decision: AccessDecision) -> bool:
    """The family sees that a fagmøte was held, when, and who took part; not its agenda, minutes or
    actions."""
    return meeting.kind == MeetingKind.PROFESSIONAL and is_family_side(decision)


_UNREAD = object()


def stored_minutes(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes, approved or not (for the system: what the viewer may read is ``visible_minutes``)."""
    return Minutes.objects.filter(meeting=meeting).first()


def visible_minutes(meeting: Meeting, decision: AccessDecision, can_change: bool,
                    minutes: Minutes | None | object = _UNREAD) -> Minutes | None:
    """The minutes the viewer may read: drafts only for those who write them, approved minutes for
    everybody the policy lets see the meeting, nothing of a fagmøte for the family. ``minutes`` is the
    meeting's minutes when the caller has read them already (``stored_minutes``)."""
    if professional_content_hidden(meeting, decision):
        return None
    if minutes is _UNREAD:
        minutes = stored_minutes(meeting)
    if not isinstance(minutes, Minutes):
        return None
    if minutes.is_approved or can_change:
        return minutes
    return None


def is_current_coordinator(user: User, family: Family, day: date | None = None) -> bool:
    day = day or timezone.localdate()
    return CoordinatorAssignment.objects.filter(family=family, coordinator=user, started__lte=day).filter(
        Q(ended__isnull=True) | Q(ended__gt=day)).exists()


# --- the group ------------------------------------------------------------------------------------

def _members(qs: QuerySet[GroupMember]) -> QuerySet[GroupMember]:
    return qs.select_related("family_member__user", "child__user", "user", "service_provider")


def group_members(family: Family, *, include_former: bool = False) -> list[GroupMember]:
    qs = _members(GroupMember.objects.filter(family=family))
    today = timezone.localdate()
    members = list(qs.order_by("kind", "joined", "id"))
    if include_former:
        return members
    return [m for m in members if m.is_active_on(today)]


def former_members(family: Family) -> list[GroupMember]:
    today = timezone.localdate()
    return [m for m in group_members(family, include_former=True) if not m.is_active_on(today)]


# --- meetings and actions of one family -----------------------------------------------------------

def family_meetings(family: Family) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past) meetings of the family; upcoming soonest first, past newest first."""
    now = timezone.now()
    qs = Meeting.objects.filter(family=family).prefetch_related(
        "attendance__member__family_member", "attendance__member__child", "attendance__member__user",
        "attendance__member__service_provider",
    )
    upcoming = list(qs.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now).order_by("starts_at"))
    past = list(qs.exclude(pk__in=[m.pk for m in upcoming]).order_by("-starts_at")[:100])
    return upcoming, past


def next_meeting(family: Family) -> Meeting | None:
    """The family's next scheduled meeting (the first of :func:`family_meetings`' upcoming), without attendance."""
    return Meeting.objects.filter(family=family, status=MeetingStatus.SCHEDULED,
                                  ends_at__gte=timezone.now()).order_by("starts_at", "pk").first()


#: What a list of actions reads with each action (who owns it, the service, the meeting).
ACTION_RELATED = ("owner_member__family_member", "owner_member__child", "owner_member__user", "service_provider",
                  "meeting")


def family_actions(family: Family, *, family_side: bool, status: str | None = ActionStatus.OPEN,
                   related: tuple[str, ...] = ACTION_RELATED) -> list[Action]:
    """The family's actions, overdue first. The family side does not see fagmøte actions. ``related``: what is read
    with each action (a page that shows less reads less)."""
    qs = Action.objects.filter(family=family).select_related(*related)
    if status:
        qs = qs.filter(status=status)
    if family_side:
        qs = qs.exclude(meeting__kind=MeetingKind.PROFESSIONAL)
    return list(qs.order_by("due_date", "id"))


def meeting_participants(meeting: Meeting, *, with_logins: bool = True) -> list[Attendance]:
    """Who was invited or came. ``with_logins=False`` when only names and affiliations are shown (the meeting
    page), not the family's and the child's log-ins (their e-mail addresses)."""
    related = ["member__user", "member__service_provider"]
    related += (["member__family_member__user", "member__child__user"] if with_logins
                else ["member__family_member", "member__child"])
    return list(Attendance.objects.filter(meeting=meeting).filter(
        Q(invited=True) | Q(present__isnull=False)).select_related(*related).order_by("member__kind", "member_id"))


def _earlier_meetings(meeting: Meeting) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(family_id=meeting.family_id, status=MeetingStatus.HELD,
                                starts_at__lt=meeting.starts_at).exclude(pk=meeting.pk)
    if meeting.kind == MeetingKind.COORDINATION:
        qs = qs.filter(kind=MeetingKind.COORDINATION)
    return qs.order_by("-starts_at")


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last held meeting before this one. A coordination meeting looks back only at coordination
    meetings (the family takes part and must not see fagmøte content); a fagmøte at both kinds."""
    return _earlier_meetings(meeting).first()


# --- transitions ----------------------------------------------------------------------------------

def upcoming_transitions(family: Family, start: date, months: int = TRANSITION_MONTHS) -> list:
    """Transitions for the family's children between ``start`` and ``months`` later, soonest first.

    The transitions app owns the rules (kindergarten, school start, lower and upper secondary school,
    turning 18, expected births, recorded moves and changes of coordinator or contact, the child's daily
    setting and the municipality's settings); each result has ``child``, ``kind``, ``on`` and ``label``.
    """
    from los.transitions.selectors import upcoming_transitions as transitions_ahead

    return transitions_ahead(family, start, months)


# --- the agenda -----------------------------------------------------------------------------------

@dataclass
class AgendaEntry:
    title: str
    source: str
    details: str = ""
    action: Action | None = None
    item: AgendaItem | None = None
    added_by: str = ""
    measure_pk: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def source_label(self) -> str:
        return str(AgendaSource(self.source).label)


def _action_entry(action: Action, source: str, day: date) -> AgendaEntry:
    if action.is_done:
        state = _("done")
    elif action.due_date < day:
        state = _("overdue since %(date)s") % {"date": format_day(action.due_date)}
    else:
        state = _("open, due %(date)s") % {"date": format_day(action.due_date)}
    owner = action.owner_member.name if action.owner_member_id else ""
    details = f"{owner} · {state}" if owner else state
    return AgendaEntry(title=action.title, source=source, details=details, action=action,
                       extra={"done": action.is_done, "overdue": action.is_overdue_on(day)})


def _stored_agenda(meeting: Meeting) -> list[AgendaEntry]:
    items = AgendaItem.objects.filter(meeting=meeting).select_related("added_by", "action__owner_member")
    return [AgendaEntry(title=i.title, source=i.source, details=i.details, item=i, action=i.action,
                        measure_pk=i.measure_id, added_by=i.added_by.get_full_name() if i.added_by_id else "")
            for i in items.order_by("position", "created_at", "id")]


def draft_agenda(meeting: Meeting, today: date | None = None, *, has_minutes: bool | None = None) -> list[AgendaEntry]:
    """The agenda for a meeting, built from the family's needs. In this order:

    1. last meeting's actions, each with its status (were they done?);
    2. what the family asked to talk about;
    3. other open actions of the family, overdue first;
    4. plan measures due for evaluation (when the plans app is there);
    5. upcoming transitions for the children (the next twelve months);
    6. what other participants proposed.

    Once the minutes are started the agenda is stored and returned as it was stored (``has_minutes``: whether
    they are, when the caller knows).
    """
    if has_minutes is None:
        has_minutes = Minutes.objects.filter(meeting=meeting).exists()
    if has_minutes:
        return _stored_agenda(meeting)
    day = today or timezone.localdate()
    meeting_day = timezone.localtime(meeting.starts_at).date()
    entries: list[AgendaEntry] = []
    seen_actions: set[int] = set()

    # in one query: the actions of the previous meeting (``previous_meeting``, read with them) and the family's other
    # open actions (not of this meeting; a coordination meeting leaves out the fagmøte's)
    previous = Subquery(_earlier_meetings(meeting).values("pk")[:1])
    still_open = Q(family_id=meeting.family_id, status=ActionStatus.OPEN) & ~Q(meeting=meeting)
    if meeting.kind == MeetingKind.COORDINATION:
        still_open &= ~Q(meeting__kind=MeetingKind.PROFESSIONAL)
    actions = list(Action.objects.filter(Q(meeting_id=previous) | still_open).annotate(
        of_previous=ExpressionWrapper(Q(meeting_id=previous), output_field=BooleanField())).select_related(
        "owner_member__family_member", "owner_member__child", "owner_member__user").order_by("due_date", "id"))
    for action in actions:
        if action.of_previous:
            entries.append(_action_entry(action, AgendaSource.PREVIOUS_ACTION, day))
            seen_actions.add(action.pk)

    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("added_by").order_by("created_at", "id"))
    for item in items:
        if item.source == AgendaSource.FAMILY_WISH:
            entries.append(AgendaEntry(title=item.title, source=item.source, details=item.details, item=item,
                                       added_by=item.added_by.get_full_name() if item.added_by_id else ""))

    open_actions = [action for action in actions if action.pk not in seen_actions]
    # overdue first (oldest due date first), then the rest by due date
    for action in sorted(open_actions, key=lambda a: (not a.is_overdue_on(day), a.due_date, a.pk)):
        entries.append(_action_entry(action, AgendaSource.OPEN_ACTION, day))

    for ref in plans_link.measures_due_for_evaluation(meeting.family, meeting_day + timedelta(
            days=MEASURE_LOOKAHEAD_DAYS)):
        details = (_("evaluation due %(date)s") % {"date": format_day(ref.evaluation_date)}
                   if ref.evaluation_date else "")
        entries.append(AgendaEntry(title=ref.title, source=AgendaSource.MEASURE_EVALUATION, details=details,
                                   measure_pk=ref.pk))

    for transition in upcoming_transitions(meeting.family, meeting_day):
        entries.append(AgendaEntry(title=transition.label, source=AgendaSource.TRANSITION,
                                   extra={"kind": transition.kind, "on": transition.on}))

    for item in items:
        if item.source != AgendaSource.FAMILY_WISH:
            entries.append(AgendaEntry(title=item.title, source=item.source, details=item.details, item=item,
                                       action=item.action,
                                       added_by=item.added_by.get_full_name() if item.added_by_id else ""))
    return entries


def hide_plan_details(entries: list[AgendaEntry]) -> list[AgendaEntry]:
    """For someone who may see the meetings but not the individual plan (a consent without the plan
    category): plan measures on the agenda are shown without their content."""
    for entry in entries:
        if entry.source == AgendaSource.MEASURE_EVALUATION:
            entry.title = _("A measure in the individual plan is due for evaluation")
            entry.details = ""
    return entries


# --- follow-up across families --------------------------------------------------------------------

def my_actions(user: User, *, status: str = ActionStatus.OPEN, done_since: datetime | None = None) -> QuerySet[Action]:
    """The user's own actions in the families the policy lets them see now (consent withdrawn: gone)."""
    qs = Action.objects.filter(owner=user, family__in=visible_families(user, Category.MEETINGS)).select_related(
        "family", "meeting", "service_provider")
    if status == ActionStatus.DONE:
        qs = qs.filter(status=ActionStatus.DONE)
        if done_since:
            qs = qs.filter(done_at__gte=done_since)
        return qs.order_by("-done_at")
    return qs.filter(status=status).order_by("due_date", "id")


def overdue_in_my_families(user: User, today: date | None = None) -> QuerySet[Action]:
    """For a barnekoordinator: overdue actions in the families they coordinate, whoever owns them."""
    today = today or timezone.localdate()
    if Role.BARNEKOORDINATOR not in user.role_names():
        return Action.objects.none()
    families = visible_families(user, Category.MEETINGS).filter(
        coordinator_assignments__coordinator=user, coordinator_assignments__started__lte=today).filter(
        Q(coordinator_assignments__ended__isnull=True) | Q(coordinator_assignments__ended__gt=today))
    return Action.objects.filter(family__in=families, status=ActionStatus.OPEN, due_date__lt=today).exclude(
        owner=user).select_related("family", "meeting", "owner_member__family_member", "owner_member__child",
                                   "owner_member__user", "service_provider").order_by("due_date", "id")


# --- contact between meetings ---------------------------------------------------------------------

def contact_log(family: Family, *, include_private: bool, limit: int = 200) -> list[ContactEntry]:
    """The family's contacts between meetings, newest first. Without ``include_private`` only the entries shared
    with the family (for the family itself, and for a co-coordinator who does not read the working notes)."""
    qs = ContactEntry.objects.filter(family=family).select_related("created_by")
    if not include_private:
        qs = qs.filter(shared_with_family=True)
    return list(qs.order_by("-happened_on", "-created_at", "-id")[:limit])


# --- the calendar feed ----------------------------------------------------------------------------

def active_token(raw: str) -> CalendarToken | None:
    if not raw or len(raw) > 100:
        return None
    return CalendarToken.objects.filter(digest=CalendarToken.digest_of(raw), revoked_at__isnull=True,
                                        user__is_active=True).select_related("user").first()


def feed_meetings(user: User, now: datetime | None = None) -> tuple[list[Meeting], dict[int, AccessDecision]]:
    """The user's own meetings (where they are a participant) from 90 days back, each one only if
    the access policy still lets the user see it. Returns the meetings and the decision per family."""
    now = now or timezone.now()
    mine = Attendance.objects.filter(
        Q(member__user=user) | Q(member__family_member__user=user) | Q(member__child__user=user),
        invited=True,
    ).values("meeting_id")
    candidates = list(Meeting.objects.filter(pk__in=mine, starts_at__gte=now - timedelta(days=FEED_PAST_DAYS))
                      .select_related("family").order_by("starts_at")[:1000])
    decisions: dict[int, AccessDecision] = {}
    allowed: list[Meeting] = []
    for meeting in candidates:
        if meeting.family_id not in decisions:
            decisions[meeting.family_id] = decide(user, AccessAction.VIEW, meeting)
        if decisions[meeting.family_id].allowed:
            allowed.append(meeting)
    return allowed, {fid: d for fid, d in decisions.items() if d.allowed}


def member_kind_for(user: User, family: Family) -> str | None:
    """Which kind of group member a user would be (coordinator or service contact), if any."""
    roles = user.role_names()
    if Role.BARNEKOORDINATOR in roles and is_current_coordinator(user, family):
        return MemberKind.COORDINATOR
    if Role.SERVICE_CONTACT in roles:
        return MemberKind.SERVICE
    return None
