"""Queries of the referral workflow. Lists start from ``los.access.policy.visible_families``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from los.access.models import Consent
from los.access.policy import UNIT_ROLES, visible_families
from los.accounts.models import PositionType, Role, StaffRole, User
from los.core.dates import format_day
from los.core.deadlines import add_months, needs_preliminary_reply, preliminary_reply_due
from los.core.models import CoordinatingUnit, MunicipalityAgreement
from los.families.models import Child, ConditionCategory, CoordinatorAssignment, Family, FamilyStatus
from los.referrals.criteria import LEGAL_LABELS
from los.referrals.models import (
    OPEN_REQUEST_STATUSES,
    REFERRAL_CATEGORY,
    Appeal,
    AppealStatus,
    Appointment,
    CriterionAssessment,
    CriterionResult,
    Outcome,
    Request,
    Vedtak,
)
from los.referrals.services import DEFAULT_FAMILIES_PER_10_PERCENT

#: Appeals still in the unit's hands or with the appeal body.
OPEN_APPEAL_STATUSES = (AppealStatus.RECEIVED, AppealStatus.SENT)


def unit_municipality_ids(user: User) -> set[int]:
    """Municipalities where the user works in the coordinating unit (caseworker or unit leader)."""
    if user is None or not user.is_authenticated:
        return set()
    return {r.municipality_id for r in user.active_roles() if r.role in UNIT_ROLES}


def is_unit_staff(user: User) -> bool:
    return bool(unit_municipality_ids(user))


def _unit_families(user: User) -> QuerySet[Family]:
    return visible_families(user, REFERRAL_CATEGORY).filter(municipality_id__in=unit_municipality_ids(user))


# --------------------------------------------------------------------------------------------------
# The queue
# --------------------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    request: Request
    age_days: int
    reply_due: date
    flagged: bool  # one month will pass (or has passed) without a decision and no preliminary reply
    overdue: bool  # the one-month point has passed without a decision and no preliminary reply
    children: list[Child] = field(default_factory=list)

    @property
    def family(self) -> Family:
        return self.request.family


def queue_row(request: Request, today: date, children: list[Child] | None = None) -> QueueRow:
    """One open request in a queue, with its age and whether the preliminary reply is due (the deadline rules of
    ``los.core.deadlines``)."""
    due = preliminary_reply_due(request.received)
    flagged = needs_preliminary_reply(request.received, today, decided=False,
                                      preliminary_reply_sent=request.preliminary_reply_sent_on is not None)
    return QueueRow(request=request, age_days=request.age_days(today), reply_due=due, flagged=flagged,
                    overdue=flagged and today >= due, children=children if children is not None else [])


def queue_for(user: User, today: date | None = None) -> list[QueueRow]:
    """Open requests in the user's coordinating unit(s): flagged ones first, then the oldest."""
    today = today or timezone.localdate()
    families = _unit_families(user)
    requests = (Request.objects.filter(family__in=families.values("pk"), status__in=OPEN_REQUEST_STATUSES)
                .select_related("family", "municipality", "submitter_service")
                .prefetch_related("family__children").order_by("received", "pk"))
    rows = [queue_row(request, today, children=list(request.family.children.all())) for request in requests]
    rows.sort(key=lambda r: (not r.flagged, r.request.received, r.request.pk))
    return rows


def waiting_for_appointment(user: User, today: date | None = None) -> list[tuple[Family, Vedtak | None, int]]:
    """Families granted a barnekoordinator and still waiting for one, with the days since the decision."""
    today = today or timezone.localdate()
    families = list(_unit_families(user).filter(status=FamilyStatus.WAITING).select_related("municipality"))
    latest: dict[int, Vedtak] = {}
    for vedtak in Vedtak.objects.filter(family__in=[f.pk for f in families], outcome=Outcome.GRANTED).order_by(
            "decision_date", "pk"):
        latest[vedtak.family_id] = vedtak
    rows = []
    for family in families:
        vedtak = latest.get(family.pk)
        rows.append((family, vedtak, (today - vedtak.decision_date).days if vedtak else 0))
    rows.sort(key=lambda r: -r[2])
    return rows


