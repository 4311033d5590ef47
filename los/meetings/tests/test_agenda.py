"""The agenda is built from the family's needs, in a fixed order, and kept once the minutes start."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.core import fnr
from los.families.models import Child
from los.meetings import selectors, services
from los.meetings.models import AgendaItem, AgendaSource, MeetingKind, MeetingPolicy

from .conftest import held_meeting, schedule


def _child(group, birth: date, name: str) -> Child:
    import random

    return Child.objects.create(family=group.family, municipality=group.municipality, given_name=name,
                                family_name="Berg", birth_date=birth, fodselsnummer=fnr.generate(birth, random.Random(1)))


def _action(meeting, group, title, due, owner=None):
    services.start_minutes(meeting, by=group.coordinator)
    return services.add_action(meeting, by=group.coordinator, title=title, owner_member=owner or group.m_contact,
                               due_date=due)


@pytest.mark.django_db
def test_draft_agenda_order(client, group):
    today = timezone.localdate()
    older = held_meeting(group, days_ago=120)
    old_overdue = _action(older, group, "Søke om avlastning", today - timedelta(days=60))
    last = held_meeting(group, days_ago=40)
    done = _action(last, group, "Bestille hjelpemidler", today - timedelta(days=20))
    services.mark_action_done(done, by=group.contact)
    still_open = _action(last, group, "Kartlegge lesing", today + timedelta(days=5), owner=group.m_mother)
    fag = held_meeting(group, days_ago=30, kind=MeetingKind.PROFESSIONAL,
                       participants=[group.m_coordinator, group.m_contact])
    fag_action = _action(fag, group, "Drøfte bekymring", today + timedelta(days=10))
    # a child who turns 18 within a year, and one who starts school within a year
    meeting = schedule(group)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    teen = _child(group, date(meeting_day.year - 18, meeting_day.month, 1) + timedelta(days=62), "Jonas")
    little = _child(group, date(meeting_day.year - 6 + (1 if meeting_day.month >= 8 else 0), 2, 1), "Ella")

    client.force_login(group.parent)
    client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Søvnen til Ella", "details": ""})
    client.force_login(group.contact)
    client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Ny assistent på skolen"})

    agenda = selectors.draft_agenda(meeting)
    sources = [e.source for e in agenda]
    titles = [e.title for e in agenda]
    assert sources[:2] == [AgendaSource.PREVIOUS_ACTION, AgendaSource.PREVIOUS_ACTION]  # last time's actions first
    assert set(titles[:2]) == {"Bestille hjelpemidler", "Kartlegge lesing"}
    assert agenda[titles.index("Bestille hjelpemidler")].extra["done"]
    assert sources[2] == AgendaSource.FAMILY_WISH and titles[2] == "Søvnen til Ella"
    assert sources[3] == AgendaSource.OPEN_ACTION and titles[3] == old_overdue.title
    assert agenda[3].extra["overdue"]
    transitions = [e for e in agenda if e.source == AgendaSource.TRANSITION]
    assert [t.extra["kind"] for t in transitions] == sorted(
        ["turning_18", "school_start"], key=lambda k: {"turning_18": teen.eighteenth_birthday(),
                                                       "school_start": date(little.birth_date.year + 6, 8, 15)}[k])
    assert sources[-1] == AgendaSource.PARTICIPANT and titles[-1] == "Ny assistent på skolen"
    assert sources.index(AgendaSource.TRANSITION) > 3
    # a coordination meeting never shows what was agreed in a fagmøte
    assert fag_action.title not in titles
    assert still_open.title in titles


@pytest.mark.django_db
def test_fagmote_agenda_includes_professional_actions(group):
    today = timezone.localdate()
    MeetingPolicy.objects.create(municipality=group.municipality, allow_professional_meetings=True)
    fag = held_meeting(group, days_ago=30, kind=MeetingKind.PROFESSIONAL,
                       participants=[group.m_coordinator, group.m_contact])
    fag_action = _action(fag, group, "Drøfte bekymring", today + timedelta(days=10))
    next_fag = schedule(group, kind=MeetingKind.PROFESSIONAL, participants=[group.m_coordinator, group.m_contact])
    assert fag_action.title in [e.title for e in selectors.draft_agenda(next_fag)]


@pytest.mark.django_db
def test_transitions_are_computed_from_the_birth_date(group):
    Child.objects.filter(family=group.family).delete()
    _child(group, date(2012, 6, 20), "Jonas")   # turns 18 on 20 June 2030
    _child(group, date(2024, 3, 3), "Ella")     # turns six in 2030: starts school in August 2030
    _child(group, date(2014, 9, 1), "Ola")      # turns 16 in 2030: upper secondary school in August 2030
    _child(group, date(2020, 5, 5), "Per")      # nothing within the year
    found = {(t.child.given_name, t.kind): t.on for t in selectors.upcoming_transitions(group.family, date(2030, 1, 10))}
    assert found == {("Jonas", "turning_18"): date(2030, 6, 20), ("Ella", "school_start"): date(2030, 8, 15),
                     ("Ola", "upper_secondary"): date(2030, 8, 15)}
    later = {(t.child.given_name, t.kind) for t in selectors.upcoming_transitions(group.family, date(2030, 9, 1))}
    assert later == set()  # all three are behind; Per starts school in August 2026, long before


@pytest.mark.django_db
def test_starting_the_minutes_keeps_the_agenda_as_it_was(client, group):
    today = timezone.localdate()
    meeting = schedule(group, day=today, hour=0)
    AgendaItem.objects.create(family=group.family, municipality=group.municipality, meeting=meeting,
                              title="Skoleskyss", source=AgendaSource.FAMILY_WISH, added_by=group.parent)
    client.force_login(group.coordinator)
    assert client.post(reverse("meetings:minutes", args=[meeting.pk])).status_code == 302
    stored = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    assert [i.title for i in stored][0] == "Skoleskyss" and all(i.position for i in stored)
    # a new open action after the start does not change this meeting's agenda
    other = held_meeting(group, days_ago=10)
    _action(other, group, "Ny oppgave", today + timedelta(days=3))
    assert "Ny oppgave" not in [e.title for e in selectors.draft_agenda(meeting)]
    # and the family can no longer add to it
    client.force_login(group.parent)
    page = client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "For sent"},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The meeting has started" in page
    assert not AgendaItem.objects.filter(title="For sent").exists()


@pytest.mark.django_db
def test_family_adds_a_wish_from_the_meeting_page(client, group):
    meeting = schedule(group)
    client.force_login(group.parent)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What do you want to talk about?" in page
    response = client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "", "details": "x"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Write what you want to talk about." in response.content.decode()
    assert "x</textarea>" in response.content.decode()  # what was typed is kept
    client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Fritidsaktivitet", "details": ""})
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.source == AgendaSource.FAMILY_WISH and item.added_by == group.parent
