"""The family's navigator page: the list in the page's language, the questionnaire, "we have applied",
and access per role."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent, Category
from los.core import testing as t
from los.navigator import selectors
from los.navigator.engine import evaluate
from los.navigator.models import NavigatorAnswers
from los.servicemap.models import Application, EntryState, ServiceEntry

pytestmark = pytest.mark.django_db


def _page(client, user, family, lang="en", **params):
    client.force_login(user)
    return client.get(reverse("navigator:family", args=[family.pk]), params, HTTP_ACCEPT_LANGUAGE=lang)


def _group_ids(response, group):
    return [card.id for card in response.context["listing"].groups[group]]


def _answers(child, **overrides):
    """A complete questionnaire post: every question "don't know" unless overridden."""
    from los.navigator.questionnaire import QUESTIONS

    data = {q.key: ("" if q.kind == "count" else "unknown") for q in QUESTIONS}
    data.update({"child": child.pk, "child_version": 0, "family_version": 0})
    data.update(overrides)
    return data


# --- the list ------------------------------------------------------------------------------------


def test_family_page_shows_likely_entries_with_reasons_in_english(client, nav):
    response = _page(client, nav.parent, nav.family, "en")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())  # the text a reader sees, whatever the entities' spelling
    expected = evaluate(selectors.profile_for_family(nav.family), timezone.localdate(), "en")
    likely = [s for s in expected.suggestions if s.relevance == "likely" and s.id != "avlastning"]
    assert likely, "the seeded family should have something likely"
    assert _group_ids(response, "likely") == [s.id for s in likely]
    for suggestion in likely:
        assert suggestion.name in page
        assert suggestion.summary in page
        for reason in suggestion.reasons:
            assert reason in page
    assert "Likely: worth applying for now" in page
    assert "Why we think so" in page and "How to apply" in page
    # what the family already has, and what it has applied for
    assert "hjelpestonad" in _group_ids(response, "in_place")
    assert _group_ids(response, "applied") == ["avlastning"]
    assert "Applied for: waiting for an answer" in page


def test_possible_entries_show_the_question_that_would_settle_them(client, nav):
    response = _page(client, nav.parent, nav.family, "en")
    possible = response.context["listing"].groups["possible"]
    assert possible
    card = next(c for c in possible if c.id == "omsorgsstonad")
    assert card.questions
    page = html.unescape(response.content.decode())
    assert "What would settle it" in page
    assert card.questions[0] in page
    assert "Question:" not in card.questions[0]


@pytest.mark.parametrize(("lang", "heading", "ui"), [
    ("nb", "Sannsynlig: verdt å søke nå", "Hvorfor vi tror det"),
    ("nn", "Sannsynleg: verdt å søkje no", "Kvifor vi trur det"),
    ("en", "Likely: worth applying for now", "Why we think so"),
])
def test_family_page_in_the_chosen_language(client, nav, lang, heading, ui):
    response = _page(client, nav.coordinator, nav.family, lang)
    page = html.unescape(response.content.decode())
    assert f'lang="{lang}"' in page
    assert heading in page and ui in page
    expected = evaluate(selectors.profile_for_family(nav.family), timezone.localdate(), lang)
    first = next(s for s in expected.suggestions if s.relevance == "likely")
    assert first.name in page
    assert first.reasons[0] in page


def test_not_relevant_entries_are_collapsed_with_reasons(client, nav):
    response = _page(client, nav.parent, nav.family, "en")
    page = response.content.decode()
    assert "Not relevant now" in page
    not_applicable = response.context["listing"].not_applicable
    assert not_applicable
    assert "<details" in page.split("Not relevant now", 1)[1]


def test_what_los_knows_is_shown(client, nav):
    page = _page(client, nav.parent, nav.family, "en").content.decode()
    assert "What Los knows about Barn and the family" in page
    assert "Physical disability" in page and "Primary school" in page


# --- the questionnaire ---------------------------------------------------------------------------


def test_questionnaire_is_grouped_in_fieldsets_with_legends(client, nav):
    """The questions come in short steps; every question is asked on one of them, each in its own fieldset with
    the question as legend, inside the step's fieldset."""
    from los.navigator.forms import FAMILY_STEPS

    fieldsets = 0
    asked = set()
    for number, (_key, legend, keys) in enumerate(FAMILY_STEPS, 1):
        response = _page(client, nav.parent, nav.family, "en", steg=number)
        page = html.unescape(response.content.decode())
        form = response.context["form"]
        questions = page.split('id="nav-questions"', 1)[1]
        assert f"Step {number} of {len(FAMILY_STEPS)}" in questions
        assert f">{legend}</legend>" in questions
        assert 'type="radio"' in questions and "Don’t know" in questions
        fieldsets += questions.count("<fieldset")
        asked |= {q.key for q in form.questions}
        assert {q.key for q in form.questions} <= set(keys)
    assert fieldsets >= 20
    assert asked == {q.key for q in selectors.questions_for(selectors.family_data(nav.family), nav.child)}


