"""The navigator's pages disclose progressively and end nowhere: short cards whose details open on request, the
first few of each section shown, the questions in short steps, and every card about a barnekoordinator asking for
one (in Los for the family, the open request form anonymously with the answers carried, signed)."""

import html
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from los.core import testing as t
from los.families.models import FamilyStatus
from los.navigator import carry, selectors
from los.navigator.forms import FAMILY_STEPS, family_step_of
from los.navigator.models import NavigatorAnswers
from los.navigator.questionnaire import QUESTIONS
from los.referrals.models import PublicRequest, Request

pytestmark = pytest.mark.django_db
URL = "/los/"


def _page(client, user, family, lang="en", **params):
    client.force_login(user)
    return client.get(reverse("navigator:family", args=[family.pk]), params, HTTP_ACCEPT_LANGUAGE=lang)


def _cards(page_html: str) -> dict[str, str]:
    """Each card's HTML by its catalogue id (up to the card's own end)."""
    out = {}
    for chunk in page_html.split('<li class="nav-card" id="entry-')[1:]:
        entry_id = chunk.split('"', 1)[0]
        out[entry_id] = chunk.split("\n</li>", 1)[0]
    return out


def _closed_part(card_html: str) -> str:
    """What a closed card shows: everything before its details."""
    return card_html.split('<details class="nav-card__more"', 1)[0]


# --- the family's page -----------------------------------------------------------------------------------------


def test_cards_are_closed_and_keep_all_their_content_behind_the_disclosure(client, nav):
    response = _page(client, nav.parent, nav.family)
    page = html.unescape(response.content.decode())
    cards = _cards(page)
    listing = response.context["listing"]
    every = [c for group in listing.groups.values() for c in group]
    assert set(cards) == {c.id for c in every}  # every entry has its card, none is left out
    for card in every:
        closed = _closed_part(cards[card.id])
        details = cards[card.id].split('<details class="nav-card__more"', 1)[1]
        assert card.suggestion.name in closed and card.why and card.why in closed
        assert not details.startswith(" open")  # closed until opened
        assert "More and how to apply" in details and card.suggestion.summary in details
        assert card.how_to_apply in details
        for reason in card.reasons:
            assert reason in details


def test_the_one_line_why_is_the_most_telling_reason(nav):
    data = selectors.family_data(nav.family)
    listing = selectors.family_navigator(data, nav.child, timezone.localdate(), "en").listing
    cards = [c for group in listing.groups.values() for c in group]
    generic = "The child is 9 years old."
    assert sum(generic in c.reasons for c in cards) > 3
    assert all(c.why != generic for c in cards)
    for card in cards:
        assert card.why in card.reasons or card.why in card.questions or card.suggestion.summary.startswith(
            card.why.rstrip("."))


def test_sections_show_the_first_few_and_the_rest_on_request(client, nav):
    response = _page(client, nav.parent, nav.family)
    listing = response.context["listing"]
    page = response.content.decode()
    shown = {s.key: s for s in listing.sections}
    likely = shown["likely"]
    assert likely.cards and len(likely.cards) + len(likely.more) == len(
        [c for c in listing.groups["likely"] if c.id not in selectors.TO_TELL_ABOUT])
    if likely.more:
        assert f"Show {len(likely.more)} more" in page
    # what needs no action opens on request, in one block
    also = page.split('id="nav-g-also"', 1)[1]
    assert "Already in place" in also and "Not relevant now" in also
    assert 'id="nav-in_place"' in also and 'id="nav-not"' in also


