"""What the family has told the navigator is honoured: an answered question is never asked again (an explicit
"no" is a no), an expected child counts where the law extends a right to expected children, the ordinary
coordinator applies at every age where there is no barnekoordinator, and a card never says the same thing twice."""

from datetime import date

import pytest

from los.navigator.catalog import load_catalog
from los.navigator.engine import evaluate
from los.navigator.rules import flatten
from los.navigator.synthetic import synthetic_profiles

TODAY = date(2026, 12, 7)


def card(result, entry_id):
    for s in result.suggestions:
        if s.id == entry_id:
            return s
    for n in result.not_applicable:
        if n.id == entry_id:
            return n
    raise KeyError(entry_id)


def autistic_nine_year_old(**needs):
    return {"child": {"age_years": 9, "condition_categories": ["autism"], "expected_duration_months": 120,
                      "setting": "primary_school", "services_involved": ["school", "ppt"], "needs": needs},
            "family": {"guardians": 2, "guardian_in_work": True}}


class TestAnExplicitNoIsANo:
    def test_hjelpestonad_does_not_ask_again_about_supervision_the_family_said_no_to(self):
        profile = autistic_nine_year_old(extra_supervision_and_care=False, behaviour_support=True)
        item = card(evaluate(profile, as_of=TODAY, lang="en"), "hjelpestonad")
        assert item.relevance == "possible"
        assert item.question_facts == ("child.needs.night_care",)
        text = " ".join(item.questions + item.reasons)
        assert "Does the child need care or supervision at night?" in text
        assert "much more supervision" not in text  # the question the family answered

    def test_two_noes_settle_hjelpestonad(self):
        profile = autistic_nine_year_old(extra_supervision_and_care=False, night_care=False, behaviour_support=True)
        result = evaluate(profile, as_of=TODAY, lang="en")
        assert result.relevance_of("hjelpestonad") == "not_applicable"
        assert any("does not need more supervision and care" in r for r in card(result, "hjelpestonad").reasons)

    def test_a_no_to_escort_leaves_only_the_wheelchair_question_for_the_companion_card(self):
        profile = autistic_nine_year_old(needs_escort_for_activities=False, behaviour_support=True)
        item = card(evaluate(profile, as_of=TODAY, lang="nb"), "ledsagerbevis")
        assert item.relevance == "possible"
        assert item.question_facts == ("child.needs.uses_wheelchair",)
        assert item.questions == ["Dette gjenstår å avklare. Spørsmål: Bruker barnet rullestol?"]

    def test_nynorsk_and_english_ask_the_same_remaining_question(self):
        profile = autistic_nine_year_old(extra_supervision_and_care=False, behaviour_support=True)
        nn = card(evaluate(profile, as_of=TODAY, lang="nn"), "hjelpestonad")
        assert nn.questions == ["Dette står att å avklare. Spørsmål: Treng barnet stell eller tilsyn om natta?"]

    def test_no_answered_fact_is_ever_asked_about_in_many_profiles(self):
        catalog = load_catalog()
        questions = catalog.vocabulary["questions"]
        for profile in synthetic_profiles(1500, seed=25):
            result = evaluate(profile, as_of=TODAY, lang="nb", validate=False)
            facts = flatten(profile)
            for item in result.suggestions:
                answered = {path for path in item.question_facts if facts.get(path) is not None}
                assert not answered, (item.id, answered, profile)
                shown = " ".join(item.questions)
                for path, value in facts.items():
                    if value is not None and path in questions and path not in ("child.needs", "child.age_years"):
                        assert questions[path]["nb"] not in shown, (item.id, path, profile)

    def test_a_criterion_asks_only_about_facts_its_test_reads(self):
        for compiled in load_catalog().compiled(TODAY):
            for criterion in compiled.criteria:
                assert set(criterion.asks) <= set(criterion.reads), (compiled.id, criterion.id)


