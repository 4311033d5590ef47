"""Queries for the statistics pages. Every figure is computed in the database (``aggregate``,
``annotate``, ``Exists``/``Subquery`` and ``Count(..., filter=Q(...))``); Python only ever sees
aggregated values (one row per coordinator, per service kind, per criterion …), never one row per
family. The number of queries does not grow with the number of families.

Who sees what:

- the coordinating unit (caseworkers and the unit leader) sees its municipality's figures and the lists of
  families behind them (those lists start from :func:`los.access.policy.visible_families`);
- leaders (the municipal leader and the unit leader) see the municipality's statistics: aggregated only,
  never a single family. A viewer who may not open the families behind a figure (a municipal leader) gets
  the figures *protected*: small numbers hidden with primary and secondary suppression.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from los.access.models import Category
from los.access.policy import UNIT_ROLES, serving_municipality_ids, visible_families
from los.accounts.models import PositionType, Role, StaffRole, User
from los.core.dates import DaySpan
from los.core.deadlines import add_months
from los.core.models import Municipality
from los.families.models import ConditionCategory, CoordinatorAssignment, Family, FamilyStatus
from los.meetings.models import (
    Action,
    ActionStatus,
    Attendance,
    ContactEntry,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from los.plans.models import OPEN_MEASURE_STATUSES, EvaluationDate, Measure, PlanStatus, PlanVersion
from los.referrals.models import (
    OPEN_REQUEST_STATUSES,
    Appeal,
    Appointment,
    CriterionAssessment,
    CriterionResult,
    Outcome,
    Request,
    Vedtak,
)
from los.referrals.selectors import OPEN_APPEAL_STATUSES, QueueRow, capacity_norms, capacity_of, queue_row

logger = logging.getLogger(__name__)

LEADER_ROLES = (Role.MUNICIPAL_LEADER, Role.UNIT_LEADER)
DEFAULT_WEEKS = 8
MAX_WEEKS = 52
#: Families the municipality's figures about caseload and transitions cover: those with, or granted, a
#: barnekoordinator.
COORDINATED_STATUSES = (FamilyStatus.ACTIVE, FamilyStatus.WAITING)


# --------------------------------------------------------------------------------------------------
# Who may see which municipalities
# --------------------------------------------------------------------------------------------------


def _known(user: User) -> dict:
    """What the statistics read about the user's roles, kept on the user object (which lives as long as the request:
    a page asks three or four times, for itself, its menu and whether to protect), and read again when the user's
    roles are read again."""
    known = user.__dict__.setdefault("_stats_known", {})
    roles_read = id(user.active_roles())
    if known.get("roles_read") != roles_read:
        known.clear()
        known["roles_read"] = roles_read
    return known


def _municipality_ids(user: User, roles: Iterable[str]) -> set[int]:
    roles = set(roles)
    known = _known(user)
    ids: set[int] = set()
    for role in user.active_roles():
        if role.role not in roles:
            continue
        # the coordinating unit also serves the municipalities of an inter-municipal agreement it hosts
        if role.role in UNIT_ROLES:
            if ("serving", role.pk) not in known:
                known["serving", role.pk] = serving_municipality_ids(role)
            ids |= known["serving", role.pk]
        else:
            ids.add(role.municipality_id)
    return ids


def _municipalities(user: User, roles: Iterable[str]) -> list[Municipality]:
    ids = frozenset(_municipality_ids(user, roles))
    known = _known(user)
    if ("municipalities", ids) not in known:
        known["municipalities", ids] = list(Municipality.objects.filter(pk__in=ids).order_by("name"))
    return list(known["municipalities", ids])


def unit_municipalities(user: User) -> list[Municipality]:
    """Municipalities whose coordinating-unit dashboard the user sees (caseworker or unit leader)."""
    if user is None or not user.is_authenticated:
        return []
    return _municipalities(user, UNIT_ROLES)


def leader_municipalities(user: User) -> list[Municipality]:
    """Municipalities whose statistics the user reads (municipal leader or unit leader)."""
    if user is None or not user.is_authenticated:
        return []
    return _municipalities(user, LEADER_ROLES)


def must_protect(user: User, municipality_ids: Iterable[int]) -> bool:
    """Protect (hide small numbers) unless the user works in the coordinating unit of every municipality
    in the figures, and so may open every family behind them anyway."""
    return not set(municipality_ids) <= _municipality_ids(user, UNIT_ROLES)


# --------------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period(DaySpan):
    start: date
    end: date

    @classmethod
    def default(cls, today: date) -> Period:
        return cls(start=add_months(today, -12) + timedelta(days=1), end=today)

    def whole_months(self, today: date) -> Period:
        """The period widened to whole calendar months (the end no later than today). Protected figures use
        whole months, so that two periods a day apart cannot be subtracted to single out one family."""
        end = add_months(self.end.replace(day=1), 1) - timedelta(days=1)
        return Period(start=self.start.replace(day=1), end=min(end, today))


def active_assignments(today: date) -> QuerySet[CoordinatorAssignment]:
    return CoordinatorAssignment.objects.filter(started__lte=today).filter(Q(ended__isnull=True) | Q(ended__gt=today))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --------------------------------------------------------------------------------------------------
# Contact: the last meeting, message or plan change
# --------------------------------------------------------------------------------------------------


def _message_source() -> tuple[Any, str] | None:
    """The message model and its time field, once Los has messages between family and coordinator."""
    for label in ("portal.Message", "messages.Message", "portal.Thread"):
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        names = {f.name for f in model._meta.get_fields()}
        for time_field in ("sent_at", "created_at"):
            if time_field in names and "family" in names:
                return model, time_field
    return None


def messages_counted() -> bool:
    return _message_source() is not None


def contact_since(family_ref: Any, since: datetime) -> Q:
    """A condition that is true when the family (``family_ref``: an ``OuterRef``) had contact since ``since``:
    a held coordination group meeting, a call or conversation in the coordinator's contact log, a message, or a
    change to the individual plan. Only whether there was contact is read, never what the contact log says."""
    condition = Q(Exists(Meeting.objects.filter(family=family_ref, kind=MeetingKind.COORDINATION,
                                                status=MeetingStatus.HELD, starts_at__gte=since)))
    condition |= Q(Exists(ContactEntry.objects.filter(family=family_ref,
                                                      happened_on__gte=timezone.localtime(since).date())))
    condition |= Q(Exists(PlanVersion.objects.filter(family=family_ref, created_at__gte=since)))
    source = _message_source()
    if source is not None:
        model, time_field = source
        condition |= Q(Exists(model.objects.filter(family=family_ref, **{f"{time_field}__gte": since})))
    return condition


def without_contact(assignments: QuerySet[CoordinatorAssignment], today: date, weeks: int) -> QuerySet:
    """Active assignments, older than ``weeks``, whose family has had no contact in ``weeks`` weeks."""
    cutoff = today - timedelta(weeks=weeks)
    return assignments.filter(started__lt=cutoff).exclude(contact_since(OuterRef("family_id"), _start_of(cutoff)))


# --------------------------------------------------------------------------------------------------
# The coordinating unit: per coordinator
# --------------------------------------------------------------------------------------------------


@dataclass
class CoordinatorFigures:
    user_id: int
    name: str
    position_type: str
    position_share: int | None
    families: int = 0
    overdue_actions: int = 0
    overdue_measures: int = 0
    missed_evaluations: int = 0
    without_contact: int = 0
    capacity: int = 0

    @property
    def per_10_percent(self) -> float | None:
        if not self.position_share:
            return None
        return self.families / (self.position_share / 10)

    @property
    def load_percent(self) -> float:
        """Families as a share of capacity (100: full)."""
        return self.families / self.capacity * 100 if self.capacity else 0.0

    @property
    def over_capacity(self) -> bool:
        return self.families > self.capacity


def coordinator_roles(municipality_ids: Iterable[int]) -> QuerySet[StaffRole]:
    return StaffRole.objects.filter(role=Role.BARNEKOORDINATOR, active=True, user__is_active=True,
                                    municipality_id__in=list(municipality_ids))


def _by_coordinator(qs: QuerySet, key: str, counted: str, **count_kwargs: Any) -> dict[int, int]:
    rows = qs.order_by().values(key).annotate(n=Count(counted, distinct=True, **count_kwargs)).values_list(key, "n")
    return {k: n for k, n in rows if k is not None}


def coordinator_figures(municipality_ids: Iterable[int], today: date, weeks: int = DEFAULT_WEEKS,
                        ) -> list[CoordinatorFigures]:
    """Per barnekoordinator in the municipalities: role type, share of a position, families now, and
    what is overdue in those families. A coordinator's families are all their current assignments."""
    ids = list(municipality_ids)
    roles = coordinator_roles(ids)
    people: dict[int, CoordinatorFigures] = {}
    norms = capacity_norms(ids)
    for role in roles.select_related("user").order_by("user__last_name", "user__first_name", "user_id", "pk"):
        people.setdefault(role.user_id, CoordinatorFigures(
            user_id=role.user_id, name=role.user.get_full_name() or role.user.username,
            position_type=role.position_type, position_share=role.position_share,
            capacity=capacity_of(role, norms)))
    if not people:
        return []
    active = active_assignments(today).filter(coordinator_id__in=roles.values("user_id"))
    families = _by_coordinator(active, "coordinator_id", "family_id")
    actions = _by_coordinator(active, "coordinator_id", "family__meeting_actions", filter=Q(
        family__meeting_actions__status=ActionStatus.OPEN, family__meeting_actions__due_date__lt=today))
    measures = _by_coordinator(
        Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES, due_date__lt=today, plan__status=PlanStatus.ACTIVE,
                               family__coordinator_assignments__in=active),
        "family__coordinator_assignments__coordinator_id", "pk")
    evaluations = _by_coordinator(
        EvaluationDate.objects.filter(held_on__isnull=True, date__lt=today, plan__status=PlanStatus.ACTIVE,
                                      family__coordinator_assignments__in=active),
        "family__coordinator_assignments__coordinator_id", "pk")
    silent = _by_coordinator(without_contact(active, today, weeks), "coordinator_id", "family_id")
    for uid, person in people.items():
        person.families = families.get(uid, 0)
        person.overdue_actions = actions.get(uid, 0)
        person.overdue_measures = measures.get(uid, 0)
        person.missed_evaluations = evaluations.get(uid, 0)
        person.without_contact = silent.get(uid, 0)
    return list(people.values())


