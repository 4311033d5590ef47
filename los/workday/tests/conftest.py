"""The working day: a coordinator with a little of everything that can need them today."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

OSLO = ZoneInfo("Europe/Oslo")


def at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


@pytest.fixture
def busy(world):
    """The world's coordinator with: an overdue action, a meeting in three days, a past meeting without minutes,
    an unread message, a refused application with its appeal deadline in ten days, a missed evaluation, a plan
    the family has not approved, and a follow-up after a call that is overdue."""
    from los.access.models import Category
    from los.core import testing as t
    from los.meetings import services as meetings
    from los.meetings.models import Attendance, ContactKind, Meeting, MeetingStatus, MemberKind
    from los.plans import services as plans
    from los.portal.models import Message, MessageRead
    from los.servicemap import services as servicemap

    w = world
    today = timezone.localdate()
    family = w.family
    t.consent(family, w.school, categories=[Category.CASE, Category.MEETINGS, Category.PLAN])
    w.m_mother = meetings.add_group_member(family, by=w.coordinator, kind=MemberKind.FAMILY,
                                           family_member=family.members.get())
    w.m_coordinator = meetings.add_group_member(family, by=w.coordinator, kind=MemberKind.COORDINATOR,
                                                user=w.coordinator)
    w.m_contact = meetings.add_group_member(family, by=w.coordinator, kind=MemberKind.SERVICE, user=w.contact)
    past = Meeting.objects.create(family=family, municipality=w.municipality, starts_at=at(today - timedelta(days=3), 10),
                                  ends_at=at(today - timedelta(days=3), 11), place="Skolen",
                                  status=MeetingStatus.HELD, ical_uid=f"{uuid.uuid4()}@los", created_by=w.coordinator)
    Attendance.objects.create(family=family, municipality=w.municipality, meeting=past, member=w.m_contact,
                              invited=True, present=True)
    w.past_meeting = past
    minutes = meetings.start_minutes(past, by=w.coordinator)
    w.action = meetings.add_action(past, by=w.coordinator, title="Søke om avlastning", owner_member=w.m_contact,
                                   due_date=today - timedelta(days=2))
    from los.meetings.models import Action
    Action.objects.filter(pk=w.action.pk).update(due_date=today - timedelta(days=2))
    del minutes
    w.upcoming = meetings.schedule_meeting(family, by=w.coordinator, kind="coordination",
                                           starts_at=at(today + timedelta(days=3), 12),
                                           ends_at=at(today + timedelta(days=3), 13),
                                           participants=[w.m_mother, w.m_coordinator], place="Rådhuset")
    message = Message.objects.create(family=family, municipality=w.municipality, sender=w.parent,
                                     body="Kan du ringe meg?")
    MessageRead.objects.create(family=family, municipality=w.municipality, message=message, recipient=w.coordinator)
    entry = servicemap.create_entry(family, w.coordinator, catalog_id="avlastning", provider=w.school,
                                    state="applied")
    application = servicemap.create_application(entry, w.coordinator, sent_on=today - timedelta(days=40))
    from los.servicemap.models import Application
    Application.objects.filter(pk=application.pk).update(decision="refused", decision_on=today - timedelta(days=5),
                                                          appeal_deadline=today + timedelta(days=10))
    plan = plans.create_plan(family, by=w.coordinator, what_matters="At Mia har det bra på skolen.",
                             consent_given_by=family.members.get(), consent_method="oral")
    occasion = plans.add_evaluation_date(plan, by=w.coordinator, day=today + timedelta(days=5))
    from los.plans.models import EvaluationDate
    EvaluationDate.objects.filter(pk=occasion.pk).update(date=today - timedelta(days=4))
    meetings.log_contact(family, by=w.coordinator, happened_on=today - timedelta(days=6), kind=ContactKind.PHONE,
                         with_whom="Mor", agreed="Vi snakket om skolen.", follow_up="Ringe PPT",
                         follow_up_due=today - timedelta(days=1))
    return w


@pytest.fixture
def pages(page_factory):
    """Browser pages that give up after 30 s when something is missing (the machine may be busy)."""
    def make(width: int = 1280, height: int = 900, language: str = "nb"):
        page = page_factory(width=width, height=height, language=language)
        page.set_default_timeout(30_000)
        return page
    return make
