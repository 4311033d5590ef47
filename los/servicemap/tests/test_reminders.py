"""Reminders before an appeal deadline passes and well before a time-limited decision ends,
as background tasks, with e-mails that carry no content."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from los.core import deadlines
from los.servicemap import services, tasks
from los.servicemap.models import Decision, EntryState, Notification, NotificationKind

from .helpers import application, decide


def _granted(sm, period_to, **extra):
    entry = services.create_entry(sm.family, sm.coordinator, catalog_id="avlastning", state=EntryState.GRANTED,
                                  period_from=timezone.localdate() - timedelta(days=200), period_to=period_to,
                                  extent_amount=24, extent_unit="hours", extent_per="month", **extra)
    return entry


def _with_guardian_email(sm):
    sm.parent.email = "mor@example.org"
    sm.parent.save()
    sm.coordinator.email = "bk@example.org"
    sm.coordinator.save()


def test_renewal_reminder_three_months_before_the_end(sm, immediate_tasks):
    _with_guardian_email(sm)
    today = timezone.localdate()
    due = _granted(sm, today + timedelta(days=60))
    not_yet = _granted(sm, deadlines.add_months(today, 4))
    result = tasks.send_renewal_reminders.enqueue(today.isoformat())
    assert result.return_value == 2  # the coordinator and the guardian
    rows = Notification.objects.filter(kind=NotificationKind.RENEWAL)
    assert {n.entry_id for n in rows} == {due.pk}
    assert {n.recipient_id for n in rows} == {sm.coordinator.pk, sm.parent.pk}
    assert not rows.filter(entry=not_yet).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["bk@example.org", "mor@example.org"]
    # sent once per end date
    mail.outbox.clear()
    assert tasks.send_renewal_reminders.enqueue(today.isoformat()).return_value == 0
    assert not mail.outbox


def test_renewal_notice_is_configurable(sm, settings):
    today = timezone.localdate()
    entry = _granted(sm, deadlines.add_months(today, 5))
    assert services.create_renewal_reminders(today) == []
    settings.LOS_RENEWAL_NOTICE_MONTHS = 6
    assert services.create_renewal_reminders(today) == sorted([sm.coordinator.pk, sm.parent.pk])
    assert Notification.objects.filter(entry=entry, kind=NotificationKind.RENEWAL).exists()


def test_per_entry_renewal_notice(sm):
    today = timezone.localdate()
    entry = _granted(sm, deadlines.add_months(today, 5), renewal_notice_months=6)
    services.create_renewal_reminders(today)
    assert Notification.objects.filter(entry=entry, kind=NotificationKind.RENEWAL).exists()


def test_new_period_is_reminded_again(sm):
    today = timezone.localdate()
    entry = _granted(sm, today + timedelta(days=30))
    services.create_renewal_reminders(today)
    entry.refresh_from_db()
    services.update_entry(entry, sm.coordinator, entry.version, **{
        **{f: getattr(entry, f) for f in services.ENTRY_FIELDS}, "period_to": today + timedelta(days=40)})
    services.create_renewal_reminders(today)
    reminders = Notification.objects.filter(entry=entry, kind=NotificationKind.RENEWAL, recipient=sm.coordinator)
    assert sorted(reminders.values_list("due_on", flat=True)) == [today + timedelta(days=30),
                                                                  today + timedelta(days=40)]


def test_renewal_is_shown_on_the_family_page(client, sm):
    today = timezone.localdate()
    _granted(sm, today + timedelta(days=45))
    client.force_login(sm.parent)
    page = client.get(f"/tjenester/familie/{sm.family.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Apply for renewal in good time." in page


def _refused(sm, received):
    app = application(sm.entry, sm.coordinator, received - timedelta(days=30))
    return decide(app, sm.coordinator, Decision.REFUSED, received, "ftrl § 6-4")


def test_appeal_reminder_before_the_deadline_passes(sm, immediate_tasks):
    _with_guardian_email(sm)
    today = timezone.localdate()
    # a decision received so that the deadline is within the reminder window
    received = today - timedelta(weeks=6) + timedelta(days=3)
    app = _refused(sm, received)
    assert today <= app.appeal_deadline <= today + timedelta(days=services.appeal_reminder_days())
    assert tasks.send_appeal_reminders.enqueue(today.isoformat()).return_value == 2
    note = Notification.objects.get(kind=NotificationKind.APPEAL_DEADLINE, recipient=sm.coordinator)
    assert note.application_id == app.pk and note.due_on == app.appeal_deadline
    assert tasks.send_appeal_reminders.enqueue(today.isoformat()).return_value == 0


@pytest.mark.parametrize("case", ["appealed", "no_appeal", "passed", "far"])
def test_no_appeal_reminder_when_not_needed(sm, case):
    today = timezone.localdate()
    received = today - timedelta(weeks=6) + timedelta(days=3)
    if case == "passed":
        received = today - timedelta(weeks=8)
    if case == "far":
        received = today - timedelta(days=1)
    app = _refused(sm, received)
    if case == "appealed":
        services.create_appeal(app, sm.coordinator, sent_on=today)
    if case == "no_appeal":
        services.set_no_appeal(app, sm.parent, app.version, True)
    assert services.create_appeal_reminders(today) == []


def test_reminder_emails_carry_no_content(sm, immediate_tasks):
    _with_guardian_email(sm)
    today = timezone.localdate()
    _granted(sm, today + timedelta(days=20))
    tasks.send_renewal_reminders.enqueue(today.isoformat())
    assert mail.outbox
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in (sm.family.display_name, "Berg", "vlastning", "espite", sm.family.reference):
            assert secret not in text


def test_emails_are_in_the_recipients_language(sm, immediate_tasks):
    sm.coordinator.email, sm.coordinator.preferred_language = "bk@example.org", "nn"
    sm.coordinator.save()
    tasks.send_content_free_emails.enqueue([sm.coordinator.pk])
    assert "ventar" in mail.outbox[0].subject or "ventar" in mail.outbox[0].body


def test_command_enqueues_the_reminder_tasks(db, capsys):
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.count()
    call_command("send_service_reminders")
    assert DBTaskResult.objects.count() == before + 2
    names = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {"los.servicemap.tasks.send_appeal_reminders", "los.servicemap.tasks.send_renewal_reminders"} <= names


def test_command_can_run_at_once(sm, capsys):
    today = timezone.localdate()
    _granted(sm, today + timedelta(days=20))
    call_command("send_service_reminders", "--now")
    assert "people reminded" in capsys.readouterr().out
    assert Notification.objects.filter(kind=NotificationKind.RENEWAL).exists()