def test_questions_come_in_short_steps_that_each_save_only_their_own_answers(client, nav):
    client.force_login(nav.parent)
    NavigatorAnswers.objects.create(family=nav.family, municipality=nav.municipality, child=nav.child,
                                    answers={"night_care": True}, version=1)
    response = _page(client, nav.parent, nav.family, steg=2)
    form = response.context["form"]
    assert [q.key for q in form.questions] == list(FAMILY_STEPS[1][2])
    assert "Step 2 of 6" in response.content.decode()
    post = {"child": nav.child.pk, "child_version": 1, "family_version": 0, "step": 2,
            "medical_treatment_at_home": "yes", "continuous_care_due_to_illness_period": "unknown",
            "parent_training_at_institution": "no"}
    saved = client.post(reverse("navigator:save_answers", args=[nav.family.pk]), post, HTTP_ACCEPT_LANGUAGE="en")
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"?barn={nav.child.pk}&steg=3&lagret=2#nav-questions")
    row = NavigatorAnswers.objects.get(family=nav.family, child=nav.child)
    # step 1's answer is kept; step 2's are saved
    assert row.answers == {"night_care": True, "medical_treatment_at_home": True,
                           "parent_training_at_institution": False}
    after = client.get(saved["Location"], HTTP_ACCEPT_LANGUAGE="en")
    questions = after.content.decode().split('id="nav-questions"', 1)[1]
    assert "Your answers are saved. The list is updated." in questions and "Step 3 of 6" in questions
    assert 'href="#nav-results"' in questions


def test_every_question_is_on_exactly_one_step():
    keys = [key for _key, _legend, step_keys in FAMILY_STEPS for key in step_keys]
    assert sorted(keys) == sorted(q.key for q in QUESTIONS) and len(keys) == len(set(keys))
    assert all(len(step_keys) <= 5 for _key, _legend, step_keys in FAMILY_STEPS)


def test_the_first_step_shown_settles_something_and_the_cards_link_to_their_step(client, nav):
    response = _page(client, nav.parent, nav.family)
    listing = response.context["listing"]
    first_fact = sorted(n for n in (family_step_of(f.rsplit(".", 1)[-1]) for f in listing.settle_facts) if n)[0]
    assert response.context["step"] == first_fact
    page = html.unescape(response.content.decode())
    cards = _cards(page)
    for card in listing.groups["possible"]:
        steps = [family_step_of(f.rsplit(".", 1)[-1]) for f in card.suggestion.question_facts]
        steps = [n for n in steps if n]
        if steps:
            assert f"?barn={nav.child.pk}&steg={steps[0]}#nav-questions" in cards[card.id]
            assert "Answer the questions" in cards[card.id]


def test_a_bad_answer_on_a_step_keeps_the_step_and_what_was_chosen(client, nav):
    client.force_login(nav.parent)
    post = {"child": nav.child.pk, "child_version": 0, "family_version": 0, "step": 3,
            "mobility_impairment": "yes", "uses_wheelchair": "sometimes", "needs_assistive_devices": "unknown"}
    response = client.post(reverse("navigator:save_answers", args=[nav.family.pk]), post, HTTP_ACCEPT_LANGUAGE="nn")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vel «ja», «nei» eller «veit ikkje»." in page and 'href="#id_uses_wheelchair_0"' in page
    assert "Steg 3 av 6" in page
    assert 'id="id_mobility_impairment_0" checked' in page
    assert not NavigatorAnswers.objects.exists()


# --- asking for a barnekoordinator from the family's page ------------------------------------------------------


@pytest.fixture
def without_coordinator(world):
    """A family in Testvik with no barnekoordinator (and no request yet), a nine-year-old with a physical
    disability and needs that make a barnekoordinator likely."""
    parent = t.user("forelder.ny")
    family = t.family(world.municipality, "Familien Ny", status=FamilyStatus.REQUESTED, guardian_user=parent)
    child = family.children.get()
    child.condition_categories = ["physical", "neurological"]
    child.setting = "primary_school"
    child.save()
    habu = t.provider(world.municipality, "habu", "HABU Testvik")
    t.consent(family, world.school)
    t.consent(family, habu)
    world.new_family, world.new_parent = family, parent
    return world