# --------------------------------------------------------------------------------------------------
# The coordinating unit: the families in scope
# --------------------------------------------------------------------------------------------------


def unit_families(user: User, municipality_ids: Iterable[int], category: str = Category.CASE) -> QuerySet[Family]:
    """The families of the chosen municipalities that the user may open (lists and counts start here)."""
    return visible_families(user, category).filter(municipality_id__in=list(municipality_ids))


@dataclass
class QueueFigures:
    total: int = 0
    under_two_weeks: int = 0
    two_weeks_to_month: int = 0
    one_to_two_months: int = 0
    over_two_months: int = 0
    over_month_no_reply: int = 0
    oldest: date | None = None

    @property
    def over_month(self) -> int:
        return self.one_to_two_months + self.over_two_months


def queue_figures(families: QuerySet[Family], today: date) -> QueueFigures:
    """Open requests (waiting for a decision) by how long they have waited."""
    two_weeks = today - timedelta(days=14)
    one_month, two_months = add_months(today, -1), add_months(today, -2)
    row = Request.objects.filter(family__in=families.values("pk"), status__in=OPEN_REQUEST_STATUSES).aggregate(
        total=Count("pk"),
        under_two_weeks=Count("pk", filter=Q(received__gt=two_weeks)),
        two_weeks_to_month=Count("pk", filter=Q(received__lte=two_weeks, received__gte=one_month)),
        one_to_two_months=Count("pk", filter=Q(received__lt=one_month, received__gte=two_months)),
        over_two_months=Count("pk", filter=Q(received__lt=two_months)),
        over_month_no_reply=Count("pk", filter=Q(received__lt=one_month, preliminary_reply_sent_on__isnull=True)),
        oldest=Min("received"),
    )
    return QueueFigures(**row)


