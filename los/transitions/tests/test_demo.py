"""The demo municipality shows transitions: open plans with tasks for other families, and the Sæther family's
finished plan and handover summary."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from los.accounts.models import User
from los.core.demo.seed import APP_SEEDERS, build
from los.transitions.models import HandoverSummary, PlanStatus, TransitionKind, TransitionPlan


@pytest.fixture
def demo_ctx(db):
    assert "transitions" in APP_SEEDERS  # the core seed builds this app's demo data too
    return build("demo", seed=1, today=date(2026, 11, 23))


@pytest.mark.django_db
def test_demo_has_open_transition_plans_with_tasks(demo_ctx, client):
    ctx = demo_ctx
    municipality = ctx.demo_family.municipality_id
    open_plans = TransitionPlan.objects.filter(municipality_id=municipality, status=PlanStatus.OPEN)
    families = set(open_plans.exclude(family=ctx.demo_family).values_list("family_id", flat=True))
    assert len(families) >= 2
    kinds = set(open_plans.values_list("kind", flat=True))
    assert TransitionKind.SCHOOL_START in kinds and TransitionKind.TURNING_18 in kinds
    assert kinds & {TransitionKind.LOWER_SECONDARY, TransitionKind.UPPER_SECONDARY}
    for plan in open_plans:
        assert plan.tasks.exists() and plan.checklist.exists() and plan.owner_id
        assert plan.opened_on <= ctx.today < plan.transition_date or plan.kind not in (
            TransitionKind.SCHOOL_START, TransitionKind.TURNING_18)
    assert open_plans.filter(checklist__done=True).exists()  # some work done already
    # the Sæther family: Mia (9) has nothing due, a finished plan with what worked, a summary shared with the school
    assert not TransitionPlan.objects.filter(family=ctx.demo_family, status=PlanStatus.OPEN).exists()
    assert TransitionPlan.objects.get(family=ctx.demo_family).what_worked
    summary = HandoverSummary.objects.get(family=ctx.demo_family)
    assert "plan" in summary.included and {"key": "referral", "basis": summary.left_out[-1]["basis"]} in summary.left_out
    client.force_login(User.objects.get(username="kontakt.skole"))
    response = client.get(reverse("transitions:handover", args=[summary.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "What was left out, and why" in response.content.decode()
    client.force_login(User.objects.get(username="forelder"))
    url = reverse("transitions:timeline", args=[ctx.demo_family.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Page 1 of" in response.content.decode()  # a long history
    response = client.get(url, {"kinds": "transition"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Transition plan done" in response.content.decode()
    client.force_login(User.objects.get(username="koordinator"))
    response = client.get(reverse("transitions:overview"))
    assert response.status_code == 200
