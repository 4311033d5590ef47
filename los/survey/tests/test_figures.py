"""The figures equal values worked out by hand on a fixture (the docstring of ``regnestad`` shows the sums)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from los.accounts.models import Role
from los.core import testing as t
from los.families.models import CoordinatorAssignment
from los.meetings.models import (
    Action,
    ActionStatus,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberKind,
)
from los.plans.models import EvaluationDate, Goal, Measure, Plan, PlanApproval, PlanChange, PlanVersion
from los.portal.models import Message
from los.referrals.models import Appointment, Outcome, Request, RequestSource, RequestStatus, Vedtak
from los.stats.tests.helpers import page_tables
from los.survey import figures, selectors
from los.survey.models import Answer, Moment, Respondent
from los.survey.selectors import Share, Year

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
Y2025 = Year(2025, date(2025, 12, 31))
TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


# --- the answers ------------------------------------------------------------------------------------------------

#: 20 guardians' answers in 2025, per question (``None``: left out). By hand, "part / on the scale":
#: road heavy 12/19 (63 %), not coordinated 5/19 (26 %), depends on people 6/20 (30 %), rights to a large degree
#: 10/20 (50 %), helps with applications 4/20 (hidden: under 5), satisfied with the coordinator 6/20 (30 %), little
#: use of the coordinator 14/20 (70 %), satisfied with the plan 5/10 (50 %; 8 have no plan, 2 don't know), little
#: use of the plan 2/12 (hidden).
ANSWERS_2025 = {
    "road_heavy": [1] * 8 + [2] * 4 + [3] * 2 + [4] * 3 + [5] * 2 + [0],
    "coordinated": [1] * 6 + [2] * 6 + [3] * 2 + [4] * 3 + [5] * 2 + [None],
    "depends_on_people": [1] * 3 + [2] * 3 + [3] * 4 + [4] * 5 + [5] * 5,
    "rights_overview": [1] * 10 + [2] * 5 + [3] * 3 + [4] * 2,
    "application_help": [1] * 2 + [2] * 2 + [3] * 8 + [4] * 8,
    "coordinator_satisfaction": [1] * 3 + [2] * 3 + [3] * 6 + [4] * 4 + [5] * 4,
    "coordinator_use": [1] * 3 + [2] * 3 + [3] * 10 + [4] * 4,
    "plan_satisfaction": [9] * 8 + [1] * 5 + [3] * 5 + [0] * 2,
    "plan_use": [9] * 8 + [3] * 2 + [1] * 10,
}


def _answers(municipality, year: int, quarter: int, columns: dict[str, list], respondent=Respondent.GUARDIAN,
             comments: list[str] = ()):
    n = len(next(iter(columns.values())))
    rows = []
    for i in range(n):
        values = {field: codes[i] for field, codes in columns.items()}
        rows.append(Answer(municipality=municipality, year=year, quarter=quarter, moment=Moment.YEARLY,
                           respondent=respondent, receipt=uuid.uuid4().hex, comment=comments[i] if i < len(comments)
                           else "", **values))
    Answer.objects.bulk_create(rows)


@pytest.fixture
def regnestad(world):
    """Testvik's answers and work, worked out by hand.

    Answers (guardians): 2024: 3 (every share hidden); 2025: the 20 of ``ANSWERS_2025`` (3 with a comment);
    2026: 6 in the first quarter and 2 in the second. Children: 3 in 2025. Another municipality: 6 in 2025 (never
    counted).

    The work in 2025 (``Y2025``):

    - plans evaluated on time 1 of 3: P1 held both its evaluations on time (9 and 0 days after the date); P2 held
      its 19 days late; P3 missed its; P4's evaluation on 25 December had not come due by the end of the year (14
      days' grace); P5 was closed before its evaluation date; P6 is another municipality's.
    - plans with measures updated in the last three months (from 30 September) 2 of 3: P1 (a version recording a
      status change on 15 November), P3 (its measure's status changed 1 December); not P2 (last change in March);
      P4 and P7 have no measure at the end of the year; P5 was closed.
    - goals the family has approved 2 of 4: P1's first goal (approved 1 March) but not its second (written in June);
      P2's goal (approved only in 2026); P3's goal (approved the day after), not its archived goal; P5 closed.
    - meetings whose actions were all done by their due date 1 of 3: M1 (two actions done in time); M2 (one done
      five days late); M3 (one still open); M4's action is due in 2026; M5 is a professionals' meeting; M6 was
      cancelled; M7 was held in 2024.
    - families without contact in the last 8 weeks (from 5 November) 1 of 3: F1 had a meeting 1 December, F5 a
      plan change 10 December, F2 only a meeting 1 October and a message in January 2026; F3's coordinator came
      1 December (too new), F4's ended in June.
    - days from request to the first barnekoordinator: 30, 50 and 70 (a change of coordinator is not counted):
      median 50.
    """
    w = world
    m = w.municipality
    w.unit_leader = t.staff(Role.UNIT_LEADER, m, "enhetsleder")
    other_m = w.other_municipality

    _answers(m, 2024, 4, {"road_heavy": [1, 1, 2]})
    _answers(m, 2025, 2, ANSWERS_2025, comments=["Takk for god hjelp.", "Vi venter fortsatt på avlastning.",
                                                 "Møtene hjelper."])
    _answers(m, 2026, 1, {"road_heavy": [1, 1, 1, 4, 4, 4]})
    _answers(m, 2026, 2, {"road_heavy": [5, 5]})
    _answers(m, 2025, 3, {"child_together": [1, 1, 2]}, respondent=Respondent.CHILD)
    _answers(other_m, 2025, 1, {"road_heavy": [1] * 6})

    parent = w.parent

    def plan(family, created: date, closed: date | None = None, municipality=m) -> Plan:
        p = Plan.objects.create(family=family, municipality=municipality, created_at=at(created),
                                closed_at=at(closed) if closed else None)
        PlanVersion.objects.create(plan=p, family=family, municipality=municipality, number=1, snapshot={},
                                   change=PlanChange.CREATED, created_at=at(created))
        return p

    def part(p: Plan) -> dict:
        return {"plan": p, "family": p.family, "municipality": p.municipality}

    def evaluation(p: Plan, day: date, held: date | None = None) -> None:
        EvaluationDate.objects.create(**part(p), date=day, held_on=held)

    def measure(p: Plan, created: date, updated: date, status_changed: date | None = None) -> None:
        Measure.objects.create(**part(p), title="Tiltak", created_at=at(created), updated_at=at(updated),
                               status_changed_at=at(status_changed) if status_changed else None)

    def goal(p: Plan, created: date, archived: bool = False) -> None:
        Goal.objects.create(**part(p), text="Mål", created_at=at(created), updated_at=at(created), archived=archived)

    def approve(p: Plan, day: date) -> None:
        PlanApproval.objects.create(**part(p), plan_version=p.versions.first(), approved_by=parent,
                                    statement="Godkjent", created_at=at(day, 20))

    fam = [t.family(m, f"Familien P{i}") for i in range(8)]
    p1, p2 = plan(fam[1], date(2025, 1, 10)), plan(fam[2], date(2025, 1, 10))
    p3, p4 = plan(fam[3], date(2025, 2, 1)), plan(fam[4], date(2025, 2, 1))
    p5 = plan(fam[5], date(2025, 3, 1), closed=date(2025, 4, 1))
    p6 = plan(w.foreign_family, date(2025, 1, 10), municipality=other_m)
    p7 = plan(fam[7], date(2025, 6, 1))
    evaluation(p1, date(2025, 3, 1), date(2025, 3, 10))
    evaluation(p1, date(2025, 9, 1), date(2025, 9, 1))
    evaluation(p2, date(2025, 5, 1), date(2025, 5, 20))
    evaluation(p3, date(2025, 6, 1))
    evaluation(p4, date(2025, 12, 25))
    evaluation(p4, date(2024, 12, 1), date(2024, 12, 1))
    evaluation(p5, date(2025, 6, 1))
    evaluation(p6, date(2025, 6, 1), date(2025, 6, 1))
    measure(p1, date(2025, 2, 1), date(2025, 2, 1))
    PlanVersion.objects.create(plan=p1, family=p1.family, municipality=m, number=2, snapshot={},
                               change=PlanChange.MEASURE_STATUS, created_at=at(date(2025, 11, 15)))
    measure(p2, date(2025, 2, 1), date(2025, 3, 1))
    measure(p3, date(2025, 2, 1), date(2025, 2, 1), status_changed=date(2025, 12, 1))
    measure(p5, date(2025, 3, 2), date(2025, 12, 1))
    measure(p7, date(2026, 1, 5), date(2026, 1, 5))
    goal(p1, date(2025, 1, 10))
    goal(p1, date(2025, 6, 1))
    approve(p1, date(2025, 3, 1))
    goal(p2, date(2025, 1, 10))
    approve(p2, date(2026, 2, 1))
    goal(p3, date(2025, 2, 1))
    goal(p3, date(2025, 2, 1), archived=True)
    approve(p3, date(2025, 2, 2))
    goal(p5, date(2025, 3, 1))
    approve(p5, date(2025, 3, 2))

    def meeting(family, day: date, actions: list[tuple[date, date | None]], kind=MeetingKind.COORDINATION,
                status=MeetingStatus.HELD) -> None:
        meeting = Meeting.objects.create(family=family, municipality=m, kind=kind, starts_at=at(day),
                                         ends_at=at(day, 11), status=status, ical_uid=f"{uuid.uuid4()}@los")
        owner = GroupMember.objects.create(family=family, municipality=m, kind=MemberKind.COORDINATOR,
                                           user=w.coordinator, joined=date(2024, 1, 1))
        for due, done in actions:
            Action.objects.create(family=family, municipality=m, meeting=meeting, title="Oppgave", owner_member=owner,
                                  due_date=due, status=ActionStatus.DONE if done else ActionStatus.OPEN,
                                  done_at=at(done, 12) if done else None)

    meeting(fam[0], date(2025, 3, 1), [(date(2025, 3, 15), date(2025, 3, 14)), (date(2025, 4, 1), date(2025, 4, 1))])
    meeting(fam[0], date(2025, 5, 1), [(date(2025, 5, 15), date(2025, 5, 20))])
    meeting(fam[0], date(2025, 6, 1), [(date(2025, 6, 15), None)])
    meeting(fam[0], date(2025, 12, 20), [(date(2026, 1, 10), None)])
    meeting(fam[0], date(2025, 7, 1), [(date(2025, 7, 10), date(2025, 7, 9))], kind=MeetingKind.PROFESSIONAL)
    meeting(fam[0], date(2025, 8, 1), [(date(2025, 8, 10), None)], status=MeetingStatus.CANCELLED)
    meeting(fam[0], date(2024, 12, 1), [(date(2024, 12, 10), date(2024, 12, 9))])

    CoordinatorAssignment.objects.filter(municipality=m).delete()

    def assign(family, started: date, ended: date | None = None) -> CoordinatorAssignment:
        return CoordinatorAssignment.objects.create(family=family, municipality=m, coordinator=w.coordinator,
                                                    started=started, ended=ended)

    f1, f2, f3, f4, f5 = (t.family(m, f"Familien F{i}") for i in range(1, 6))
    assign(f1, date(2025, 1, 1))
    meeting(f1, date(2025, 12, 1), [])
    assign(f2, date(2025, 1, 1))
    meeting(f2, date(2025, 10, 1), [])
    Message.objects.create(family=f2, municipality=m, sender=w.coordinator, body="Hei", sent_at=at(date(2026, 1, 10)))
    assign(f3, date(2025, 12, 1))
    assign(f4, date(2025, 1, 1), ended=date(2025, 6, 1))
    assign(f5, date(2025, 2, 1))
    PlanVersion.objects.create(plan=plan(f5, date(2025, 2, 1)), family=f5, municipality=m, number=2, snapshot={},
                               change=PlanChange.GOAL_ADDED, created_at=at(date(2025, 12, 10)))

    def appointed(family, received: date, started: date, change: bool = False) -> None:
        request = Request.objects.create(family=family, municipality=m, source=RequestSource.FAMILY,
                                         status=RequestStatus.DECIDED, received=received)
        vedtak = Vedtak.objects.create(request=request, family=family, municipality=m, outcome=Outcome.GRANTED,
                                       rules="§ 2-5 c", facts="Fakta", considerations="Vurdering",
                                       decided_by=w.caseworker, decision_date=received, notified_on=received,
                                       appeal_deadline=received + timedelta(weeks=4))
        Appointment.objects.create(family=family, municipality=m, vedtak=vedtak, is_change=change,
                                   assignment=assign(family, started, ended=date(2025, 9, 1)))

    appointed(t.family(m, "Familien A1"), date(2025, 1, 1), date(2025, 1, 31))
    appointed(t.family(m, "Familien A2"), date(2025, 2, 1), date(2025, 4, 12))
    appointed(t.family(m, "Familien A3"), date(2024, 12, 1), date(2025, 1, 20))
    appointed(t.family(m, "Familien A4"), date(2025, 1, 1), date(2025, 6, 1), change=True)
    return w


# --- the selectors, one by one ---------------------------------------------------------------------------------


def test_the_work_figures_equal_the_hand_count(regnestad):
    ids = [regnestad.municipality.pk]
    assert selectors.evaluations_on_time(ids, Y2025) == Share(1, 3)
    assert selectors.measures_updated(ids, Y2025) == Share(2, 3)
    assert selectors.goals_approved(ids, Y2025) == Share(2, 4)
    assert selectors.meetings_followed_up(ids, Y2025) == Share(1, 3)
    assert selectors.families_without_contact(ids, Y2025) == Share(1, 3)
    assert selectors.days_to_appointment(ids, Y2025) == (50.0, 3)


def test_the_answers_equal_the_hand_count(regnestad):
    counts = selectors.answer_counts([regnestad.municipality.pk], [Year(2024, date(2024, 12, 31)), Y2025],
                                     Respondent.GUARDIAN)
    expected = {"road_heavy": (12, 19), "not_coordinated": (5, 19), "depends_on_people": (6, 20),
                "rights_overview": (10, 20), "application_help": (4, 20), "coordinator_satisfied": (6, 20),
                "coordinator_little_use": (14, 20), "plan_satisfied": (5, 10), "plan_little_use": (2, 12)}
    for key, (part, whole) in expected.items():
        assert counts.shares[(key, 2025)] == Share(part, whole), key
    assert counts.shares[("road_heavy", 2024)] == Share(3, 3)
    assert counts.answers[(2025, Respondent.GUARDIAN)] == 20


def test_the_year_under_way_moves_a_quarter_at_a_time_and_only_by_five_answers(regnestad):
    ids = [regnestad.municipality.pk]
    periods = selectors.answer_periods(ids, TODAY, Respondent.GUARDIAN)
    assert [(p.year, p.end) for p in periods] == [(2024, date(2024, 12, 31)), (2025, date(2025, 12, 31)),
                                                  (2026, date(2026, 3, 31))]
    counts = selectors.answer_counts(ids, periods, Respondent.GUARDIAN)
    assert counts.answers[(2026, Respondent.GUARDIAN)] == 6  # the 2 of the second quarter wait
    # in the third quarter the second has ended, but it brought only 2 answers: the cut stays at March
    later = selectors.answer_periods(ids, date(2026, 8, 1), Respondent.GUARDIAN)
    assert later[-1].end == date(2026, 3, 31)
    # children: 3 answers in 2025 and none this year: no column for this year
    assert [p.year for p in selectors.answer_periods(ids, TODAY, Respondent.CHILD)] == [2024, 2025]
    # in January no quarter has ended
    assert [p.year for p in selectors.answer_periods(ids, date(2026, 1, 15), Respondent.GUARDIAN)] == [2024, 2025]


def test_the_work_years_end_today_or_at_the_last_whole_month_when_protected():
    assert [(p.year, p.end) for p in selectors.years(TODAY, False)] == [
        (2024, date(2024, 12, 31)), (2025, date(2025, 12, 31)), (2026, TODAY)]
    assert selectors.years(TODAY, True)[-1].end == date(2026, 4, 30)
    assert [p.year for p in selectors.years(date(2026, 1, 10), True)] == [2024, 2025]


def test_the_wilson_interval_and_the_verdicts():
    low, high = figures.wilson(5, 19)
    assert round(low, 1) == 11.8 and round(high, 1) == 48.8
    from los.survey.national import FIGURES as NATION
    assert figures.verdict(5, 19, NATION["not_coordinated"], lower_is_better=True) == "better"
    assert figures.verdict(14, 20, NATION["coordinator_little_use"], lower_is_better=True) == "worse"
    assert figures.verdict(12, 19, NATION["road_heavy"], lower_is_better=True) == "same"
    assert figures.verdict(10, 20, NATION["rights_overview"], lower_is_better=False) == "better"


# --- the page ---------------------------------------------------------------------------------------------------


def _values(table) -> dict[str, list]:
    return {row.key: [c.export_value for c in row.cells] for row in table.rows}


def _table(page, table_id):
    return next(t for t in page.tables if t.id == table_id)


def test_the_page_shows_the_hand_counted_shares_beside_the_nation(regnestad):
    page = figures.outcomes_page([regnestad.municipality.pk], TODAY, protect_work=False)
    access = _values(_table(page, "families_access"))
    assert [str(c) for c in _table(page, "families_access").columns] == ["2024", "2025", "2026 (to March 31)",
                                                                         "The nation (2023)"]
    assert access["road_heavy"] == [":", 63.2, ":", "70–72\u00a0%"]
    assert access["not_coordinated"] == [":", 26.3, ":", "59\u00a0%"]
    assert access["depends_on_people"] == [":", 30.0, ":", "68\u00a0%"]
    coordinator = _values(_table(page, "families_coordinator"))
    assert coordinator["rights_overview"][1] == 50.0
    assert coordinator["application_help"][1] == ":"  # 4 said so: hidden, and so is the share
    assert coordinator["coordinator_satisfied"][1] == 30.0
    assert coordinator["coordinator_little_use"][1] == 70.0
    plan = _values(_table(page, "families_plan"))
    assert plan["plan_satisfied"][1] == 50.0 and plan["plan_little_use"][1] == ":"
    counts = _values(_table(page, "families_coordinator_counts"))
    assert counts["application_help-2025"] == [":", ":", 20, ":"]
    assert counts["coordinator_little_use-2025"] == [14, 6, 20, 70.0]
    children = _values(_table(page, "children"))
    assert children["child_together"] == [":", ":", ""]  # 2024, 2025, and no nation

    work = _values(_table(page, "plan_work"))
    assert work["evaluated_on_time"][1] == pytest.approx(33.3, abs=0.05)
    assert work["measures_updated"][1] == pytest.approx(66.7, abs=0.05)
    assert work["goals_approved"][1] == 50.0
    coordinator_work = _values(_table(page, "coordinator_work"))
    assert coordinator_work["meetings_followed_up"][1] == pytest.approx(33.3, abs=0.05)
    assert coordinator_work["without_contact"][1] == pytest.approx(33.3, abs=0.05)
    assert coordinator_work["days_to_appointment"][1] == 50
    assert coordinator_work["days_to_appointment"][-1] == "half a year to a year is reported"
    answers = _values(_table(page, "answers"))
    assert answers["2025"] == [":", 20, ":", ":"]  # no invitations in the fixture: 0 is hidden too


def test_the_work_figures_are_protected_for_those_outside_the_unit(regnestad):
    page = figures.outcomes_page([regnestad.municipality.pk], TODAY, protect_work=True)
    work = _values(_table(page, "plan_work"))
    assert work["evaluated_on_time"][1] == ":" and work["goals_approved"][1] == ":"
    assert _values(_table(page, "coordinator_work"))["days_to_appointment"][1] == ":"  # a median of 3


def test_in_short_says_where_the_municipality_is_better_or_worse(regnestad):
    page = figures.outcomes_page([regnestad.municipality.pk], TODAY, protect_work=False)
    better = " ".join(page.summary.better)
    worse = " ".join(page.summary.worse)
    same = " ".join(page.summary.same)
    assert "The services are not coordinated: 26\u00a0% here in 2025, 59\u00a0% in the nation." in better
    assert "What the family gets depends on individuals" in better and "overview of rights" in better
    assert "Satisfied with the individual plan: 50\u00a0%" in better
    assert worse == ("Little or no practical use of the barnekoordinator: 70\u00a0% here in 2025, 38\u00a0% in the "
                     "nation.")
    assert "The road to the services was unnecessarily heavy: 63\u00a0%" in same
    assert "with 20 answers the difference may be chance" in same
    assert "applications" not in better + worse + same  # hidden figures are left out
    assert any("In 2026 (to May 20), the agreed actions" in s or "In 2025" in s for s in page.summary.work)


def test_the_page_and_its_downloads_hold_the_same_numbers(regnestad, client):
    client.force_login(regnestad.unit_leader)
    response = client.get(reverse("survey:outcomes"), HTTP_ACCEPT_LANGUAGE="en")
    shown = page_tables(response.content.decode())
    with translation.override("en"):
        page = figures.outcomes_page([regnestad.municipality.pk], timezone.localdate(), protect_work=False)
    download = client.get(reverse("survey:outcomes_download") + "?format=csv", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    written = {(r[0], r[2], r[4]): r[5] for r in rows[1:] if r[0] != "about"}
    for table in page.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                assert written[(table.id, row.key, str(column))] == str(cell.export_value), (table.id, row.key)
        if table.id in shown and table.id != "key":
            assert set(shown[table.id]) == {r.key for r in table.rows}
    assert "Takk for god hjelp." in response.content.decode()  # 20 answers in 2025: the comments are shown
    assert "Takk for god hjelp." not in download.content.decode("utf-8-sig")
    xlsx = client.get(reverse("survey:outcomes_download") + "?format=xlsx")
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(xlsx.content))
    assert set(book.sheetnames) == {"about", *[t.id[:31] for t in page.tables]}


def test_the_number_of_queries_does_not_grow_with_the_families(regnestad):
    ids = [regnestad.municipality.pk]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            figures.outcomes_page(ids, TODAY, protect_work=False)
        return len(captured)

    before = queries()
    for i in range(5):
        family = t.family(regnestad.municipality, f"Familien Mer{i}")
        CoordinatorAssignment.objects.create(family=family, municipality=regnestad.municipality,
                                             coordinator=regnestad.coordinator, started=date(2025, 1, 1))
        p = Plan.objects.create(family=family, municipality=regnestad.municipality, created_at=at(date(2025, 2, 1)))
        EvaluationDate.objects.create(plan=p, family=family, municipality=regnestad.municipality,
                                      date=date(2025, 5, 1), held_on=date(2025, 5, 2))
    _answers(regnestad.municipality, 2025, 1, {"road_heavy": [1] * 30})
    assert queries() == before
