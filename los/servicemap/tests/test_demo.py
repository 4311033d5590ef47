"""The demo seed gives realistic service maps and a rich map for the demo family."""

from datetime import date

import pytest
from django.urls import reverse

from los.core.demo.seed import build
from los.servicemap.models import (
    Appeal,
    Application,
    Decision,
    Document,
    EntryState,
    Need,
    Notification,
    Sector,
    ServiceEntry,
)
from los.servicemap.services import ownerless

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(db):
    return build("demo", seed=5, today=TODAY)


def test_active_families_get_realistic_maps(demo):
    assert ServiceEntry.objects.count() > 100
    states = set(ServiceEntry.objects.values_list("state", flat=True))
    assert {EntryState.GRANTED, EntryState.APPLIED, EntryState.REFUSED, EntryState.APPEALED} <= states
    assert ServiceEntry.objects.filter(catalog_id="avlastning", extent_unit="hours", extent_per="month").exists()
    assert Appeal.objects.exists()
    assert ownerless(Need.objects.all()).exists()
    for entry in ServiceEntry.objects.all()[:200]:
        assert entry.municipality_id == entry.family.municipality_id
    for app in Application.objects.exclude(appeal_deadline=None)[:200]:
        assert app.appeal_deadline == app.deadline_details().deadline
        assert app.decision_received_on <= TODAY and app.sent_on <= app.decision_on


def test_demo_family_map_is_rich(demo, client):
    from los.accounts.models import User

    family = demo.demo_family
    entries = ServiceEntry.objects.filter(family=family)
    assert set(entries.values_list("sector", flat=True)) == set(Sector.values)
    assert entries.filter(state=EntryState.APPEALED).exists()
    assert entries.filter(state=EntryState.ENDED).exists()
    refused = Application.objects.get(entry__family=family, entry__catalog_id="omsorgsstonad")
    assert refused.decision == Decision.REFUSED and refused.appeal_deadline > TODAY
    assert any(e.renewal_due(TODAY) for e in entries)
    assert ownerless(Need.objects.filter(family=family)).count() == 3
    assert Document.objects.filter(family=family).count() == 2
    assert Notification.objects.filter(family=family, recipient__username="koordinator").exists()
    client.force_login(User.objects.get(username="koordinator"))
    response = client.get(reverse("servicemap:family_map", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Needs without an owner" in response.content.decode()


def test_demo_is_deterministic(db):
    from django.db import transaction

    def snapshot(seed):
        with transaction.atomic():
            build("demo", seed=seed, today=TODAY)
            rows = list(ServiceEntry.objects.order_by("family__reference", "catalog_id", "state")
                        .values_list("family__reference", "catalog_id", "state", "extent_amount", "period_to"))
            transaction.set_rollback(True)
        return rows

    assert snapshot(2) == snapshot(2)
