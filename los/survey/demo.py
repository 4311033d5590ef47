"""Demo data for the questionnaire: three years of invitations and answers, so that the comparison with the nation
means something.

Every family with a barnekoordinator is asked at its moments (three months after the first coordinator, yearly, when
the coordinator ended), with the same quiet period as Los itself. About half answer, some say no thanks, the rest
let the invitation run out; children from 12 answer their own version now and then. Each municipality has its own
profile around the national figures (the demo family's municipality is better than the nation on the barnekoordinator
and worse on access, so that the summary has both), and every municipality gets a little better each year.

A guardian who answers has logged in to Los: the demo gives one guardian (who may consent) in those families a
log-in (no password: it cannot be used to log in) and lets most of them approve their individual plan, which the
figure "goals the family has approved" counts.

Deterministic with ``ctx.rng``; a fixed number of queries and bulk inserts, whatever the number of families.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from los.accounts.models import User
from los.core.deadlines import add_months
from los.core.demo.bulk import bulk_insert
from los.core.demo.seed import DemoContext
from los.families.models import Child, CoordinatorAssignment, FamilyMember
from los.plans.models import Plan, PlanApproval, PlanVersion
from los.survey import national
from los.survey.models import Answer, Invitation, Moment, Respondent, quarter_of, receipt_for
from los.survey.questions import ALL_ITEMS, DONT_KNOW, FIGURES, NO_PLAN
from los.survey.services import CHILD_AGE, OPEN_DAYS, QUIET_DAYS, YOUNG_PERSON_AGE

ANSWER_RATE = 0.55
DECLINE_RATE = 0.12
CHILD_ANSWER_RATE = 0.7
COMMENT_RATE = 0.22
APPROVAL_RATE = 0.7
YEARLY_GAIN = 0.03  # every municipality gets a little better each year

#: The demo family's municipality: better than the nation on the barnekoordinator, worse on getting services.
DEMO_PROFILE = {
    "road_heavy": 0.97, "not_coordinated": 0.42, "depends_on_people": 0.86, "rights_overview": 0.32,
    "application_help": 0.48, "coordinator_satisfied": 0.42, "coordinator_little_use": 0.26, "plan_satisfied": 0.1,
    "plan_little_use": 0.5, "child_together": 0.6, "child_listened": 0.52, "child_knows_whom": 0.7,
}
STATEMENT = ("Vi har lest denne versjonen av den individuelle planen og er enige i den. Vi vet at vi når som helst kan "
             "be om endringer og trekke tilbake samtykket vårt.")
CHILD_BASE = {"child_together": 0.55, "child_listened": 0.5, "child_knows_whom": 0.62}

GUARDIAN_COMMENTS = [
    "Koordinatoren vår svarer raskt og følger opp det som blir avtalt.",
    "Vi bruker fortsatt mye tid på søknader. Vi skulle ønske noen hjalp oss mer med dem.",
    "Det tok lang tid å få barnekoordinator, men nå går det bedre.",
    "Vi må fortsatt fortelle historien vår på nytt når det kommer nye folk.",
    "Planen ligger i en skuff. Vi vet ikke hvem som har ansvar for hva.",
    "Møtene er gode, men det skjer lite mellom møtene.",
    "Endelig har vi én person å ringe når noe skjer.",
    "Vi fikk vite om rettigheter vi ikke kjente til. Det har betydd mye.",
    "Avlastningen er innvilget, men ingen har kommet i gang ennå.",
    "Skolen og helsestasjonen snakker sammen nå. Det merkes hjemme.",
    "Vi skulle ønske at vedtakene kom før neste møte, ikke etter.",
]
CHILD_COMMENTS = [
    "Det er fint når de spør meg først.",
    "Det er for mange møter.",
    "Jeg vil bestemme mer selv.",
    "Assistenten på skolen er bra.",
]


def _clamp(p: float) -> float:
    return min(0.97, max(0.02, p))


def _profiles(ctx: DemoContext, municipality_ids: list[int]) -> dict[int, dict[str, float]]:
    """Per municipality, the chance that an answer falls in each figure (in the first year)."""
    demo_m = ctx.demo_family.municipality_id if ctx.demo_family is not None else None
    out = {}
    for mid in municipality_ids:
        if mid == demo_m:
            out[mid] = dict(DEMO_PROFILE)
            continue
        quality = ctx.rng.uniform(-0.15, 0.15)
        profile = {}
        for figure in FIGURES:
            reference = national.FIGURES.get(figure.national)
            base = (reference.low + reference.high) / 200 if reference else CHILD_BASE[figure.key]
            better = -quality if figure.lower_is_better else quality
            profile[figure.key] = _clamp(base + better + ctx.rng.uniform(-0.05, 0.05))
        out[mid] = profile
    return out


def _code(ctx: DemoContext, figure_key: str, chance: float) -> int:
    figure = next(f for f in FIGURES if f.key == figure_key)
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.05:
        return DONT_KNOW
    if figure.field.startswith("plan_") and roll < 0.13:
        return NO_PLAN
    inside = sorted(figure.counts)
    outside = sorted(figure.scale.counted - figure.counts)
    return rng.choice(inside) if rng.random() < chance else rng.choice(outside)


def _answer(ctx: DemoContext, invitation: Invitation, closed: date, profile: dict[str, float],
            first_year: int) -> Answer:
    rng = ctx.rng
    respondent = invitation.respondent
    mood = rng.gauss(0, 0.1)  # a family that is content is content with most things
    gain = YEARLY_GAIN * (closed.year - first_year)
    values: dict[str, int | None] = {}
    for figure in FIGURES:
        if figure.respondent != respondent:
            continue
        better = gain + mood
        chance = _clamp(profile[figure.key] + (-better if figure.lower_is_better else better))
        values[figure.field] = None if rng.random() < 0.03 else _code(ctx, figure.key, chance)
    for field in ALL_ITEMS:
        values.setdefault(field, None)
    comments = CHILD_COMMENTS if respondent == Respondent.CHILD else GUARDIAN_COMMENTS
    comment = rng.choice(comments) if rng.random() < COMMENT_RATE else ""
    return Answer(id=uuid.UUID(int=rng.getrandbits(128), version=4), municipality_id=invitation.municipality_id, year=closed.year, quarter=quarter_of(closed),
                  moment=invitation.moment,
                  respondent=respondent, receipt=receipt_for(invitation.secret), comment=comment, **values)


def _moments(first: date, last_end: date | None, current: bool, today: date) -> list[tuple[str, date]]:
    """The family's moments up to today, with the quiet period between them."""
    found = [(Moment.THREE_MONTHS, add_months(first, 3))]
    n = 1
    while add_months(first, 12 * n) <= today:
        found.append((Moment.YEARLY, add_months(first, 12 * n)))
        n += 1
    if not current and last_end is not None:
        found.append((Moment.ENDING, last_end))
    kept: list[tuple[str, date]] = []
    for moment, day in sorted(found, key=lambda m: m[1]):
        if day > today or (moment != Moment.ENDING and not current and last_end is not None and day > last_end):
            continue
        if kept and (day - kept[-1][1]).days < QUIET_DAYS:
            continue
        kept.append((moment, day))
    return kept