def open_appeals(user: User) -> QuerySet[Appeal]:
    return (Appeal.objects.filter(family__in=_unit_families(user).values("pk"),
                                  status__in=OPEN_APPEAL_STATUSES)
            .select_related("family", "vedtak").order_by("received"))


# --------------------------------------------------------------------------------------------------
# Turning 18
# --------------------------------------------------------------------------------------------------


@dataclass
class AgeWarning:
    family: Family
    child: Child
    eighteenth: date
    months: int  # 12 or 6: the warning level
    days_left: int


def turning_18(families: QuerySet[Family], today: date | None = None) -> list[AgeWarning]:
    """Children in ``families`` with a barnekoordinator who turn 18 within 12 months (warning level 12)
    or 6 months (level 6). The caller passes families it may list (e.g. ``families_coordinated_by``)."""
    today = today or timezone.localdate()
    earliest_birth = add_months(today, -18 * 12)  # turned 18 today or before: excluded
    latest_birth = add_months(add_months(today, 12), -18 * 12)
    children = (Child.objects.filter(family__in=families.filter(status=FamilyStatus.ACTIVE).values("pk"),
                                     birth_date__gt=earliest_birth, birth_date__lte=latest_birth)
                .select_related("family").order_by("birth_date"))
    six_months = add_months(today, 6)
    out = []
    for child in children:
        eighteenth = child.eighteenth_birthday()
        out.append(AgeWarning(family=child.family, child=child, eighteenth=eighteenth,
                              months=6 if eighteenth <= six_months else 12, days_left=(eighteenth - today).days))
    return out


def age_warning_for(family: Family, today: date | None = None) -> AgeWarning | None:
    warnings = turning_18(Family.objects.filter(pk=family.pk), today)
    return warnings[0] if warnings else None


# --------------------------------------------------------------------------------------------------
# Candidates for appointment
# --------------------------------------------------------------------------------------------------


def serving_municipality_ids_for(family: Family, today: date | None = None) -> set[int]:
    """The family's municipality and those hosting an agreement that serves it."""
    today = today or timezone.localdate()
    ids = {family.municipality_id}
    ids.update(MunicipalityAgreement.objects.filter(member_id=family.municipality_id, valid_from__lte=today)
               .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).values_list("host_id", flat=True))
    return ids


def candidate_roles(family: Family) -> list[StaffRole]:
    roles = (StaffRole.objects.filter(role=Role.BARNEKOORDINATOR, active=True, user__is_active=True,
                                      municipality_id__in=serving_municipality_ids_for(family))
             .select_related("user", "municipality").order_by("user__last_name", "user__first_name"))
    seen: dict[int, StaffRole] = {}
    for role in roles:
        seen.setdefault(role.user_id, role)
    return list(seen.values())


def families_per_10_percent() -> float:
    """Los's default norm: families a coordinator can follow per 10 % of a position (``LOS_FAMILIES_PER_10_PERCENT``)."""
    return float(getattr(settings, "LOS_FAMILIES_PER_10_PERCENT", DEFAULT_FAMILIES_PER_10_PERCENT))


def capacity_norms(municipality_ids: Iterable[int]) -> dict[int, float]:
    """The coordinating units' own norms (families per 10 % of a position), by municipality, in one query; a
    municipality without one uses Los's default (:func:`families_per_10_percent`)."""
    norms: dict[int, float] = {}
    for municipality_id, norm in (CoordinatingUnit.objects.filter(municipality_id__in=list(municipality_ids),
                                                                   families_per_10_percent__isnull=False)
                                  .order_by("pk").values_list("municipality_id", "families_per_10_percent")):
        norms.setdefault(municipality_id, float(norm))
    return norms


def norm_for(municipality_id: int | None, norms: dict[int, float] | None = None) -> float:
    if norms is None:
        norms = capacity_norms([municipality_id]) if municipality_id else {}
    return norms.get(municipality_id, families_per_10_percent())