class TestAnExpectedChildIsAChild:
    def expecting(self, **child):
        return {"child": {"age_years": -1, "condition_categories": ["chronic_somatic"], "expected_duration_months": 240,
                          **child}, "family": {"guardians": 2, "guardian_in_work": True}}

    @pytest.mark.parametrize("services", [[], ["hospital"]])
    def test_barnekoordinator_applies_before_any_service_is_in_place(self, services):
        result = evaluate(self.expecting(services_involved=services, needs={}), as_of=TODAY, lang="en")
        item = card(result, "barnekoordinator")
        assert item.relevance == "possible"
        assert any("expecting a child who will need long-term and composite services" in r for r in item.reasons)

    def test_barnekoordinator_is_likely_for_an_expected_child_with_services_lined_up(self):
        result = evaluate(self.expecting(services_involved=["hospital", "helsestasjon"]), as_of=TODAY)
        assert result.relevance_of("barnekoordinator") == "likely"

    def test_unknown_services_ask_what_the_doctors_expect(self):
        item = card(evaluate(self.expecting(), as_of=TODAY, lang="en"), "barnekoordinator")
        assert item.relevance == "possible"
        assert any("expect the child to need after the birth" in q for q in item.questions)

    def test_rights_for_born_children_wait_for_the_birth(self):
        result = evaluate(self.expecting(services_involved=["hospital", "helsestasjon"]), as_of=TODAY)
        for entry_id in ("hjelpestonad", "pleiepenger", "koordinator"):
            assert result.relevance_of(entry_id) == "not_applicable"


class TestTheOrdinaryCoordinator:
    def young(self, age, has=None):
        profile = {"child": {"age_years": age, "condition_categories": ["physical"], "expected_duration_months": 240,
                             "setting": "upper_secondary" if age < 20 else "none",
                             "services_involved": ["school", "habu", "physiotherapy"]},
                   "family": {"guardians": 2}}
        if has is not None:
            profile["has"] = has
        return profile

    def test_a_seventeen_year_old_without_a_barnekoordinator_gets_the_coordinator(self):
        result = evaluate(self.young(17, {"barnekoordinator": False}), as_of=TODAY, lang="en")
        assert result.relevance_of("koordinator") == "likely"
        assert any("no children's coordinator" in r for r in card(result, "koordinator").reasons)

    def test_a_barnekoordinator_does_the_work_until_eighteen(self):
        result = evaluate(self.young(17, {"children_coordinator": True}), as_of=TODAY, lang="en")
        assert result.relevance_of("barnekoordinator") == "in_place"
        assert result.relevance_of("koordinator") == "not_applicable"
        assert any("does the coordinator's work" in r for r in card(result, "koordinator").reasons)

    def test_a_child_whose_family_can_get_a_barnekoordinator_is_pointed_there(self):
        profile = self.young(8, {"barnekoordinator": False})
        profile["child"]["setting"] = "primary_school"
        result = evaluate(profile, as_of=TODAY, lang="en")
        assert result.relevance_of("barnekoordinator") == "likely"
        assert result.relevance_of("koordinator") == "not_applicable"
        assert any("still has the right to a coordinator" in r for r in card(result, "koordinator").reasons)

    @pytest.mark.parametrize("age", [18, 19, 25])
    def test_no_upper_age_limit(self, age):
        assert evaluate(self.young(age), as_of=TODAY).relevance_of("koordinator") == "likely"

    def test_before_the_barnekoordinator_children_were_offered_a_coordinator(self):
        assert evaluate(self.young(8), as_of=date(2022, 7, 31)).relevance_of("koordinator") == "likely"


class TestNothingTwiceOnACard:
    def test_the_companion_card_says_the_age_once(self):
        profile = {"child": {"age_years": 9, "condition_categories": ["intellectual"], "expected_duration_months": 240,
                             "needs": {"needs_escort_for_activities": True}}, "family": {}}
        reasons = card(evaluate(profile, as_of=TODAY, lang="en"), "ledsagerbevis").reasons
        assert sum("9 years old" in r for r in reasons) == 1

    def test_no_card_repeats_a_reason_in_many_profiles(self):
        for profile in synthetic_profiles(1500, seed=26):
            for lang in ("nb", "en"):
                result = evaluate(profile, as_of=TODAY, lang=lang, validate=False)
                for item in [*result.suggestions, *result.not_applicable]:
                    stems = [r.rstrip(" .!?").casefold() for r in item.reasons]
                    assert len(stems) == len(set(stems)), (item.id, item.reasons)
                    for a in stems:
                        for b in stems:
                            assert a == b or not (b.startswith(a) and not b[len(a)].isalnum()), (item.id, item.reasons)
                    if hasattr(item, "questions"):
                        assert len(item.questions) == len(set(item.questions))
