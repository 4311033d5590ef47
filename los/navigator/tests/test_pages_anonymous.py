"""The anonymous navigator: the questionnaire without logging in, nothing stored, in three languages."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from los.navigator.engine import evaluate
from los.navigator.forms import AnonymousForm
from los.navigator.questionnaire import QUESTIONS

pytestmark = pytest.mark.django_db
URL = "/los/"  # navigator:anonymous; checked in test_the_url_name


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _post(**overrides):
    data = {q.key: ("" if q.kind == "count" else "unknown") for q in QUESTIONS}
    data.update({"age": "7", "conditions": ["physical"], "setting": "primary_school", "services": ["school", "habu"],
                 "guardians": "1", "needs_interpreter": "no", "language": "", "siblings": "2",
                 "extra_supervision_and_care": "yes", "night_care": "yes", "expected_duration_months": "24",
                 "guardian_in_work": "yes", "care_burden_heavy": "yes"})
    data.update(overrides)
    return data


def test_the_questionnaire_is_public_and_grouped(client, world):
    """A few questions first, in short steps; the rest beside the list. Every question is asked somewhere, a
    choice in its own fieldset with the question as legend."""
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "What may we be entitled to?" in page
    assert "nothing you answer is saved" in page
    assert "Step 1 of 3" in page
    assert '<label class="ds-label" for="id_age">How old is the child?' in page
    fieldsets = page.count("<fieldset")
    data = {"age": "7"}
    for step in (2, 3):
        response = client.post(URL, {**data, "shown": step - 1, "go": step}, HTTP_ACCEPT_LANGUAGE="en")
        page = response.content.decode()
        assert f"Step {step} of 3" in page and "<legend" in page
        fieldsets += page.count("<fieldset")
    results = client.post(URL, {**data, "shown": 3, "go": "results"}, HTTP_ACCEPT_LANGUAGE="en")
    page = results.content.decode()
    refine = page.split('id="nav-questions"', 1)[1]
    fieldsets += refine.count("<fieldset")
    assert fieldsets >= 20 and "<legend" in refine
    form = results.context["form"]
    shown = {name for n in (1, 2, 3) for name in form.shown_on_step(n)} | form.refine_names()
    assert shown == set(form.fields)  # every question is asked on a step or beside the list


def test_results_are_shown_and_nothing_is_written(client, world):
    client.get(URL)  # the CSRF cookie
    before = _counts()
    response = client.post(URL, _post(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert _counts() == before  # no row anywhere: no answers, no audit event, no session
    assert set(response.cookies) <= {"csrftoken"}
    assert "sessionid" not in response.cookies
    page = response.content.decode()
    assert "Your list" in page
    listing = response.context["listing"]
    likely = [card.id for card in listing.groups["likely"]]
    assert "hjelpestonad" in likely  # much supervision, at night, lasting, 7 years old
    hjelpestonad = next(card for card in listing.groups["likely"] if card.id == "hjelpestonad")
    for reason in hjelpestonad.reasons:
        assert escape(reason) in page
    assert "We have applied" not in page  # nothing to put on a map


def test_the_profile_is_exactly_what_was_answered(world):
    form = AnonymousForm(_post(services=["school"], has=["barnekoordinator"]), lang="nb")
    assert form.is_valid(), form.errors
    profile = form.profile()
    assert profile == {
        "child": {"age_years": 7, "condition_categories": ["physical"], "setting": "primary_school",
                  "services_involved": ["school"], "expected_duration_months": 24,
                  "needs": {"extra_supervision_and_care": True, "night_care": True}},
        "family": {"language": "nb", "guardians": 1, "needs_interpreter": False, "siblings": 2,
                   "guardian_in_work": True, "care_burden_heavy": True},
        "has": {"barnekoordinator": True},
    }
    evaluate(profile, timezone.localdate(), "nb")  # schema-valid


def test_what_the_family_already_has_is_shown_as_in_place(client, world):
    response = client.post(URL, _post(has=["hjelpestonad"]), HTTP_ACCEPT_LANGUAGE="en")
    assert "hjelpestonad" in [card.id for card in response.context["listing"].groups["in_place"]]


@pytest.mark.parametrize(("lang", "heading", "name"), [
    ("nb", "Listen deres", "Hjelpestønad"),
    ("nn", "Lista dykkar", "Hjelpestønad"),
    ("en", "Your list", "Attendance benefit (hjelpestønad)"),
])
def test_results_in_the_page_language(client, world, lang, heading, name):
    response = client.post(URL, _post(), HTTP_ACCEPT_LANGUAGE=lang)
    page = response.content.decode()
    assert f'lang="{lang}"' in page and heading in page and name in page
    expected = evaluate(response.context["listing"].profile, timezone.localdate(), lang)
    first = next(s for s in expected.suggestions if s.relevance == "likely")
    assert escape(first.reasons[0]) in page


@pytest.mark.parametrize(("lang", "age_message", "choice_message"), [
    ("nb", "Velg barnets alder, eller at dere venter barn.", "Velg «ja», «nei» eller «vet ikke»."),
    ("nn", "Vel alderen til barnet, eller at de ventar barn.", "Vel «ja», «nei» eller «veit ikkje»."),
    ("en", "Choose the child’s age, or that you are expecting a child.", "Choose “yes”, “no” or “don’t know”."),
])
def test_bad_input_is_answered_clearly_in_the_language(client, world, lang, age_message, choice_message):
    before = _counts()
    response = client.post(URL, _post(age="", night_care="often", conditions=["werewolf"]),
                           HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    page = response.content.decode()
    assert age_message in page and choice_message in page
    assert 'class="ds-error-summary"' in page and 'href="#id_age"' in page
    assert response.context["listing"] is None
    # what the user chose is kept
    assert response.context["form"]["extra_supervision_and_care"].value() == "yes"
    assert _counts() == before


def test_an_age_outside_the_list_is_refused(client, world):
    response = client.post(URL, _post(age="40"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose an age from the list." in response.content.decode()


def test_an_expected_child(client, world):
    response = client.post(URL, _post(age="-1", setting="home", services=[], night_care="unknown",
                                      extra_supervision_and_care="unknown"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    listing = response.context["listing"]
    assert listing.profile["child"]["age_years"] == -1
    assert "hjelpestonad" in [n.id for n in listing.not_applicable]


def test_a_logged_in_user_can_use_it_too(client, world):
    client.force_login(world.parent)
    assert client.post(URL, _post(), HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_the_url_name():
    assert reverse("navigator:anonymous") == URL


def test_other_methods_are_refused(client):
    assert client.put(URL).status_code == 405


@pytest.mark.parametrize(("lang", "sources", "checked"), [
    ("nb", "Kilder", "Sist kontrollert"), ("nn", "Kjelder", "Sist kontrollert"), ("en", "Sources", "Last checked"),
])
def test_a_card_shows_its_sources_and_when_it_was_checked_never_an_editors_note(client, world, lang, sources,
                                                                                 checked):
    from django.utils import translation

    from los.core.dates import format_day
    from los.navigator.selectors import catalog_for

    response = client.post(URL, _post(), HTTP_ACCEPT_LANGUAGE=lang)
    page = response.content.decode()
    entries = {e.id: e for e in catalog_for(None).entries}
    shown = [card for group in response.context["listing"].groups.values() for card in group]
    assert shown
    for card in shown:
        entry = entries.get(card.id)
        if entry is None:
            continue
        html = page.split(f'id="entry-{card.id}"', 1)[1].split('<li class="nav-card"', 1)[0]
        with translation.override(lang):
            day = format_day(entry.last_checked)
        assert str(entry.last_checked.year) in day
        assert f"<dt>{checked}</dt><dd>{day}</dd>" in html
        assert f"<dt>{sources}</dt>" in html
        for row in entry.sources:
            assert f'href="{escape(row["url"])}"' in html
            assert escape(row["about"]) not in html  # what a source confirms is a note for the catalogue's editors
        for citation in entry.legal_basis:
            if citation.get("note"):
                assert escape(citation["note"]) not in html
    assert ">Lovdata<" in page or ">NAV<" in page or ">Helsedirektoratet<" in page
    assert "(verify)" not in page and "(verifiser)" not in page
