"""Queries of the questionnaire and of the quality of the work.

The family's own side (``open_invitations``, ``family_answers``): the caller has authorized the family; every
invitation is asked about again through the access policy.

The figures (everything else): aggregated in the database, never one row per family in Python; the number of
queries does not depend on the number of families. Answers are counted from :class:`~los.survey.models.Answer`
alone (municipality, year, who answered, the answers); they are never joined to anything about a family.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from los.access.policy import UNIT_ROLES, Action, decide, serving_municipality_ids
from los.accounts.models import Role, User
from los.core.dates import DaySpan
from los.core.deadlines import add_months
from los.core.models import Municipality
from los.families.models import Family
from los.meetings.models import Action as MeetingAction
from los.meetings.models import ActionStatus, Meeting, MeetingKind, MeetingStatus
from los.plans.models import EvaluationDate, Goal, Measure, Plan, PlanApproval, PlanChange, PlanVersion
from los.portal.models import Message
from los.referrals.models import Appointment
from los.stats.selectors import active_assignments, median_days
from los.stats.suppression import THRESHOLD
from los.survey.models import Answer, Invitation, Respondent
from los.survey.questions import FIGURES, questions_for

#: Who sees the figures: the barnekoordinators, the coordinating unit and the leaders of the municipality.
FIGURE_ROLES = (Role.BARNEKOORDINATOR, Role.CASEWORKER, Role.UNIT_LEADER, Role.MUNICIPAL_LEADER)
#: An evaluation held within this many days of its planned date is on time.
EVALUATION_GRACE_DAYS = 14
#: A plan lives when its measures were added to, changed or updated within this many months.
MEASURE_UPDATE_MONTHS = 3
WEEKS_WITHOUT_CONTACT = 8
#: Free-text comments are shown for a year only when at least this many answers were given in it.
COMMENTS_MIN_ANSWERS = 5
#: The number of calendar years the figures show (this year and the ones before).
YEARS_SHOWN = 3
MEASURE_CHANGES = (PlanChange.MEASURE_ADDED, PlanChange.MEASURE_EDITED, PlanChange.MEASURE_STATUS)


# --- the family's own side --------------------------------------------------------------------------------


def open_invitations(family: Family, user: User, today: date | None = None) -> list[Invitation]:
    """The invitations the user can answer now (for a guardian: the guardians' and each child's, except those about a
    young person of 16 or more with an own log-in; for that young person: their own), guardians' version first."""
    today = today or timezone.localdate()
    rows = (Invitation.objects.filter(family=family, closed_on__isnull=True, due_on__lte=today,
                                      expires_on__gte=today)
            .select_related("child", "family").order_by("child_id", "due_on", "pk"))
    return [i for i in rows if decide(user, Action.CHANGE, i).allowed]


@dataclass
class OwnAnswer:
    invitation: Invitation
    answer: Answer | None  # None: the family said no thanks, skipped every question or deleted its answers


def family_answers(family: Family, user: User) -> list[OwnAnswer]:
    """The questionnaires the family has dealt with that the user may see, newest first, each with its answers
    (found by the receipts only the family's invitations can give)."""
    invitations = [i for i in Invitation.objects.filter(family=family, closed_on__isnull=False)
                   .select_related("child", "family").order_by("-closed_on", "child_id", "-pk")
                   if decide(user, Action.VIEW, i).allowed]
    receipts = {r: i.pk for i in invitations for r in i.receipts()}
    answers = {receipts[a.receipt]: a for a in Answer.objects.filter(receipt__in=list(receipts))}
    return [OwnAnswer(i, answers.get(i.pk)) for i in invitations]


def answers_for_download(family: Family, user: User) -> list[dict]:
    """The family's own answers for its data download (GDPR access): one entry per questionnaire it has answered,
    with every question, the answer in words and its code. Call inside the download's language."""
    out = []
    for row in family_answers(family, user):
        if row.answer is None:
            continue
        items = []
        for question in questions_for(row.invitation.respondent):
            for item in question.items:
                code = getattr(row.answer, item.field)
                items.append({"question": str(item.text), "answer": str(item.scale.label(code)), "code": code})
        out.append({
            "questionnaire": str(row.invitation.get_moment_display()), "dealt_with": row.invitation.closed_on,
            "respondent": row.invitation.child.given_name if row.invitation.child else str(Respondent.GUARDIAN.label),
            "year": row.answer.year, "answers": items, "comment": row.answer.comment,
        })
    return out


# --- who sees which municipalities -------------------------------------------------------------------------