def seed(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    family_ids = [f.pk for f in ctx.families]
    if not family_ids:
        return
    municipality_of = {f.pk: f.municipality_id for f in ctx.families}
    spans: dict[int, dict] = {}
    for family_id, started, ended in CoordinatorAssignment.objects.filter(family_id__in=family_ids).values_list(
            "family_id", "started", "ended").order_by("family_id", "started"):
        span = spans.setdefault(family_id, {"first": started, "last_end": None, "current": False})
        span["first"] = min(span["first"], started)
        if ended is None or ended > today:
            span["current"] = True
        elif span["last_end"] is None or ended > span["last_end"]:
            span["last_end"] = ended
    children: dict[int, list[tuple[int, date, int | None]]] = defaultdict(list)
    for family_id, pk, birth, user_id in Child.objects.filter(family_id__in=list(spans), birth_date__isnull=False)\
            .values_list("family_id", "pk", "birth_date", "user_id").order_by("family_id", "birth_date"):
        children[family_id].append((pk, birth, user_id))
    profiles = _profiles(ctx, sorted(set(municipality_of.values())))
    first_year = today.year - 2
    demo_id = ctx.demo_family.pk if ctx.demo_family is not None else None

    invitations: list[Invitation] = []
    answers: list[tuple[Invitation, date]] = []  # answered invitations and the day they were answered
    answered_families: set[int] = set()
    for family_id in sorted(spans):
        span = spans[family_id]
        moments = _moments(span["first"], span["last_end"], span["current"], today)
        for index, (moment, due) in enumerate(moments):
            mid = municipality_of[family_id]
            expires = due + timedelta(days=OPEN_DAYS)
            guardian = Invitation(family_id=family_id, municipality_id=mid, moment=moment, due_on=due,
                                  expires_on=expires, created_at=ctx.aware(due, 6))
            roll = rng.random()
            is_last = index == len(moments) - 1
            if family_id == demo_id and is_last:
                roll = 1.0 if expires >= today else 0.0  # the demo family: the newest waits, or was answered
            answered = False
            if expires >= today and roll >= ANSWER_RATE:
                pass  # still open: waiting in the portal
            elif roll < ANSWER_RATE:
                closed = min(today, due + timedelta(days=rng.randint(0, 20)))
                guardian.closed_on, answered = closed, True
                answers.append((guardian, closed))
                answered_families.add(family_id)
            elif roll < ANSWER_RATE + DECLINE_RATE:
                guardian.closed_on = min(today, due + timedelta(days=rng.randint(0, 30)))
            invitations.append(guardian)
            for child_id, birth, user_id in children.get(family_id, []):
                age = (due.year - birth.year) - ((due.month, due.day) < (birth.month, birth.day))
                if not CHILD_AGE <= age < 18:
                    continue
                child = Invitation(family_id=family_id, municipality_id=mid, moment=moment, due_on=due,
                                   expires_on=expires, child_id=child_id, created_at=guardian.created_at,
                                   by_own_login=bool(user_id) and age >= YOUNG_PERSON_AGE)
                if answered and rng.random() < CHILD_ANSWER_RATE:
                    child.closed_on = guardian.closed_on
                    answers.append((child, guardian.closed_on))
                elif guardian.closed_on is not None:
                    child.closed_on = guardian.closed_on
                invitations.append(child)
    if _demo_needs_open(demo_id, invitations, today):
        invitations.append(Invitation(family_id=demo_id, municipality_id=municipality_of[demo_id],
                                      moment=Moment.YEARLY, due_on=today - timedelta(days=5),
                                      expires_on=today - timedelta(days=5) + timedelta(days=OPEN_DAYS),
                                      created_at=ctx.aware(today - timedelta(days=5), 6)))
    for invitation in invitations:  # deterministic for the demo (Los itself draws them from the OS)
        invitation.secret = f"{rng.getrandbits(256):064x}"
    bulk_insert(Invitation, invitations, batch_size=2000)
    rows = [_answer(ctx, invitation, closed, profiles[invitation.municipality_id], first_year)
            for invitation, closed in answers]
    Answer.objects.bulk_create(rows, batch_size=2000)
    _family_logins_and_approvals(ctx, answered_families - {demo_id} if demo_id else answered_families)


def _demo_needs_open(demo_id: int | None, invitations: list[Invitation], today: date) -> bool:
    """The demo family shows a questionnaire waiting in its portal."""
    if demo_id is None:
        return False
    return not any(i.family_id == demo_id and i.child_id is None and i.closed_on is None and i.expires_on >= today
                   for i in invitations)


def _family_logins_and_approvals(ctx: DemoContext, family_ids: set[int]) -> None:
    """A guardian who answered in the portal has a log-in; most of them have approved their individual plan."""
    rng, today = ctx.rng, ctx.today
    if not family_ids:
        return
    chosen: dict[int, FamilyMember] = {}
    for member in FamilyMember.objects.filter(family_id__in=family_ids, may_consent=True).order_by("family_id", "pk"):
        if member.is_guardian:
            chosen.setdefault(member.family_id, member)
    unusable = make_password(None)
    members = [m for m in chosen.values() if m.user_id is None]
    users = [User(username=f"familie.{m.pk}", first_name=m.given_name, last_name=m.family_name, password=unusable)
             for m in members]
    bulk_insert(User, users, batch_size=2000)
    for member, user in zip(members, users, strict=True):
        member.user_id = user.pk
    FamilyMember.objects.bulk_update(members, ["user"], batch_size=2000)
    first_versions = dict(PlanVersion.objects.filter(family_id__in=list(chosen), number=1).values_list(
        "plan_id", "pk"))
    approvals = []
    for plan_id, family_id, municipality_id, created in Plan.objects.filter(
            family_id__in=list(chosen), pk__in=list(first_versions)).values_list(
            "pk", "family_id", "municipality_id", "created_at").order_by("pk"):
        if rng.random() >= APPROVAL_RATE:
            continue
        member = chosen[family_id]
        when = min(ctx.aware(today - timedelta(days=1), 20), created + timedelta(days=rng.randint(2, 40)))
        approvals.append(PlanApproval(plan_id=plan_id, family_id=family_id, municipality_id=municipality_id,
                                      plan_version_id=first_versions[plan_id], approved_by_id=member.user_id,
                                      member=member, statement=STATEMENT, created_at=when))
    bulk_insert(PlanApproval, approvals, batch_size=2000)
