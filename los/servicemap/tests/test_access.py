"""Access per role and consent to the service map, through the one access policy."""

import pytest
from django.urls import reverse

from los.access.models import AuditEvent, Category
from los.core import testing as t
from los.servicemap.models import ServiceEntry


def _map(client, user, family):
    client.force_login(user)
    return client.get(reverse("servicemap:family_map", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(("who", "status"), [
    ("coordinator", 200), ("caseworker", 200), ("parent", 200),
    ("leader", 404), ("admin", 404), ("foreign_caseworker", 404), ("contact", 404),
])
def test_family_map_per_role(client, sm, who, status):
    response = _map(client, getattr(sm, who), sm.family)
    assert response.status_code == status
    if status == 200:
        assert "Hjelpestønad" in response.content.decode() or "Attendance benefit" in response.content.decode()


def test_anonymous_is_sent_to_log_in(client, sm):
    response = client.get(reverse("servicemap:family_map", args=[sm.family.pk]))
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_service_contact_needs_consent_with_the_services_category(client, sm):
    t.consent(sm.family, sm.school, categories=[Category.CASE, Category.PLAN, Category.MEETINGS])
    refused = _map(client, sm.contact, sm.family)
    assert refused.status_code in (403, 404)  # the policy decides which; the map is never shown
    assert "The service map" not in refused.content.decode()
    t.consent(sm.family, sm.school, categories=[Category.CASE, Category.SERVICES])
    response = _map(client, sm.contact, sm.family)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Add to the map" not in page  # reading only
    assert client.post(reverse("servicemap:entry_create", args=[sm.family.pk]),
                       {"entry-title": "Noe", "entry-state": "considered"}).status_code == 403
    assert ServiceEntry.objects.filter(family=sm.family).count() == 1


def test_withdrawn_consent_works_at_once(client, sm):
    from django.utils import timezone

    consent = t.consent(sm.family, sm.school, categories=[Category.CASE, Category.SERVICES])
    assert _map(client, sm.contact, sm.family).status_code == 200
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert _map(client, sm.contact, sm.family).status_code == 404


def test_contact_person_who_owns_an_entry_may_change_it(client, sm):
    t.consent(sm.family, sm.school, categories=[Category.CASE, Category.SERVICES])
    sm.entry.contact_user = sm.contact
    sm.entry.save()
    client.force_login(sm.contact)
    response = client.post(reverse("servicemap:entry_update", args=[sm.entry.pk]), {
        "entry-version": sm.entry.version, "entry-catalog_id": "hjelpestonad", "entry-state": "considered",
        "entry-contact_name": "Tuva Brenden"})
    assert response.status_code == 302
    sm.entry.refresh_from_db()
    assert sm.entry.contact_name == "Tuva Brenden"


def test_views_write_audit_events(client, sm):
    _map(client, sm.coordinator, sm.family)
    event = AuditEvent.objects.filter(actor=sm.coordinator, family_id=sm.family.pk).latest("seq")
    assert event.category == Category.SERVICES and event.allowed
    _map(client, sm.foreign_caseworker, sm.family)
    assert AuditEvent.objects.filter(actor=sm.foreign_caseworker, allowed=False).exists()


def test_other_municipalitys_entry_is_not_found(client, sm):
    client.force_login(sm.foreign_caseworker)
    assert client.get(reverse("servicemap:entry_detail", args=[sm.entry.pk])).status_code == 404


def test_every_url_is_marked_with_its_access_kind():
    from django.urls import get_resolver

    from los.servicemap import urls

    del get_resolver
    # the municipality's delivery thresholds are the coordinating unit's settings, not a family's data
    municipal = {"delivery_settings"}
    for pattern in urls.urlpatterns:
        expected = {"staff"} if pattern.name in municipal else {"family", "family_list"}
        assert getattr(pattern.callback, "los_access", None) in expected, pattern.name


def test_notifications_page_shows_only_own_notifications(client, sm):
    from los.servicemap.models import Notification, NotificationKind

    Notification.objects.create(family=sm.family, municipality=sm.municipality, recipient=sm.coordinator,
                                kind=NotificationKind.FAMILY_UPDATE, entry=sm.entry, actor=sm.parent)
    client.force_login(sm.caseworker)
    assert "Familien Berg" not in client.get(reverse("servicemap:notifications")).content.decode()
    client.force_login(sm.coordinator)
    assert "Familien Berg" in client.get(reverse("servicemap:notifications")).content.decode()
