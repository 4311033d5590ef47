"""Fixtures for the plan tests: the world's family (Berg) with a plan, a goal and measures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from los.accounts.models import Role
from los.core import testing as t
from los.core.models import ProviderKind
from los.plans import services


@pytest.fixture
def immediate_tasks(settings):
    """Run background tasks at once, so that e-mails land in mail.outbox."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def plan_world(world):
    """The Berg family with a current plan. The school has consent (case, plan, meetings); HABU and its
    contact exist without consent. One measure is owned by the school contact, one by the coordinator."""
    w = world
    w.mother = w.family.members.get()
    w.consent = t.consent(w.family, w.school)
    w.habu = t.provider(w.municipality, ProviderKind.HABU, "HABU Testvik")
    w.habu_contact = t.staff(Role.SERVICE_CONTACT, w.municipality, "kontakt.habu", service_provider=w.habu)
    w.plan = services.create_plan(w.family, by=w.coordinator, consent_given_by=w.mother,
                                  what_matters="At Ida skal ha det godt på skolen")
    w.goal = services.add_goal(w.plan, by=w.coordinator, text="Jeg vil kunne være med i friminuttene",
                               category="friends")
    today = timezone.localdate()
    w.school_measure = services.create_measure(plan=w.plan, by=w.coordinator, title="Tilrettelegge friminutt",
                                               goal=w.goal, owner=w.contact, start=today,
                                               due_date=today + timedelta(days=30))
    w.own_measure = services.create_measure(plan=w.plan, by=w.coordinator, title="Søke om avlastning",
                                            goal=w.goal, owner=w.coordinator, due_date=today + timedelta(days=14))
    return w
