"""The demo has answers over two years that make the comparison with the nation mean something."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import translation

from los.accounts.models import User
from los.core.demo.seed import build
from los.survey import figures
from los.survey.models import Answer, Invitation

TODAY = date(2026, 11, 23)


def _snapshot() -> list[tuple]:
    return list(Answer.objects.order_by("id").values_list("id", "municipality__number", "year", "quarter", "moment",
                                                          "respondent", "road_heavy", "coordinator_use", "comment"))


@pytest.mark.django_db
def test_the_demo_has_two_years_of_answers_beside_the_nation(client):
    ctx = build("demo", seed=1, today=TODAY)
    years = dict(Answer.objects.values_list("year").annotate(n=Count("pk")))
    assert years.get(2025, 0) >= 30 and years.get(2026, 0) >= 30
    with translation.override("en"):
        page = figures.outcomes_page([ctx.demo_family.municipality_id], TODAY, protect_work=True)
    access = next(t for t in page.tables if t.id == "families_access")
    shown = {p.year for i, p in enumerate(page.answer_years) if any(not row.cells[i].hidden for row in access.rows)}
    assert {2025, 2026} <= shown
    assert page.summary.better and page.summary.worse  # the demo municipality is better on some, worse on others
    assert page.comments
    # the demo family has a questionnaire waiting in its portal, and earlier answers of its own
    parent = User.objects.get(username="forelder")
    family = ctx.demo_family
    assert Invitation.objects.filter(family=family, closed_on__isnull=True, expires_on__gte=TODAY).exists()
    client.force_login(parent)
    page = client.get(reverse("survey:our_answers", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Delete these answers" in page


@pytest.mark.django_db
def test_the_demo_answers_are_the_same_every_time(django_db_reset_sequences):
    build("demo", seed=3, today=TODAY)
    first = _snapshot()
    assert first
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    build("demo", seed=3, today=TODAY)
    assert _snapshot() == first