def figure_municipalities(user: User) -> list[Municipality]:
    """The municipalities whose figures the user sees: a barnekoordinator and a municipal leader their own, the
    coordinating unit its own and those it serves by agreement."""
    if user is None or not user.is_authenticated:
        return []
    ids: set[int] = set()
    for role in user.active_roles():
        if role.role in UNIT_ROLES:
            ids |= serving_municipality_ids(role)
        elif role.role in FIGURE_ROLES:
            ids.add(role.municipality_id)
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def unit_municipality_ids(user: User) -> set[int]:
    ids: set[int] = set()
    for role in user.active_roles():
        if role.role in UNIT_ROLES:
            ids |= serving_municipality_ids(role)
    return ids


def must_protect(user: User, municipality_ids: Iterable[int]) -> bool:
    """Hide small numbers in the figures about the work unless the user is in the coordinating unit of every
    municipality (and may open every family behind them anyway). The family-reported figures are always protected:
    nobody may open the answers behind them."""
    return not set(municipality_ids) <= unit_municipality_ids(user)


# --- periods ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Year(DaySpan):
    """A calendar year, up to ``end`` (today, or the end of the last whole month, for the year under way)."""

    year: int
    end: date

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def complete(self) -> bool:
        return self.end == date(self.year, 12, 31)


def years(today: date, protect: bool, count: int = YEARS_SHOWN) -> list[Year]:
    """The calendar years shown, oldest first. The year under way ends today; for protected figures at the end of
    the last whole month (so that the figures do not move from one day to the next), and is left out in January."""
    out = [Year(y, date(y, 12, 31)) for y in range(today.year - count + 1, today.year)]
    end = today.replace(day=1) - timedelta(days=1) if protect else today
    if end.year == today.year:
        out.append(Year(today.year, end))
    return out


# --- what the families say -------------------------------------------------------------------------------------


@dataclass
class Share:
    """``part`` of ``whole`` answers (or plans, meetings, families)."""

    part: int = 0
    whole: int = 0


@dataclass
class AnswerCounts:
    answers: dict[tuple[int, str], int] = field(default_factory=dict)  # (year, respondent) → answers
    shares: dict[tuple[str, int], Share] = field(default_factory=dict)  # (figure key, year) → share


def _quarter_end(year: int, quarter: int) -> date:
    return add_months(date(year, 3 * quarter, 1), 1) - timedelta(days=1)


def answer_periods(municipality_ids: Iterable[int], today: date, respondent: str,
                   count: int = YEARS_SHOWN) -> list[Year]:
    """The periods the answers are shown for, oldest first: the whole calendar years that have ended, and the year
    under way up to the end of its last whole quarter. The year under way moves a quarter at a time, and only when
    at least :data:`~los.stats.suppression.THRESHOLD` answers have come in since the last cut it was shown at, so
    that two figures a quarter apart never differ by one family's answer."""
    out = [Year(y, date(y, 12, 31)) for y in range(today.year - count + 1, today.year)]
    last = (today.month - 1) // 3  # whole quarters of this year
    if last == 0:
        return out
    per_quarter = dict(Answer.objects.filter(municipality_id__in=list(municipality_ids), year=today.year,
                                             respondent=respondent, quarter__lte=last)
                       .values("quarter").annotate(n=Count("pk")).values_list("quarter", "n").order_by())
    shown, cumulative, at_cut = 0, 0, 0
    for quarter in range(1, last + 1):
        cumulative += per_quarter.get(quarter, 0)
        if cumulative - at_cut >= THRESHOLD:
            shown, at_cut = quarter, cumulative
    if shown:
        out.append(Year(today.year, _quarter_end(today.year, shown)))
    return out


