"""The unit's working day in the referral workflow: the decision form in the letter's language with the recommended
outcome chosen, only the actions that can apply, local criteria as guidance, an appointment that starts with the
family's wishes and warns before a full coordinator, and a handover of many families at once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from los.accounts.models import PositionType, Role
from los.core import testing as t
from los.families.models import CoordinatorAssignment, FamilyStatus
from los.referrals import services
from los.referrals.models import Assessment, HandoverTask, LocalCriterion, Outcome, Recommendation

from .helpers import REASONS, request_for

pytestmark = pytest.mark.django_db


def page(client, user, url: str, language: str = "nb") -> str:
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


# --- the decision form ----------------------------------------------------------------------------------------

def test_the_decision_form_states_the_letters_language_and_fills_in_that_language(client, world):
    family = t.family(world.municipality, "Familien Rød", status=FamilyStatus.REQUESTED, preferred_language="nn")
    req = request_for(family)
    html = page(client, world.caseworker, reverse("referrals:decision", args=[req.pk]), language="nb")
    assert "Brevet til familien skrives på nynorsk" in html
    # the rules are filled in in nynorsk although the caseworker reads Los in bokmål
    from los.referrals.letters import default_rules
    rules_nn, rules_nb = default_rules("nn"), default_rules("nb")
    assert rules_nn != rules_nb
    assert rules_nn.split(":")[1][:40] in html and rules_nb.split(":")[1][:40] not in html


def test_the_recommended_outcome_is_chosen(client, world):
    family = t.family(world.municipality, "Familien Rød", status=FamilyStatus.REQUESTED)
    req = request_for(family)
    Assessment.objects.create(request=req, family=family, municipality=family.municipality,
                              recommendation=Recommendation.REFUSE)
    html = page(client, world.caseworker, reverse("referrals:decision", args=[req.pk]), language="en")
    radios = {value: tag for tag, value in re.findall(r'(<input[^>]*name="outcome"[^>]*value="(\w+)"[^>]*>)', html)}
    assert "checked" in radios["refused"] and "checked" not in radios["granted"]
    assert "The assessment recommends: Refuse." in html


# --- what can apply -------------------------------------------------------------------------------------------

def test_end_is_not_offered_without_a_barnekoordinator(client, world):
    waiting = t.family(world.municipality, "Familien Venter", status=FamilyStatus.REQUESTED)
    services.make_decision(request_for(waiting), world.caseworker, Outcome.GRANTED, **REASONS)
    html = page(client, world.caseworker, reverse("referrals:family_case", args=[waiting.pk]), language="en")
    assert "Appoint a barnekoordinator" in html and "End the barnekoordinator" not in html
    html = page(client, world.caseworker, reverse("referrals:family_case", args=[world.family.pk]), language="en")
    assert "End the barnekoordinator" in html


def test_local_criteria_are_guidance_apart_from_the_statutory_conditions(client, world):
    LocalCriterion.objects.create(municipality=world.municipality, title="Minst tre tjenester involvert")
    family = t.family(world.municipality, "Familien Rød", status=FamilyStatus.REQUESTED)
    req = request_for(family)
    html = page(client, world.caseworker, reverse("referrals:assessment", args=[req.pk]), language="en")
    statutory = html.index("The statutory conditions (pasient- og brukerrettighetsloven § 2-5 c)")
    guidance = html.index("The municipality's guidance (not conditions for the right)")
    assert statutory < html.index("serious illness, injury or reduced function") < guidance
    assert guidance < html.index("Minst tre tjenester involvert")


# --- the appointment ------------------------------------------------------------------------------------------

@pytest.fixture
def granted(world):
    family = t.family(world.municipality, "Familien Moe", status=FamilyStatus.REQUESTED)
    services.make_decision(request_for(family), world.caseworker, Outcome.GRANTED, **REASONS)
    family.refresh_from_db()
    return family


def test_the_family_s_wishes_come_first_and_a_full_coordinator_is_marked(client, world, granted):
    full = t.staff(Role.BARNEKOORDINATOR, world.municipality, "full.bk", position_type=PositionType.EXTRA_FUNCTION,
                   position_share=4)
    t.assign(t.family(world.municipality, "Familien Last"), full)
    html = page(client, world.caseworker, reverse("referrals:appoint", args=[granted.pk]), language="en")
    assert html.index('name="family_wishes"') < html.index('name="coordinator"')
    card = html.split(f'value="{full.pk}"')[1].split("</li>")[0]
    assert "Full" in card and "against a capacity of 1" in card


def test_choosing_a_full_coordinator_asks_before_appointing(client, world, granted):
    world.municipality.coordinating_units.update(families_per_10_percent=Decimal("0.1"))  # bk (60 %): capacity 1
    client.force_login(world.caseworker)
    url = reverse("referrals:appoint", args=[granted.pk])
    response = client.post(url, {"coordinator": world.coordinator.pk, "family_wishes": "Noen som kjenner skolen"},
                           HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "already follows 1 families against a capacity of 1" in html
    assert 'name="confirm_full"' in html and "Noen som kjenner skolen</textarea>" in html
    assert not CoordinatorAssignment.objects.filter(family=granted).exists()
    response = client.post(url, {"coordinator": world.coordinator.pk, "confirm_full": "on"})
    assert response.status_code == 302
    assert CoordinatorAssignment.objects.filter(family=granted, coordinator=world.coordinator).exists()


# --- a handover of many families ------------------------------------------------------------------------------

@pytest.fixture
def leaving(world):
    """The world's coordinator follows three families and leaves; two colleagues take over."""
    m = world.municipality
    families = [world.family] + [t.family(m, f"Familien Flytt{i}") for i in range(2)]
    for family in families[1:]:
        t.assign(family, world.coordinator)
    a = t.staff(Role.BARNEKOORDINATOR, m, "ny.bk", position_share=100)
    b = t.staff(Role.BARNEKOORDINATOR, m, "annen.bk", position_share=100)
    return families, a, b


