import pytest

from los.access import audit
from los.access.models import AuditEvent


@pytest.mark.django_db
def test_family_page_view_is_audited_and_chain_verifies(client, world):
    client.force_login(world.coordinator)
    response = client.get(f"/familier/{world.family.pk}/")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(family=world.family, actor=world.coordinator).get()
    assert event.action == "view" and event.allowed
    assert list(audit.verify()) == []


@pytest.mark.django_db
def test_refused_access_is_audited_too(client, world):
    client.force_login(world.coordinator)
    response = client.get(f"/familier/{world.other_family.pk}/")
    assert response.status_code == 404
    event = AuditEvent.objects.filter(family=world.other_family).get()
    assert event.action == "denied" and not event.allowed


@pytest.mark.django_db
def test_verify_detects_an_edited_event(world):
    for _ in range(3):
        audit.record(actor=world.coordinator, action="view", object_type="Family", object_id=world.family.pk,
                     municipality_id=world.municipality.pk, family_id=world.family.pk, reason="test")
    AuditEvent.objects.filter(seq=2).update(reason="edited afterwards")
    breaks = list(audit.verify())
    assert len(breaks) == 1 and breaks[0].seq == 2


@pytest.mark.django_db
def test_verify_detects_a_deleted_event(world):
    for _ in range(3):
        audit.record(actor=world.coordinator, action="view", object_type="Family", object_id=world.family.pk,
                     municipality_id=world.municipality.pk, family_id=world.family.pk, reason="test")
    AuditEvent.objects.filter(seq=2).delete()  # queryset delete bypasses the model guard, as an attacker would
    breaks = list(audit.verify())
    assert breaks and breaks[0].seq == 2


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_through_the_model(world):
    event = audit.record(actor=world.coordinator, action="view", object_type="Family", object_id=1,
                         municipality_id=world.municipality.pk, reason="test")
    event.reason = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
