"""Every change is kept: the plan as it was on any date, and what changed between two versions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.plans import selectors, services, versioning
from los.plans.models import PlanVersion

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _backdate(plan, days_by_number: dict[int, int]) -> None:
    today = timezone.localdate()
    for number, days in days_by_number.items():
        at = timezone.make_aware(datetime.combine(today - timedelta(days=days), time(12)))
        PlanVersion.objects.filter(plan=plan, number=number).update(created_at=at)


@pytest.mark.django_db
def test_the_plan_as_it_was_on_a_date(client, plan_world):
    w = plan_world
    goal = services.update_goal(w.goal, by=w.coordinator, version=w.goal.version, text="Jeg vil spille fotball",
                                whose="child", category="friends")
    w.plan.refresh_from_db()
    # versions 1–4 (created, goal, two measures) ten days ago; the goal change (5) today
    _backdate(w.plan, {1: 10, 2: 10, 3: 10, 4: 10})
    ten_days_ago = timezone.localdate() - timedelta(days=10)
    assert selectors.version_as_of(w.plan, ten_days_ago).number == 4
    assert selectors.version_as_of(w.plan, ten_days_ago - timedelta(days=1)) is None

    client.force_login(w.parent)
    url = reverse("plans:versions", args=[w.plan.pk])
    page = client.get(url, {"dato": ten_days_ago.isoformat()}, **EN).content.decode()
    assert "the plan was at version 4" in page
    assert "Jeg vil kunne være med i friminuttene" in page
    page = client.get(url, {"dato": timezone.localdate().isoformat()}, **EN).content.decode()
    assert f"the plan was at version {w.plan.revision}" in page and goal.text in page
    page = client.get(url, {"dato": (ten_days_ago - timedelta(days=3)).isoformat()}, **EN).content.decode()
    assert "The plan did not exist yet" in page
    response = client.get(url, {"dato": "31.02.2026"}, **EN)
    assert response.status_code == 200 and "Write the date as dd.mm.yyyy." in response.content.decode()


@pytest.mark.django_db
def test_diff_between_two_versions_is_readable_per_field(client, plan_world):
    w = plan_world
    services.update_goal(w.goal, by=w.coordinator, version=w.goal.version, text="Jeg vil spille fotball",
                         whose="child", category="school")
    m = w.school_measure
    services.update_measure_status(m, by=w.contact, version=m.version, status="in_progress", note="I gang")
    services.add_section_item(w.plan, "need", by=w.coordinator, text="Avlastning i helgene")
    w.plan.refresh_from_db()
    client.force_login(w.coordinator)
    page = client.get(reverse("plans:versions", args=[w.plan.pk]), {"fra": 4, "til": w.plan.revision},
                      **EN).content.decode()
    assert "From version 4 to version" in page
    assert "Jeg vil kunne være med i friminuttene" in page and "Jeg vil spille fotball" in page
    assert "Friends, play and leisure" in page and "Kindergarten and school" in page  # category, per field
    assert "Planned" in page and "In progress" in page and "I gang" in page
    assert "Added" in page and "Avlastning i helgene" in page

    changes = versioning.diff(PlanVersion.objects.get(plan=w.plan, number=4).snapshot,
                              PlanVersion.objects.get(plan=w.plan, number=w.plan.revision).snapshot)
    sections = {c.section: c for c in changes}
    goal_change = sections["goals"].items[0]
    assert goal_change.kind == "changed"
    assert {(f.label, f.old, f.new) for f in goal_change.fields} >= {
        ("Text", "Jeg vil kunne være med i friminuttene", "Jeg vil spille fotball")}
    assert sections["needs"].items[0].kind == "added"

    response = client.get(reverse("plans:versions", args=[w.plan.pk]), {"fra": 3, "til": 3}, **EN)
    assert "Choose two different versions." in response.content.decode()


@pytest.mark.django_db
def test_removed_item_stays_in_earlier_versions(client, plan_world):
    w = plan_world
    item = services.add_section_item(w.plan, "resource", by=w.coordinator, text="Besteforeldre som stiller opp")
    before = PlanVersion.objects.filter(plan=w.plan).order_by("-number").first()
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:item_remove", args=["ressurs", item.pk]), {"version": item.version})
    assert response.status_code == 302
    page = client.get(reverse("plans:version_detail", args=[w.plan.pk, before.number]), **EN).content.decode()
    assert "Besteforeldre som stiller opp" in page
    latest = PlanVersion.objects.filter(plan=w.plan).order_by("-number").first()
    page = client.get(reverse("plans:version_detail", args=[w.plan.pk, latest.number]), **EN).content.decode()
    assert "Removed" in page and "Resource removed" in page
