"""Ending: at 18 (warned 12 and 6 months ahead), at the family's wish, or by decision."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.core import testing as t
from los.core.deadlines import add_months
from los.families.models import Child, CoordinatorAssignment, Family, FamilyStatus
from los.referrals import selectors
from los.referrals.models import Ending


def _born(months_until_18: int, days: int = 0) -> date:
    return add_months(timezone.localdate(), months_until_18 - 18 * 12) + timedelta(days=days)


@pytest.mark.django_db
def test_turning_18_warns_12_and_6_months_ahead(world):
    m = world.municipality
    rows = {}
    for name, months in (("Fem", 5), ("Ti", 10), ("Fjorten", 14)):
        family = t.family(m, f"Familien {name}", child_age=None)
        Child.objects.create(family=family, municipality=m, given_name=name, family_name="X", birth_date=_born(months))
        t.assign(family, world.coordinator)
        rows[name] = family
    closed = t.family(m, "Familien Lukket", status=FamilyStatus.CLOSED, child_age=None)
    Child.objects.create(family=closed, municipality=m, given_name="L", family_name="X", birth_date=_born(3))
    warnings = {w.family.display_name: w for w in selectors.turning_18(Family.objects.all())}
    assert warnings["Familien Fem"].months == 6
    assert warnings["Familien Ti"].months == 12
    assert "Familien Fjorten" not in warnings and "Familien Lukket" not in warnings
    assert warnings["Familien Fem"].eighteenth == _born(5).replace(year=_born(5).year + 18)


@pytest.mark.django_db
def test_case_page_shows_the_18_warning_and_proposes_the_transition(client, world):
    Child.objects.filter(family=world.family).update(birth_date=_born(4))
    client.force_login(world.caseworker)
    page = client.get(reverse("referrals:family_case", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "turns 18 on" in text and "Less than six months left." in text
    assert "ordinary coordinator" in text and "adult services" in text


@pytest.mark.django_db
def test_ending_at_18_needs_an_adult_child_and_a_transition(client, world):
    Child.objects.filter(family=world.family).update(birth_date=_born(2))
    client.force_login(world.caseworker)
    url = reverse("referrals:ending", args=[world.family.pk])
    response = client.post(url, {"reason": "age_18", "ended_on": timezone.localdate().isoformat(),
                                 "closing_summary": "Oppsummering", "transition": ""}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "No child in the family is 18 on this date." in page
    assert "describe the transition to an ordinary coordinator" in page
    assert not Ending.objects.exists()
    eighteenth = Child.objects.get(family=world.family).eighteenth_birthday()
    response = client.post(url, {"reason": "age_18", "ended_on": eighteenth.isoformat(),
                                 "closing_summary": "Planen er fulgt opp.",
                                 "transition": "Ordinær koordinator fra helsetjenesten; NAV og fastlege er kontaktet."})
    assert response.status_code == 302
    assignment = CoordinatorAssignment.objects.get(family=world.family)
    assert assignment.ended == eighteenth
    world.family.refresh_from_db()
    assert world.family.status == FamilyStatus.CLOSED


@pytest.mark.django_db
def test_ending_without_a_closing_summary_is_refused(client, world):
    client.force_login(world.caseworker)
    response = client.post(reverse("referrals:ending", args=[world.family.pk]), {
        "reason": "decision", "ended_on": timezone.localdate().isoformat(), "closing_summary": ""},
        HTTP_ACCEPT_LANGUAGE="en")
    assert "Write a closing summary." in response.content.decode()
    assert CoordinatorAssignment.objects.get(family=world.family).ended is None