def _through(periods: Iterable[Year]) -> Q:
    condition = Q(pk__in=[])
    for p in periods:
        condition |= Q(year=p.year) if p.complete else Q(year=p.year, quarter__lte=(p.end.month - 1) // 3 + 1)
    return condition


def answer_counts(municipality_ids: Iterable[int], periods: Iterable[Year], respondent: str) -> AnswerCounts:
    """Per period and figure: how many (guardians, or children) answered within the figure's counts, of all who
    answered on its scale, and the answers per period. One query for every figure and period."""
    aggregates: dict[str, Count] = {"n": Count("pk")}
    for figure in FIGURES:
        on_scale = Q(**{f"{figure.field}__in": sorted(figure.scale.counted)})
        aggregates[f"{figure.key}__part"] = Count("pk", filter=Q(**{f"{figure.field}__in": sorted(figure.counts)}))
        aggregates[f"{figure.key}__whole"] = Count("pk", filter=on_scale)
    rows = (Answer.objects.filter(municipality_id__in=list(municipality_ids), respondent=respondent)
            .filter(_through(periods)).values("year", "respondent").annotate(**aggregates).order_by())
    out = AnswerCounts()
    for row in rows:
        out.answers[(row["year"], row["respondent"])] = row["n"]
        for figure in FIGURES:
            if figure.respondent == row["respondent"]:
                out.shares[(figure.key, row["year"])] = Share(row[f"{figure.key}__part"], row[f"{figure.key}__whole"])
    return out


def answers_per_year(municipality_ids: Iterable[int], year_numbers: Iterable[int]) -> dict[tuple[int, str], int]:
    """How many answers were given per calendar year and respondent (the year under way up to today)."""
    rows = (Answer.objects.filter(municipality_id__in=list(municipality_ids), year__in=list(year_numbers))
            .values("year", "respondent").annotate(n=Count("pk")).order_by())
    return {(r["year"], r["respondent"]): r["n"] for r in rows}


def invitation_counts(municipality_ids: Iterable[int], year_numbers: Iterable[int]) -> dict[tuple[int, str], int]:
    """Invitations by the year they were made and who they were for (guardians or a child)."""
    numbers = list(year_numbers)
    rows = (Invitation.objects.filter(municipality_id__in=list(municipality_ids), due_on__year__in=numbers)
            .values("due_on__year").annotate(guardians=Count("pk", filter=Q(child__isnull=True)),
                                             children=Count("pk", filter=Q(child__isnull=False))).order_by())
    out: dict[tuple[int, str], int] = {}
    for row in rows:
        out[(row["due_on__year"], Respondent.GUARDIAN)] = row["guardians"]
        out[(row["due_on__year"], Respondent.CHILD)] = row["children"]
    return out


def comments(municipality_ids: Iterable[int], period: Year) -> list[str]:
    """The answers to the open question in a period, in an order that says nothing about when or by whom (by the
    answer's random id); none when fewer than :data:`COMMENTS_MIN_ANSWERS` answers were given in it."""
    answers = Answer.objects.filter(municipality_id__in=list(municipality_ids)).filter(_through([period]))
    if answers.count() < COMMENTS_MIN_ANSWERS:
        return []
    return list(answers.exclude(comment="").order_by("pk").values_list("comment", flat=True))


# --- the quality of the work --------------------------------------------------------------------------------


def _plans_in_use(municipality_ids: list[int], period: Year):
    return Plan.objects.filter(municipality_id__in=municipality_ids, created_at__lt=period.end_before).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=period.end_before))


def evaluations_on_time(municipality_ids: Iterable[int], period: Year) -> Share:
    """Plans with an evaluation due in the period whose every due evaluation was held on time (within
    :data:`EVALUATION_GRACE_DAYS` days of its date). An evaluation is due when its date is in the period and either
    it was held by the end of the period or the grace days have passed."""
    ids = list(municipality_ids)
    grace = timedelta(days=EVALUATION_GRACE_DAYS)
    due = (EvaluationDate.objects.filter(plan=OuterRef("pk"), date__gte=period.start, date__lte=period.end)
           .filter(Q(date__lte=period.end - grace) | Q(held_on__lte=period.end))
           .exclude(plan__closed_at__date__lt=F("date")))
    late = due.annotate(delay=ExpressionWrapper(F("held_on") - F("date"), output_field=DurationField())).filter(
        Q(held_on__isnull=True) | Q(held_on__gt=period.end) | Q(delay__gt=grace))
    row = Plan.objects.filter(municipality_id__in=ids).aggregate(
        whole=Count("pk", filter=Q(Exists(due))), part=Count("pk", filter=Q(Exists(due)) & ~Q(Exists(late))))
    return Share(row["part"], row["whole"])


def measures_updated(municipality_ids: Iterable[int], period: Year) -> Share:
    """Plans in use at the end of the period, with measures, whose measures were added to, changed or had their
    status updated in the :data:`MEASURE_UPDATE_MONTHS` months up to the end: from the plan's versions (its history)
    and, for a measure changed since, the measure's own last change."""
    ids = list(municipality_ids)
    since = timezone.make_aware(datetime.combine(add_months(period.end, -MEASURE_UPDATE_MONTHS), time.min))
    has_measures = Exists(Measure.objects.filter(plan=OuterRef("pk"), created_at__lt=period.end_before))
    versioned = Exists(PlanVersion.objects.filter(plan=OuterRef("pk"), change__in=MEASURE_CHANGES,
                                                  created_at__gte=since, created_at__lt=period.end_before))
    touched = Exists(Measure.objects.filter(plan=OuterRef("pk")).filter(
        Q(updated_at__gte=since, updated_at__lt=period.end_before)
        | Q(status_changed_at__gte=since, status_changed_at__lt=period.end_before)))
    row = _plans_in_use(ids, period).aggregate(
        whole=Count("pk", filter=Q(has_measures)),
        part=Count("pk", filter=Q(has_measures) & (Q(versioned) | Q(touched))))
    return Share(row["part"], row["whole"])