def capacity_of(role: StaffRole, norms: dict[int, float] | None = None) -> int:
    """Families the coordinator can follow: their share of a position / 10 × the unit's norm (families per 10 % of
    a position; see :func:`capacity_norms`). A role without a share counts as 100 % for a dedicated position and
    5 % for an extra function (half of those with an extra function have 4 % or less: DOMAIN.md § 5)."""
    share = role.position_share or (100 if role.position_type == PositionType.DEDICATED else 5)
    return max(1, round(share / 10 * norm_for(role.municipality_id, norms)))


@dataclass
class Candidate:
    user: User
    role: StaffRole
    score: float
    caseload: int
    capacity: int
    reasons: list[str | Promise]
    knows_family: bool
    is_current: bool = False

    @property
    def is_full(self) -> bool:
        """Already follows as many families as their capacity, or more: appointing them needs a second thought."""
        return self.caseload >= self.capacity


def rank_candidates(family: Family, today: date | None = None) -> list[Candidate]:
    """Barnekoordinators who could be appointed, best first, each with the reasons for the ranking:
    who already knows the family (proximity), role type, share of position and caseload against capacity."""
    today = today or timezone.localdate()
    roles = candidate_roles(family)
    user_ids = [r.user_id for r in roles]
    loads = dict(CoordinatorAssignment.objects.filter(coordinator_id__in=user_ids, started__lte=today)
                 .filter(Q(ended__isnull=True) | Q(ended__gt=today))
                 .values("coordinator_id").annotate(n=Count("id")).values_list("coordinator_id", "n"))
    history = {}
    current_id = None
    for a in CoordinatorAssignment.objects.filter(family=family).order_by("started"):
        if a.ended is None or a.ended > today:
            current_id = a.coordinator_id
        else:
            history[a.coordinator_id] = a
    now = timezone.now()
    consents = list(Consent.objects.filter(family=family, withdrawn_at__isnull=True, valid_from__lte=now,
                                           valid_to__gt=now).select_related("service_provider"))
    consented_providers = {c.service_provider_id: c.service_provider for c in consents if c.service_provider_id}
    named_people = {c.person_id for c in consents if c.person_id}
    contact_roles: dict[int, list[str]] = {}
    for role in StaffRole.objects.filter(user_id__in=user_ids, role=Role.SERVICE_CONTACT, active=True,
                                         service_provider_id__in=list(consented_providers)):
        contact_roles.setdefault(role.user_id, []).append(consented_providers[role.service_provider_id].name)
    norms = capacity_norms({r.municipality_id for r in roles})
    out = []
    for role in roles:
        uid = role.user_id
        reasons: list[str | Promise] = []
        score = 0.0
        knows = False
        if uid in history:
            a = history[uid]
            knows = True
            score += 40
            reasons.append(_("Was the family's barnekoordinator before (%(start)s–%(end)s).") % {
                "start": format_day(a.started, "short"), "end": format_day(a.ended, "short")})
        for service in contact_roles.get(uid, []):
            knows = True
            score += 30
            reasons.append(_("Already works with the family at %(service)s, which the family has consented to.")
                           % {"service": service})
        if uid in named_people:
            knows = True
            score += 30
            reasons.append(_("The family has consented to share with this person by name."))
        if not knows:
            reasons.append(_("Does not know the family from before."))
        if role.position_type == PositionType.DEDICATED:
            score += 10
            reasons.append(_("Holds a dedicated barnekoordinator position."))
        else:
            reasons.append(_("Has the role as an extra function on top of another job."))
        if role.position_share:
            score += role.position_share / 10
            reasons.append(_("%(share)s %% of a position for the role.") % {"share": role.position_share})
        load, capacity = loads.get(uid, 0), capacity_of(role, norms)
        if load < capacity:
            free = capacity - load
            score += 20 * free / capacity
            reasons.append(ngettext("Follows %(load)s family now; room for %(free)s more (capacity %(capacity)s).",
                                    "Follows %(load)s families now; room for %(free)s more (capacity %(capacity)s).",
                                    load) % {"load": load, "free": free, "capacity": capacity})
        else:
            score -= 15 + 5 * (load - capacity)
            reasons.append(ngettext("Full: follows %(load)s family, capacity %(capacity)s.",
                                    "Full: follows %(load)s families, capacity %(capacity)s.",
                                    load) % {"load": load, "capacity": capacity})
        out.append(Candidate(user=role.user, role=role, score=round(score, 1), caseload=load, capacity=capacity,
                             reasons=reasons, knows_family=knows, is_current=uid == current_id))
    out.sort(key=lambda c: (c.is_current, -c.score, c.caseload, c.user.last_name, c.user.first_name))
    return out


