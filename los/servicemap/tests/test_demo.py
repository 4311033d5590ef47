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


def test_demo_family_exercises_access_to_services(demo, client):
    """A refused application with the decision's reasons and an appeal in progress, respite care granted and about
    half delivered (flagged on the barnekoordinator's page), three months of care diary, a plan measure whose
    decision is refused and an agreement that became an application."""
    from los.accounts.models import User
    from los.carediary.models import DiaryDay
    from los.carediary.selectors import summary
    from los.servicemap import selectors
    from los.servicemap.models import AgreementApplication, AppealDraft

    family = demo.demo_family
    refused = Application.objects.get(family=family, entry__catalog_id="omsorgsstonad")
    assert refused.decision == Decision.REFUSED and refused.decision_reasons
    assert AppealDraft.objects.filter(application=refused).exists()
    assert ServiceEntry.objects.filter(family=family, state=EntryState.APPEALED).exists()
    respite = ServiceEntry.objects.get(family=family, catalog_id="avlastning")
    found = selectors.family_shortfalls(family, TODAY)[respite.pk]
    assert 30 < found.share < 75
    days = DiaryDay.objects.filter(family=family)
    assert days.count() == 92
    first, last = days.order_by("day").first().day, days.order_by("day").last().day
    assert (last - first).days == 91
    totals = summary(days.first().diary, first, last)
    assert totals.total.days_recorded == 92
    assert totals.total.supervision == sum(d.supervision_minutes for d in days)
    flagged = selectors.measure_decisions(family, TODAY)
    assert {v.status for v in flagged.values()} >= {selectors.REFUSED, selectors.NO_ENTRY}
    assert AgreementApplication.objects.filter(family=family).exists()
    coordinator = User.objects.get(username="koordinator")
    assert respite.pk in {s.entry.pk for s in selectors.delivery_shortfalls(coordinator, TODAY)}