def test_saving_answers_changes_the_result(client, nav):
    before = _page(client, nav.parent, nav.family, "en")
    assert "omsorgsstonad" in _group_ids(before, "possible")
    post = _answers(nav.child, care_burden_heavy="yes", extra_supervision_and_care="yes", night_care="yes",
                    expected_duration_months="24", guardian_in_work="yes")
    response = client.post(reverse("navigator:save_answers", args=[nav.family.pk]), post,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?barn={nav.child.pk}#nav-results")
    child_row = NavigatorAnswers.objects.get(family=nav.family, child=nav.child)
    assert child_row.answers == {"extra_supervision_and_care": True, "night_care": True, "expected_duration_months": 24}
    family_row = NavigatorAnswers.objects.get(family=nav.family, child__isnull=True)
    assert family_row.answers == {"care_burden_heavy": True, "guardian_in_work": True}
    assert child_row.version == 1 and family_row.version == 1 and child_row.updated_by == nav.parent
    after = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Your answers are saved" in after.content.decode()
    assert "omsorgsstonad" in _group_ids(after, "likely")
    # the saved answers are shown again on their steps, and "don't know" answers are kept open
    assert _page(client, nav.parent, nav.family, steg=1).context["form"].initial["night_care"] == "yes"
    assert _page(client, nav.parent, nav.family, steg=5).context["form"].initial["mental_health_support"] == "unknown"
    assert AuditEvent.objects.filter(actor=nav.parent, family_id=nav.family.pk, action="change",
                                     object_type="NavigatorAnswers").exists()


def test_dont_know_removes_an_earlier_answer(client, nav):
    client.force_login(nav.parent)
    url = reverse("navigator:save_answers", args=[nav.family.pk])
    client.post(url, _answers(nav.child, night_care="yes"))
    client.post(url, _answers(nav.child, night_care="unknown", child_version=1, family_version=1))
    assert NavigatorAnswers.objects.get(family=nav.family, child=nav.child).answers == {}


@pytest.mark.parametrize(("lang", "message"), [
    ("nb", "Velg «ja», «nei» eller «vet ikke»."),
    ("nn", "Vel «ja», «nei» eller «veit ikkje»."),
    ("en", "Choose “yes”, “no” or “don’t know”."),
])
def test_invalid_choice_is_answered_clearly_and_nothing_saved_is_lost(client, nav, lang, message):
    client.force_login(nav.parent)
    url = reverse("navigator:save_answers", args=[nav.family.pk])
    client.post(url, _answers(nav.child, night_care="yes"))
    response = client.post(url, _answers(nav.child, night_care="maybe", learning_support="yes", child_version=1,
                                         family_version=1), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="ds-error-summary"' in page
    assert 'href="#id_night_care_0"' in page  # the summary links to the question
    assert 'aria-describedby="id_night_care_error"' in page
    # what the user typed is kept, and what was saved is still there
    assert response.context["form"]["learning_support"].value() == "yes"
    assert 'id="id_learning_support_0" checked' in page
    assert NavigatorAnswers.objects.get(family=nav.family, child=nav.child).answers == {"night_care": True}


def test_a_stale_version_is_a_conflict_and_saves_nothing(client, nav):
    client.force_login(nav.coordinator)
    url = reverse("navigator:save_answers", args=[nav.family.pk])
    assert client.post(url, _answers(nav.child, night_care="yes")).status_code == 302
    # a second person still has the form from before the first save
    response = client.post(url, _answers(nav.child, night_care="no"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Someone else saved answers" in response.content.decode()
    assert NavigatorAnswers.objects.get(family=nav.family, child=nav.child).answers == {"night_care": True}
    # the form keeps the choice and now carries the stored version, so saving again works
    form = response.context["form"]
    assert form.data["night_care"] == "no" and form.data["child_version"] == "1"
    assert client.post(url, dict(form.data.items())).status_code == 302
    assert NavigatorAnswers.objects.get(family=nav.family, child=nav.child).answers == {"night_care": False}


def test_the_number_of_siblings_is_asked_only_when_los_does_not_know_it(client, nav, world):
    family_step = 6  # work, money and the family
    assert "siblings" not in _page(client, nav.parent, nav.family, steg=family_step).context["form"].fields
    lonely = t.family(world.municipality, "Familien Alene", guardian_user=t.user("alene"))
    t.assign(lonely, world.coordinator)
    response = _page(client, world.coordinator, lonely, steg=family_step)
    assert "siblings" in response.context["form"].fields
    bad = client.post(reverse("navigator:save_answers", args=[lonely.pk]),
                      _answers(lonely.children.get(), siblings="-2"), HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "The number cannot be negative." in bad.content.decode()


# --- we have applied -----------------------------------------------------------------------------


def _apply(client, family, entry, child, sent_on=None, lang="en"):
    prefix = f"applied-{entry}"
    return client.post(reverse("navigator:mark_applied", args=[family.pk]), {
        "entry": entry, f"{prefix}-catalog_id": entry, f"{prefix}-child": child.pk,
        f"{prefix}-sent_on": (sent_on or timezone.localdate()).isoformat()}, HTTP_ACCEPT_LANGUAGE=lang)


def test_we_have_applied_puts_the_entry_on_the_service_map(client, nav):
    page = _page(client, nav.parent, nav.family)
    likely = _group_ids(page, "likely")
    assert likely
    entry_id = likely[0]
    assert "We have applied" in page.content.decode()
    response = _apply(client, nav.family, entry_id, nav.child, timezone.localdate() - timedelta(days=3))
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{entry_id}")
    entry = ServiceEntry.objects.get(family=nav.family, catalog_id=entry_id)
    assert entry.state == EntryState.APPLIED and entry.child == nav.child
    assert Application.objects.get(entry=entry).sent_on == timezone.localdate() - timedelta(days=3)
    after = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert entry_id in _group_ids(after, "applied")
    assert "is on the service map as applied for" in after.content.decode()
    # pressing the button again changes nothing
    again = _apply(client, nav.family, entry_id, nav.child)
    assert again.status_code == 302
    assert ServiceEntry.objects.filter(family=nav.family, catalog_id=entry_id).count() == 1
    assert Application.objects.filter(entry=entry).count() == 1


def test_we_have_applied_updates_an_entry_that_is_only_considered(client, nav):
    likely = _group_ids(_page(client, nav.coordinator, nav.family), "likely")
    entry = ServiceEntry.objects.create(family=nav.family, municipality=nav.municipality, catalog_id=likely[0],
                                        state=EntryState.CONSIDERED)
    assert _apply(client, nav.family, likely[0], nav.child).status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.APPLIED
    assert ServiceEntry.objects.filter(family=nav.family, catalog_id=likely[0]).count() == 1


@pytest.mark.parametrize(("lang", "message"), [
    ("nb", "Datoen kan ikke være fram i tid."),
    ("nn", "Datoen kan ikkje vere fram i tid."),
    ("en", "The date cannot be in the future."),
])
def test_we_have_applied_with_a_future_date_is_refused_clearly(client, nav, lang, message):
    likely = _group_ids(_page(client, nav.parent, nav.family), "likely")
    response = _apply(client, nav.family, likely[0], nav.child, timezone.localdate() + timedelta(days=5), lang)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ServiceEntry.objects.filter(family=nav.family, catalog_id=likely[0]).exists()


def _form_fields(page_html: str, entry: str) -> dict[str, str]:
    """The inputs of the "we have applied" form of ``entry`` as the browser would send them."""
    from html.parser import HTMLParser

    class Inputs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms, self.current = [], None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and "nav-applied" in (attrs.get("class") or ""):
                self.current = {}
                self.forms.append(self.current)
            elif tag == "input" and self.current is not None and attrs.get("name"):
                self.current[attrs["name"]] = attrs.get("value") or ""

        def handle_endtag(self, tag):
            if tag == "form":
                self.current = None

    parser = Inputs()
    parser.feed(page_html)
    return next(f for f in parser.forms if f.get("entry") == entry)


def test_the_form_on_the_card_sends_what_the_server_expects(client, nav):
    """The page writes each card's form by hand (one per card); sent as it stands it is accepted."""
    page = _page(client, nav.parent, nav.family)
    entry_id = _group_ids(page, "likely")[0]
    fields = _form_fields(page.content.decode(), entry_id)
    assert fields[f"applied-{entry_id}-sent_on"] == timezone.localdate().isoformat()
    assert fields[f"applied-{entry_id}-child"] == str(nav.child.pk)
    response = client.post(reverse("navigator:mark_applied", args=[nav.family.pk]), fields, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert ServiceEntry.objects.get(family=nav.family, catalog_id=entry_id).state == EntryState.APPLIED


def test_a_refused_card_form_keeps_what_was_typed_and_says_why_next_to_the_field(client, nav):
    page = _page(client, nav.parent, nav.family)
    entry_id = _group_ids(page, "likely")[0]
    fields = _form_fields(page.content.decode(), entry_id)
    fields[f"applied-{entry_id}-sent_on"] = "31.02.2026"
    response = client.post(reverse("navigator:mark_applied", args=[nav.family.pk]), fields, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert _form_fields(html, entry_id)[f"applied-{entry_id}-sent_on"] == "31.02.2026"
    error_id = f"id_applied-{entry_id}-sent_on_error"
    assert f'id="{error_id}"' in html and f'aria-describedby="{error_id}"' in html
    assert "Write the date as day, month and year" in html


# --- access per role -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("parent", 200), ("coordinator", 200), ("caseworker", 200),
    ("leader", 404), ("admin", 404), ("foreign_caseworker", 404),
    ("contact", 403),  # the school's consent covers the case and the plan, not health information
])
def test_family_page_per_role(client, nav, who, status):
    response = _page(client, getattr(nav, who), nav.family)
    assert response.status_code == status
    if status != 200:
        page = response.content.decode()
        assert nav.family.display_name not in page and "Why we think so" not in page


def test_the_page_view_is_audited(client, nav):
    _page(client, nav.coordinator, nav.family)
    assert AuditEvent.objects.filter(actor=nav.coordinator, family_id=nav.family.pk, action="view",
                                     category=Category.HEALTH, allowed=True).exists()


def test_anonymous_visitor_is_sent_to_log_in(client, nav):
    response = client.get(reverse("navigator:family", args=[nav.family.pk]))
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_service_contact_needs_a_consent_to_health_information_and_only_reads(client, nav):
    # the school has a consent to the case and the plan, not to health information: refused
    school_contact = t.staff("service_contact", nav.municipality, "kontakt.skolen", service_provider=nav.school)
    refused = _page(client, school_contact, nav.family)
    assert refused.status_code == 403
    assert "Why we think so" not in refused.content.decode()
    assert AuditEvent.objects.filter(actor=school_contact, family_id=nav.family.pk, allowed=False).exists()
    # HABU has a consent that covers health information: reading only
    habu_contact = t.staff("service_contact", nav.municipality, "kontakt.habu", service_provider=nav.habu)
    response = _page(client, habu_contact, nav.family)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Why we think so" in page
    assert response.context["form"] is None and "We have applied" not in page
    assert client.post(reverse("navigator:save_answers", args=[nav.family.pk]),
                       _answers(nav.child, night_care="yes")).status_code == 403
    likely = _group_ids(response, "likely")
    assert _apply(client, nav.family, likely[0], nav.child).status_code == 403
    assert not NavigatorAnswers.objects.exists()


def test_municipal_leader_cannot_save_answers(client, nav):
    client.force_login(nav.leader)
    response = client.post(reverse("navigator:save_answers", args=[nav.family.pk]), _answers(nav.child))
    assert response.status_code == 404
    assert not NavigatorAnswers.objects.exists()


def test_a_young_person_who_keeps_health_information_is_not_shown_to_guardians(client, nav):
    child = nav.child
    child.birth_date = timezone.localdate() - timedelta(days=17 * 365)
    child.fodselsnummer = ""
    child.shares_health_with_guardians = False
    child.save()
    response = _page(client, nav.parent, nav.family)
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["listing"] is None
    assert "decides over their own health information" in page
    assert client.post(reverse("navigator:save_answers", args=[nav.family.pk]),
                       _answers(child)).status_code == 403
    # the coordinator still sees the young person's list
    assert _page(client, nav.coordinator, nav.family).context["listing"] is not None


def test_we_have_applied_for_something_unknown_is_answered_clearly(client, nav):
    client.force_login(nav.parent)
    response = _apply(client, nav.family, "werewolf_benefit", nav.child)
    assert response.status_code == 400
    assert "Choose a right or service from the list." in response.content.decode()
    assert not ServiceEntry.objects.filter(catalog_id="werewolf_benefit").exists()
