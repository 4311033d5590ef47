"""Invitations, updates and cancellations as iCalendar: parse with icalendar, Europe/Oslo times,
same UID with a rising SEQUENCE, and nothing about the family in the calendar entry or e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from los.meetings.models import Meeting, MeetingStatus

from .conftest import OSLO, at, next_year, schedule


def _parse(content: bytes) -> tuple[Calendar, object]:
    cal = Calendar.from_ical(content)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


def _ics_attachments(messages) -> list[tuple[str, Calendar, object]]:
    out = []
    for message in messages:
        for attachment in message.attachments:
            filename, content, mimetype = attachment
            assert filename.endswith(".ics")
            assert mimetype.startswith("text/calendar")
            cal, event = _parse(content if isinstance(content, bytes) else content.encode())
            out.append((message.to[0], cal, event))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize(("month", "offset_hours"), [(3, 1), (6, 2)], ids=["winter", "summer"])
def test_invitation_parses_and_has_europe_oslo_times(client, group, month, offset_hours):
    day = next_year(month, 10)
    meeting = schedule(group, day=day, hour=10)
    client.force_login(group.parent)
    response = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content.decode()
    assert f"DTSTART;TZID=Europe/Oslo:{day:%Y%m%d}T100000" in raw
    assert f"DTEND;TZID=Europe/Oslo:{day:%Y%m%d}T113000" in raw
    cal, event = _parse(response.content)
    assert str(cal["METHOD"]) == "REQUEST"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Oslo"
    assert start.dt == at(day, 10)
    assert start.dt.utcoffset() == timedelta(hours=offset_hours)
    assert event["DTEND"].dt == at(day, 11, 30)
    assert str(event["UID"]) == meeting.ical_uid
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Testvik skole, møterom 2"


@pytest.mark.django_db
def test_calendar_entry_says_nothing_about_the_family(client, group):
    meeting = schedule(group, video_link="https://video.example/rom-42")
    client.force_login(group.coordinator)
    raw = client.get(reverse("meetings:ics", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    _cal, event = _parse(raw.encode())
    assert str(event["SUMMARY"]) == "Møte i Los"
    assert "https://video.example/rom-42" in str(event["LOCATION"])
    for secret in ("Berg", "Barn", "Mor", group.family.reference):
        assert secret not in raw
    assert "ATTENDEE" not in raw  # the downloaded file lists nobody


@pytest.mark.django_db
def test_invitation_is_emailed_to_participants_with_ics(group, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(group)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["mor@berg.example", "bk@testvik.example", "kontakt@skole.example"])
    for message in mail.outbox:
        assert "Berg" not in message.subject + message.body
        assert "Los" in message.subject
    for address, cal, event in _ics_attachments(mail.outbox):
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == meeting.ical_uid
        assert str(event["ATTENDEE"]) == f"mailto:{address}"  # only the recipient themselves


@pytest.mark.django_db
def test_update_keeps_uid_and_increments_sequence(client, group, immediate_tasks,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(group, day=next_year(3, 10))
    uid = meeting.ical_uid
    mail.outbox.clear()
    client.force_login(group.coordinator)
    new_day = next_year(3, 12)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:edit", args=[meeting.pk]), {
            "date": new_day.isoformat(), "start_time": "13:00", "end_time": "14:00", "place": "Rådhuset",
            "video_link": "", "phone": "",
            "participants": [group.m_mother.pk, group.m_coordinator.pk, group.m_contact.pk],
            "version": meeting.version,
        })
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.ical_uid == uid and meeting.ical_sequence == 1
    updates = _ics_attachments(mail.outbox)
    assert len(updates) == 3
    for _address, cal, event in updates:
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == uid
        assert int(event["SEQUENCE"]) == 1
        assert event["DTSTART"].dt == at(new_day, 13)
    assert all("changed" in m.subject.lower() or "endret" in m.subject.lower() for m in mail.outbox)
    # the download shows the same
    _cal, event = _parse(client.get(reverse("meetings:ics", args=[meeting.pk])).content)
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1


@pytest.mark.django_db
def test_removed_participant_gets_a_cancellation(client, group, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(group)
    mail.outbox.clear()
    local = meeting.starts_at.astimezone(OSLO)
    client.force_login(group.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:edit", args=[meeting.pk]), {
            "date": local.date().isoformat(), "start_time": "10:00", "end_time": "11:30",
            "place": meeting.place, "participants": [group.m_mother.pk, group.m_coordinator.pk],
            "version": meeting.version,
        })
    sent = {address: (cal, event) for address, cal, event in _ics_attachments(mail.outbox)}
    assert list(sent) == ["kontakt@skole.example"]
    cal, event = sent["kontakt@skole.example"]
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == meeting.ical_uid and int(event["SEQUENCE"]) == 1


@pytest.mark.django_db
def test_cancellation_keeps_uid_raises_sequence_and_reaches_calendars(client, group, immediate_tasks,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(group)
    mail.outbox.clear()
    client.force_login(group.coordinator)
    page = client.get(reverse("meetings:cancel", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cancel the meeting" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:cancel", args=[meeting.pk]),
                               {"reason": "Sykdom", "version": meeting.version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.ical_sequence == 1
    cancellations = _ics_attachments(mail.outbox)
    assert len(cancellations) == 3
    for _address, cal, event in cancellations:
        assert str(cal["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == meeting.ical_uid and int(event["SEQUENCE"]) == 1
    assert all("Sykdom" not in m.body for m in mail.outbox)
    cal, event = _parse(client.get(reverse("meetings:ics", args=[meeting.pk])).content)
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"


@pytest.mark.django_db
def test_cancelling_twice_or_with_a_stale_form_is_refused_clearly(client, group):
    meeting = schedule(group)
    client.force_login(group.coordinator)
    stale = meeting.version
    Meeting.objects.filter(pk=meeting.pk).update(version=stale + 1)
    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "", "version": stale},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Someone else changed this meeting after you opened it" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


@pytest.mark.django_db
def test_email_language_follows_the_recipient(group, immediate_tasks, django_capture_on_commit_callbacks):
    group.contact.preferred_language = "en"
    group.contact.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        schedule(group)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["kontakt@skole.example"].subject == "Invitation to a meeting – Los"
    assert by_address["mor@berg.example"].subject == "Innkalling til møte – Los"
    _a, _c, event = next(x for x in _ics_attachments([by_address["kontakt@skole.example"]]))
    assert str(event["SUMMARY"]) == "Meeting in Los"
