"""Choosing a coordinator with help: candidates ranked and explained; appointment rules; handover."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from los.accounts.models import PositionType, Role
from los.core import testing as t
from los.families.models import CoordinatorAssignment, FamilyStatus
from los.referrals import selectors, services
from los.referrals.models import HandoverTask, Outcome

from .helpers import REASONS, request_for


@pytest.fixture
def granted(world):
    family = t.family(world.municipality, "Familien Moe", status=FamilyStatus.REQUESTED)
    services.make_decision(request_for(family), world.caseworker, Outcome.GRANTED, **REASONS)
    family.refresh_from_db()
    return family


@pytest.mark.django_db
def test_candidates_are_ranked_by_who_knows_the_family_role_share_and_caseload(world, granted, settings):
    m = world.municipality
    settings.LOS_FAMILIES_PER_10_PERCENT = 1
    # a physiotherapist with the role as an extra function, who already works with the family's school
    teacher = t.staff(Role.BARNEKOORDINATOR, m, "laerer.bk", position_type=PositionType.EXTRA_FUNCTION,
                      position_share=10)
    t.grant(teacher, m, Role.SERVICE_CONTACT, service_provider=world.school)
    t.consent(granted, world.school)
    # a dedicated coordinator with a full caseload
    busy = t.staff(Role.BARNEKOORDINATOR, m, "travel.bk", position_type=PositionType.DEDICATED, position_share=20)
    for i in range(3):
        t.assign(t.family(m, f"Familien Full{i}"), busy)
    # an earlier coordinator of the family
    earlier = t.staff(Role.BARNEKOORDINATOR, m, "tidligere.bk", position_share=30)
    CoordinatorAssignment.objects.create(family=granted, municipality=m, coordinator=earlier,
                                         started=timezone.localdate() - timedelta(days=900),
                                         ended=timezone.localdate() - timedelta(days=400))
    # someone in another municipality is never a candidate
    t.staff(Role.BARNEKOORDINATOR, world.other_municipality, "annen.bk")

    with translation.override("en"):  # the reasons are written in the active language
        ranked = selectors.rank_candidates(granted)
    names = [c.user.username for c in ranked]
    assert "annen.bk" not in names
    assert names.index("tidligere.bk") < names.index("travel.bk")
    assert names.index("laerer.bk") < names.index("travel.bk")
    by_name = {c.user.username: c for c in ranked}
    reasons = {k: " ".join(str(r) for r in c.reasons) for k, c in by_name.items()}
    assert "Already works with the family at Testvik skole" in reasons["laerer.bk"]
    assert "Has the role as an extra function" in reasons["laerer.bk"]
    assert "Was the family's barnekoordinator before" in reasons["tidligere.bk"]
    assert "Full: follows 3 families, capacity 2" in reasons["travel.bk"]
    assert "Holds a dedicated barnekoordinator position" in reasons["travel.bk"]
    assert by_name["bk"].capacity == 6 and by_name["bk"].caseload == 1  # 60 % × 1 family per 10 %


@pytest.mark.django_db
def test_appointment_page_explains_the_ranking(client, world, granted):
    client.force_login(world.caseworker)
    page = client.get(reverse("referrals:appoint", args=[granted.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Candidates" in page and world.coordinator.get_full_name() in page
    assert "room for" in page


@pytest.mark.django_db
def test_no_appointment_without_a_decision_granting_one(client, world):
    family = t.family(world.municipality, "Familien Uten", status=FamilyStatus.REQUESTED)
    request_for(family)
    client.force_login(world.caseworker)
    response = client.post(reverse("referrals:appoint", args=[family.pk]), {"coordinator": world.coordinator.pk},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "only after a decision granting one" in response.content.decode()
    assert not CoordinatorAssignment.objects.filter(family=family).exists()


@pytest.mark.django_db
def test_the_familys_own_coordinator_cannot_appoint_or_change(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("referrals:appoint", args=[world.family.pk])).status_code == 403


@pytest.mark.django_db
def test_change_needs_a_reason_and_another_coordinator(client, world):
    client.force_login(world.caseworker)
    url = reverse("referrals:appoint", args=[world.family.pk])
    response = client.post(url, {"coordinator": world.coordinator.pk, "change_reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Say why the coordinator changes." in page
    assert CoordinatorAssignment.objects.filter(family=world.family, ended__isnull=True).count() == 1
    assert not HandoverTask.objects.exists()


@pytest.mark.django_db
def test_handover_is_for_the_new_coordinator(client, world):
    m = world.municipality
    new = t.staff(Role.BARNEKOORDINATOR, m, "ny.bk")
    _appointment, task = services.change_coordinator(world.family, world.caseworker, new, "Permisjon")
    assert task.access_owner_ids() == [new.pk]
    client.force_login(world.coordinator)  # the old one no longer has the family
    assert client.get(reverse("referrals:handover", args=[task.pk])).status_code == 404
    client.force_login(new)
    page = client.get(reverse("referrals:handover", args=[task.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mark the handover as done" in page and "Familien Berg" in page
    client.force_login(world.parent)  # the family reads the summary too, but does not complete it
    page = client.get(reverse("referrals:handover", args=[task.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Case summary" in page and "Mark the handover as done" not in page
