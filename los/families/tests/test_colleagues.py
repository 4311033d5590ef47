"""Never alone in the role: the barnekoordinator (or the unit) names a co-coordinator or a minute-taker on a family;
the family sees who works on its case; ending the part ends the access at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from los.access.models import Category
from los.access.policy import Action, decide
from los.accounts.models import Role
from los.core import testing as t
from los.families.models import CoAssignment, CoRole

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def colleague(world):
    return t.staff(Role.BARNEKOORDINATOR, world.municipality, "kollega")


def test_the_coordinator_names_a_minute_taker(client, world, colleague):
    client.force_login(world.coordinator)
    url = reverse("families:colleagues", args=[world.family.pk])
    assert colleague.get_full_name() in client.get(url, **EN).content.decode()
    response = client.post(url, {"user": colleague.pk, "role": CoRole.MINUTE_TAKER}, **EN)
    assert response.status_code == 302
    part = CoAssignment.objects.get()
    assert part.role == CoRole.MINUTE_TAKER and part.added_by == world.coordinator and not part.sees_working_notes
    assert decide(colleague, Action.CHANGE, world.family, Category.MEETINGS).allowed
    assert not decide(colleague, Action.VIEW, world.family, Category.SERVICES).allowed


def test_only_the_coordinator_shares_the_working_notes(client, world, colleague):
    client.force_login(world.caseworker)  # the unit may name colleagues, but never share the working notes
    url = reverse("families:colleagues", args=[world.family.pk])
    assert "may read and write my working notes" not in client.get(url, **EN).content.decode()
    client.post(url, {"user": colleague.pk, "role": CoRole.CO_COORDINATOR, "sees_working_notes": "on"})
    assert CoAssignment.objects.get().sees_working_notes is False
    CoAssignment.objects.all().delete()
    client.force_login(world.coordinator)
    client.post(url, {"user": colleague.pk, "role": CoRole.CO_COORDINATOR, "sees_working_notes": "on"})
    assert CoAssignment.objects.get().sees_working_notes is True
    assert decide(colleague, Action.VIEW, world.family, Category.WORKING_NOTES).allowed


def test_ending_the_part_ends_the_access_at_once(client, world, colleague):
    part = CoAssignment.objects.create(family=world.family, municipality=world.municipality, user=colleague,
                                       role=CoRole.CO_COORDINATOR)
    assert decide(colleague, Action.VIEW, world.family).allowed
    client.force_login(world.coordinator)
    assert client.post(reverse("families:colleague_end", args=[part.pk])).status_code == 302
    assert not decide(colleague, Action.VIEW, world.family).allowed
    part.refresh_from_db()
    assert part.ended is not None  # the history stays


def test_the_family_sees_who_works_on_its_case_but_cannot_change_it(client, world, colleague):
    CoAssignment.objects.create(family=world.family, municipality=world.municipality, user=colleague,
                                role=CoRole.CO_COORDINATOR)
    client.force_login(world.parent)
    html = client.get(reverse("portal:overview", args=[world.family.pk]), **EN).content.decode()
    assert f"Also working with you: {colleague.get_full_name()} (co-coordinator)." in html
    url = reverse("families:colleagues", args=[world.family.pk])
    assert "Add a colleague" not in client.get(url, **EN).content.decode()
    assert client.post(url, {"user": colleague.pk, "role": CoRole.MINUTE_TAKER}).status_code == 403


def test_a_colleague_from_another_municipality_cannot_be_named(client, world):
    foreign = t.staff(Role.BARNEKOORDINATOR, world.other_municipality, "fremmed.bk")
    client.force_login(world.coordinator)
    response = client.post(reverse("families:colleagues", args=[world.family.pk]),
                           {"user": foreign.pk, "role": CoRole.MINUTE_TAKER}, **EN)
    assert response.status_code == 400
    assert not CoAssignment.objects.exists()


def test_a_co_coordinator_receives_the_familys_messages(world, colleague):
    from los.portal.selectors import message_participants

    CoAssignment.objects.create(family=world.family, municipality=world.municipality, user=colleague,
                                role=CoRole.CO_COORDINATOR)
    assert colleague in message_participants(world.family)
