"""Fixtures for the meetings tests: a coordination group around the world's family."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from los.accounts.models import Role
from los.core import testing as t
from los.core.models import ProviderKind
from los.meetings import services
from los.meetings.models import MeetingKind, MemberKind

OSLO = ZoneInfo("Europe/Oslo")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def next_year(month: int, day: int) -> date:
    return date(timezone.localdate().year + 1, month, day)


@pytest.fixture
def immediate_tasks(settings):
    """Run background tasks at once, so e-mails land in mail.outbox."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def group(world):
    """The Berg family's coordination group: the mother, the barnekoordinator and the school contact
    (consent covers meetings). A HABU contact exists without consent."""
    w = world
    for user, email in ((w.parent, "mor@berg.example"), (w.coordinator, "bk@testvik.example"),
                        (w.contact, "kontakt@skole.example")):
        user.email = email
        user.save(update_fields=["email"])
    w.consent = t.consent(w.family, w.school)
    w.habu = t.provider(w.municipality, ProviderKind.HABU, "HABU Testvik")
    w.habu_contact = t.staff(Role.SERVICE_CONTACT, w.municipality, "kontakt.habu", service_provider=w.habu)
    w.habu_contact.email = "habu@helse.example"
    w.habu_contact.save(update_fields=["email"])
    w.mother = w.family.members.get()
    w.m_mother = services.add_group_member(w.family, by=w.coordinator, kind=MemberKind.FAMILY, family_member=w.mother)
    w.m_coordinator = services.add_group_member(w.family, by=w.coordinator, kind=MemberKind.COORDINATOR,
                                                user=w.coordinator)
    w.m_contact = services.add_group_member(w.family, by=w.coordinator, kind=MemberKind.SERVICE, user=w.contact)
    return w


def schedule(g, day: date | None = None, hour: int = 10, kind: str = MeetingKind.COORDINATION, participants=None,
             **kwargs):
    day = day or timezone.localdate() + timedelta(days=14)
    return services.schedule_meeting(
        g.family, by=g.coordinator, kind=kind, starts_at=at(day, hour), ends_at=at(day, hour + 1, 30),
        participants=participants if participants is not None else [g.m_mother, g.m_coordinator, g.m_contact],
        place=kwargs.pop("place", "Testvik skole, møterom 2"), **kwargs)


def held_meeting(g, days_ago: int = 40, kind: str = MeetingKind.COORDINATION, participants=None):
    """A meeting in the past that was held (written directly: the form allows at most 30 days back)."""
    from los.meetings.models import Attendance, Meeting, MeetingStatus

    day = timezone.localdate() - timedelta(days=days_ago)
    meeting = Meeting.objects.create(
        family=g.family, municipality=g.municipality, kind=kind, starts_at=at(day, 10), ends_at=at(day, 11),
        place="Testvik skole", status=MeetingStatus.HELD, ical_uid=f"{uuid.uuid4()}@los",
        created_by=g.coordinator)
    for member in participants if participants is not None else [g.m_mother, g.m_coordinator, g.m_contact]:
        Attendance.objects.create(family=g.family, municipality=g.municipality, meeting=meeting, member=member,
                                  service_provider=member.service_provider, invited=True, present=True)
    return meeting
