"""The demo: the demo barnekoordinator's today page looks like a real morning (something overdue, something this
week), the demo family has a co-coordinator, and the contact log has entries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from los.accounts.models import User
from los.core.demo.seed import build
from los.families.models import CoAssignment, CoRole
from los.meetings.models import ContactEntry
from los.workday import selectors


@pytest.fixture
def demo(db):
    return build("demo", seed=5, today=timezone.localdate())


@pytest.mark.django_db
def test_the_demo_coordinators_day(demo):
    coordinator = User.objects.get(username="koordinator")
    day = selectors.coordinator_today(coordinator)
    by_key = {s.key: s for s in day.sections}
    assert by_key["overdue"].count >= 2  # HABU's report and the call to the headteacher
    assert by_key["meetings"].count >= 1 and by_key["minutes"].count >= 1 and by_key["messages"].count >= 1
    assert any(i.urgency == "overdue" for i in by_key["overdue"].items)
    assert by_key["silent"].count < day.families  # calls with half the families count as contact


@pytest.mark.django_db
def test_the_demo_family_has_a_co_coordinator_and_a_contact_log(demo):
    part = CoAssignment.objects.get(family=demo.demo_family)
    assert part.role == CoRole.CO_COORDINATOR and part.user.username == "koordinator2"
    entries = ContactEntry.objects.filter(family=demo.demo_family)
    assert entries.count() == 3 and entries.filter(shared_with_family=True).count() == 2
    # the co-coordinator sees the shared entries, not the coordinator's own
    client = Client()
    client.force_login(part.user)
    html = client.get(reverse("meetings:contact_log", args=[demo.demo_family.pk])).content.decode()
    assert "Far vil ha innkallinger" in html and "Ringe rektor" not in html
