"""Who sees what: fagmøte for the family (held, when, who; not the minutes), minutes after approval,
service contacts only under a consent that covers meetings, nobody outside the family's relations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from los.access.models import Category
from los.core import testing as t
from los.meetings import services
from los.meetings.models import MeetingKind, MeetingPolicy

from .conftest import held_meeting, schedule


def _minutes(group, meeting, text, approve=True):
    minutes = services.start_minutes(meeting, by=group.coordinator)
    minutes = services.save_minutes(minutes, by=group.coordinator, text=text, version=minutes.version)
    services.add_decision(meeting, by=group.coordinator, text=f"Beslutning: {text}")
    if approve:
        minutes = services.approve_minutes(minutes, by=group.coordinator, version=minutes.version)
    return minutes


@pytest.fixture
def fagmote(group):
    MeetingPolicy.objects.create(municipality=group.municipality, allow_professional_meetings=True)
    meeting = held_meeting(group, days_ago=10, kind=MeetingKind.PROFESSIONAL,
                           participants=[group.m_coordinator, group.m_contact])
    _minutes(group, meeting, "Faglig drøfting av bekymring for søvn")
    return meeting


@pytest.mark.django_db
def test_family_sees_that_a_fagmote_was_held_but_not_its_minutes(client, group, fagmote):
    client.force_login(group.parent)
    page = client.get(reverse("meetings:family_meetings", args=[group.family.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Professionals-only meeting (fagmøte)" in page
    detail = client.get(reverse("meetings:detail", args=[fagmote.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Held" in text
    assert group.contact.get_full_name() in text and group.coordinator.get_full_name() in text  # who took part
    assert fagmote.starts_at.astimezone(timezone.get_current_timezone()).strftime("%-d") in text
    assert "Faglig drøfting" not in text and "Beslutning" not in text
    assert "Its agenda and minutes are for the professionals" in text
    assert client.get(reverse("meetings:minutes", args=[fagmote.pk])).status_code == 403


@pytest.mark.django_db
def test_professionals_in_the_fagmote_see_its_minutes(client, group, fagmote):
    client.force_login(group.contact)
    text = client.get(reverse("meetings:detail", args=[fagmote.pk])).content.decode()
    assert "Faglig drøfting av bekymring for søvn" in text


@pytest.mark.django_db
def test_fagmote_only_where_the_delegation_allows(client, group):
    client.force_login(group.coordinator)
    page = client.get(reverse("meetings:new", args=[group.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "fagmøte" not in page.split("<form", 1)[1].split("</form>")[0].lower()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        schedule(group, kind=MeetingKind.PROFESSIONAL, participants=[group.m_coordinator, group.m_contact])
    assert "delegation does not allow" in str(refused.value)
    MeetingPolicy.objects.create(municipality=group.municipality, allow_professional_meetings=True)
    page = client.get(reverse("meetings:new", args=[group.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Professionals-only meeting (fagmøte)" in page
    with translation.override("en"), pytest.raises(ValidationError) as family_invited:
        schedule(group, kind=MeetingKind.PROFESSIONAL)
    assert "do not invite the family" in str(family_invited.value)
    assert schedule(group, kind=MeetingKind.PROFESSIONAL, participants=[group.m_coordinator, group.m_contact]).pk


@pytest.mark.django_db
def test_family_sees_minutes_only_when_approved(client, group):
    meeting = held_meeting(group, days_ago=5)
    minutes = _minutes(group, meeting, "Mia trives i klassen", approve=False)
    client.force_login(group.parent)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mia trives" not in page and "There are no approved minutes yet." in page
    client.force_login(group.coordinator)
    assert "Mia trives" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    services.approve_minutes(minutes, by=group.coordinator, version=minutes.version)
    client.force_login(group.parent)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mia trives i klassen" in page and "Beslutning: Mia trives" in page


@pytest.mark.django_db
def test_service_contact_needs_consent_that_covers_meetings(client, group):
    meeting = held_meeting(group, days_ago=5)
    _minutes(group, meeting, "Mia trives i klassen")
    client.force_login(group.contact)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    # consent without the meetings category: the family is known to them, its meetings are not shown
    group.consent.categories = [Category.CASE, Category.PLAN]
    group.consent.save(update_fields=["categories"])
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:family_meetings", args=[group.family.pk])).status_code == 403
    assert client.get(reverse("meetings:ics", args=[meeting.pk])).status_code == 403
    assert "Mia trives" not in client.get(reverse("meetings:my_actions")).content.decode()
    # withdrawn: nothing
    group.consent.categories = [Category.CASE, Category.MEETINGS]
    group.consent.withdrawn_at = timezone.now()
    group.consent.save(update_fields=["categories", "withdrawn_at"])
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404


@pytest.mark.django_db
def test_service_contact_reads_but_does_not_write_minutes(client, group):
    meeting = held_meeting(group, days_ago=5)
    _minutes(group, meeting, "Mia trives i klassen", approve=False)
    client.force_login(group.contact)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Mia trives" not in page  # drafts are for those who write them
    assert client.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("meetings:minutes_decision", args=[meeting.pk]),
                       {"decision-text": "Noe"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leader", "admin", "foreign_caseworker", "habu_contact"])
def test_people_without_a_relation_see_nothing(client, group, who):
    meeting = schedule(group)
    client.force_login(getattr(group, who))
    for url in (reverse("meetings:family_meetings", args=[group.family.pk]),
                reverse("meetings:detail", args=[meeting.pk]), reverse("meetings:ics", args=[meeting.pk])):
        assert client.get(url).status_code in (403, 404), (who, url)


@pytest.mark.django_db
def test_caseworker_in_the_municipality_sees_meetings(client, group):
    meeting = schedule(group)
    client.force_login(group.caseworker)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


@pytest.mark.django_db
def test_service_contact_joins_the_group_only_under_consent(client, group):
    client.force_login(group.coordinator)
    url = reverse("meetings:member_add", args=[group.family.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert group.habu_contact.get_full_name() not in page  # not offered without consent
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.add_group_member(group.family, by=group.coordinator, kind="service", user=group.habu_contact)
    assert "has not given consent that covers meetings" in str(refused.value)
    response = client.post(url, {"person": f"user:{group.habu_contact.pk}"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    t.consent(group.family, group.habu)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert group.habu_contact.get_full_name() in page
    response = client.post(url, {"person": f"user:{group.habu_contact.pk}", "role_title": "Psykolog"})
    assert response.status_code == 302
    member = group.family.group_members.get(user=group.habu_contact)
    assert member.service_provider == group.habu and member.joined == timezone.localdate()


@pytest.mark.django_db
def test_leaving_is_recorded_and_history_kept(client, group):
    client.force_login(group.coordinator)
    response = client.post(reverse("meetings:member_leave", args=[group.m_contact.pk]), {"reason": "Ny jobb"})
    assert response.status_code == 302
    group.m_contact.refresh_from_db()
    assert group.m_contact.left == timezone.localdate() and group.m_contact.left_reason == "Ny jobb"
    page = client.get(reverse("meetings:family_meetings", args=[group.family.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Former members" in page and "Ny jobb" in page
    client.force_login(group.parent)  # the family cannot change the group
    assert client.post(reverse("meetings:member_leave", args=[group.m_coordinator.pk])).status_code == 403
    # a former member cannot be invited
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        schedule(group, day=timezone.localdate() + timedelta(days=3))
    assert "Only current members" in str(refused.value)
