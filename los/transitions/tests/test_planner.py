"""The planner opens transition plans on time (a fixed clock), with the checklist and tasks, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from los.access.models import FamilyTransfer
from los.accounts.models import Role
from los.core import testing as t
from los.core.models import ProviderKind
from los.families.models import Child, CoordinatorAssignment, Family, FamilyStatus, Setting
from los.transitions import services
from los.transitions.models import (
    ChecklistGroup,
    TransitionKind,
    TransitionPlan,
    TransitionSettings,
    TransitionTask,
)
from los.transitions.tasks import open_transition_plans_task

from .conftest import OSLO, consent

K = TransitionKind


def family_with_child(world, birth: date, setting: str = Setting.KINDERGARTEN, status: str = FamilyStatus.ACTIVE,
                      name: str = "Familien Lund", coordinator=None) -> Family:
    family = t.family(world.municipality, name, status=status, child_age=None)
    Child.objects.create(family=family, municipality=world.municipality, given_name="Oda", family_name="Lund",
                         birth_date=birth, setting=setting)
    if coordinator is not False:
        CoordinatorAssignment.objects.create(family=family, municipality=world.municipality,
                                             coordinator=coordinator or world.coordinator, started=date(2020, 1, 1))
    return family


@pytest.fixture
def five_year_old(world):
    """Oda, born 10 March 2021: school start 15 August 2027; her plan is due 12 months ahead, 15 August 2026."""
    return family_with_child(world, date(2021, 3, 10))


@pytest.mark.django_db
def test_the_school_start_plan_opens_twelve_months_ahead_and_not_a_day_before(five_year_old, world):
    assert services.open_due_plans(date(2026, 8, 14)) == []
    opened = services.open_due_plans(date(2026, 8, 15))
    assert len(opened) == 1
    plan = TransitionPlan.objects.get(family=five_year_old)
    assert plan.kind == K.SCHOOL_START and plan.transition_date == date(2027, 8, 15)
    assert plan.opened_on == date(2026, 8, 15) and plan.opened_automatically and plan.opened_by is None
    assert plan.owner == world.coordinator
    groups = set(plan.checklist.values_list("group", flat=True))
    assert {ChecklistGroup.INVOLVE, ChecklistGroup.APPLICATIONS, ChecklistGroup.CHILD} <= groups
    labels = [item.label for item in plan.checklist.all()]
    assert any("PPT" in label for label in labels)
    assert any("Oda" in label for label in labels)  # what the child says, by name
    due = {task.code: task.due_date for task in plan.tasks.all()}
    assert due == {
        "call_meeting": date(2026, 9, 14),      # a month after opening
        "ppt_assessment": date(2026, 12, 1),    # before 1 December the year before
        "visit": date(2027, 5, 15),             # three months before
        "handover_summary": date(2027, 6, 15),  # two months before
        "follow_up": date(2027, 9, 26),         # six weeks after the start
    }
    assert all(task.owner == world.coordinator for task in plan.tasks.all())
    # once only
    assert services.open_due_plans(date(2026, 8, 15)) == []
    assert services.open_due_plans(date(2026, 8, 16)) == []
    assert TransitionPlan.objects.filter(family=five_year_old).count() == 1


@pytest.mark.django_db
def test_the_municipality_decides_how_far_ahead(five_year_old, world):
    TransitionSettings.objects.create(municipality=world.municipality, school_start_months=6)
    assert services.open_due_plans(date(2026, 8, 15)) == []
    assert services.open_due_plans(date(2027, 2, 14)) == []
    assert [p.kind for p in services.open_due_plans(date(2027, 2, 15))] == [K.SCHOOL_START]


@pytest.mark.django_db
def test_secondary_school_opens_nine_months_ahead(world):
    family = family_with_child(world, date(2014, 5, 5), Setting.PRIMARY)  # 8th grade 15 August 2027
    assert services.open_due_plans(date(2026, 11, 14)) == []
    plan = services.open_due_plans(date(2026, 11, 15))[0]
    assert (plan.family, plan.kind, plan.transition_date) == (family, K.LOWER_SECONDARY, date(2027, 8, 15))
    teen = family_with_child(world, date(2011, 1, 1), Setting.LOWER_SECONDARY, name="Familien Berge")
    plan = services.open_due_plans(date(2026, 11, 15))[0]
    assert (plan.family, plan.kind) == (teen, K.UPPER_SECONDARY)
    assert plan.tasks.get(code="apply_upper_secondary").due_date == date(2027, 2, 1)


@pytest.mark.django_db
def test_turning_18_for_a_leap_day_child_opens_a_year_ahead(world):
    family = family_with_child(world, date(2008, 2, 29), Setting.UPPER_SECONDARY)
    assert services.open_due_plans(date(2025, 2, 28)) == []
    plan = services.open_due_plans(date(2025, 3, 1))[0]
    assert (plan.family, plan.kind, plan.transition_date) == (family, K.TURNING_18, date(2026, 3, 1))
    codes = set(plan.checklist.values_list("code", flat=True))
    assert {"adult_services", "ordinary_coordinator", "nav", "hjelpestonad", "own_consent"} <= codes
    assert plan.tasks.get(code="end_barnekoordinator").due_date == date(2026, 3, 1)


@pytest.mark.django_db
def test_no_plan_for_a_transition_already_made_or_without_a_coordinator(world):
    family_with_child(world, date(2021, 3, 10), Setting.PRIMARY, name="Familien Tidlig")  # started school early
    family_with_child(world, date(2021, 4, 10), status=FamilyStatus.WAITING, name="Familien Venter", coordinator=False)
    assert services.open_due_plans(date(2026, 9, 1)) == []


@pytest.mark.django_db
def test_a_plan_opened_late_gets_due_dates_ahead(world):
    family = family_with_child(world, date(2021, 3, 10))
    plan = services.open_due_plans(date(2027, 6, 1))[0]  # only ten weeks before the start
    assert plan.family == family
    assert all(task.due_date >= date(2027, 6, 1) for task in plan.tasks.all())
    assert plan.tasks.get(code="ppt_assessment").due_date == date(2027, 6, 15)


@pytest.mark.django_db
def test_services_ending_around_the_transition_are_on_the_checklist_to_renew(five_year_old, world):
    from los.servicemap.models import ServiceEntry

    ServiceEntry.objects.create(family=five_year_old, municipality=world.municipality, title="Avlastning", state="granted",
                                period_to=date(2027, 7, 31))
    ServiceEntry.objects.create(family=five_year_old, municipality=world.municipality, title="Fysioterapi", state="granted",
                                period_to=date(2029, 1, 1))
    ppt = t.provider(world.municipality, ProviderKind.PPT, "PPT Testvik")
    consent(five_year_old, ppt, ["case", "plan"])
    plan = services.open_due_plans(date(2026, 8, 15))[0]
    with translation.override("nb"):
        renew = [item.label for item in plan.checklist.filter(code="renew")]
    assert len(renew) == 1 and "Avlastning" in renew[0] and "31.7.2027" in renew[0]
    assert plan.tasks.get(code="ppt_assessment").owner_provider == ppt


@pytest.mark.django_db
def test_recorded_events_open_plans_at_once(world):
    family = family_with_child(world, date(2016, 6, 1), Setting.PRIMARY, name="Familien Flytter")
    other = t.municipality("Nyby")
    FamilyTransfer.objects.create(
        family=family, municipality=world.municipality, from_municipality=world.municipality, to_municipality=other,
        consented_by=family.members.get(), date=date(2026, 9, 20), recorded_by=world.coordinator,
        created_at=datetime(2026, 9, 1, 10, tzinfo=OSLO))
    assert services.open_due_plans(date(2026, 8, 31)) == []
    plan = services.open_due_plans(date(2026, 9, 1))[0]
    assert plan.kind == K.MOVE and plan.transition_date == date(2026, 9, 20)
    assert {"move_consent", "move_export", "reapply"} <= set(plan.checklist.values_list("code", flat=True))
    assert plan.tasks.get(code="export_record").due_date == date(2026, 9, 20)
    # a cancelled move opens nothing
    family2 = family_with_child(world, date(2016, 6, 1), Setting.PRIMARY, name="Familien Ble")
    FamilyTransfer.objects.create(family=family2, municipality=world.municipality, from_municipality=world.municipality,
                                  to_municipality=other, consented_by=family2.members.get(), date=date(2026, 9, 20),
                                  created_at=datetime(2026, 9, 1, 10, tzinfo=OSLO),
                                  cancelled_at=datetime(2026, 9, 2, 10, tzinfo=OSLO))
    assert services.open_due_plans(date(2026, 9, 3)) == []


@pytest.mark.django_db
def test_a_change_of_coordinator_opens_a_plan_but_the_first_appointment_does_not(world):
    family = family_with_child(world, date(2016, 6, 1), Setting.PRIMARY, name="Familien Bytte", coordinator=False)
    first = CoordinatorAssignment.objects.create(family=family, municipality=world.municipality,
                                                 coordinator=world.coordinator, started=date(2026, 3, 1))
    assert services.open_due_plans(date(2026, 3, 2)) == []
    second_bk = t.staff(Role.BARNEKOORDINATOR, world.municipality, "bk2")
    first.ended = date(2026, 5, 10)
    first.save()
    CoordinatorAssignment.objects.create(family=family, municipality=world.municipality, coordinator=second_bk,
                                         started=date(2026, 5, 10))
    plan = services.open_due_plans(date(2026, 5, 11))[0]
    assert plan.kind == K.NEW_COORDINATOR and plan.owner == second_bk
    assert set(plan.tasks.values_list("code", flat=True)) == {"handover_meeting", "renew_clarification"}
    # after the window (60 days by default) a change no longer opens a plan
    assert services.open_due_plans(date(2026, 7, 20)) == []


@pytest.mark.django_db
def test_a_new_contact_at_a_service_opens_a_plan(world):
    from los.meetings.models import GroupMember

    family = family_with_child(world, date(2016, 6, 1), Setting.PRIMARY, name="Familien Ny")
    consent(family, world.school, ["case", "meetings", "plan"])
    new_teacher = t.staff(Role.SERVICE_CONTACT, world.municipality, "ny.laerer", service_provider=world.school)
    GroupMember.objects.create(family=family, municipality=world.municipality, kind="service", user=world.contact,
                               service_provider=world.school, joined=date(2025, 8, 1), left=date(2026, 6, 20))
    GroupMember.objects.create(family=family, municipality=world.municipality, kind="service", user=new_teacher,
                               service_provider=world.school, joined=date(2026, 8, 10))
    plan = services.open_due_plans(date(2026, 8, 12))[0]
    assert plan.kind == K.NEW_CONTACT and plan.transition_date == date(2026, 8, 10)
    assert plan.checklist.filter(code="new_contact").exists()


@pytest.mark.django_db
def test_the_command_opens_due_plans_and_tells_the_coordinator_without_content(five_year_old, world):
    world.coordinator.email = "bk@testvik.example"
    world.coordinator.save()
    out = StringIO()
    call_command("open_transition_plans", "--today", "2026-08-15", stdout=out)
    assert "Opened 1 transition plans" in out.getvalue() and "school_start 1" in out.getvalue()
    assert TransitionPlan.objects.filter(family=five_year_old).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bk@testvik.example"]
    assert "Lund" not in message.body and "Oda" not in message.body and "Lund" not in message.subject
    out = StringIO()
    call_command("open_transition_plans", "--today", "2026-08-15", stdout=out)
    assert "Opened 0" in out.getvalue()


@pytest.mark.django_db
def test_the_background_task_opens_due_plans(five_year_old, immediate_tasks):
    result = open_transition_plans_task.enqueue("2026-08-15")
    assert result.return_value == 1
    assert TransitionTask.objects.filter(plan__family=five_year_old).count() == 5


@pytest.mark.django_db
def test_opening_a_plan_early_by_hand(five_year_old, world):
    key = f"school_start:{five_year_old.children.get().pk}:2027-08-15"
    plan = services.open_plan_now(five_year_old, key, by=world.coordinator, today=date(2026, 5, 1))
    assert not plan.opened_automatically and plan.opened_by == world.coordinator
    with pytest.raises(services.TransitionError):
        services.open_plan_now(five_year_old, key, by=world.coordinator, today=date(2026, 5, 1))
    with pytest.raises(services.TransitionError):
        services.open_plan_now(five_year_old, "school_start:0:2000-08-15", by=world.coordinator,
                               today=date(2026, 5, 1))
    assert timedelta(0) < plan.transition_date - plan.opened_on