# --------------------------------------------------------------------------------------------------
# Many families at once: a coordinator leaves, the unit reorganises
# --------------------------------------------------------------------------------------------------


@dataclass
class CoordinatorLoad:
    user: User
    role: StaffRole
    load: int
    capacity: int

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def is_full(self) -> bool:
        return self.load >= self.capacity


def unit_coordinators(user: User, today: date | None = None) -> list[CoordinatorLoad]:
    """The barnekoordinators of the user's coordinating unit(s), with their families now and their capacity, in
    three queries."""
    today = today or timezone.localdate()
    ids = unit_municipality_ids(user)
    roles: dict[int, StaffRole] = {}
    for role in (StaffRole.objects.filter(role=Role.BARNEKOORDINATOR, active=True, user__is_active=True,
                                          municipality_id__in=ids)
                 .select_related("user").order_by("user__last_name", "user__first_name", "pk")):
        roles.setdefault(role.user_id, role)
    loads = dict(CoordinatorAssignment.objects.filter(coordinator_id__in=list(roles), started__lte=today)
                 .filter(Q(ended__isnull=True) | Q(ended__gt=today)).values("coordinator_id")
                 .annotate(n=Count("id")).values_list("coordinator_id", "n"))
    norms = capacity_norms({r.municipality_id for r in roles.values()})
    return [CoordinatorLoad(user=r.user, role=r, load=loads.get(uid, 0), capacity=capacity_of(r, norms))
            for uid, r in roles.items()]


def families_of_coordinator(user: User, coordinator_id: int, today: date | None = None) -> QuerySet[Family]:
    """The families the coordinator follows now that the unit member may work on (for a handover of many)."""
    today = today or timezone.localdate()
    current = CoordinatorAssignment.objects.filter(coordinator_id=coordinator_id, started__lte=today).filter(
        Q(ended__isnull=True) | Q(ended__gt=today)).values("family_id")
    return (_unit_families(user).filter(pk__in=current).select_related("municipality")
            .prefetch_related("children").order_by("display_name", "pk"))


# --------------------------------------------------------------------------------------------------
# Equal treatment (aggregate, for the unit leader)
# --------------------------------------------------------------------------------------------------


