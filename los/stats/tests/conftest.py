"""A hand-built municipality for the statistics tests. Every figure it should give is worked out by hand
in the docstring of :func:`stats_world`; the tests compare the pages with those numbers."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from los.accounts.models import PositionType, Role
from los.core import testing as t
from los.core.deadlines import add_months
from los.core.models import ProviderKind
from los.families.models import Child, CoordinatorAssignment, FamilyStatus
from los.meetings.models import (
    Action,
    ActionStatus,
    Attendance,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberKind,
)
from los.plans.models import EvaluationDate, Measure, MeasureStatus, Plan, PlanVersion
from los.referrals.models import (
    Appeal,
    AppealStatus,
    Appointment,
    Assessment,
    CriterionAssessment,
    Outcome,
    Request,
    RequestSource,
    RequestStatus,
    Vedtak,
)
from los.servicemap.models import EntryState, ServiceEntry

OSLO = ZoneInfo("Europe/Oslo")


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


def next_august(today: date) -> date:
    """The next 15 August on or after today: the day a school year starts in these figures."""
    this_year = date(today.year, 8, 15)
    return this_year if this_year >= today else date(today.year + 1, 8, 15)


def set_child(family, *, birth: date | None = None, categories: list[str] | None = None) -> Child:
    child = family.children.get()
    if birth is not None:
        child.birth_date, child.fodselsnummer = birth, ""
    if categories is not None:
        child.condition_categories = categories
    child.save()
    return child


def assign(family, coordinator, started_days_ago: int, ended_days_ago: int | None = None):
    return CoordinatorAssignment.objects.create(
        family=family, municipality=family.municipality, coordinator=coordinator, started=days_ago(started_days_ago),
        ended=days_ago(ended_days_ago) if ended_days_ago is not None else None)


def request(family, received_days_ago: int, status: str = RequestStatus.DECIDED, **extra) -> Request:
    return Request.objects.create(family=family, municipality=family.municipality, source=RequestSource.FAMILY,
                                  status=status, received=days_ago(received_days_ago), **extra)


def decide(req: Request, outcome: str, decided_days_ago: int, by, **extra) -> Vedtak:
    day = days_ago(decided_days_ago)
    return Vedtak.objects.create(request=req, family=req.family, municipality=req.municipality, outcome=outcome,
                                 rules="Pasient- og brukerrettighetsloven § 2-5 c.", facts="Fakta.",
                                 considerations="Vurdering.", decided_by=by, decision_date=day, notified_on=day,
                                 appeal_deadline=day + timedelta(weeks=4), **extra)


def member(family, kind, *, user=None, provider=None, family_member=None) -> GroupMember:
    return GroupMember.objects.create(family=family, municipality=family.municipality, kind=kind, user=user,
                                      service_provider=provider, family_member=family_member,
                                      joined=days_ago(400))


def meeting(family, held_days_ago: int, attendance: list[tuple[GroupMember, bool]],
            kind: str = MeetingKind.COORDINATION, status: str = MeetingStatus.HELD) -> Meeting:
    day = days_ago(held_days_ago)
    m = Meeting.objects.create(family=family, municipality=family.municipality, kind=kind, starts_at=at(day),
                               ends_at=at(day, 11), status=status, ical_uid=f"{uuid.uuid4()}@los")
    for gm, present in attendance:
        Attendance.objects.create(family=family, municipality=family.municipality, meeting=m, member=gm,
                                  service_provider=gm.service_provider, invited=True, present=present)
    return m


def action(family, owner: GroupMember, due_days_ago: int, done: bool = False) -> Action:
    return Action.objects.create(family=family, municipality=family.municipality, title="Oppgave",
                                 owner_member=owner, owner=owner.user, service_provider=owner.service_provider,
                                 due_date=days_ago(due_days_ago),
                                 status=ActionStatus.DONE if done else ActionStatus.OPEN,
                                 done_at=timezone.now() if done else None)


def plan(family, changed_days_ago: int) -> Plan:
    p = Plan.objects.create(family=family, municipality=family.municipality)
    PlanVersion.objects.create(plan=p, family=family, municipality=family.municipality, number=1, snapshot={},
                               change="created", created_at=at(days_ago(changed_days_ago)))
    return p


@pytest.fixture
def stats_world(world):
    """The world's municipality Testvik, with (today = the day the tests run; weeks without contact = 8):

    Barnekoordinators: ``bk`` (dedicated, 60 %), ``bk2`` (extra function, 10 %), ``bk3`` (extra function,
    4 %, no families).

    ===========  ==========  ===================================================================================
    family        status      what it has
    ===========  ==========  ===================================================================================
    F1 Berg       active      world's family, bk since 30 days (too new to count as "without contact")
    F2 Aas        active      bk since 200 days; coordination meeting 10 days ago (school present, NAV absent);
                              open NAV action due 5 days ago (overdue); child turns 18 in 3 months; needs an
                              interpreter
    F3 Bø         active      bk2 from 400 to 300 days ago, then bk (1 change); meeting 100 days ago (school
                              present, NAV absent, HABU present); plan changed 90 days ago → no contact in 8
                              weeks; overdue measure, a missed evaluation; HABU action due 50 days ago, done;
                              child turns 18 in 9 months
    F4 Ek         active      bk2 since 100 days; plan changed 5 days ago; school action due 10 days ago, done
                              (another school action due in 10 days); request 150 days ago, granted 120 days ago
                              (neurological), appointed 100 days ago (50 days request → appointment); starts
                              school next August; needs an interpreter but has applied for one
    F5 Fjell      active      bk2 since 70 days; only a fagmøte 5 days ago (HABU absent) → no contact; request 500
                              days ago, granted 480 days ago (before the period), appointed 70 days ago (430 days);
                              starts upper secondary school next August
    F6–F9         requested   open requests received 3, 20, 45 and 70 days ago; F9 has a preliminary reply;
                              F6's child turns 18 in 2 months (not counted: no barnekoordinator)
    F10 Kvam      waiting     request 40 days ago, granted 12 days ago (autism); starts lower secondary next Aug.
    F11 Li        refused     request 60 days ago, refused 30 days ago (autism + physical), appeal received
    F12 Moe       refused     request 50 days ago, refused 45 days ago (physical), no appeal
    F13 Nes       waiting     request 120 days ago, refused 100 days ago (hearing), appeal reversed: granted again
                              80 days ago (not counted twice)
    Dal           active      world's other family: no assignment, no request (in no figure)
    ===========  ==========  ===================================================================================

    By hand:

    - per coordinator: bk 3 families (0.5 per 10 %, capacity 15), 1 overdue action, 1 overdue measure, 1 missed
      evaluation, 1 without contact; bk2 2 families (2.0 per 10 %, capacity 2), nothing overdue, 1 without
      contact; bk3 0 families (capacity 1).
    - queue: 4 open requests: 1 under 2 weeks, 1 from 2 weeks to a month, 1 from 1 to 2 months, 1 over 2 months;
      2 waited more than a month, 1 of them without a preliminary reply.
    - coverage: 5 with a barnekoordinator, 2 granted and waiting (longest 80 days), 1 refused and appealed,
      4 waiting for a decision: 12.
    - changes: 4 families with no change, 1 with one change.
    - period (last 12 months): 9 requests received, 4 open now; decisions 2 granted, 3 refused (40 % granted);
      median days to decision of 5, 20, 28, 30, 30 = 28; to appointment of 50 and 430 = 240.
    - by condition: autism 1 granted 1 refused; physical 0/2; neurological 1/0; hearing 0/1.
    - criteria (F10 granted: all met; F11 refused: child met, condition not met, services unclear):
      child 1 met-granted 1 met-refused; condition 1 met-granted 1 not-met-refused; services 1 met-granted
      1 unclear.
    - caseload: bands 1–4: 2 coordinators (100 %), none above; 1 with no family; mean 2.5, dedicated 3.0,
      extra function 2.0.
    - attendance by service: school 2 present 0 absent, NAV 0/2 (100 % absent), HABU 1/1 (50 %).
    - actions due in the period by service: NAV 0 done 1 not, school 1/0, HABU 1/0.
    - transitions: turning 18: 1 within 6 months, 1 in 6–12 months; school start, lower and upper secondary: one
      child each, next August.
    - navigator: "tolk" (interpreter) likely and missing for F2 only.
    """
    w = world
    m = w.municipality
    w.unit_leader = t.staff(Role.UNIT_LEADER, m, "enhetsleder")
    w.bk = w.coordinator
    w.bk2 = t.staff(Role.BARNEKOORDINATOR, m, "bk2", position_type=PositionType.EXTRA_FUNCTION, position_share=10)
    w.bk3 = t.staff(Role.BARNEKOORDINATOR, m, "bk3", position_type=PositionType.EXTRA_FUNCTION, position_share=4)
    w.nav = t.provider(m, ProviderKind.NAV, "NAV Testvik")
    w.habu = t.provider(m, ProviderKind.HABU, "HABU Testvik")
    w.nav_contact = t.staff(Role.SERVICE_CONTACT, m, "kontakt.nav", service_provider=w.nav)
    w.habu_contact = t.staff(Role.SERVICE_CONTACT, m, "kontakt.habu", service_provider=w.habu)
    today = timezone.localdate()
    august = next_august(today)
    w.today, w.august = today, august

    def fam(name: str, status: str = FamilyStatus.ACTIVE, **kw):
        return t.family(m, name, status=status, **kw)

    # F1 Berg: the world's family, assigned to bk 30 days ago (by the world fixture)
    w.f1 = w.family
    # F2 Aas
    w.f2 = fam("Familien Aas", needs_interpreter=True, interpreter_language="somali")
    assign(w.f2, w.bk, 200)
    set_child(w.f2, birth=add_months(add_months(today, 3), -216))
    school2 = member(w.f2, MemberKind.SERVICE, user=w.contact, provider=w.school)
    nav2 = member(w.f2, MemberKind.SERVICE, user=w.nav_contact, provider=w.nav)
    meeting(w.f2, 10, [(school2, True), (nav2, False)])
    action(w.f2, nav2, due_days_ago=5)
    # F3 Bø
    w.f3 = fam("Familien Bø")
    assign(w.f3, w.bk2, 400, ended_days_ago=300)
    assign(w.f3, w.bk, 300)
    set_child(w.f3, birth=add_months(add_months(today, 9), -216))
    school3 = member(w.f3, MemberKind.SERVICE, user=w.contact, provider=w.school)
    nav3 = member(w.f3, MemberKind.SERVICE, user=w.nav_contact, provider=w.nav)
    habu3 = member(w.f3, MemberKind.SERVICE, user=w.habu_contact, provider=w.habu)
    meeting(w.f3, 100, [(school3, True), (nav3, False), (habu3, True)])
    action(w.f3, habu3, due_days_ago=50, done=True)
    plan3 = plan(w.f3, 90)
    common = {"plan": plan3, "family": w.f3, "municipality": m}
    Measure.objects.create(**common, title="Søke avlastning", due_date=days_ago(3), status=MeasureStatus.PLANNED)
    Measure.objects.create(**common, title="Ny rullestol", due_date=today + timedelta(days=20))
    Measure.objects.create(**common, title="Ferdig", due_date=days_ago(30), status=MeasureStatus.DONE)
    EvaluationDate.objects.create(**common, date=days_ago(10))
    EvaluationDate.objects.create(**common, date=days_ago(40), held_on=days_ago(40))
    # F4 Ek
    w.f4 = fam("Familien Ek", needs_interpreter=True, interpreter_language="arabisk")
    a4 = assign(w.f4, w.bk2, 100)
    set_child(w.f4, birth=date(august.year - 6, 1, 10), categories=["neurological"])
    school4 = member(w.f4, MemberKind.SERVICE, user=w.contact, provider=w.school)
    action(w.f4, school4, due_days_ago=10, done=True)
    action(w.f4, school4, due_days_ago=-10)
    plan(w.f4, 5)
    v4 = decide(request(w.f4, 150), Outcome.GRANTED, 120, w.caseworker)
    Appointment.objects.create(family=w.f4, municipality=m, assignment=a4, vedtak=v4)
    ServiceEntry.objects.create(family=w.f4, municipality=m, catalog_id="tolk", state=EntryState.APPLIED)
    # F5 Fjell
    w.f5 = fam("Familien Fjell")
    a5 = assign(w.f5, w.bk2, 70)
    set_child(w.f5, birth=date(august.year - 16, 3, 3))
    habu5 = member(w.f5, MemberKind.SERVICE, user=w.habu_contact, provider=w.habu)
    meeting(w.f5, 5, [(habu5, False)], kind=MeetingKind.PROFESSIONAL)
    v5 = decide(request(w.f5, 500), Outcome.GRANTED, 480, w.caseworker)
    Appointment.objects.create(family=w.f5, municipality=m, assignment=a5, vedtak=v5)
    # F6–F9: the queue
    w.queue = []
    for name, age, extra in (("Familien Gran", 3, {}), ("Familien Hov", 20, {}), ("Familien Iversen", 45, {}),
                             ("Familien Juv", 70, {"preliminary_reply_sent_on": days_ago(40)})):
        family = fam(name, FamilyStatus.REQUESTED)
        request(family, age, RequestStatus.RECEIVED, **extra)
        w.queue.append(family)
    set_child(w.queue[0], birth=add_months(add_months(today, 2), -216))
    # F10 Kvam: granted, waiting
    w.f10 = fam("Familien Kvam", FamilyStatus.WAITING)
    set_child(w.f10, birth=date(august.year - 13, 5, 5), categories=["autism"])
    r10 = request(w.f10, 40)
    decide(r10, Outcome.GRANTED, 12, w.caseworker)
    # F11 Li: refused, appealed
    w.f11 = fam("Familien Li", FamilyStatus.REFUSED)
    set_child(w.f11, categories=["autism", "physical"])
    r11 = request(w.f11, 60)
    v11 = decide(r11, Outcome.REFUSED, 30, w.caseworker)
    Appeal.objects.create(vedtak=v11, family=w.f11, municipality=m, received=days_ago(20), grounds="Uenig.",
                          registered_by=w.caseworker, status=AppealStatus.RECEIVED)
    # F12 Moe: refused, no appeal
    w.f12 = fam("Familien Moe", FamilyStatus.REFUSED)
    set_child(w.f12, categories=["physical"])
    decide(request(w.f12, 50), Outcome.REFUSED, 45, w.caseworker)
    # F13 Nes: refused, appeal reversed, granted again (counted once), waiting
    w.f13 = fam("Familien Nes", FamilyStatus.WAITING)
    set_child(w.f13, categories=["hearing"])
    r13 = request(w.f13, 120)
    v13 = decide(r13, Outcome.REFUSED, 100, w.caseworker)
    appeal13 = Appeal.objects.create(vedtak=v13, family=w.f13, municipality=m, received=days_ago(95), grounds="Uenig.",
                                     registered_by=w.caseworker, status=AppealStatus.REVERSED)
    decide(r13, Outcome.GRANTED, 80, w.caseworker, after_appeal=appeal13)
    # criteria: F10 (granted) all met; F11 (refused): child met, condition not met, services unclear
    for req, results in ((r10, ("met", "met", "met")), (r11, ("met", "not_met", ""))):
        assessment = Assessment.objects.create(request=req, family=req.family, municipality=m)
        for key, result in zip(("child", "condition", "services"), results, strict=True):
            CriterionAssessment.objects.create(assessment=assessment, family=req.family, municipality=m,
                                               legal_key=key, label=key, result=result)
    # another municipality's data never counts
    other = w.foreign_family
    other_bk = t.staff(Role.BARNEKOORDINATOR, w.other_municipality, "annen.bk")
    assign(other, other_bk, 10)
    decide(request(other, 30), Outcome.REFUSED, 5, w.foreign_caseworker)
    request(t.family(w.other_municipality, "Familien Borte", FamilyStatus.REQUESTED), 90, RequestStatus.RECEIVED)
    return w


#: A day on which the last whole calendar year is exactly the 365 days before it, so that figures for the
#: protected viewer's fixed period (the year before) hold the same events as the last 12 months.
NEW_YEAR = datetime(2027, 1, 1, 12, 0, tzinfo=OSLO)


@pytest.fixture
def new_year(settings, time_machine):
    """Protected figures by calendar year, on 1 January 2027: the last whole year is 2026."""
    settings.LOS_STATS_PROTECTED_PERIOD = "year"
    time_machine.move_to(NEW_YEAR)


@pytest.fixture
def protected_world(new_year, stats_world):
    """:func:`stats_world` built on 1 January 2027, with protected figures for whole calendar years."""
    return stats_world
