"""Overdue measures and missed evaluations are flagged to the coordinator and the owner, and owners get
a reminder e-mail without sensitive content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from los.plans import selectors
from los.plans.models import EvaluationDate, Measure
from los.plans.tasks import send_overdue_measure_reminders

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def overdue(plan_world):
    w = plan_world
    today = timezone.localdate()
    Measure.objects.filter(pk=w.school_measure.pk).update(due_date=today - timedelta(days=3))
    EvaluationDate.objects.create(plan=w.plan, family=w.family, municipality=w.municipality,
                                  date=today - timedelta(days=2))
    w.contact.email = "kontakt@skole.example"
    w.contact.save(update_fields=["email"])
    return w


@pytest.mark.django_db
def test_selector_flags_owner_and_coordinator(overdue):
    w = overdue
    owner = selectors.plan_flags(w.contact)
    assert [m.pk for m in owner.owned_overdue] == [w.school_measure.pk]
    assert owner.missed_evaluations == []
    coordinator = selectors.plan_flags(w.coordinator)
    assert [m.pk for m in coordinator.coordinated_overdue] == [w.school_measure.pk]
    assert len(coordinator.missed_evaluations) == 1 and coordinator.count == 2
    assert selectors.plan_flags(w.caseworker).count == 0
    assert selectors.plan_flags(w.leader).count == 0


@pytest.mark.django_db
def test_flags_on_the_pages(client, overdue):
    w = overdue
    client.force_login(w.coordinator)
    page = client.get(reverse("plans:family_plan", args=[w.family.pk]), **EN).content.decode()
    assert "Needs follow-up" in page and "Past due date" in page and "has not been recorded" in page
    page = client.get(reverse("plans:my_measures"), **EN).content.decode()
    assert "Needs follow-up in the families you coordinate" in page and "Tilrettelegge friminutt" in page
    assert "Evaluations not recorded" in page
    client.force_login(w.contact)
    page = client.get(reverse("plans:my_measures"), **EN).content.decode()
    assert "Tilrettelegge friminutt" in page and "Past due date" in page
    assert "Søke om avlastning" not in page  # not theirs
    page = client.get(reverse("plans:family_plan", args=[w.family.pk]), **EN).content.decode()
    assert "Your measures past their due date" in page


@pytest.mark.django_db
def test_reminder_email_has_no_sensitive_content_and_is_sent_once_a_week(overdue, immediate_tasks):
    w = overdue
    result = send_overdue_measure_reminders.enqueue()
    assert result.return_value == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kontakt@skole.example"]
    body = message.subject + message.body
    for secret in ("Berg", "friminutt", "Testvik", w.goal.text):
        assert secret not in body
    assert send_overdue_measure_reminders.enqueue().return_value == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_reminder_when_the_consent_is_withdrawn(overdue, immediate_tasks):
    w = overdue
    w.consent.withdrawn_at = timezone.now()
    w.consent.save(update_fields=["withdrawn_at"])
    assert send_overdue_measure_reminders.enqueue().return_value == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_reminder_command_queues_the_task(overdue, immediate_tasks):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("plans_send_reminders", stdout=out)
    assert "Queued reminder task" in out.getvalue()
    assert len(mail.outbox) == 1
