"""The entries added after the legal review: hand-written cases for what each says to a family, beside the
fixture profiles that give every entry a positive and a negative case."""

from datetime import date

import pytest

from los.navigator.engine import evaluate

TODAY = date(2026, 12, 7)


def child(age, *conditions, needs=None, services=None, **family):
    c = {"age_years": age, "condition_categories": list(conditions), "expected_duration_months": 240}
    if needs is not None:
        c["needs"] = needs
    if services is not None:
        c["services_involved"] = services
    return {"child": c, "family": family}


def item(profile, entry_id, lang="en", day=TODAY):
    result = evaluate(profile, as_of=day, lang=lang)
    for s in result.suggestions:
        if s.id == entry_id:
            return s.relevance, s.reasons, s
    for n in result.not_applicable:
        if n.id == entry_id:
            return "not_applicable", n.reasons, n
    raise KeyError(entry_id)


def test_parental_benefit_can_be_postponed_for_an_expected_child_who_will_need_hospital():
    relevance, reasons, _ = item(child(-1, "chronic_somatic", services=["hospital"], guardian_in_work=True),
                                 "foreldrepenger_sykehus")
    assert relevance == "likely"
    assert any("expecting the child" in r for r in reasons)
    assert item(child(4, "chronic_somatic", services=["hospital"], guardian_in_work=True),
                "foreldrepenger_sykehus")[0] == "not_applicable"


def test_the_extension_for_premature_birth_is_cited_only_from_july_2019():
    profile = child(0, "physical", services=["hospital"], guardian_in_work=True)
    assert "folketrygdloven § 14-10 a (lengre periode ved fødsel før uke 33)" in item(profile, "foreldrepenger_sykehus", "nb")[2].legal_basis
    assert len(item(profile, "foreldrepenger_sykehus", "nb", date(2019, 6, 30))[2].legal_basis) == 1


def test_palliative_care_covers_an_expected_child_with_a_life_limiting_condition():
    relevance, reasons, _ = item(child(-1, "life_limiting"), "palliasjon_barn")
    assert relevance == "likely"
    assert any("pregnant women expecting a child with a serious foetal anomaly" in r for r in reasons)
    assert item(child(9, "autism"), "palliasjon_barn")[0] == "not_applicable"


@pytest.mark.parametrize(("age", "relevance", "words"), [
    (12, "likely", "free dental care to the end of the year they turn 18"),
    (19, "likely", "pays a quarter of the price"),
    (21, "not_applicable", "ask the county's dental service"),
])
def test_dental_care_by_age(age, relevance, words):
    got, reasons, _ = item(child(age, "physical"), "tannhelse_barn")
    assert got == relevance and any(words in r for r in reasons)


@pytest.mark.parametrize(("age", "relevance"), [(15, "likely"), (16, "possible"), (17, "possible"), (18, "not_applicable")])
def test_patient_fees_free_under_16_and_psychotherapy_under_18(age, relevance):
    assert item(child(age, "psychiatric"), "egenandel_barn")[0] == relevance


def test_leisure_fund_follows_the_familys_answers_about_work():
    assert item(child(10, "autism", guardian_in_work=False), "fritidskasse")[0] == "likely"
    assert item(child(10, "autism", guardian_in_work=True, reduced_work_because_of_care=False),
                "fritidskasse")[0] == "not_applicable"
    relevance, _, suggestion = item(child(10, "autism"), "fritidskasse")
    assert relevance == "possible" and suggestion.question_facts


def test_sign_language_interpreter_needs_hearing_loss_and_a_communication_need():
    assert item(child(8, "hearing", needs={"communication_support": True}), "tegnspraktolk")[0] == "likely"
    assert item(child(8, "hearing", needs={"communication_support": False}), "tegnspraktolk")[0] == "not_applicable"


def test_time_off_work_is_for_parents_in_work():
    assert item(child(8, "chronic_somatic", guardian_in_work=True), "arbeid_omsorg")[0] == "likely"
    assert item(child(8, "chronic_somatic", guardian_in_work=False), "arbeid_omsorg")[0] == "not_applicable"


def test_housing_grant_needs_a_lasting_mobility_need():
    assert item(child(8, "physical", needs={"uses_wheelchair": True}), "tilpasning_bolig")[0] == "likely"
    short = child(8, "physical", needs={"uses_wheelchair": True})
    short["child"]["expected_duration_months"] = 6
    assert item(short, "tilpasning_bolig")[0] == "not_applicable"
