"""Nothing typed is lost: the notes save as they are written (with the optimistic version), approval asks first and
is refused while something is unsaved or before the meeting, and a member's leaving asks first and can be undone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.accounts.models import Role
from los.core import testing as t
from los.families.models import CoAssignment, CoRole
from los.meetings import services
from los.meetings.models import GroupMember, Minutes

from .conftest import held_meeting, schedule

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _started(client, group, meeting=None):
    meeting = meeting or held_meeting(group, days_ago=1)
    client.force_login(group.coordinator)
    client.post(reverse("meetings:minutes", args=[meeting.pk]))
    return meeting, Minutes.objects.get(meeting=meeting)


# --- the notes save as they are written -----------------------------------------------------------------------

def test_the_notes_save_as_they_are_written_and_say_when(client, group):
    meeting, minutes = _started(client, group)
    url = reverse("meetings:minutes_autosave", args=[meeting.pk])
    response = client.post(url, {"text": "Mia trives i klassen.", "version": minutes.version}, **EN)
    assert response.status_code == 200
    body = response.content.decode()
    minutes.refresh_from_db()
    assert minutes.text == "Mia trives i klassen." and minutes.version == 2
    assert 'data-state="saved"' in body and 'data-version="2"' in body
    assert f"Saved {timezone.localtime(minutes.updated_at):%H:%M}" in body
    # the same text again is not a new version
    client.post(url, {"text": "Mia trives i klassen.", "version": 2}, **EN)
    minutes.refresh_from_db()
    assert minutes.version == 2


def test_an_autosave_never_overwrites_what_someone_else_saved(client, group):
    meeting, minutes = _started(client, group)
    services.save_minutes(minutes, by=group.coordinator, text="Skrevet på en annen maskin", version=minutes.version)
    response = client.post(reverse("meetings:minutes_autosave", args=[meeting.pk]),
                           {"text": "Min tekst", "version": minutes.version}, **EN)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-state="conflict"' in body and "Conflict" in body
    assert "Skrevet på en annen maskin" in body  # what is saved now, to combine with one's own
    minutes.refresh_from_db()
    assert minutes.text == "Skrevet på en annen maskin"


def test_the_page_says_truthfully_that_the_notes_are_saved(client, group):
    meeting, minutes = _started(client, group)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]), **EN).content.decode()
    assert 'data-state="saved"' in page
    assert "everything is saved at once" not in page
    assert 'data-los-autosave="/moter/' in page


# --- approval --------------------------------------------------------------------------------------------------

def test_approval_with_unsaved_notes_is_refused_and_the_text_kept(client, group):
    meeting, minutes = _started(client, group)
    minutes = services.save_minutes(minutes, by=group.coordinator, text="Lagret del.", version=minutes.version)
    response = client.post(reverse("meetings:minutes_approve", args=[meeting.pk]),
                           {"text": "Lagret del. Og en del som ikke er lagret.", "version": minutes.version,
                            "approve": "1"}, **EN)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Some of the notes are not saved yet, so the minutes were not approved." in page
    assert "Og en del som ikke er lagret.</textarea>" in page
    minutes.refresh_from_db()
    assert not minutes.is_approved


def test_approval_asks_for_confirmation_first(client, group):
    meeting, minutes = _started(client, group)
    minutes = services.save_minutes(minutes, by=group.coordinator, text="Alt er lagret.", version=minutes.version)
    url = reverse("meetings:minutes_approve", args=[meeting.pk])
    response = client.post(url, {"text": "Alt er lagret.\r\n", "version": minutes.version}, **EN)
    assert response.status_code == 200
    assert "Approve the minutes?" in response.content.decode()
    minutes.refresh_from_db()
    assert not minutes.is_approved
    response = client.post(url, {"version": minutes.version, "confirm": "1"}, **EN)
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.is_approved


def test_the_confirmation_page_also_opens_by_its_address(client, group):
    """A reload of the confirmation page or a change of language on it (both a GET) shows the question again for
    the minutes as saved, and approves nothing."""
    meeting, minutes = _started(client, group)
    minutes = services.save_minutes(minutes, by=group.coordinator, text="Alt er lagret.", version=minutes.version)
    url = reverse("meetings:minutes_approve", args=[meeting.pk])
    response = client.get(url, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Approve the minutes?" in page and f'name="version" value="{minutes.version}"' in page
    minutes.refresh_from_db()
    assert not minutes.is_approved


def test_the_confirmation_page_is_not_shown_when_there_is_nothing_to_approve(client, group):
    meeting = schedule(group, day=timezone.localdate() + timedelta(days=30))
    meeting, minutes = _started(client, group, meeting)
    url = reverse("meetings:minutes_approve", args=[meeting.pk])
    response = client.get(url, **EN)  # the meeting has not started
    assert response.status_code == 302 and response.url == reverse("meetings:minutes", args=[meeting.pk])
    held, held_minutes = _started(client, group)
    services.approve_minutes(held_minutes, by=group.coordinator, version=held_minutes.version)
    response = client.get(reverse("meetings:minutes_approve", args=[held.pk]), **EN)  # approved already
    assert response.status_code == 302 and response.url == reverse("meetings:minutes", args=[held.pk])


def test_minutes_are_approved_only_after_the_meeting_has_started(client, group):
    meeting = schedule(group, day=timezone.localdate() + timedelta(days=30))
    meeting, minutes = _started(client, group, meeting)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]), **EN).content.decode()
    assert "can be approved after the meeting has started" in page
    assert "Approve the minutes …" not in page
    response = client.post(reverse("meetings:minutes_approve", args=[meeting.pk]),
                           {"version": minutes.version, "confirm": "1"}, follow=True, **EN)
    assert "The meeting has not started yet." in response.content.decode()
    minutes.refresh_from_db()
    assert not minutes.is_approved


def test_a_co_coordinator_may_approve_and_a_minute_taker_may_not(client, group):
    meeting, minutes = _started(client, group)
    scribe = t.staff(Role.BARNEKOORDINATOR, group.municipality, "referent")
    co = t.staff(Role.BARNEKOORDINATOR, group.municipality, "medkoordinator")
    for user, role in ((scribe, CoRole.MINUTE_TAKER), (co, CoRole.CO_COORDINATOR)):
        CoAssignment.objects.create(family=group.family, municipality=group.municipality, user=user, role=role)
    url = reverse("meetings:minutes_approve", args=[meeting.pk])
    client.force_login(scribe)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]), **EN).content.decode()
    assert "Save the notes" in page and "Approve the minutes …" not in page
    client.post(url, {"version": minutes.version, "confirm": "1"}, **EN)
    minutes.refresh_from_db()
    assert not minutes.is_approved
    client.force_login(co)
    assert client.post(url, {"version": minutes.version, "confirm": "1"}, **EN).status_code == 302
    minutes.refresh_from_db()
    assert minutes.is_approved and minutes.approved_by == co


# --- leaving the group -----------------------------------------------------------------------------------------

def test_leaving_asks_first_and_changes_nothing_until_confirmed(client, group):
    client.force_login(group.coordinator)
    response = client.get(reverse("meetings:member_leave", args=[group.m_contact.pk]), **EN)
    assert response.status_code == 200
    assert "from the coordination group?" in response.content.decode()
    group.m_contact.refresh_from_db()
    assert group.m_contact.left is None


def test_leaving_can_be_undone_the_same_day(client, group):
    client.force_login(group.coordinator)
    client.post(reverse("meetings:member_leave", args=[group.m_contact.pk]), {"reason": "Feil person"})
    page = client.get(reverse("meetings:family_meetings", args=[group.family.pk]), **EN).content.decode()
    assert "Left today" in page and "Undo:" in page
    response = client.post(reverse("meetings:member_undo_leave", args=[group.m_contact.pk]), **EN)
    assert response.status_code == 302
    group.m_contact.refresh_from_db()
    assert group.m_contact.left is None and group.m_contact.left_reason == ""


def test_an_older_leaving_or_a_new_membership_cannot_be_undone(client, group):
    GroupMember.objects.filter(pk=group.m_contact.pk).update(left=timezone.localdate() - timedelta(days=1))
    client.force_login(group.coordinator)
    client.post(reverse("meetings:member_undo_leave", args=[group.m_contact.pk]))
    group.m_contact.refresh_from_db()
    assert group.m_contact.left is not None
    client.post(reverse("meetings:member_leave", args=[group.m_mother.pk]))
    from los.meetings.models import MemberKind
    services.add_group_member(group.family, by=group.coordinator, kind=MemberKind.FAMILY, family_member=group.mother)
    response = client.post(reverse("meetings:member_undo_leave", args=[group.m_mother.pk]), follow=True, **EN)
    assert "added to the group again already" in response.content.decode()


def test_the_family_cannot_remove_or_restore_members(client, group):
    client.force_login(group.parent)
    assert client.get(reverse("meetings:member_leave", args=[group.m_contact.pk])).status_code == 403
    assert client.post(reverse("meetings:member_undo_leave", args=[group.m_contact.pk])).status_code == 403