def open_requests(families: QuerySet[Family]) -> QuerySet[Request]:
    """The open requests of the families, oldest first (paginated by the caller, in the database)."""
    return (Request.objects.filter(family__in=families.values("pk"), status__in=OPEN_REQUEST_STATUSES)
            .select_related("family").order_by("received", "pk"))


def queue_rows(requests: Iterable[Request], today: date) -> list[QueueRow]:
    """The rows of one page of the queue (the deadline rules of ``los.core.deadlines``)."""
    return [queue_row(request, today) for request in requests]


@dataclass
class Coverage:
    with_coordinator: int = 0
    granted_waiting: int = 0
    refused_appealed: int = 0
    request_pending: int = 0
    longest_wait_days: int | None = None

    @property
    def without_coordinator(self) -> int:
        return self.granted_waiting + self.refused_appealed + self.request_pending


def coverage(families: QuerySet[Family], today: date) -> Coverage:
    """Families with a barnekoordinator, and families with a need and none: granted and waiting, refused
    but appealed, or waiting for a decision. Each family counts once."""
    annotated = families.annotate(
        _has=Exists(active_assignments(today).filter(family=OuterRef("pk"))),
        _appealed=Exists(Appeal.objects.filter(family=OuterRef("pk"), status__in=OPEN_APPEAL_STATUSES)),
        _pending=Exists(Request.objects.filter(family=OuterRef("pk"), status__in=OPEN_REQUEST_STATUSES)),
    )
    waiting = Q(_has=False, status=FamilyStatus.WAITING)
    row = annotated.aggregate(
        with_coordinator=Count("pk", filter=Q(_has=True)),
        granted_waiting=Count("pk", filter=waiting),
        refused_appealed=Count("pk", filter=Q(_has=False, status=FamilyStatus.REFUSED, _appealed=True)),
        request_pending=Count("pk", filter=Q(_has=False, _pending=True)
                              & ~Q(status__in=(FamilyStatus.WAITING, FamilyStatus.REFUSED))),
    )
    oldest = Vedtak.objects.filter(family__in=annotated.filter(waiting).values("pk"),
                                   outcome=Outcome.GRANTED).aggregate(first=Min("decision_date"))["first"]
    return Coverage(**row, longest_wait_days=(today - oldest).days if oldest else None)


