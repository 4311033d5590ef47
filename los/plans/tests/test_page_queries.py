"""The plan page reads what it shows in a fixed number of queries: the plan with its family, each section once,
the facts about the participants for all of them at once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from los.core.testing import page_and_queries
from los.plans import services
from los.plans.models import GoalCategory, MeasureComment

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


def _comment_field(html: str, measure_pk: int) -> str:
    """The comment field of one measure (label and textarea), whitespace normalised."""
    label = html.index(f'for="id_c{measure_pk}-text"')
    start = html.rindex('<div class="ds-field">', 0, label)
    end = html.index("</div>", label) + len("</div>")
    return " ".join(html[start:end].split())


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_plan_pages_comment_field_is_the_comment_forms_own(client, plan_world, language):
    """The plan page writes each measure's empty comment field as plain markup; it is the field the comment form
    renders (the form's answer after a comment is added), with the same id, name, label and limits."""
    w = plan_world
    measure = w.school_measure
    client.force_login(w.parent)
    page = client.get(reverse("plans:family_plan", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE=language)
    fragment = client.post(reverse("plans:measure_comment", args=[measure.pk]), {f"c{measure.pk}-text": "Takk!"},
                           HTTP_ACCEPT_LANGUAGE=language, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and MeasureComment.objects.filter(measure=measure, text="Takk!").exists()
    plain = _comment_field(page.content.decode(), measure.pk)
    assert plain == _comment_field(fragment.content.decode(), measure.pk)
    assert f'name="c{measure.pk}-text"' in plain and 'maxlength="2000"' in plain and "required" in plain
    assert ("Your comment" if language == "en" else "Din kommentar") in plain


def test_a_choice_reads_as_its_label_in_the_language_asked_for(plan_world):
    """The plan's rows translate their choices' labels once per language; each language still gets its own."""
    goal = plan_world.goal
    with translation.override("en"):
        english = goal.get_category_display()
        assert english == str(GoalCategory.FRIENDS.label)
    with translation.override("nb"):
        bokmal = goal.get_category_display()
        assert bokmal == str(GoalCategory.FRIENDS.label) and bokmal != english
    with translation.override("en"):
        assert goal.get_category_display() == english
    goal.category = "not-a-category"
    assert goal.get_category_display() == "not-a-category"
