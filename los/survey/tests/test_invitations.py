"""The families are asked at the set moments, once, with a content-free e-mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from los.core import testing as t
from los.core.deadlines import add_months
from los.families.models import Child, CoordinatorAssignment
from los.survey import services, tasks
from los.survey.models import Invitation, Moment
from los.survey.tests.conftest import invite

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)


def _family(world, name: str, *, started: date, ended: date | None = None, guardian=None):
    family = t.family(world.municipality, name, guardian_user=guardian)
    CoordinatorAssignment.objects.create(family=family, municipality=world.municipality, coordinator=world.coordinator,
                                         started=started, ended=ended)
    return family


def _child(family, age: int, user=None) -> Child:
    birth = date(TODAY.year - age, 1, 15)
    return Child.objects.create(family=family, municipality=family.municipality, given_name=f"Barn{age}",
                                family_name="X", birth_date=birth, user=user)


@pytest.fixture
def moments(world):
    """One family per case, with the moment each should be asked at (or None)."""
    parent = t.user("forelder.tre", email="forelder@example.no", preferred_language="en")
    young = t.user("ungdom.tre", email="ungdom@example.no", preferred_language="nn")
    three = _family(world, "Familien Tre", started=add_months(TODAY, -3) - timedelta(days=2), guardian=parent)
    _child(three, 13)
    _child(three, 16, user=young)
    _child(three, 10)
    yearly = _family(world, "Familien Aar", started=add_months(TODAY, -24) - timedelta(days=5))
    ending = _family(world, "Familien Slutt", started=date(2025, 1, 10), ended=TODAY - timedelta(days=3))
    changed = _family(world, "Familien Bytte", started=date(2025, 10, 2), ended=TODAY - timedelta(days=3))
    CoordinatorAssignment.objects.create(family=changed, municipality=world.municipality,
                                         coordinator=world.coordinator, started=TODAY - timedelta(days=3))
    too_late = _family(world, "Familien Sein", started=add_months(TODAY, -3) - timedelta(days=40))
    quiet = _family(world, "Familien Stille", started=add_months(TODAY, -12) - timedelta(days=1))
    invite(quiet, due=TODAY - timedelta(days=50), moment=Moment.THREE_MONTHS)
    return {"three": three, "yearly": yearly, "ending": ending, "changed": changed, "too_late": too_late,
            "quiet": quiet, "parent": parent, "young": young}


def test_each_family_is_asked_at_its_moment(world, moments):
    made = services.create_due_invitations(TODAY)
    guardians = {(i.family_id, i.moment, i.due_on) for i in Invitation.objects.filter(child__isnull=True)
                 .exclude(family=moments["quiet"])}
    three, yearly, ending = moments["three"], moments["yearly"], moments["ending"]
    assert guardians == {
        (three.pk, Moment.THREE_MONTHS, add_months(CoordinatorAssignment.objects.get(family=three).started, 3)),
        (yearly.pk, Moment.YEARLY, add_months(CoordinatorAssignment.objects.get(family=yearly).started, 24)),
        (ending.pk, Moment.ENDING, TODAY - timedelta(days=3)),
    }
    children = Invitation.objects.filter(child__isnull=False)
    assert sorted((i.child.given_name, i.by_own_login) for i in children) == [("Barn13", False), ("Barn16", True)]
    assert all(i.expires_on == i.due_on + timedelta(days=services.OPEN_DAYS) for i in made)
    assert Invitation.objects.filter(family=moments["quiet"]).count() == 1  # asked 50 days ago: left in peace
    assert len(made) == Invitation.objects.count() - 1


def test_running_twice_asks_nobody_twice(world, moments):
    services.create_due_invitations(TODAY)
    count = Invitation.objects.count()
    assert services.create_due_invitations(TODAY) == []
    assert services.create_due_invitations(TODAY + timedelta(days=1)) == []
    assert Invitation.objects.count() == count


def test_the_number_of_queries_does_not_grow_with_the_families(world):
    def queries(n: int) -> int:
        for i in range(n):
            family = _family(world, f"Familien N{i}", started=add_months(TODAY, -3) - timedelta(days=1))
            _child(family, 14)
        Invitation.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            services.create_due_invitations(TODAY)
        return len(captured)

    few = queries(2)
    assert queries(12) == few


def test_the_e_mail_says_only_that_something_waits(world, moments, settings):
    settings.LANGUAGE_CODE = "en"
    made, sent = tasks.run(TODAY)
    assert made == 5 and sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["forelder@example.no", "ungdom@example.no"]
    for message in mail.outbox:
        text = (message.subject + " " + message.body).lower()
        assert "waiting for you in los" in text or "ventar på deg i los" in text
        for word in ("questionnaire", "spørjeskjema", "survey", "tre", "barn", "coordinator", "koordinator"):
            assert word not in text, word


def test_the_command_runs_the_same(world, moments):
    call_command("survey_invitations", "--today", TODAY.isoformat(), "--no-email")
    assert Invitation.objects.count() == 6
    assert not mail.outbox


def test_the_background_task_invites(world, moments, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    result = tasks.create_invitations_task.enqueue(TODAY.isoformat())
    assert result.return_value == 5
