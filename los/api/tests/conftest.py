"""Fixtures for the API tests: the world's family with a plan, goals, measures, a meeting with an action,
a service with an application and a consent; tokens for the coordinator."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from los.api.models import Scope
from los.api.services import create_token
from los.core import testing as t
from los.core.models import ProviderKind

OSLO = ZoneInfo("Europe/Oslo")
ALL_SCOPES = list(Scope.values)


def at(days: int, hour: int) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour), tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The rate limit counts in the cache; every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rich(world):
    """The world's family with data in every area of the API."""
    from los.meetings import services as meetings
    from los.meetings.models import Attendance, Meeting, MeetingStatus, MemberKind
    from los.plans import services as plans
    from los.servicemap import services as servicemap

    w = world
    w.mother = w.family.members.get()
    w.child = w.family.children.get()
    w.child.condition_categories = ["autism"]
    w.child.save(update_fields=["condition_categories"])
    w.consent = t.consent(w.family, w.school, categories=["case", "plan", "meetings"])
    w.plan = plans.create_plan(w.family, by=w.coordinator, consent_given_by=w.mother,
                               what_matters="At Barn har det trygt på skolen.")
    w.goal = plans.add_goal(w.plan, by=w.coordinator, text="Barn skal gå på skolen hver dag.", child=w.child)
    w.measure = plans.create_measure(title="Tilrettelagt skoleskyss", by=w.coordinator, plan=w.plan, goal=w.goal,
                                     due_date=timezone.localdate() + timedelta(days=30),
                                     service_provider=w.school, description="Drosje to dager i uka.")
    w.m_mother = meetings.add_group_member(w.family, by=w.coordinator, kind=MemberKind.FAMILY, family_member=w.mother)
    w.m_coordinator = meetings.add_group_member(w.family, by=w.coordinator, kind=MemberKind.COORDINATOR,
                                                user=w.coordinator)
    w.m_contact = meetings.add_group_member(w.family, by=w.coordinator, kind=MemberKind.SERVICE, user=w.contact)
    w.meeting = Meeting.objects.create(
        family=w.family, municipality=w.municipality, starts_at=at(-10, 10), ends_at=at(-10, 11),
        place="Testvik skole, møterom 2", status=MeetingStatus.HELD, ical_uid=f"{uuid.uuid4()}@los",
        created_by=w.coordinator)
    for member in (w.m_mother, w.m_coordinator, w.m_contact):
        Attendance.objects.create(family=w.family, municipality=w.municipality, meeting=w.meeting, member=member,
                                  service_provider=member.service_provider, invited=True, present=True)
    meetings.start_minutes(w.meeting, by=w.coordinator)
    w.action = meetings.add_action(w.meeting, by=w.coordinator, title="Sende søknad om avlastning",
                                   owner_member=w.m_coordinator, due_date=timezone.localdate() + timedelta(days=14))
    w.nav = t.provider(w.municipality, ProviderKind.NAV, "NAV Testvik")
    w.entry = servicemap.create_entry(w.family, w.coordinator, catalog_id="hjelpestonad", provider=w.nav,
                                      state="considered")
    w.application = servicemap.create_application(w.entry, w.coordinator,
                                                  sent_on=timezone.localdate() - timedelta(days=5))
    return w


@pytest.fixture
def token_for(world):
    """Make a token: token_for(user, scopes=[...], municipality=...) -> token text."""

    def make(user=None, scopes=None, municipality=None, **fields):
        _token, text = create_token(name="Test", user=user or world.coordinator,
                                    municipality=municipality or world.municipality,
                                    scopes=ALL_SCOPES if scopes is None else scopes, **fields)
        return text

    return make


@pytest.fixture
def api(token_for):
    """A client whose requests carry the coordinator's token with every scope."""
    text = token_for()
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")
