"""iCalendar (RFC 5545 / iTIP RFC 5546) for meetings: invitations, updates, cancellations and the feed.

What a calendar entry holds is deliberately thin: the time (with ``TZID=Europe/Oslo`` and a
``VTIMEZONE``), the place, video link or phone number, and a neutral title ("Meeting in Los"). No
family name, child, diagnosis, agenda or participant list: calendars are synced to phones and shared
with colleagues. The only attendee written is the recipient of an e-mail invitation themselves.

Every meeting keeps one ``UID`` for its whole life; every change calendars must pick up raises
``SEQUENCE`` (done in ``services``), so an update replaces the entry and a cancellation
(``METHOD:CANCEL``, ``STATUS:CANCELLED``) removes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from los.meetings.models import Meeting, MeetingStatus

OSLO = ZoneInfo("Europe/Oslo")
PRODID = "-//Los//Los meetings 1.0//NO"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def summary() -> str:
    """The title of every calendar entry: nothing about the family."""
    return _("Meeting in Los")


def location(meeting: Meeting) -> str:
    parts = []
    if meeting.place:
        parts.append(meeting.place)
    if meeting.video_link:
        parts.append(meeting.video_link)
    if meeting.phone:
        parts.append(_("Phone: %(number)s") % {"number": meeting.phone})
    return " · ".join(parts)


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'ikke-svar@los.example'}")
    organizer.params["CN"] = vText(name or "Los")
    return organizer


def event(meeting: Meeting, *, attendee_email: str = "", url: str = "") -> Event:
    """One VEVENT for the meeting, in Europe/Oslo time."""
    cancelled = meeting.status == MeetingStatus.CANCELLED
    ev = Event()
    ev.add("uid", meeting.ical_uid)
    ev.add("sequence", meeting.ical_sequence)
    ev.add("dtstamp", timezone.now())
    ev.add("created", meeting.created_at)
    ev.add("last-modified", meeting.updated_at)
    ev.add("dtstart", meeting.starts_at.astimezone(OSLO))
    ev.add("dtend", meeting.ends_at.astimezone(OSLO))
    ev.add("summary", summary())
    where = location(meeting)
    if where:
        ev.add("location", where)
    if meeting.video_link:
        ev.add("url", meeting.video_link)
    description = _("Time and place only. Log in to Los to see the agenda.")
    if url:
        description = f"{description}\n{url}"
    ev.add("description", description)
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    ev.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    ev.add("class", "PRIVATE")
    ev.add("organizer", _organizer())
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("DECLINED" if cancelled else "NEEDS-ACTION")
        attendee.params["RSVP"] = vText("FALSE")
        ev.add("attendee", attendee)
    return ev


def _calendar(method: str, events: list[Event], starts: Iterable) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    for ev in events:
        cal.add_component(ev)
    days = [s.astimezone(OSLO).date() for s in starts]
    first = min(days, default=timezone.localdate()) - timedelta(days=400)
    last = max(days, default=timezone.localdate()) + timedelta(days=400)
    # one VTIMEZONE for Europe/Oslo covering the meetings (with their summer and winter time)
    cal.add_missing_timezones(first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1))
    return cal


def invitation_method(meeting: Meeting) -> str:
    return "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"


def invitation(meeting: Meeting, *, attendee_email: str = "", url: str = "") -> bytes:
    """An invitation, update (``METHOD:REQUEST``) or cancellation (``METHOD:CANCEL``) for one meeting."""
    cal = _calendar(invitation_method(meeting), [event(meeting, attendee_email=attendee_email, url=url)],
                    [meeting.starts_at])
    return cal.to_ical()


def feed(meetings: list[Meeting], *, name: str, url_for=None) -> bytes:
    """A subscribable calendar (``METHOD:PUBLISH``) with the given meetings, cancelled ones included
    as ``STATUS:CANCELLED`` so that subscribed calendars drop them."""
    events = [event(m, url=url_for(m) if url_for else "") for m in meetings]
    cal = _calendar("PUBLISH", events, [m.starts_at for m in meetings])
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Oslo")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal.to_ical()


def filename(meeting: Meeting) -> str:
    local = meeting.starts_at.astimezone(OSLO)
    return f"los-mote-{local:%Y-%m-%d}.ics"
