"""Equal treatment figures for the unit leader: computed in the database, no single family shown."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from los.core import testing as t
from los.families.models import Child, FamilyStatus
from los.referrals import selectors, services
from los.referrals.models import Outcome, Request

from .helpers import REASONS, request_for


@pytest.fixture
def history(world):
    m = world.municipality
    other_caseworker = t.staff("caseworker", m, "saksbehandler2")
    plan = [("Familien A", ["autism"], Outcome.GRANTED, world.caseworker, 10),
            ("Familien B", ["autism", "physical"], Outcome.GRANTED, world.caseworker, 20),
            ("Familien C", ["physical"], Outcome.REFUSED, other_caseworker, 40)]
    for name, categories, outcome, caseworker, days in plan:
        family = t.family(m, name, status=FamilyStatus.REQUESTED)
        Child.objects.filter(family=family).update(condition_categories=categories)
        request = request_for(family, days_ago=days)
        services.save_assessment(request, caseworker, {
            "legal:child": ("met", ""), "legal:condition": ("met" if outcome == Outcome.GRANTED else "not_met",
                                                            "Lettere vansker"),
            "legal:services": ("met", "")})
        services.make_decision(request, caseworker, outcome, **REASONS)
        family.refresh_from_db()
        if outcome == Outcome.GRANTED:
            appointment = services.appoint_coordinator(family, caseworker, world.coordinator)
            assignment = appointment.assignment
            assignment.started = timezone.localdate() + timedelta(days=days)  # request → appointment = 2 × days
            assignment.save()
    # another municipality's decision never counts
    foreign = request_for(world.foreign_family, days_ago=99)
    services.make_decision(foreign, world.foreign_caseworker, Outcome.REFUSED, **REASONS)
    return other_caseworker


@pytest.mark.django_db
def test_figures(world, history):
    with translation.override("en"):
        figures = selectors.equal_treatment({world.municipality.pk})
    assert (figures["granted"], figures["refused"]) == (2, 1)
    assert figures["median_days_to_decision"] == 20
    assert figures["median_days_to_appointment"] == 30  # 20 and 40 days
    by_caseworker = {r.label: (r.granted, r.refused) for r in figures["by_caseworker"]}
    assert by_caseworker[world.caseworker.get_full_name()] == (2, 0)
    assert by_caseworker[history.get_full_name()] == (0, 1)
    by_condition = {r.label: (r.granted, r.refused) for r in figures["by_condition"]}
    assert by_condition["Autism"] == (2, 0) and by_condition["Physical disability"] == (1, 1)
    condition = next(r for r in figures["by_criterion"] if "serious illness" in r.label)
    assert (condition.met_granted, condition.not_met_refused, condition.met_refused) == (2, 1, 0)


@pytest.mark.django_db
def test_page_for_the_unit_leader_shows_no_family(client, world, history):
    leader = t.staff("unit_leader", world.municipality, "ke.leder")
    client.force_login(leader)
    page = client.get(reverse("referrals:equal_treatment") + "?periode=alle", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Decisions by criterion" in text and "Median days from request to decision" in text
    assert "Familien" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["caseworker", "coordinator", "leader", "contact", "parent"])
def test_page_is_for_the_unit_leader_only(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("referrals:equal_treatment")).status_code == 403


@pytest.mark.django_db
def test_open_requests_are_counted(world):
    request_for(world.other_family)
    assert selectors.equal_treatment({world.municipality.pk})["open_requests"] == Request.objects.count() == 1