def coordinator_changes(families: QuerySet[Family], today: date) -> dict[int, int]:
    """For the families that have a barnekoordinator now: number of families by number of changes of
    coordinator in their history (assignments − 1)."""
    count = Subquery(CoordinatorAssignment.objects.filter(family=OuterRef("pk")).order_by().values("family")
                     .annotate(c=Count("pk")).values("c"), output_field=IntegerField())
    rows = (families.filter(Exists(active_assignments(today).filter(family=OuterRef("pk"))))
            .annotate(_n=count).order_by().values("_n").annotate(families=Count("pk")).values_list("_n", "families"))
    return {max(0, (n or 1) - 1): f for n, f in rows}


@dataclass
class UnitTotals:
    without_contact: int = 0
    overdue_actions: int = 0
    overdue_measures: int = 0
    missed_evaluations: int = 0


def unit_totals(families: QuerySet[Family], today: date, weeks: int) -> UnitTotals:
    """Across the families: how many have had no contact in ``weeks`` weeks, and what is overdue."""
    ids = families.values("pk")
    return UnitTotals(
        without_contact=without_contact(active_assignments(today).filter(family__in=ids), today, weeks)
        .values("family_id").distinct().count(),
        overdue_actions=Action.objects.filter(family__in=ids, status=ActionStatus.OPEN, due_date__lt=today).count(),
        overdue_measures=Measure.objects.filter(family__in=ids, status__in=OPEN_MEASURE_STATUSES, due_date__lt=today,
                                                plan__status=PlanStatus.ACTIVE).count(),
        missed_evaluations=EvaluationDate.objects.filter(family__in=ids, held_on__isnull=True, date__lt=today,
                                                         plan__status=PlanStatus.ACTIVE).count(),
    )