def goals_approved(municipality_ids: Iterable[int], period: Year) -> Share:
    """Goals (not archived) in plans in use at the end of the period that the family has approved: the family
    approved a version of the plan after the goal was written, and before the end of the period."""
    ids = list(municipality_ids)
    approved = Exists(PlanApproval.objects.filter(plan=OuterRef("plan"), created_at__gte=OuterRef("created_at"),
                                                  created_at__lt=period.end_before))
    goals = Goal.objects.filter(municipality_id__in=ids, plan__in=_plans_in_use(ids, period), archived=False,
                                created_at__lt=period.end_before)
    row = goals.aggregate(whole=Count("pk"), part=Count("pk", filter=Q(approved)))
    return Share(row["part"], row["whole"])


def meetings_followed_up(municipality_ids: Iterable[int], period: Year) -> Share:
    """Coordination group meetings held in the period with agreements (actions) due by its end, whose every such
    action was done by its due date. One grouped pass over the actions (a meeting without an action due is not
    counted)."""
    late = ~Q(status=ActionStatus.DONE) | Q(done_at__isnull=True) | Q(done_at__date__gt=F("due_date"))
    ids = list(municipality_ids)
    per_meeting = (MeetingAction.objects.filter(
        municipality_id__in=ids, meeting__municipality_id__in=ids, meeting__kind=MeetingKind.COORDINATION,
        meeting__status=MeetingStatus.HELD, meeting__starts_at__gte=period.start_at,
        meeting__starts_at__lt=period.end_before, due_date__lte=period.end)
        .order_by().values("meeting_id").annotate(late=Count("pk", filter=late)))
    row = per_meeting.aggregate(whole=Count("meeting_id"), part=Count("meeting_id", filter=Q(late=0)))
    return Share(row["part"], row["whole"])


def days_to_appointment(municipality_ids: Iterable[int], period: Year) -> tuple[float | None, int]:
    """The median number of days from the request to the first barnekoordinator, for families who got one in the
    period (changes of coordinator left out), and how many families."""
    appointments = Appointment.objects.filter(municipality_id__in=list(municipality_ids), is_change=False,
                                              vedtak__isnull=False, assignment__started__gte=period.start,
                                              assignment__started__lte=period.end)
    return median_days(appointments, F("assignment__started") - F("vedtak__request__received"))


def _contact_between(family_ref: OuterRef, since: datetime, until: datetime) -> Q:
    """Contact with the family in [since, until): a held coordination group meeting, a message between the family
    and the coordinator, or a change to the individual plan (as on the coordinating unit's dashboard, but with an
    end, so that a past year is not counted with contact made after it)."""
    window = {"gte": since, "lt": until}
    return (Q(Exists(Meeting.objects.filter(family=family_ref, kind=MeetingKind.COORDINATION,
                                            status=MeetingStatus.HELD,
                                            **{f"starts_at__{k}": v for k, v in window.items()})))
            | Q(Exists(PlanVersion.objects.filter(family=family_ref,
                                                  **{f"created_at__{k}": v for k, v in window.items()})))
            | Q(Exists(Message.objects.filter(family=family_ref, **{f"sent_at__{k}": v for k, v in window.items()}))))


def families_without_contact(municipality_ids: Iterable[int], period: Year,
                             weeks: int = WEEKS_WITHOUT_CONTACT) -> Share:
    """Of the families that had had a barnekoordinator for more than ``weeks`` weeks at the end of the period, those
    with no held coordination group meeting, no message and no change to the plan in the last ``weeks`` weeks of
    the period."""
    cutoff = period.end - timedelta(weeks=weeks)
    since = timezone.make_aware(datetime.combine(cutoff, time.min))
    families = Family.objects.filter(
        municipality_id__in=list(municipality_ids),
        pk__in=active_assignments(period.end).filter(started__lt=cutoff).values("family_id"))
    row = families.aggregate(whole=Count("pk"), part=Count("pk", filter=~_contact_between(
        OuterRef("pk"), since, period.end_before)))
    return Share(row["part"], row["whole"])