def test_the_barnekoordinator_card_asks_for_one_in_los(client, without_coordinator):
    w = without_coordinator
    response = _page(client, w.new_parent, w.new_family)
    listing = response.context["listing"]
    card = listing.card("barnekoordinator")
    assert card.group in ("likely", "possible")
    ask_url = reverse("referrals:family_ask", args=[w.new_family.pk])
    cards = _cards(html.unescape(response.content.decode()))
    assert f'href="{ask_url}">Ask for a barnekoordinator</a>' in _closed_part(cards["barnekoordinator"])
    # where it fits, the individual plan asks too; the coordinating unit is named on the card
    if listing.card("individuell_plan") and listing.card("individuell_plan").group in ("likely", "possible"):
        assert f'href="{ask_url}"' in _closed_part(cards["individuell_plan"])
    assert "Koordinerende enhet Testvik" in cards["barnekoordinator"]
    # the link leads somewhere that answers
    assert client.get(ask_url).status_code == 200


def test_once_asked_the_card_follows_the_request(client, without_coordinator):
    from los.referrals import services as referral_services

    w = without_coordinator
    referral_services.ask_for_coordinator(w.new_family, w.new_parent, "Vi trenger hjelp.")
    assert Request.objects.filter(family=w.new_family).exists()
    page = html.unescape(_page(client, w.new_parent, w.new_family).content.decode())
    case_url = reverse("referrals:family_case", args=[w.new_family.pk])
    assert f'href="{case_url}">See your request for a barnekoordinator</a>' in _closed_part(
        _cards(page)["barnekoordinator"])
    assert client.get(case_url).status_code == 200


@pytest.mark.parametrize(("who", "link"), [("caseworker", True), ("contact", False)])
def test_others_get_a_link_only_where_it_opens(client, without_coordinator, who, link):
    w = without_coordinator
    user = w.caseworker
    if who == "contact":  # a service contact whose consent covers health information, not the request
        habu = t.provider(w.municipality, "habu", "HABU Testvik 2")
        user = t.staff("service_contact", w.municipality, "kontakt.habu2", service_provider=habu)
        t.consent(w.new_family, habu, categories=["case", "health"])
    response = _page(client, user, w.new_family)
    assert response.status_code == 200
    card = _closed_part(_cards(html.unescape(response.content.decode()))["barnekoordinator"])
    case_url = reverse("referrals:family_case", args=[w.new_family.pk])
    assert (f'href="{case_url}"' in card) is link
    assert reverse("referrals:family_ask", args=[w.new_family.pk]) not in card
    if link:
        assert client.get(case_url).status_code == 200


def test_a_family_with_a_barnekoordinator_is_not_asked_to_ask(client, nav):
    response = _page(client, nav.parent, nav.family)
    assert response.context["listing"].card("barnekoordinator").group == "in_place"
    page = response.content.decode()
    assert reverse("referrals:family_ask", args=[nav.family.pk]) not in page


# --- the anonymous page: steps, the list, and on to the request form ---------------------------------------------


