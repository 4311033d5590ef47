"""Follow-up: my actions across families, marking done by the owner (and only them), reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.accounts.models import Role
from los.core import testing as t
from los.meetings import services
from los.meetings.models import Action, ActionStatus, MemberKind

from .conftest import held_meeting


def _action(group, title, due, owner=None, meeting=None):
    meeting = meeting or held_meeting(group, days_ago=20)
    services.start_minutes(meeting, by=group.coordinator)
    return services.add_action(meeting, by=group.coordinator, title=title, owner_member=owner or group.m_contact,
                               due_date=due)


@pytest.fixture
def second_family(group):
    """A second family where the same school contact is in the group."""
    f = group.other_family
    t.assign(f, group.coordinator)
    t.consent(f, group.school)
    members = [services.add_group_member(f, by=group.coordinator, kind=MemberKind.SERVICE, user=group.contact),
               services.add_group_member(f, by=group.coordinator, kind=MemberKind.COORDINATOR, user=group.coordinator)]
    return f, members


@pytest.mark.django_db
def test_my_actions_across_families_policy_filtered(client, group, second_family):
    today = timezone.localdate()
    family2, (contact2, coordinator2) = second_family
    mine1 = _action(group, "Sende rapport fra skolen", today + timedelta(days=7))
    from los.meetings.models import Attendance, Meeting, MeetingStatus

    m2 = Meeting.objects.create(family=family2, municipality=family2.municipality, starts_at=timezone.now(),
                                ends_at=timezone.now() + timedelta(hours=1), place="x", ical_uid="m2@los",
                                status=MeetingStatus.HELD)
    Attendance.objects.create(family=family2, municipality=family2.municipality, meeting=m2, member=contact2)
    mine2 = _action(group, "Tilrettelegge friminutt", today - timedelta(days=0), owner=contact2, meeting=m2)
    Action.objects.filter(pk=mine2.pk).update(due_date=today - timedelta(days=3))
    not_mine = _action(group, "Søke grunnstønad", today + timedelta(days=3), owner=group.m_mother)

    client.force_login(group.contact)
    page = client.get(reverse("meetings:my_actions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert mine1.title in page and mine2.title in page and not_mine.title not in page
    assert page.index(mine2.title) < page.index(mine1.title)  # overdue first
    assert "1 action is overdue." in page
    assert AuditEvent.objects.filter(object_type="meeting_actions_of_owner", actor=group.contact).exists()

    # the family withdraws its consent: the action disappears from the contact's list at once
    family2.consents.update(withdrawn_at=timezone.now())
    page = client.get(reverse("meetings:my_actions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert mine1.title in page and mine2.title not in page


@pytest.mark.django_db
def test_owner_marks_done_and_the_family_sees_it(client, group):
    action = _action(group, "Sende rapport fra skolen", timezone.localdate() + timedelta(days=7))
    client.force_login(group.contact)
    response = client.post(reverse("meetings:action_done", args=[action.pk]), {"next": "/moter/mine-oppgaver/"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/moter/mine-oppgaver/"
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_by == group.contact
    event = AuditEvent.objects.filter(object_type="Action", actor=group.contact).latest("seq")
    assert event.action == "change" and event.reason == "owner of this item, under consent"
    client.force_login(group.parent)
    page = client.get(reverse("meetings:family_meetings", args=[group.family.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "There are no open actions." in page


@pytest.mark.django_db
def test_others_cannot_mark_someone_elses_action_done(client, group):
    action = _action(group, "Sende rapport fra skolen", timezone.localdate() + timedelta(days=7))
    colleague = t.staff(Role.SERVICE_CONTACT, group.municipality, "kollega", service_provider=group.school)
    for user in (colleague, group.parent):
        client.force_login(user)
        assert client.post(reverse("meetings:action_done", args=[action.pk])).status_code == 403
    client.force_login(group.habu_contact)  # no consent at all: the family is not even revealed
    assert client.post(reverse("meetings:action_done", args=[action.pk])).status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert AuditEvent.objects.filter(object_type="Action", action="denied").count() == 3
    # the coordinator may, and the parent may mark their own
    client.force_login(group.coordinator)
    assert client.post(reverse("meetings:action_done", args=[action.pk])).status_code == 302
    own = _action(group, "Søke grunnstønad", timezone.localdate() + timedelta(days=3), owner=group.m_mother)
    client.force_login(group.parent)
    assert client.post(reverse("meetings:action_done", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.is_done


@pytest.mark.django_db
def test_reminders_before_due_and_when_overdue(group, immediate_tasks, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    soon = _action(group, "Sende rapport fra skolen", today + timedelta(days=2))
    later = _action(group, "Evaluere tiltak", today + timedelta(days=20))
    late = _action(group, "Søke grunnstønad", today + timedelta(days=1), owner=group.m_mother)
    Action.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        owners = services.enqueue_action_reminders()
    assert owners == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["kontakt@skole.example", "mor@berg.example"]
    for message in mail.outbox:
        body = message.subject + message.body
        assert "Los" in body
        for secret in (soon.title, later.title, late.title, "Berg"):
            assert secret not in body  # only that something waits in Los
    soon.refresh_from_db(), later.refresh_from_db(), late.refresh_from_db()
    assert soon.reminded_at and not later.reminded_at and late.overdue_reminded_at
    # running again the same day sends nothing twice
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.enqueue_action_reminders() == 0
    assert mail.outbox == []
    # a week later the overdue one is reminded again, and the one that was due soon is now overdue
    first_overdue_reminder = late.overdue_reminded_at
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue_action_reminders(now=timezone.now() + timedelta(days=7, hours=1))
    assert sorted(m.to[0] for m in mail.outbox) == ["kontakt@skole.example", "mor@berg.example"]
    late.refresh_from_db(), soon.refresh_from_db(), later.refresh_from_db()
    assert late.overdue_reminded_at > first_overdue_reminder
    assert soon.overdue_reminded_at and not later.reminded_at


@pytest.mark.django_db
def test_no_reminder_when_consent_is_withdrawn(group, immediate_tasks, django_capture_on_commit_callbacks):
    _action(group, "Sende rapport fra skolen", timezone.localdate() + timedelta(days=1))
    group.consent.withdrawn_at = timezone.now()
    group.consent.save(update_fields=["withdrawn_at"])
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue_action_reminders()
    assert mail.outbox == []


@pytest.mark.django_db
def test_management_command_enqueues_reminders_for_the_worker(group, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    _action(group, "Sende rapport fra skolen", timezone.localdate() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_action_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    task = DBTaskResult.objects.get()
    assert task.task_path == "los.meetings.tasks.send_action_reminder"
    assert mail.outbox == []  # the worker sends it, not the command


@pytest.mark.django_db
def test_family_sees_open_actions_with_owner_and_overdue_flag(client, group):
    action = _action(group, "Sende rapport fra skolen", timezone.localdate() + timedelta(days=1))
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    client.force_login(group.parent)
    page = client.get(reverse("meetings:family_meetings", args=[group.family.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert action.title in page and "overdue" in page and "Testvik skole" in page
