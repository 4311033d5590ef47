"""Finding any family the user may open (by name, child's name, case number or date of birth, with pages), the
start guide for a new barnekoordinator and the unit's capacity norm."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from los.accounts.models import Role
from los.core import testing as t
from los.core.models import CoordinatingUnit
from los.families.models import Child
from los.workday import guide, selectors
from los.workday.models import StartGuide

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def found(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("workday:find"), params, **EN)
    assert response.status_code == 200
    return response.content.decode()


def test_find_by_family_name_child_name_case_number_and_date_of_birth(client, world):
    child = world.other_family.children.get()
    Child.objects.filter(pk=child.pk).update(given_name="Emilie", birth_date=date(2015, 3, 14))
    assert "Familien Dal" in found(client, world.caseworker, q="dal")
    assert "Familien Dal" in found(client, world.caseworker, q="emilie")
    assert "Familien Dal" in found(client, world.caseworker, q="Emilie Dal")
    assert "Familien Dal" in found(client, world.caseworker, q=world.other_family.reference)
    for typed in ("14.03.2015", "14.3.2015", "2015-03-14", "14032015", "140315"):
        html = found(client, world.caseworker, q=typed)
        assert "Familien Dal" in html and "Familien Berg" not in html, typed
    assert "Familien Dal" not in found(client, world.caseworker, q="Emilie Berg")


def test_find_shows_only_families_the_user_may_open(client, world):
    assert "Familien Utenbys" not in found(client, world.caseworker, q="familien")
    html = found(client, world.coordinator, q="familien")
    assert "Familien Berg" in html and "Familien Dal" not in html
    client.force_login(world.leader)  # statistics only, never a single family
    assert client.get(reverse("workday:find"), {"q": "familien"}).status_code == 403


def test_family_51_and_beyond_can_be_found_page_by_page(client, world):
    for i in range(60):
        t.family(world.municipality, f"Familien Nr{i:02d}")
    html = found(client, world.caseworker, q="Familien Nr")
    assert "60 families found" in html and "Page 1 of 3" in html and "Familien Nr59" not in html
    html = found(client, world.caseworker, q="Familien Nr", side=3)
    assert "Familien Nr59" in html


def test_the_search_field_is_on_every_staff_page_and_only_there(client, world):
    client.force_login(world.caseworker)
    assert 'role="search"' in client.get(reverse("referrals:queue")).content.decode()
    client.force_login(world.leader)
    assert 'role="search"' not in client.get(reverse("stats:municipal")).content.decode()
    client.force_login(world.parent)
    assert 'role="search"' not in client.get(reverse("core:home")).content.decode()


def test_search_costs_a_fixed_number_of_queries(client, world):
    client.force_login(world.caseworker)
    url = reverse("workday:find")
    client.get(url, {"q": "familien"})
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"q": "familien"})
    for i in range(30):
        t.family(world.municipality, f"Familien Ekstra{i}")
    with CaptureQueriesContext(connection) as after:
        client.get(url, {"q": "familien"})
    assert len(after) == len(before)


def test_dates_are_read_as_people_write_them():
    today = date(2026, 6, 1)
    assert selectors.parse_day("1.2.2015", today) == date(2015, 2, 1)
    assert selectors.parse_day("010299", today) == date(1999, 2, 1)
    assert selectors.parse_day("010215", today) == date(2015, 2, 1)
    assert selectors.parse_day("31.02.2015", today) is None
    assert selectors.parse_day("Berg", today) is None


# --- the start guide -------------------------------------------------------------------------------------------

def test_the_default_guide_is_in_three_languages_and_parses_into_steps():
    for language in ("nb", "nn", "en"):
        steps = guide.parse(guide.default_text(language))
        assert len(steps) == len(guide.DEFAULT_STEPS)
        assert all(step.title and step.items for step in steps)
    assert guide.default_text("nb") != guide.default_text("en") != guide.default_text("nn")


def test_a_new_coordinator_is_shown_the_guide(client, world):
    world.coordinator.staff_roles.update(started=timezone.localdate() - timedelta(days=3))
    client.force_login(world.coordinator)
    assert "The start guide takes you through the first 30 days" in client.get(reverse("core:home"), **EN).content.decode()
    html = client.get(reverse("workday:start_guide"), **EN).content.decode()
    assert "Day 1: Find your way in Los" in html and "Tasks you do rarely" in html
    assert "Change the guide" not in html


def test_the_unit_leader_writes_the_units_own_guide(client, world):
    leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    client.force_login(leader)
    url = reverse("workday:start_guide_edit")
    html = client.get(url, **EN).content.decode()
    assert "Day 1: Find your way in Los" in html  # starts from Los's text
    response = client.post(url, {"text": "Dag 1: Møt lederen\n- Ring Kari på 123 45 678", "version": 0,
                                 "language": "nb", "kommune": world.municipality.pk})
    assert response.status_code == 302
    client.force_login(world.coordinator)
    html = client.get(reverse("workday:start_guide"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Dag 1: Møt lederen" in html and "Ring Kari på 123 45 678" in html
    assert StartGuide.objects.get().version == 1


def test_two_leaders_saving_at_once_do_not_overwrite_each_other(client, world):
    leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    StartGuide.objects.create(municipality=world.municipality, language="nb", text="Først", version=2)
    client.force_login(leader)
    response = client.post(reverse("workday:start_guide_edit"), {
        "text": "Min tekst", "version": 1, "language": "nb", "kommune": world.municipality.pk}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else saved the guide after you opened it." in html and "Min tekst</textarea>" in html
    assert StartGuide.objects.get().text == "Først"


def test_only_the_unit_leader_edits_the_guide_and_the_norm(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("workday:start_guide_edit")).status_code == 403
    assert client.get(reverse("workday:unit_settings")).status_code == 403


def test_the_unit_leader_sets_the_capacity_norm(client, world):
    leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    client.force_login(leader)
    url = reverse("workday:unit_settings")
    response = client.post(url, {"families_per_10_percent": "abc", "kommune": world.municipality.pk}, **EN)
    assert response.status_code == 400 and "Write a number, for example 2.5." in response.content.decode()
    response = client.post(url, {"families_per_10_percent": "3,5", "kommune": world.municipality.pk},
                           HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 302
    assert CoordinatingUnit.objects.get(municipality=world.municipality).families_per_10_percent == Decimal("3.5")
    from los.referrals.selectors import capacity_of

    role = world.coordinator.staff_roles.get()
    assert capacity_of(role) == 21  # 60 % / 10 × 3.5