def _steps(client, lang="en", **answers):
    """Go through the three steps as a browser would: each step sends the earlier answers on as hidden fields."""
    data = {"age": "9", "conditions": ["physical"], "expected_duration_months": "24"}
    data.update(answers)
    response = client.post(URL, {**data, "shown": "1", "go": "2"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response, data


def _hidden(page_html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page_html):
        out.setdefault(name, []).append(html.unescape(value))
    return out


def test_the_steps_carry_the_earlier_answers_and_store_nothing(client, world):
    from django.apps import apps

    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    first = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert "Step 1 of 3" in first.content.decode()
    second, _data = _steps(client)
    page = second.content.decode()
    assert "Step 2 of 3" in page and "Daily life and services" in page
    hidden = _hidden(page)
    assert hidden["age"] == ["9"] and hidden["conditions"] == ["physical"]
    assert hidden["expected_duration_months"] == ["24"]
    # back to step 1: what was chosen is shown again
    back = client.post(URL, {**{k: v for k, v in hidden.items()}, "shown": "2", "go": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'value="9" selected' in back.content.decode()
    # on to step 3 and the list
    third = client.post(URL, {**hidden, "setting": "primary_school", "services": ["habu"],
                              "municipality": str(world.municipality.pk), "shown": "2", "go": "3"},
                        HTTP_ACCEPT_LANGUAGE="en")
    assert "Step 3 of 3" in third.content.decode()
    hidden3 = _hidden(third.content.decode())
    assert hidden3["municipality"] == [str(world.municipality.pk)] and hidden3["services"] == ["habu"]
    results = client.post(URL, {**hidden3, "guardians": "2", "shown": "3", "go": "results"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert results.status_code == 200 and results.context["listing"] is not None
    assert results.context["listing"].profile["child"]["services_involved"] == ["habu"]
    assert {m._meta.label: m._default_manager.count() for m in apps.get_models()} == counts
    assert set(results.cookies) <= {"csrftoken"}


def test_the_list_has_the_questions_that_settle_the_most_beside_it(client, world):
    results = client.post(URL, {"age": "9", "conditions": ["physical"], "shown": "3", "go": "results"},
                          HTTP_ACCEPT_LANGUAGE="en")
    page = results.content.decode()
    refine = page.split('id="nav-questions"', 1)[1]
    assert "Answer these first: they settle the most" in refine
    assert "Update the list" in refine and "Change the first answers" in refine
    # the first answers go along, hidden; the other questions are in groups that open on request
    assert _hidden(refine)["age"] == ["9"]
    assert refine.count('<details class="nav-more-questions"') >= 4
    # answering one refines the list, and the earlier answers are kept
    again = client.post(URL, {"age": "9", "conditions": ["physical"], "extra_supervision_and_care": "yes",
                              "night_care": "yes", "expected_duration_months": "24", "shown": "results",
                              "go": "results"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.context["listing"].profile["child"]["needs"] == {"extra_supervision_and_care": True,
                                                                  "night_care": True}
    assert again.context["listing"].profile["child"]["condition_categories"] == ["physical"]


def test_a_chosen_municipality_shows_its_own_services_and_its_unit(client, world):
    from los.navigator.models import LocalEntry

    LocalEntry.objects.create(
        municipality=world.municipality, entry_id="lokal_solsikken", checked_on=timezone.localdate(),
        checked_by=world.caseworker, data={
            "id": "lokal_solsikken", "sector": "municipal", "priority": 90,
            "names": {"nb": "Solsikken avlastningshus", "nn": "Solsikken avlastingshus"},
            "provider": {"nb": "Testvik kommune", "nn": "Testvik kommune"},
            "legal_basis": [{"ref": "kommunalt tilbud", "verified": False, "note": "A local service."}],
            "appeal_rule": "FVL", "last_checked": timezone.localdate().isoformat(),
            "sources": [{"url": "https://www.testvik.kommune.no/solsikken", "checked": timezone.localdate().isoformat(),
                         "about": "the service"}],
            "texts": {key: {"nb": "Tekst.", "nn": "Tekst."} for key in ("summary", "who", "who_decides",
                                                                         "how_to_apply")},
            "rule": {"criteria": [{"use": "born"}, {"use": "condition"}]}})
    post = {"age": "9", "conditions": ["physical"], "shown": "3", "go": "results"}
    here = client.post(URL, {**post, "municipality": str(world.municipality.pk)}, HTTP_ACCEPT_LANGUAGE="nb")
    page = html.unescape(here.content.decode())
    assert "Solsikken avlastningshus" in page
    assert "Koordinerende enhet Testvik" in _cards(page)["barnekoordinator"]
    elsewhere = client.post(URL, {**post, "municipality": str(world.other_municipality.pk)},
                            HTTP_ACCEPT_LANGUAGE="nb")
    assert "Solsikken avlastningshus" not in html.unescape(elsewhere.content.decode())
    nowhere = client.post(URL, post, HTTP_ACCEPT_LANGUAGE="nb")
    assert "Solsikken avlastningshus" not in html.unescape(nowhere.content.decode())


def _ask_token(response) -> str:
    tokens = set(re.findall(r'name="navigator_answers" value="([^"]+)"', response.content.decode()))
    assert len(tokens) == 1
    return html.unescape(tokens.pop())


def test_the_anonymous_journey_ends_in_the_request_form_with_the_answers_carried(client, world):
    client.get(URL)
    results = client.post(URL, {
        "age": "9", "conditions": ["physical", "neurological"], "expected_duration_months": "24",
        "setting": "primary_school", "services": ["school", "habu"], "municipality": str(world.municipality.pk),
        "guardians": "1", "needs_interpreter": "yes", "language": "ar", "night_care": "yes",
        "care_burden_heavy": "yes", "shown": "results", "go": "results"}, HTTP_ACCEPT_LANGUAGE="nb")
    page = results.content.decode()
    action = reverse("referrals:public_request")
    # the next step, and the barnekoordinator card, go on to the request form, by POST: nothing in a URL
    assert f'<form method="post" action="{action}"' in page
    cards = _cards(page)
    assert 'name="navigator_answers"' in _closed_part(cards["barnekoordinator"])
    assert "?" not in action and "navigator_answers=" not in page
    token = _ask_token(results)
    form_page = client.post(action, {"navigator_answers": token}, HTTP_ACCEPT_LANGUAGE="nb")
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert not form.is_bound
    assert form.initial["municipality"] == world.municipality.pk
    description = form.initial["description"]
    for text in ("Fra veiviseren i Los:", "Barnets alder: 9 år", "Fysisk funksjonsnedsettelse",
                 "Nevrologisk tilstand", "Barneskole", "Habiliteringstjenesten for barn og unge (HABU)",
                 "2 år eller mer", "trenger stell eller tilsyn om natten", "omsorgen for barnet er særlig tung",
                 "Vi trenger tolk (arabisk).", "1 forelder eller foresatt"):
        assert text in description, text
    shown = html.unescape(form_page.content.decode())
    assert "Vi har fylt inn det dere svarte i veiviseren" in shown
    assert 'href="#id_municipality">Kommune</a>' in shown and 'href="#id_description">' in shown
    assert "Fra veiviseren i Los:" in shown  # in the text box, to change
    assert not PublicRequest.objects.exists()  # nothing is sent until the parent sends it


def test_what_was_carried_is_still_said_after_a_mistake_and_the_request_is_sent_with_it(client, world):
    token = _ask_token(client.post(URL, {"age": "4", "conditions": ["autism"], "municipality": str(world.municipality.pk),
                                         "shown": "results", "go": "results"}, HTTP_ACCEPT_LANGUAGE="en"))
    form = client.post(reverse("referrals:public_request"), {"navigator_answers": token},
                       HTTP_ACCEPT_LANGUAGE="en").context["form"]
    data = {**{k: v for k, v in form.initial.items()}, "sender_name": "Kari Nordmann", "sender_fodselsnummer": "",
            "sender_relation": "mother", "child_name": "Ola", "confirm": "on"}
    wrong = client.post(reverse("referrals:public_request"), data, HTTP_ACCEPT_LANGUAGE="en")
    page = html.unescape(wrong.content.decode())
    assert "Write your fødselsnummer." in page
    assert "We have filled in what you answered in the navigator" in page
    assert "From the navigator in Los:" in page
    assert not PublicRequest.objects.exists()


def test_a_changed_or_old_token_fills_in_nothing(client, world, monkeypatch):
    token = _ask_token(client.post(URL, {"age": "9", "municipality": str(world.municipality.pk),
                                         "shown": "results", "go": "results"}, HTTP_ACCEPT_LANGUAGE="en"))
    # the token is signed: change the answers in it and it is refused
    payload = signing.loads(token, salt="los.navigator.carry")
    payload["p"]["child"]["age_years"] = 3
    forged = signing.dumps(payload, salt="another.salt", compress=True)
    for bad in (forged, token[:-2] + "xx", "not a token"):
        response = client.post(reverse("referrals:public_request"), {"navigator_answers": bad},
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert response.context["form"].initial == {}
        assert "could not be filled in" in html.unescape(response.content.decode())
    assert carry.unpack(token) is not None
    # and it is short-lived
    later = (timezone.now() + timedelta(seconds=carry.MAX_AGE + 60)).timestamp()
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert carry.unpack(token) is None


def test_the_token_is_not_readable_as_plain_text(client, world):
    token = _ask_token(client.post(URL, {"age": "9", "conditions": ["physical"], "shown": "results",
                                         "go": "results"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "physical" not in token and "age_years" not in token
