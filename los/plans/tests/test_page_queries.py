"""The plan page reads what it shows in a fixed number of queries: the plan with its family, each section once,
the facts about the participants for all of them at once."""

from __future__ import annotations

from django.urls import reverse

from los.core.testing import page_and_queries
from los.plans import services

#: Lowered from 38 when the page stopped reading the family, the consenting guardian, the expectation
#: clarification, the evaluations' goals and the facts about the viewer a second time.
PLAN_PAGE_QUERIES = 32


def test_the_plan_page_reads_what_it_shows_in_a_fixed_number_of_queries(client, plan_world):
    w = plan_world
    services.add_comment(w.school_measure, by=w.coordinator, text="Snakket med skolen")
    services.add_participant(w.plan, by=w.coordinator, user=w.contact)
    url = reverse("plans:family_plan", args=[w.family.pk])
    client.force_login(w.coordinator)
    page, queries = page_and_queries(client, url)
    assert "Tilrettelegge friminutt" in page and "Snakket med skolen" in page
    assert len(queries) <= PLAN_PAGE_QUERIES, [q["sql"][:120] for q in queries]
