"""The demo data: living plans for most active families and a rich plan for the Sæther family."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from los.core.demo.seed import build
from los.families.models import FamilyStatus
from los.plans import selectors
from los.plans.models import Measure, Plan, PlanApproval, PlanVersion

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(db):
    return build("demo", seed=7, today=TODAY)


@pytest.mark.django_db
def test_most_active_families_have_a_living_plan(demo):
    active = [f for f in demo.families if f.status == FamilyStatus.ACTIVE]
    plans = Plan.objects.filter(family__in=active).count()
    assert 0.6 * len(active) <= plans <= len(active)
    assert Measure.objects.filter(due_date__lt=TODAY, status__in=["planned", "in_progress"]).exists()  # overdue
    assert Measure.objects.filter(status="done").exists() and Measure.objects.filter(status="stopped").exists()
    # every plan has its first and current version, numbered to its revision
    for plan in Plan.objects.all()[:20]:
        assert list(plan.versions.values_list("number", flat=True)) == list(range(1, plan.revision + 1))
    # measure owners can see the plan they own a measure in (service contacts only under consent)
    from los.access.policy import can

    for measure in Measure.objects.select_related("owner_person", "family").filter(owner_person__isnull=False)[:40]:
        assert can(measure.owner_person, "view", measure), measure


@pytest.mark.django_db
def test_the_demo_familys_plan_is_rich(client, demo):
    family = demo.demo_family
    plan = Plan.objects.get(family=family)
    goals = list(plan.goals.values_list("text", "whose"))
    assert any("anfall" in text for text, _ in goals)
    assert {"child", "parent"} <= {whose for _, whose in goals}
    owners = set(plan.measures.values_list("owner_person__username", flat=True))
    assert {"kontakt.habu", "koordinator"} <= owners
    kinds = set(plan.measures.values_list("owner_provider__kind", flat=True))
    assert {"school", "habu", "ppt", "physiotherapy"} <= kinds
    assert any(m.is_overdue_on(TODAY) for m in plan.measures.all())
    assert plan.clarification.is_signed and plan.evaluation_dates.filter(held_on__isnull=False).exists()
    assert PlanVersion.objects.filter(plan=plan).count() == 6
    assert PlanApproval.objects.filter(plan=plan, plan_version__number=4).exists()
    assert plan.measure_comments.exists()

    client.force_login(family.members.get(user__username="forelder").user)
    page = client.get(reverse("plans:family_plan", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Jeg vil kunne si fra selv når jeg kjenner at et anfall kommer." in page
    assert "Planen er endret siden" in page
    from django.contrib.auth import get_user_model

    habu = get_user_model().objects.get(username="kontakt.habu")
    assert "Anfallsplan oppdatert og gjennomgått med skole og SFO" in [
        m.title for m in selectors.plan_flags(habu, TODAY).owned_overdue]
    client.force_login(habu)
    response = client.get(reverse("plans:versions", args=[plan.pk]), {"fra": 1, "til": 6})
    assert response.status_code == 200