def _median_days(qs: QuerySet, expression) -> float | None:
    """The median of a duration, sorted and picked in the database (portable: no percentile function)."""
    annotated = qs.annotate(_span=ExpressionWrapper(expression, output_field=DurationField())).exclude(
        _span__isnull=True).order_by("_span").values_list("_span", flat=True)
    n = annotated.count()
    if n == 0:
        return None
    middle = list(annotated[(n - 1) // 2: n // 2 + 1])
    days = [m.total_seconds() / 86400 for m in middle]
    return round(sum(days) / len(days), 1)


@dataclass
class RateRow:
    label: str
    granted: int
    refused: int

    @property
    def total(self) -> int:
        return self.granted + self.refused

    @property
    def granted_percent(self) -> int | None:
        return round(100 * self.granted / self.total) if self.total else None


@dataclass
class CriterionRow:
    label: str
    met_granted: int = 0
    met_refused: int = 0
    not_met_granted: int = 0
    not_met_refused: int = 0
    unclear: int = 0


def equal_treatment(municipality_ids: set[int], since: date | None = None) -> dict:
    """Figures for the unit leader: decisions by criterion, granted/refused by caseworker and by the
    child's condition category, median days request→decision and request→appointment. Decisions made
    after a reversed appeal are left out, so each request counts once."""
    decisions = Vedtak.objects.filter(municipality_id__in=municipality_ids, after_appeal__isnull=True)
    if since is not None:
        decisions = decisions.filter(decision_date__gte=since)
    totals = decisions.aggregate(granted=Count("id", filter=Q(outcome=Outcome.GRANTED)),
                                 refused=Count("id", filter=Q(outcome=Outcome.REFUSED)))

    by_caseworker = [
        RateRow(label=(f"{row['decided_by__first_name']} {row['decided_by__last_name']}".strip()
                       or row["decided_by__username"]), granted=row["granted"], refused=row["refused"])
        for row in decisions.values("decided_by", "decided_by__first_name", "decided_by__last_name",
                                    "decided_by__username")
        .annotate(granted=Count("id", filter=Q(outcome=Outcome.GRANTED)),
                  refused=Count("id", filter=Q(outcome=Outcome.REFUSED)))
        .order_by("decided_by__last_name", "decided_by__first_name")
    ]

    aggregates = {}
    for value, _label in ConditionCategory.choices:
        has = Q(family__children__condition_categories__icontains=f'"{value}"')
        aggregates[f"{value}__granted"] = Count("id", filter=has & Q(outcome=Outcome.GRANTED), distinct=True)
        aggregates[f"{value}__refused"] = Count("id", filter=has & Q(outcome=Outcome.REFUSED), distinct=True)
    counts = decisions.aggregate(**aggregates) if aggregates else {}
    by_condition = [RateRow(label=str(label), granted=counts[f"{value}__granted"], refused=counts[f"{value}__refused"])
                    for value, label in ConditionCategory.choices]
    by_condition = [r for r in by_condition if r.total]

    lines = (CriterionAssessment.objects.filter(assessment__request__decisions__in=decisions)
             .values("legal_key", "local_criterion_id", "label", "result", "assessment__request__decisions__outcome")
             .annotate(n=Count("id", distinct=True)))
    criteria: dict[tuple, CriterionRow] = {}
    for row in lines:
        key = (row["legal_key"], row["local_criterion_id"])
        label = str(LEGAL_LABELS.get(row["legal_key"], row["label"])) if row["legal_key"] else row["label"]
        target = criteria.setdefault(key, CriterionRow(label=label))
        outcome, result, n = row["assessment__request__decisions__outcome"], row["result"], row["n"]
        if result == CriterionResult.MET:
            if outcome == Outcome.GRANTED:
                target.met_granted += n
            else:
                target.met_refused += n
        elif result == CriterionResult.NOT_MET:
            if outcome == Outcome.GRANTED:
                target.not_met_granted += n
            else:
                target.not_met_refused += n
        else:
            target.unclear += n
    by_criterion = sorted(criteria.values(), key=lambda r: (r.label not in {str(v) for v in LEGAL_LABELS.values()},
                                                            r.label))

    first_appointments = Appointment.objects.filter(municipality_id__in=municipality_ids, is_change=False,
                                                    vedtak__isnull=False)
    if since is not None:
        first_appointments = first_appointments.filter(assignment__started__gte=since)
    return {
        "granted": totals["granted"],
        "refused": totals["refused"],
        "total": totals["granted"] + totals["refused"],
        "by_caseworker": by_caseworker,
        "by_condition": by_condition,
        "by_criterion": by_criterion,
        "median_days_to_decision": _median_days(decisions, F("decision_date") - F("request__received")),
        "median_days_to_appointment": _median_days(first_appointments,
                                                   F("assignment__started") - F("vedtak__request__received")),
        "open_requests": Request.objects.filter(municipality_id__in=municipality_ids,
                                                status__in=OPEN_REQUEST_STATUSES).count(),
    }


def default_since(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=365)
