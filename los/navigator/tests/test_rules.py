"""The rule language: three-valued logic, operators, named conditions, dated parameters."""

from datetime import date

import pytest

from los.navigator.rules import (
    RuleError,
    all3,
    any3,
    compile_condition,
    fact_getter,
    flatten,
    not3,
    resolve_parameters,
)

T, F, U = True, False, None


def run(rule, profile, params=None, named=None):
    return compile_condition(rule, params or {}, named)(flatten(profile))


PROFILE = {
    "child": {
        "age_years": 8,
        "condition_categories": ["physical", "neurological"],
        "setting": "primary_school",
        "needs": {"night_care": True, "uses_wheelchair": False},
        "services_involved": ["school", "habu"],
    },
    "family": {"siblings": 0, "language": "nb"},
}


class TestThreeValuedLogic:
    @pytest.mark.parametrize(
        ("values", "expected"),
        [([T, T], T), ([T, F], F), ([U, F], F), ([T, U], U), ([U, U], U), ([], T)],
    )
    def test_and(self, values, expected):
        assert all3(values) is expected

    @pytest.mark.parametrize(
        ("values", "expected"),
        [([F, F], F), ([F, T], T), ([U, T], T), ([F, U], U), ([U, U], U), ([], F)],
    )
    def test_or(self, values, expected):
        assert any3(values) is expected

    def test_not(self):
        assert not3(T) is F and not3(F) is T and not3(U) is U

    def test_compiled_all_any_not_follow_kleene(self):
        unknown = {"fact": "child.needs.medical_treatment_at_home"}  # not given -> unknown
        yes = {"fact": "child.needs.night_care"}
        no = {"fact": "child.needs.uses_wheelchair"}
        assert run({"all": [yes, unknown]}, PROFILE) is U
        assert run({"all": [no, unknown]}, PROFILE) is F
        assert run({"any": [yes, unknown]}, PROFILE) is T
        assert run({"any": [no, unknown]}, PROFILE) is U
        assert run({"not": unknown}, PROFILE) is U
        assert run({"not": yes}, PROFILE) is F

    def test_constants(self):
        assert run(True, PROFILE) is T
        assert run(False, PROFILE) is F


class TestFactsAndOperators:
    def test_boolean_fact_missing_is_unknown_not_false(self):
        assert run({"fact": "child.needs.night_care"}, PROFILE) is T
        assert run({"fact": "child.needs.uses_wheelchair"}, PROFILE) is F
        assert run({"fact": "child.needs.extra_expenses"}, PROFILE) is U
        assert run({"fact": "family.guardian_in_work"}, PROFILE) is U
        assert run({"fact": "child.needs.night_care"}, {"child": {"age_years": 1}}) is U

    def test_known_is_never_unknown(self):
        assert run({"known": "family.language"}, PROFILE) is T
        assert run({"known": "family.guardians"}, PROFILE) is F

    def test_comparisons(self):
        assert run({"lt": ["child.age_years", 18]}, PROFILE) is T
        assert run({"ge": ["child.age_years", 18]}, PROFILE) is F
        assert run({"eq": ["child.setting", "primary_school"]}, PROFILE) is T  # right side: a word
        assert run({"ne": ["child.setting", "kindergarten"]}, PROFILE) is T
        assert run({"gt": ["child.expected_duration_months", 12]}, PROFILE) is U
        assert run({"le": ["family.siblings", 0]}, PROFILE) is T

    def test_comparison_with_mismatched_types_is_unknown_not_an_error(self):
        assert run({"lt": ["child.setting", 3]}, PROFILE) is U

    def test_between_and_in(self):
        assert run({"between": ["child.age_years", 6, 12]}, PROFILE) is T
        assert run({"between": ["child.age_years", 0, 5]}, PROFILE) is F
        assert run({"in": ["child.setting", ["kindergarten", "primary_school"]]}, PROFILE) is T
        assert run({"in": ["family.language", ["ar", "so"]]}, PROFILE) is F
        assert run({"in": ["family.guardians", [1, 2]]}, PROFILE) is U

    def test_in_with_a_parameter_list(self):
        rule = {"in": ["family.language", {"param": "norwegian"}]}
        assert run(rule, PROFILE, params={"norwegian": ["nb", "nn"]}) is T

    def test_has_any_and_empty(self):
        assert run({"has_any": ["child.condition_categories", ["autism", "physical"]]}, PROFILE) is T
        assert run({"has_any": ["child.condition_categories", ["autism"]]}, PROFILE) is F
        assert run({"has_any": ["child.condition_categories", ["autism"]]}, {"child": {"age_years": 2}}) is U
        assert run({"empty": "child.condition_categories"}, PROFILE) is F
        assert run({"empty": "child.condition_categories"}, {"child": {"condition_categories": []}}) is T

    def test_counts_and_sum(self):
        two = {"ge": [{"count": "child.services_involved"}, 2]}
        assert run(two, PROFILE) is T
        assert run({"eq": [{"count_true": "child.needs"}, 1]}, PROFILE) is T
        total = {"sum": [{"count": "child.services_involved"}, {"count_true": "child.needs"}]}
        assert run({"eq": [total, 3]}, PROFILE) is T
        # unknown only when every part is unknown
        assert run({"eq": [total, 1]}, {"child": {"needs": {"night_care": True}}}) is T
        assert run({"eq": [total, 0]}, {"child": {}}) is U

    def test_signal_treats_an_unlisted_need_as_negative_evidence_only_when_needs_were_described(self):
        rule = {"signal": "child.needs.mobility_impairment"}
        assert run(rule, PROFILE) is F  # needs described, this one not among them
        assert run(rule, {"child": {"age_years": 3}}) is U  # nothing described: unknown
        assert run(rule, {"child": {"needs": {}}}) is U  # an empty object says nothing
        assert run(rule, {"child": {"needs": {"mobility_impairment": True}}}) is T
        assert run({"signal": "child.needs.uses_wheelchair"}, PROFILE) is F

    def test_named_conditions_and_loops(self):
        named = {"school": {"in": ["child.setting", ["primary_school"]]}, "loop": {"ref": "loop"}}
        assert run({"ref": "school"}, PROFILE, named=named) is T
        with pytest.raises(RuleError, match="refers to itself"):
            run({"ref": "loop"}, PROFILE, named=named)
        with pytest.raises(RuleError, match="unknown named condition"):
            run({"ref": "nope"}, PROFILE, named=named)

    @pytest.mark.parametrize(
        "bad",
        [
            {"all": []},
            {"lt": ["child.age_years"]},
            {"between": ["child.age_years", 1]},
            {"frobnicate": "x"},
            {"fact": "child..needs"},
            {"fact": "a.b.c.d"},
            {"lt": ["child.age_years", {"param": "missing"}]},
            {"has_any": ["child.condition_categories", "autism"]},
            {"signal": "child"},
            {"fact": "x", "known": "y"},
        ],
    )
    def test_malformed_rules_fail_at_compile_time(self, bad):
        with pytest.raises(RuleError):
            compile_condition(bad, {}, {})

    def test_flatten_reaches_three_levels(self):
        flat = flatten(PROFILE)
        assert flat["child.needs.night_care"] is True
        assert flat["child.needs"] == {"night_care": True, "uses_wheelchair": False}
        assert flat["family.siblings"] == 0
        assert "child.needs.extra_expenses" not in flat

    def test_nested_fact_getter_for_texts(self):
        assert fact_getter("child.needs.night_care")(PROFILE) is True
        assert fact_getter("family.guardians")(PROFILE) is None
        assert fact_getter("child.setting.deeper")(PROFILE) is None


