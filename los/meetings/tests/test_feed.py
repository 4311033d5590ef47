"""The personal calendar feed at a secret address: only the owner's own meetings, only while the
access policy allows, revocable, audited, and the token itself never stored."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from los.access.models import AuditEvent
from los.core import testing as t
from los.meetings import services
from los.meetings.models import CalendarToken, MemberKind

from .conftest import schedule


def _uids(response) -> set[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    return {str(e["UID"]) for e in cal.walk("VEVENT")}


def _feed_url(user) -> str:
    _token, raw = services.create_calendar_token(user)
    return reverse("meetings:feed", args=[raw])


@pytest.mark.django_db
def test_feed_holds_only_the_owners_own_meetings(client, group):
    mine = schedule(group)
    not_invited = schedule(group, hour=13, participants=[group.m_mother, group.m_coordinator])
    # another family where the same school has consent, but the contact is not in the group
    t.consent(group.other_family, group.school)
    other_member = services.add_group_member(group.other_family, by=group.coordinator, kind=MemberKind.FAMILY,
                                             family_member=group.other_family.members.get())
    other = services.schedule_meeting(group.other_family, by=group.caseworker, kind="coordination",
                                      starts_at=mine.starts_at, ends_at=mine.ends_at, participants=[other_member],
                                      place="Rådhuset")
    uids = _uids(client.get(_feed_url(group.contact)))
    assert uids == {mine.ical_uid}
    assert not_invited.ical_uid not in uids and other.ical_uid not in uids
    # the parent's feed has both of the family's meetings they were invited to
    assert _uids(client.get(_feed_url(group.parent))) == {mine.ical_uid, not_invited.ical_uid}


@pytest.mark.django_db
def test_feed_needs_no_log_in_but_a_valid_token(client, group):
    schedule(group)
    url = _feed_url(group.contact)
    client.logout()
    assert client.get(url).status_code == 200
    assert client.get(reverse("meetings:feed", args=["not-a-real-token"])).status_code == 404


@pytest.mark.django_db
def test_feed_stops_showing_a_family_when_consent_is_withdrawn(client, group):
    meeting = schedule(group)
    url = _feed_url(group.contact)
    assert _uids(client.get(url)) == {meeting.ical_uid}
    group.consent.withdrawn_at = timezone.now()
    group.consent.save(update_fields=["withdrawn_at"])
    assert _uids(client.get(url)) == set()


@pytest.mark.django_db
def test_feed_shows_cancellations_with_the_same_uid(client, group):
    meeting = schedule(group)
    url = _feed_url(group.parent)
    services.cancel_meeting(meeting, by=group.coordinator, version=meeting.version)
    cal = Calendar.from_ical(client.get(url).content)
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.ical_uid
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]


@pytest.mark.django_db
def test_revoked_token_stops_the_feed_at_once(client, group):
    schedule(group)
    client.force_login(group.contact)
    page = client.post(reverse("meetings:calendar"), {"create": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "shown only this once" in page
    url = re.search(r'value="(http://testserver/moter/kalender/[^"]+\.ics)"', page).group(1)
    raw = url.rsplit("/", 1)[1].removesuffix(".ics")
    token = CalendarToken.objects.get(user=group.contact)
    assert token.digest != raw and raw not in token.digest  # only a digest is stored
    client.logout()
    assert client.get(url).status_code == 200
    client.force_login(group.contact)
    client.post(reverse("meetings:calendar"), {"revoke": token.pk})
    client.logout()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_nobody_can_revoke_someone_elses_token(client, group):
    token, _raw = services.create_calendar_token(group.contact)
    client.force_login(group.parent)
    assert client.post(reverse("meetings:calendar"), {"revoke": token.pk}).status_code == 404
    token.refresh_from_db()
    assert token.is_active


@pytest.mark.django_db
def test_feed_reading_is_audited_without_the_token(client, group):
    schedule(group)
    url = _feed_url(group.contact)
    client.get(url)
    event = AuditEvent.objects.get(object_type="CalendarFeed")
    assert event.actor == group.contact and event.family_id == group.family.pk and event.allowed
    assert event.path == "" and url.rsplit("/", 1)[1] not in event.reason