def test_many_families_are_handed_over_at_once_with_a_summary_each(client, world, leaving):
    families, a, b = leaving
    client.force_login(world.caseworker)
    url = reverse("referrals:bulk_handover")
    html = client.get(url, {"fra": world.coordinator.pk}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for family in families:
        assert family.display_name in html
    assert "Familien Dal" not in html  # not this coordinator's
    data = {"fra": world.coordinator.pk, "to_all": a.pk, f"to_{families[2].pk}": b.pk,
            "change_reason": "Koordinatoren har sluttet"}
    for family in families:
        data[f"move_{family.pk}"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    tasks = {task.family_id: task for task in HandoverTask.objects.select_related("to_assignment")}
    assert set(tasks) == {f.pk for f in families}
    assert tasks[families[0].pk].to_assignment.coordinator == a
    assert tasks[families[2].pk].to_assignment.coordinator == b
    # the same summary as a single handover
    assert tasks[families[0].pk].summary == services.case_summary(families[0], timezone.localdate())
    assert not CoordinatorAssignment.objects.filter(coordinator=world.coordinator, ended__isnull=True).exists()
    done = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Handed over today" in done and "Familien Flytt1" in done


def test_a_family_left_unticked_stays(client, world, leaving):
    families, a, _b = leaving
    client.force_login(world.caseworker)
    client.post(reverse("referrals:bulk_handover"), {
        "fra": world.coordinator.pk, "to_all": a.pk, "change_reason": "Omorganisering",
        f"move_{families[1].pk}": "on"})
    assert HandoverTask.objects.get().family == families[1]
    assert CoordinatorAssignment.objects.filter(coordinator=world.coordinator, ended__isnull=True).count() == 2


def test_moving_to_a_full_coordinator_asks_first(client, world, leaving):
    families, _a, _b = leaving
    small = t.staff(Role.BARNEKOORDINATOR, world.municipality, "liten.bk", position_type=PositionType.EXTRA_FUNCTION,
                    position_share=4)
    client.force_login(world.caseworker)
    data = {"fra": world.coordinator.pk, "to_all": small.pk, "change_reason": "Omorganisering"}
    for family in families:
        data[f"move_{family.pk}"] = "on"
    response = client.post(reverse("referrals:bulk_handover"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "would follow more families than their capacity" in response.content.decode()
    assert not HandoverTask.objects.exists()
    data["confirm_full"] = "on"
    assert client.post(reverse("referrals:bulk_handover"), data).status_code == 302
    assert HandoverTask.objects.count() == 3


def test_only_the_unit_hands_over(client, world, leaving):
    client.force_login(world.coordinator)
    assert client.get(reverse("referrals:bulk_handover")).status_code == 403