class TestDatedParameters:
    ROWS = [
        {"name": "max_age", "value": 12, "valid_from": "1998-01-01", "valid_to": "2017-09-30"},
        {"name": "max_age", "value": 18, "valid_from": date(2017, 10, 1)},
        {"name": "rate", "value": 1229, "valid_from": "2019-01-01", "valid_to": "2021-12-31"},
    ]

    def test_picks_the_value_in_force_on_the_date(self):
        assert resolve_parameters(self.ROWS, date(2016, 6, 1)) == {"max_age": 12}
        assert resolve_parameters(self.ROWS, date(2017, 9, 30))["max_age"] == 12  # valid_to is inclusive
        assert resolve_parameters(self.ROWS, date(2017, 10, 1))["max_age"] == 18
        assert resolve_parameters(self.ROWS, date(2020, 1, 1)) == {"max_age": 18, "rate": 1229}
        assert "rate" not in resolve_parameters(self.ROWS, date(2022, 1, 1))

    def test_before_any_value_the_parameter_is_absent_and_a_rule_using_it_fails_loudly(self):
        params = resolve_parameters(self.ROWS, date(1990, 1, 1))
        assert params == {}
        with pytest.raises(RuleError, match="max_age"):
            compile_condition({"lt": ["child.age_years", {"param": "max_age"}]}, params, {})

    def test_same_rule_different_dates_gives_different_answers(self):
        rule = {"lt": ["child.age_years", {"param": "max_age"}]}
        child_14 = flatten({"child": {"age_years": 14}})
        old = compile_condition(rule, resolve_parameters(self.ROWS, date(2016, 6, 1)), {})
        new = compile_condition(rule, resolve_parameters(self.ROWS, date(2024, 6, 1)), {})
        assert old(child_14) is False
        assert new(child_14) is True

    @pytest.mark.parametrize(
        "rows",
        [
            [{"name": "x", "value": 1, "valid_from": "2020-01-01"}, {"name": "x", "value": 2, "valid_from": "2021-01-01"}],
            [{"name": "x", "value": 1}],
            [{"name": "x", "value": 1, "valid_from": "2020-01-01", "valid_to": "2019-01-01"}],
            [{"value": 1, "valid_from": "2020-01-01"}],
            [{"name": "x", "value": 1, "valid_from": "not a date"}],
        ],
    )
    def test_bad_parameter_rows_are_data_errors(self, rows):
        with pytest.raises(RuleError):
            resolve_parameters(rows, date(2022, 6, 1))
