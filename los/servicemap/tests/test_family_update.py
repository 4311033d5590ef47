"""A guardian updates the family's own service map ("we got the decision today"); the coordinator is
notified in Los and by an e-mail without content."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from los.servicemap import services
from los.servicemap.models import Application, Decision, EntryState, Notification, NotificationKind

from .helpers import application


def _decision_post(app, **extra):
    today = timezone.localdate()
    data = {f"decision-{app.pk}-version": app.version, f"decision-{app.pk}-decision": "granted",
            f"decision-{app.pk}-decision_received_on": today.isoformat(),
            f"decision-{app.pk}-legal_basis": "ftrl § 6-4",
            f"decision-{app.pk}-period_to": (today + timedelta(days=700)).isoformat()}
    data.update({f"decision-{app.pk}-{k}": v for k, v in extra.items()})
    return data


def test_we_got_the_decision_today_notifies_the_coordinator(client, sm, immediate_tasks):
    sm.coordinator.email = "bk@example.org"
    sm.coordinator.save()
    app = application(sm.entry, sm.coordinator, timezone.localdate() - timedelta(days=50))
    client.force_login(sm.parent)
    page = client.get(reverse("servicemap:entry_detail", args=[sm.entry.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "We got the decision" in page.content.decode()
    response = client.post(reverse("servicemap:decision_record", args=[app.pk]), _decision_post(app))
    assert response.status_code == 302
    app.refresh_from_db()
    sm.entry.refresh_from_db()
    assert app.decision == Decision.GRANTED and app.decision_received_on == timezone.localdate()
    assert sm.entry.state == EntryState.GRANTED and sm.entry.period_to is not None
    note = Notification.objects.get(recipient=sm.coordinator)
    assert note.kind == NotificationKind.FAMILY_UPDATE and note.actor == sm.parent and note.entry == sm.entry
    assert [m.to for m in mail.outbox] == [["bk@example.org"]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "Berg" not in body and "hjelpest" not in body.lower() and "decision" not in body.lower()
    # the coordinator sees it on the family's page and can mark it read
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New for you" in page and "updated Attendance benefit (hjelpestønad) on the service map" in page
    client.post(reverse("servicemap:notification_read", args=[note.pk]), {"next": "family"})
    note.refresh_from_db()
    assert note.read_at is not None


def test_coordinators_own_changes_do_not_notify(sm, immediate_tasks):
    app = application(sm.entry, sm.coordinator, timezone.localdate() - timedelta(days=5))
    services.record_decision(app, sm.coordinator, app.version, decision=Decision.REFUSED,
                             decision_received_on=timezone.localdate())
    assert not Notification.objects.exists()
    assert not mail.outbox


def test_guardian_can_add_a_service_and_an_application(client, sm):
    client.force_login(sm.parent)
    response = client.post(reverse("servicemap:entry_create", args=[sm.family.pk]), {
        "entry-catalog_id": "tt_ordning", "entry-state": "considered"})
    assert response.status_code == 302
    entry = sm.family.service_entries.get(catalog_id="tt_ordning")
    assert entry.sector == "county"
    response = client.post(reverse("servicemap:application_create", args=[entry.pk]), {
        "new-app-sent_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.APPLIED
    assert Application.objects.filter(entry=entry).exists()
    assert Notification.objects.filter(recipient=sm.coordinator, kind=NotificationKind.FAMILY_UPDATE).count() == 2


def test_bad_input_keeps_what_was_typed(client, sm):
    client.force_login(sm.parent)
    response = client.post(reverse("servicemap:entry_create", args=[sm.family.pk]), {
        "entry-title": "Avlastning i Solsikken", "entry-state": "granted", "entry-period_from": "2025-05-01",
        "entry-period_to": "2025-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "The end of the period must be after its start." in page
    assert 'value="Avlastning i Solsikken"' in page
    assert sm.family.service_entries.count() == 1
