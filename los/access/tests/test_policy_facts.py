"""The policy reads its facts once per GET request, and never answers from a fact that has changed."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from los.access.models import Category
from los.access.policy import Action, decide, prime_facts, remembered_facts
from los.accounts.models import Role
from los.core import testing as t
from los.families.models import CoordinatorAssignment


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.django_db
class TestRememberedFacts:
    def test_asking_again_in_a_request_costs_no_query(self, world):
        with remembered_facts():
            assert decide(world.coordinator, Action.VIEW, world.family).allowed
            assert queries_of(lambda: decide(world.coordinator, Action.CHANGE, world.family)) == 0
            assert queries_of(lambda: decide(world.coordinator, Action.EXPORT, world.family, Category.PLAN)) == 0

    def test_outside_a_request_every_question_reads_the_database(self, world):
        decide(world.coordinator, Action.VIEW, world.family)
        assert queries_of(lambda: decide(world.coordinator, Action.VIEW, world.family)) > 0

    def test_a_withdrawn_consent_is_seen_at_once_even_inside_a_request(self, world):
        consent = t.consent(world.family, world.school, categories=["plan"])
        with remembered_facts():
            assert decide(world.contact, Action.VIEW, world.family, Category.PLAN).allowed
            consent.withdrawn_at = timezone.now()
            consent.save()
            assert not decide(world.contact, Action.VIEW, world.family, Category.PLAN).allowed

    def test_an_ended_assignment_is_seen_at_once_even_inside_a_request(self, world):
        assignment = CoordinatorAssignment.objects.get(family=world.family, coordinator=world.coordinator)
        with remembered_facts():
            assert decide(world.coordinator, Action.VIEW, world.family).allowed
            assignment.ended = timezone.localdate() - timedelta(days=1)
            assignment.save()
            assert not decide(world.coordinator, Action.VIEW, world.family).allowed

    def test_a_new_guardian_is_seen_at_once_even_inside_a_request(self, world):
        newcomer = t.user("ny.forelder")
        with remembered_facts():
            assert not decide(newcomer, Action.VIEW, world.family).allowed
            world.family.members.create(municipality=world.municipality, relation="father", given_name="Far",
                                        family_name="Berg", parental_responsibility=True, user=newcomer)
            assert decide(newcomer, Action.VIEW, world.family).allowed

    def test_primed_participants_are_decided_without_queries_and_as_without_priming(self, world):
        other_school = t.provider(world.municipality, name="Testvik helsestasjon")
        nurse = t.staff(Role.SERVICE_CONTACT, world.municipality, "helsesykepleier", service_provider=other_school)
        t.consent(world.family, world.school, categories=["plan"])
        people = [world.parent, world.coordinator, world.caseworker, world.contact, nurse, world.leader]
        expected = [decide(p, Action.VIEW, world.family, Category.PLAN) for p in people]
        assert [d.allowed for d in expected] == [True, True, True, True, False, False]
        for p in people:  # the roles, as the plan page has them prefetched
            p.active_roles()
        with remembered_facts():
            prime_facts(people, world.family)
            answers = []
            count = queries_of(lambda: answers.extend(decide(p, Action.VIEW, world.family, Category.PLAN)
                                                      for p in people))
        assert answers == expected
        assert count <= 2  # the municipalities the coordinator and the caseworker serve (agreements)

    def test_priming_outside_a_request_does_nothing(self, world):
        assert queries_of(lambda: prime_facts([world.parent, world.coordinator], world.family)) == 0


@pytest.mark.django_db
def test_a_page_reads_the_facts_once_and_shows_the_same(client, world):
    """The navigator page asks the policy several times about the same user; with the facts remembered it
    makes fewer queries and shows exactly the same page."""
    client.force_login(world.coordinator)
    url = reverse("navigator:family", args=[world.family.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as remembered:
        page = client.get(url)
    without = [m for m in settings.MIDDLEWARE if m != "los.access.middleware.PolicyFactsMiddleware"]
    with override_settings(MIDDLEWARE=without):
        other = Client()  # a client builds its middleware once
        other.force_login(world.coordinator)
        with CaptureQueriesContext(connection) as afresh:
            page_afresh = other.get(url)
    assert page.status_code == page_afresh.status_code == 200
    assert strip_tokens(page.content) == strip_tokens(page_afresh.content)
    assert len(remembered) < len(afresh)


def strip_tokens(html: bytes) -> bytes:
    return re.sub(rb'(csrfmiddlewaretoken" value="|nonce=")[^"]*', b"", html)
