"""Scheduling forms with bad input (in three languages), and the live minutes page: htmx fragments,
one-step decisions and actions, attendance, optimistic locking and approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.meetings.models import Action, Attendance, Decision, Meeting, MeetingStatus, Minutes

from .conftest import held_meeting, schedule

BAD_INPUT = {
    "end_before_start": {
        "data": {"start_time": "14:00", "end_time": "13:00", "place": "Rådhuset, møterom 3"},
        "nb": "Møtet må slutte etter at det har startet. Sjekk sluttidspunktet.",
        "nn": "Møtet må slutte etter at det har starta. Sjekk sluttidspunktet.",
        "en": "The meeting must end after it starts. Check the end time.",
    },
    "far_in_the_past": {
        "data": {"date_offset": -400, "place": "Rådhuset, møterom 3"},
        "nb": "Datoen er mer enn 30 dager tilbake i tid. Sjekk datoen og året.",
        "nn": "Datoen er meir enn 30 dagar tilbake i tid. Sjekk datoen og året.",
        "en": "The date is more than 30 days ago. Check the date and the year.",
    },
    "no_place": {
        "data": {"place": "", "video_link": "", "phone": ""},
        "nb": "Skriv hvor møtet er: oppgi et sted, en videolenke eller et telefonnummer.",
        "nn": "Skriv kvar møtet er: oppgi ein stad, ei videolenkje eller eit telefonnummer.",
        "en": "Say where the meeting is: give a place, a video link or a phone number.",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_meeting_input_gets_a_clear_message_and_keeps_the_input(client, group, language, case):
    spec = BAD_INPUT[case]
    day = timezone.localdate() + timedelta(days=spec["data"].get("date_offset", 10))
    data = {"date": day.isoformat(), "start_time": "10:00", "end_time": "11:00", "place": "Rådhuset, møterom 3",
            "video_link": "", "phone": "", "participants": [group.m_mother.pk, group.m_contact.pk]}
    data.update({k: v for k, v in spec["data"].items() if k != "date_offset"})
    client.force_login(group.coordinator)
    response = client.post(reverse("meetings:new", args=[group.family.pk]), data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'lang="{language}"' in page
    assert spec[language] in page
    assert 'class="ds-error-summary"' in page and 'aria-invalid="true"' in page
    # what the user typed is still there
    assert f'value="{day.isoformat()}"' in page and f'value="{data["start_time"]}"' in page
    if data["place"]:
        assert f'value="{data["place"]}"' in page
    assert f'value="{group.m_contact.pk}"' in page and "checked" in page
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_unreadable_date_and_bad_video_link(client, group):
    client.force_login(group.coordinator)
    response = client.post(reverse("meetings:new", args=[group.family.pk]), {
        "date": "31.02.2027", "start_time": "kl ti", "end_time": "11:00", "video_link": "møte her",
        "participants": [group.m_mother.pk]}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Write the date as dd.mm.yyyy" in page and "Write the time as hh:mm" in page
    assert "Paste the whole video link" in page
    assert 'value="31.02.2027"' in page and 'value="kl ti"' in page


@pytest.mark.django_db
def test_scheduling_a_meeting_end_to_end(client, group):
    client.force_login(group.coordinator)
    page = client.get(reverse("meetings:family_meetings", args=[group.family.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Call a meeting" in page and 'aria-current="page"' in page
    form = client.get(reverse("meetings:new", args=[group.family.pk])).content.decode()
    assert form.count('type="checkbox"') == 3 and form.count("checked") == 3  # everyone in the group by default
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(reverse("meetings:new", args=[group.family.pk]), {
        "date": day.strftime("%d.%m.%Y"), "start_time": "09:00", "end_time": "10:30", "video_link": "https://video.example/x",
        "participants": [group.m_mother.pk, group.m_coordinator.pk, group.m_contact.pk]}, HTTP_ACCEPT_LANGUAGE="nb")
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "09:00"
    assert meeting.attendance.filter(invited=True).count() == 3
    assert AuditEvent.objects.filter(object_type="Meeting", action="change", actor=group.coordinator).exists()
    page = client.get(reverse("meetings:family_meetings", args=[group.family.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "video meeting" in page


@pytest.mark.django_db
def test_the_family_cannot_schedule(client, group):
    client.force_login(group.parent)
    assert client.get(reverse("meetings:new", args=[group.family.pk])).status_code == 403
    page = client.get(reverse("meetings:family_meetings", args=[group.family.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Call a meeting" not in page


def _start(client, group, meeting=None):
    meeting = meeting or held_meeting(group, days_ago=1)
    client.force_login(group.coordinator)
    assert client.post(reverse("meetings:minutes", args=[meeting.pk])).status_code == 302
    return meeting, Minutes.objects.get(meeting=meeting)


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.django_db
def test_minutes_page_shows_everything_needed_while_chairing(client, group):
    meeting, _minutes = _start(client, group)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Attendance", "Notes", "Add an agreement", "Add an action", "Approve the minutes"):
        assert text in page
    assert 'hx-post="' in page and 'hx-target="#minutes-outcomes"' in page


@pytest.mark.django_db
def test_decision_becomes_an_action_in_one_step_with_htmx(client, group):
    meeting, _minutes = _start(client, group)
    due = timezone.localdate() + timedelta(days=14)
    response = client.post(reverse("meetings:minutes_decision", args=[meeting.pk]), {
        "decision-text": "Skolen lager en plan for friminuttene", "decision-owner": group.m_contact.pk,
        "decision-due_date": due.isoformat()}, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and 'id="minutes-outcomes"' in fragment  # only the section is swapped
    assert "The agreement is added as an action for" in fragment
    decision = Decision.objects.get(meeting=meeting)
    action = Action.objects.get(decision=decision)
    assert action.owner == group.contact and action.service_provider == group.school and action.due_date == due
    assert action.title == decision.text
    assert fragment.count("Skolen lager en plan for friminuttene") >= 2  # in decisions and in actions


@pytest.mark.django_db
def test_adding_an_action_with_bad_input_keeps_what_was_typed(client, group):
    meeting, _minutes = _start(client, group)
    response = client.post(reverse("meetings:minutes_action", args=[meeting.pk]), {
        "action-title": "Søke om omsorgsstønad", "action-owner": "",
        "action-due_date": (timezone.localdate() - timedelta(days=5)).isoformat()}, **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "Choose who owns the action." in fragment
    assert 'value="Søke om omsorgsstønad"' in fragment
    assert not Action.objects.exists()
    response = client.post(reverse("meetings:minutes_action", args=[meeting.pk]), {
        "action-title": "Søke om omsorgsstønad", "action-owner": group.m_mother.pk,
        "action-due_date": (timezone.localdate() - timedelta(days=5)).isoformat()}, **HTMX)
    assert "The due date has already passed" in response.content.decode()
    response = client.post(reverse("meetings:minutes_action", args=[meeting.pk]), {
        "action-title": "Søke om omsorgsstønad", "action-owner": group.m_mother.pk,
        "action-due_date": (timezone.localdate() + timedelta(days=5)).isoformat()}, **HTMX)
    assert "The action is added for" in response.content.decode()
    assert Action.objects.get().owner == group.parent


@pytest.mark.django_db
def test_without_javascript_the_forms_still_work(client, group):
    meeting, _minutes = _start(client, group)
    response = client.post(reverse("meetings:minutes_decision", args=[meeting.pk]),
                           {"decision-text": "Vi møtes igjen i mars"})
    assert response.status_code == 302 and response["Location"] == reverse("meetings:minutes", args=[meeting.pk])
    assert Decision.objects.filter(meeting=meeting, actions__isnull=True).count() == 1


@pytest.mark.django_db
def test_attendance_is_recorded_per_member_and_service(client, group):
    meeting, _minutes = _start(client, group)
    response = client.post(reverse("meetings:minutes_attendance", args=[meeting.pk]),
                           {"present": [group.m_mother.pk, group.m_coordinator.pk]}, **HTMX)
    assert "Attendance is saved." in response.content.decode()
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert rows[group.m_mother.pk].present and rows[group.m_coordinator.pk].present
    assert rows[group.m_contact.pk].present is False and rows[group.m_contact.pk].service_provider == group.school
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


@pytest.mark.django_db
def test_two_people_writing_minutes_get_a_clear_conflict_message(client, group):
    meeting, minutes = _start(client, group)
    url = reverse("meetings:minutes", args=[meeting.pk])
    assert client.post(url, {"text": "Første versjon", "version": minutes.version}, **HTMX).status_code == 200
    client.force_login(group.caseworker)
    response = client.post(url, {"text": "Min egen tekst", "version": minutes.version}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 409
    assert "saved the notes after you opened them. Nothing was overwritten" in page
    assert "Min egen tekst</textarea>" in page and "Første versjon" in page  # both versions shown
    minutes.refresh_from_db()
    assert minutes.text == "Første versjon"
    # after seeing both, saving again goes through
    version = page.split('name="version" value="')[1].split('"')[0]
    assert client.post(url, {"text": "Første versjon. Min egen tekst", "version": version}).status_code == 302
    minutes.refresh_from_db()
    assert minutes.text == "Første versjon. Min egen tekst"


@pytest.mark.django_db
def test_only_the_coordinator_approves_and_approved_minutes_are_locked(client, group):
    meeting, minutes = _start(client, group)
    client.force_login(group.caseworker)
    client.post(reverse("meetings:minutes_approve", args=[meeting.pk]), {"version": minutes.version})
    minutes.refresh_from_db()
    assert not minutes.is_approved
    client.force_login(group.coordinator)
    response = client.post(reverse("meetings:minutes_approve", args=[meeting.pk]), {"version": minutes.version,
                           "confirm": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.is_approved and minutes.approved_by == group.coordinator
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Approved minutes cannot be changed." in page and "Add an agreement" not in page
    response = client.post(reverse("meetings:minutes_decision", args=[meeting.pk]), {"decision-text": "Sent"},
                           **HTMX)
    assert not Decision.objects.filter(text="Sent").exists()


@pytest.mark.django_db
def test_caseworker_is_told_who_approves(client, group):
    meeting, minutes = _start(client, group)
    client.force_login(group.caseworker)
    response = client.post(reverse("meetings:minutes_approve", args=[meeting.pk]), {"version": minutes.version},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Only the family&#x27;s barnekoordinator approves the minutes." in response.content.decode()


@pytest.mark.django_db
def test_meeting_edit_form_is_prefilled_and_refuses_stale_versions(client, group):
    meeting = schedule(group)
    client.force_login(group.coordinator)
    page = client.get(reverse("meetings:edit", args=[meeting.pk])).content.decode()
    assert 'value="Testvik skole, møterom 2"' in page and f'name="version" value="{meeting.version}"' in page
    local = timezone.localtime(meeting.starts_at)
    Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), {
        "date": local.date().isoformat(), "start_time": "12:00", "end_time": "13:00", "place": "Et annet sted",
        "participants": [group.m_mother.pk], "version": meeting.version}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Someone else changed this meeting after you opened it" in page and 'value="Et annet sted"' in page