def families_without_contact(families: QuerySet[Family], today: date, weeks: int) -> QuerySet[Family]:
    """The families (with a barnekoordinator for longer than ``weeks``) without contact in ``weeks`` weeks,
    longest silence first, each with its coordinator's name and the last meeting and plan change."""
    current = active_assignments(today).filter(family=OuterRef("pk")).order_by("-started")
    last_meeting = (Meeting.objects.filter(family=OuterRef("pk"), kind=MeetingKind.COORDINATION,
                                           status=MeetingStatus.HELD).order_by("-starts_at").values("starts_at")[:1])
    last_change = PlanVersion.objects.filter(family=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    silent = without_contact(active_assignments(today), today, weeks).values("family_id")
    return (families.filter(pk__in=silent)
            .annotate(coordinator_first=Subquery(current.values("coordinator__first_name")[:1]),
                      coordinator_last=Subquery(current.values("coordinator__last_name")[:1]),
                      coordinator_since=Subquery(current.values("started")[:1]),
                      last_meeting=Subquery(last_meeting), last_plan_change=Subquery(last_change))
            .order_by(F("last_meeting").asc(nulls_first=True), "coordinator_since", "display_name", "pk"))


# --------------------------------------------------------------------------------------------------
# The municipality: requests and decisions
# --------------------------------------------------------------------------------------------------


def median_days(qs: QuerySet, expression: Any) -> tuple[float | None, int]:
    """The median of a duration in days and the number of values: sorted and picked in the database
    (two queries, whatever the size), so it works the same on SQLite and PostgreSQL."""
    spans = (qs.annotate(_span=ExpressionWrapper(expression, output_field=DurationField()))
             .exclude(_span__isnull=True).order_by("_span").values_list("_span", flat=True))
    n = spans.count()
    if n == 0:
        return None, 0
    middle = [m.total_seconds() / 86400 for m in spans[(n - 1) // 2: n // 2 + 1]]
    return round(sum(middle) / len(middle), 1), n


def decisions_in(municipality_ids: Iterable[int], period: Period) -> QuerySet[Vedtak]:
    """First decisions on requests in the period. Decisions made again after a reversed appeal are left
    out, so that each request counts once (as in ``los.referrals.selectors.equal_treatment``)."""
    return Vedtak.objects.filter(municipality_id__in=list(municipality_ids), after_appeal__isnull=True,
                                 decision_date__gte=period.start, decision_date__lte=period.end)


@dataclass
class RequestFigures:
    received: int = 0
    open_now: int = 0
    granted: int = 0
    refused: int = 0
    median_days_to_decision: float | None = None
    decisions_timed: int = 0
    median_days_to_appointment: float | None = None
    appointments_timed: int = 0
    by_condition: dict[str, tuple[int, int]] = field(default_factory=dict)  # category → (granted, refused)


def request_figures(municipality_ids: Iterable[int], period: Period) -> RequestFigures:
    ids = list(municipality_ids)
    requests = Request.objects.filter(municipality_id__in=ids).aggregate(
        received=Count("pk", filter=Q(received__gte=period.start, received__lte=period.end)),
        open_now=Count("pk", filter=Q(status__in=OPEN_REQUEST_STATUSES)))
    decisions = decisions_in(ids, period)
    aggregates: dict[str, Count] = {
        "granted": Count("pk", filter=Q(outcome=Outcome.GRANTED), distinct=True),
        "refused": Count("pk", filter=Q(outcome=Outcome.REFUSED), distinct=True),
    }
    for value in ConditionCategory.values:
        has = Q(family__children__condition_categories__icontains=f'"{value}"')
        aggregates[f"{value}__g"] = Count("pk", filter=has & Q(outcome=Outcome.GRANTED), distinct=True)
        aggregates[f"{value}__r"] = Count("pk", filter=has & Q(outcome=Outcome.REFUSED), distinct=True)
    counts = decisions.aggregate(**aggregates)
    to_decision, decided = median_days(decisions, F("decision_date") - F("request__received"))
    appointments = Appointment.objects.filter(municipality_id__in=ids, is_change=False, vedtak__isnull=False,
                                              assignment__started__gte=period.start,
                                              assignment__started__lte=period.end)
    to_appointment, appointed = median_days(appointments, F("assignment__started") - F("vedtak__request__received"))
    return RequestFigures(
        received=requests["received"], open_now=requests["open_now"], granted=counts["granted"],
        refused=counts["refused"], median_days_to_decision=to_decision, decisions_timed=decided,
        median_days_to_appointment=to_appointment, appointments_timed=appointed,
        by_condition={v: (counts[f"{v}__g"], counts[f"{v}__r"]) for v in ConditionCategory.values
                      if counts[f"{v}__g"] or counts[f"{v}__r"]},
    )


@dataclass
class CriterionCounts:
    legal_key: str
    label: str
    met_granted: int = 0
    met_refused: int = 0
    not_met_granted: int = 0
    not_met_refused: int = 0
    unclear: int = 0

    def as_list(self) -> list[int]:
        return [self.met_granted, self.met_refused, self.not_met_granted, self.not_met_refused, self.unclear]


def criterion_figures(municipality_ids: Iterable[int], period: Period) -> list[CriterionCounts]:
    """How each criterion was assessed in the period's decisions, and what was decided (aggregated rows
    per criterion, result and outcome). Each municipality has its own local criteria: with more than one
    municipality they are pooled in one row (``legal_key`` ``""``, ``label`` ``""``)."""
    ids = list(municipality_ids)
    pool = len(ids) > 1
    decisions = decisions_in(ids, period)
    lines = (CriterionAssessment.objects.filter(assessment__request__decisions__in=decisions)
             .values("legal_key", "local_criterion_id", "label", "result", "assessment__request__decisions__outcome")
             .annotate(n=Count("pk", distinct=True)).order_by())
    found: dict[tuple, CriterionCounts] = {}
    for row in lines:
        local = row["local_criterion_id"] if not row["legal_key"] and not pool else None
        key = (row["legal_key"], local)
        label = "" if pool and not row["legal_key"] else row["label"]
        target = found.setdefault(key, CriterionCounts(legal_key=row["legal_key"], label=label))
        granted = row["assessment__request__decisions__outcome"] == Outcome.GRANTED
        if row["result"] == CriterionResult.MET:
            if granted:
                target.met_granted += row["n"]
            else:
                target.met_refused += row["n"]
        elif row["result"] == CriterionResult.NOT_MET:
            if granted:
                target.not_met_granted += row["n"]
            else:
                target.not_met_refused += row["n"]
        else:
            target.unclear += row["n"]
    return sorted(found.values(), key=lambda r: (not r.legal_key, r.legal_key, r.label))


# --------------------------------------------------------------------------------------------------
# The municipality: caseloads, services, navigator gaps, transitions
# --------------------------------------------------------------------------------------------------


@dataclass
class Caseloads:
    """Families per barnekoordinator now, per coordinator (aggregated in the database)."""

    loads: list[tuple[str, int]]  # (position type, families), one per coordinator

    @property
    def coordinators(self) -> int:
        return len(self.loads)

    def band(self, low: int, high: int | None = None) -> int:
        return sum(1 for _t, n in self.loads if n >= low and (high is None or n <= high))

    def mean(self, position_type: str | None = None) -> tuple[float | None, int]:
        values = [n for t, n in self.loads if n >= 1 and (position_type is None or t == position_type)]
        return (sum(values) / len(values) if values else None), len(values)


def caseloads(municipality_ids: Iterable[int], today: date) -> Caseloads:
    ids = list(municipality_ids)
    roles = coordinator_roles(ids)
    types: dict[int, str] = {}
    for user_id, position_type in roles.order_by("user_id", "pk").values_list("user_id", "position_type"):
        types.setdefault(user_id, position_type or PositionType.EXTRA_FUNCTION)
    families = _by_coordinator(active_assignments(today).filter(coordinator_id__in=roles.values("user_id")),
                               "coordinator_id", "family_id")
    return Caseloads(loads=[(t, families.get(uid, 0)) for uid, t in types.items()])


def _by_service_kind(rows: QuerySet, yes: Q, no: Q) -> dict[str, tuple[int, int]]:
    """Per kind of service (of the rows' ``service_provider``): the number of rows that match ``yes`` and ``no``
    (aggregated in the database)."""
    counted = (rows.filter(service_provider__isnull=False).values("service_provider__kind")
               .annotate(n_yes=Count("pk", filter=yes), n_no=Count("pk", filter=no)).order_by())
    return {r["service_provider__kind"]: (r["n_yes"], r["n_no"]) for r in counted}


def attendance_by_service(municipality_ids: Iterable[int], period: Period) -> dict[str, tuple[int, int]]:
    """Per kind of service: (present, absent) among invited service contacts whose attendance was recorded
    at meetings held in the period."""
    rows = Attendance.objects.filter(municipality_id__in=list(municipality_ids), invited=True, present__isnull=False,
                                     meeting__status=MeetingStatus.HELD, meeting__starts_at__gte=period.start_at,
                                     meeting__starts_at__lt=period.end_before)
    return _by_service_kind(rows, Q(present=True), Q(present=False))


def actions_by_service(municipality_ids: Iterable[int], period: Period, today: date) -> dict[str, tuple[int, int]]:
    """Per kind of service: (done, not done) among the actions owned by a service that fell due in the
    period (up to today)."""
    rows = Action.objects.filter(municipality_id__in=list(municipality_ids), due_date__gte=period.start,
                                 due_date__lte=min(period.end, today))
    done = Q(status=ActionStatus.DONE)
    return _by_service_kind(rows, done, ~done)


def _screen_open_cases(municipality_ids: Iterable[int], today: date, lang: str) -> Any:
    """The navigator's screening of the open cases of the municipalities. None when the navigator is not
    installed."""
    try:
        from los.navigator import selectors as navigator
    except ImportError:  # pragma: no cover - the navigator app is part of Los
        return None
    families = Family.objects.filter(municipality_id__in=list(municipality_ids), status__in=navigator.OPEN_STATUSES)
    return navigator.screen_families(families, today, lang)


def navigator_gaps(municipality_ids: Iterable[int], today: date, lang: str) -> list[tuple[str, str, int]] | None:
    """Per catalogue entry of the navigator that one applies for: the number of families (open cases) for
    whom it is likely but neither in place nor applied for. None when the navigator is not installed."""
    ids = sorted(set(municipality_ids))
    # Screening runs the navigator over every open family of the municipalities (about 0.15 ms a family): the
    # figure is kept for LOS_STATS_SCREENING_CACHE_SECONDS (10 minutes; off in tests) per municipality set,
    # day and language instead of being worked out again on every page view.
    seconds = getattr(settings, "LOS_STATS_SCREENING_CACHE_SECONDS", 0)
    key = "los:stats:navigator_gaps:" + hashlib.sha256(
        f"{today.isoformat()}|{lang}|{','.join(map(str, ids))}".encode()).hexdigest()
    if seconds:
        cached = cache.get(key)
        if cached is not None:
            return cached
    screening = _screen_open_cases(ids, today, lang)
    if screening is None:
        return None
    # what one applies for (the ombudsman and user organisations are to be told about, not applied for)
    result = list(getattr(screening, "apply_counts", screening.counts))
    if seconds:
        cache.set(key, result, seconds)
    return result


@dataclass
class Transitions:
    turning_18: tuple[int, int] = (0, 0)  # (within 6 months, 6–12 months)
    school_start: tuple[int, int] = (0, 0)
    lower_secondary: tuple[int, int] = (0, 0)
    upper_secondary: tuple[int, int] = (0, 0)


def _august_starts(today: date, six: date, twelve: date, age: int) -> tuple[Q, Q]:
    """Children who start school (``age`` 6), lower secondary (13) or upper secondary school (16) in August of
    the year they turn ``age`` (taken as 15 August, as in ``los.meetings.selectors.upcoming_transitions``),
    within the next 6 months, and within 6–12 months."""
    first, second = Q(pk__in=[]), Q(pk__in=[])
    for year in (today.year, today.year + 1):
        start = date(year, 8, 15)
        if today <= start < six:
            first |= Q(birth_date__year=year - age)
        elif six <= start <= twelve:
            second |= Q(birth_date__year=year - age)
    return first, second


def transitions(municipality_ids: Iterable[int], today: date) -> Transitions:
    """Children in families with (or granted) a barnekoordinator who turn 18, or start school, lower or upper
    secondary school, in the next 12 months."""
    from los.families.models import Child

    six, twelve = add_months(today, 6), add_months(today, 12)
    children = Child.objects.filter(family__municipality_id__in=list(municipality_ids),
                                    family__status__in=COORDINATED_STATUSES, birth_date__isnull=False)
    years18 = -18 * 12
    adult_first = Q(birth_date__gte=add_months(today, years18), birth_date__lt=add_months(six, years18))
    adult_second = Q(birth_date__gte=add_months(six, years18), birth_date__lte=add_months(twelve, years18))
    school_first, school_second = _august_starts(today, six, twelve, 6)
    lower_first, lower_second = _august_starts(today, six, twelve, 13)
    upper_first, upper_second = _august_starts(today, six, twelve, 16)
    row = children.aggregate(
        a1=Count("pk", filter=adult_first), a2=Count("pk", filter=adult_second),
        s1=Count("pk", filter=school_first), s2=Count("pk", filter=school_second),
        l1=Count("pk", filter=lower_first), l2=Count("pk", filter=lower_second),
        u1=Count("pk", filter=upper_first), u2=Count("pk", filter=upper_second),
    )
    return Transitions(turning_18=(row["a1"], row["a2"]), school_start=(row["s1"], row["s2"]),
                       lower_secondary=(row["l1"], row["l2"]), upper_secondary=(row["u1"], row["u2"]))


def municipality_families(municipality_ids: Iterable[int]) -> QuerySet[Family]:
    """Every family of the municipalities, for aggregate figures only (never listed)."""
    return Family.objects.filter(municipality_id__in=list(municipality_ids))


# --------------------------------------------------------------------------------------------------
# The figures "now", live or as the month's snapshot (for protected viewers)
# --------------------------------------------------------------------------------------------------


@dataclass
class ScreeningCounts:
    """The navigator's screening of a municipality's open cases, counted: no family in it."""

    counts: list[tuple[str, int]]  # (catalogue id, families), every entry found likely and missing
    families: int  # open cases screened
    families_with_missing: int  # … with something likely to apply for that nobody has applied for


def screening_counts(municipality_ids: Iterable[int], today: date) -> ScreeningCounts | None:
    """Counts of the navigator's screening of the open cases. None when the navigator is not installed."""
    screening = _screen_open_cases(municipality_ids, today, "nb")
    if screening is None:
        return None
    return ScreeningCounts(counts=[(entry_id, n) for entry_id, _name, n in screening.counts],
                           families=screening.families, families_with_missing=screening.families_with_missing)


@dataclass
class NowFigures:
    """Everything on the municipal statistics that is about how things stand on one day."""

    taken_on: date
    open_now: int
    coverage: Coverage
    changes: dict[int, int]
    caseloads: Caseloads
    transitions: Transitions
    screening: ScreeningCounts | None

    def counts(self, lang: str, *, tell: bool = False) -> list[tuple[str, str, int]] | None:
        """(catalogue id, name, families) for what one applies for (``tell``: what one tells families about)."""
        if self.screening is None:
            return None
        from los.navigator import selectors as navigator

        names = navigator.catalogue_names(lang)
        return [(entry_id, names.get(entry_id, entry_id), n) for entry_id, n in self.screening.counts
                if (entry_id in navigator.TO_TELL_ABOUT) == tell]

    def to_json(self) -> dict[str, Any]:
        return {
            "taken_on": self.taken_on.isoformat(), "open_now": self.open_now,
            "coverage": {k: getattr(self.coverage, k) for k in (
                "with_coordinator", "granted_waiting", "refused_appealed", "request_pending", "longest_wait_days")},
            "changes": {str(k): v for k, v in self.changes.items()},
            "caseloads": [list(load) for load in self.caseloads.loads],
            "transitions": {k: list(getattr(self.transitions, k)) for k in (
                "turning_18", "school_start", "lower_secondary", "upper_secondary")},
            "screening": None if self.screening is None else {
                "counts": [list(c) for c in self.screening.counts], "families": self.screening.families,
                "families_with_missing": self.screening.families_with_missing},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NowFigures:
        screening = data.get("screening")
        return cls(
            taken_on=date.fromisoformat(data["taken_on"]), open_now=int(data["open_now"]),
            coverage=Coverage(**data["coverage"]),
            changes={int(k): int(v) for k, v in data["changes"].items()},
            caseloads=Caseloads(loads=[(str(t), int(n)) for t, n in data["caseloads"]]),
            transitions=Transitions(**{k: (int(v[0]), int(v[1])) for k, v in data["transitions"].items()}),
            screening=None if screening is None else ScreeningCounts(
                counts=[(str(i), int(n)) for i, n in screening["counts"]], families=int(screening["families"]),
                families_with_missing=int(screening["families_with_missing"])),
        )


def now_figures(municipality_ids: Iterable[int], today: date) -> NowFigures:
    """The figures "now", live."""
    ids = list(municipality_ids)
    families = municipality_families(ids)
    return NowFigures(
        taken_on=today,
        open_now=Request.objects.filter(municipality_id__in=ids, status__in=OPEN_REQUEST_STATUSES).count(),
        coverage=coverage(families, today), changes=coordinator_changes(families, today),
        caseloads=caseloads(ids, today), transitions=transitions(ids, today), screening=screening_counts(ids, today))


def protected_now_figures(municipality: Municipality, today: date) -> NowFigures:
    """The figures "now" for a viewer who gets small numbers hidden: as they were when first asked for in this
    calendar month (:class:`los.stats.models.NowSnapshot`), so that two looks in a month show the same and
    cannot be subtracted from each other."""
    from django.db import IntegrityError, transaction

    from los.stats.models import NowSnapshot

    month = today.replace(day=1)
    found = NowSnapshot.objects.filter(municipality=municipality, month=month).values_list("figures", flat=True).first()
    if found is not None:
        return NowFigures.from_json(found)
    figures = now_figures([municipality.pk], today)
    try:
        with transaction.atomic():
            NowSnapshot.objects.create(municipality=municipality, month=month, taken_on=today,
                                       figures=figures.to_json())
    except IntegrityError:  # taken at the same moment by another request: use that one
        found = NowSnapshot.objects.filter(municipality=municipality, month=month).values_list("figures", flat=True).get()
        return NowFigures.from_json(found)
    return figures
