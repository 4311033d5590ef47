"""Appeal deadlines and the fvl § 11 a one-month point (los.core.deadlines). Pure Python, no database."""

from __future__ import annotations

from datetime import date

import pytest

from los.core.deadlines import (
    APPEAL_RULES,
    DECISION_BASES,
    AppealBody,
    AppealRule,
    UnknownLegalBasis,
    add_months,
    add_weeks,
    appeal_deadline,
    extend_to_working_day,
    needs_preliminary_reply,
    preliminary_reply_due,
    resolve_legal_basis,
)
from los.core.holidays import is_working_day

# --------------------------------------------------------------------------------------------------
# Arithmetic helpers
# --------------------------------------------------------------------------------------------------


def test_add_weeks_keeps_the_weekday() -> None:
    start = date(2026, 3, 3)  # Tuesday
    for weeks in range(0, 60):
        assert add_weeks(start, weeks).weekday() == start.weekday()
    assert add_weeks(start, 3) == date(2026, 3, 24)


def test_add_weeks_across_a_leap_day() -> None:
    assert add_weeks(date(2024, 2, 15), 3) == date(2024, 3, 7)
    assert add_weeks(date(2023, 2, 15), 3) == date(2023, 3, 8)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2026, 1, 29), 1, date(2026, 2, 28)),
        (date(2024, 1, 29), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 12, 15), 2, date(2027, 2, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 1, 31), 25, date(2028, 2, 29)),
    ],
)
def test_add_months_uses_the_same_day_number_clamped_to_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_extend_to_working_day() -> None:
    assert extend_to_working_day(date(2026, 3, 24)) == date(2026, 3, 24)
    assert extend_to_working_day(date(2026, 3, 28)) == date(2026, 3, 30)


# --------------------------------------------------------------------------------------------------
# Rules and legal bases
# --------------------------------------------------------------------------------------------------


def test_the_three_rules_have_their_statutory_lengths() -> None:
    assert APPEAL_RULES[AppealRule.FVL].weeks == 3
    assert APPEAL_RULES[AppealRule.PBRL].weeks == 4
    assert APPEAL_RULES[AppealRule.FTRL].weeks == 6
    assert APPEAL_RULES[AppealRule.FVL].law_reference == "forvaltningsloven § 29"
    assert APPEAL_RULES[AppealRule.PBRL].law_reference == "pasient- og brukerrettighetsloven § 7-5"
    assert APPEAL_RULES[AppealRule.FTRL].law_reference == "folketrygdloven § 21-12"
    assert APPEAL_RULES[AppealRule.PBRL].default_appeal_body == AppealBody.STATSFORVALTEREN
    assert APPEAL_RULES[AppealRule.FTRL].default_appeal_body == AppealBody.NAV_KLAGEINSTANS
    for spec in APPEAL_RULES.values():
        assert spec.source


@pytest.mark.parametrize(
    ("legal_basis", "rule", "weeks", "body"),
    [
        ("FVL", AppealRule.FVL, 3, AppealBody.SUPERIOR_BODY),
        ("PBRL", AppealRule.PBRL, 4, AppealBody.STATSFORVALTEREN),
        ("FTRL", AppealRule.FTRL, 6, AppealBody.NAV_KLAGEINSTANS),
        ("pbrl-2-5-c", AppealRule.PBRL, 4, AppealBody.STATSFORVALTEREN),
        ("hol-3-6", AppealRule.PBRL, 4, AppealBody.STATSFORVALTEREN),
        ("pbrl § 2-1 d", AppealRule.PBRL, 4, AppealBody.STATSFORVALTEREN),
        ("BPA", AppealRule.PBRL, 4, AppealBody.STATSFORVALTEREN),
        ("ftrl-6-3", AppealRule.FTRL, 6, AppealBody.NAV_KLAGEINSTANS),
        ("ftrl-6-4", AppealRule.FTRL, 6, AppealBody.NAV_KLAGEINSTANS),
        ("ftrl § 9-10", AppealRule.FTRL, 6, AppealBody.NAV_KLAGEINSTANS),
        ("ftrl § 10-7", AppealRule.FTRL, 6, AppealBody.NAV_KLAGEINSTANS),
        ("barnehageloven § 31", AppealRule.FVL, 3, AppealBody.STATSFORVALTEREN),
        ("opplæringslova § 11-6", AppealRule.FVL, 3, AppealBody.STATSFORVALTEREN),
        ("tt", AppealRule.FVL, 3, AppealBody.COUNTY_APPEALS_BOARD),
        ("parking", AppealRule.FVL, 3, AppealBody.MUNICIPAL_APPEALS_BOARD),
    ],
)
def test_each_basis_gets_its_appeal_rule(
    legal_basis: str, rule: AppealRule, weeks: int, body: AppealBody
) -> None:
    received = date(2026, 3, 3)  # Tuesday; +3, +4 and +6 weeks are all ordinary Tuesdays
    result = appeal_deadline(received, legal_basis)
    assert result.rule == rule
    assert result.weeks == weeks
    assert result.appeal_body == body
    assert result.deadline == add_weeks(received, weeks)
    assert result.deadline.weekday() == received.weekday()
    assert not result.extended
    assert result.law_reference == APPEAL_RULES[rule].law_reference
    assert result.source


@pytest.mark.parametrize("key", sorted(DECISION_BASES))
def test_every_registered_basis_resolves_to_itself_and_is_documented(key: str) -> None:
    basis = DECISION_BASES[key]
    assert resolve_legal_basis(key) is basis
    assert basis.source
    assert basis.law_reference
    assert appeal_deadline(date(2026, 3, 3), key).weeks == APPEAL_RULES[basis.rule].weeks


@pytest.mark.parametrize(
    "spelling",
    [
        "pbrl-2-5-c",
        "pbrl § 2-5 c",
        "Pbrl. § 2-5 c",
        "PBRL §2-5c",
        "pbrl_2_5_c",
        "barnekoordinator",
        "  Barnekoordinator ",
    ],
)
def test_barnekoordinator_decisions_are_found_however_they_are_written(spelling: str) -> None:
    assert resolve_legal_basis(spelling).key == "pbrl-2-5-c"


def test_aliases_and_norwegian_letters() -> None:
    assert resolve_legal_basis("Omsorgsstønad").key == "hol-3-6"
    assert resolve_legal_basis("avlastning").key == "hol-3-6"
    assert resolve_legal_basis("hjelpestønad").key == "ftrl-6-4"
    assert resolve_legal_basis("Opplæringslova").key == "opplaeringslova"
    assert resolve_legal_basis("TT-kort").key == "tt"
    assert resolve_legal_basis("fvl").rule == AppealRule.FVL
    assert resolve_legal_basis("fvl § 29").rule == AppealRule.FVL
    assert resolve_legal_basis("pasient- og brukerrettighetsloven § 7-5").rule == AppealRule.PBRL
    assert resolve_legal_basis("ftrl § 21-12").rule == AppealRule.FTRL


def test_bpa_is_its_own_basis_and_not_respite_care() -> None:
    assert resolve_legal_basis("pbrl § 2-1 d").key == "pbrl-2-1-d"
    assert resolve_legal_basis("pasient- og brukerrettighetsloven § 2-1 d").key == "pbrl-2-1-d"
    assert resolve_legal_basis("helse- og omsorgstjenesteloven § 3-8").key == "pbrl-2-1-d"
    assert resolve_legal_basis("pbrl § 2-8").key == "pbrl-2-8"  # respite care and care allowance


def test_a_specific_key_wins_over_a_chapter_key() -> None:
    assert resolve_legal_basis("pbrl § 2-5").key == "pbrl-2-5"
    assert resolve_legal_basis("pbrl § 2-5 b").key == "pbrl-2-5-b"


@pytest.mark.parametrize(
    "legal_basis",
    [
        "",
        "   ",
        "§",
        "unknown",
        "hol § 9-5",  # chapter 9 (coercion) has its own appeal rules: never guess
        "ftrl § 5-1",  # only the registered ftrl chapters are covered
        "pbrl § 2-5 c extra",  # pbrl § 2-5 c is not a chapter key
        "ftrl-6",  # § 6-3 and § 6-4 are registered, not the whole chapter
    ],
)
def test_unknown_legal_basis_raises_a_clear_error(legal_basis: str) -> None:
    with pytest.raises(UnknownLegalBasis) as excinfo:
        appeal_deadline(date(2026, 3, 3), legal_basis)
    assert excinfo.value.legal_basis == legal_basis
    assert isinstance(excinfo.value, LookupError)
    assert repr(legal_basis) in str(excinfo.value)


# --------------------------------------------------------------------------------------------------
# Deadlines on weekends and holidays
# --------------------------------------------------------------------------------------------------


def test_ordinary_deadline_ends_on_the_same_weekday() -> None:
    result = appeal_deadline(date(2026, 3, 3), "FVL")
    assert result.deadline == date(2026, 3, 24)
    assert result.nominal_deadline == date(2026, 3, 24)
    assert not result.extended


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2026, 3, 7), date(2026, 3, 30)),  # received Saturday -> ends Saturday -> Monday
        (date(2026, 3, 8), date(2026, 3, 30)),  # received Sunday -> ends Sunday -> Monday
    ],
)
def test_deadline_on_a_weekend_moves_to_monday(received: date, expected: date) -> None:
    result = appeal_deadline(received, "FVL")
    assert result.nominal_deadline.weekday() in (5, 6)
    assert result.deadline == expected
    assert result.deadline.weekday() == 0
    assert result.extended


@pytest.mark.parametrize(
    ("received", "legal_basis", "nominal"),
    [
        (date(2026, 3, 12), "FVL", date(2026, 4, 2)),  # ends Maundy Thursday
        (date(2026, 3, 13), "FVL", date(2026, 4, 3)),  # ends Good Friday
        (date(2026, 3, 16), "FVL", date(2026, 4, 6)),  # ends Easter Monday
        (date(2026, 3, 5), "pbrl-2-5-c", date(2026, 4, 2)),  # 4 weeks, ends Maundy Thursday
        (date(2026, 2, 19), "ftrl-6-4", date(2026, 4, 2)),  # 6 weeks, ends Maundy Thursday
    ],
)
def test_deadline_in_easter_moves_to_the_tuesday_after_easter_monday(
    received: date, legal_basis: str, nominal: date
) -> None:
    result = appeal_deadline(received, legal_basis)
    assert result.nominal_deadline == nominal
    assert result.deadline == date(2026, 4, 7)
    assert result.extended


def test_deadline_on_17_may_moves_to_the_next_day() -> None:
    result = appeal_deadline(date(2028, 4, 19), "pbrl-2-5-c")  # Wednesday + 4 weeks
    assert result.nominal_deadline == date(2028, 5, 17)
    assert result.deadline == date(2028, 5, 18)


def test_deadline_on_1_may_moves_past_the_weekend() -> None:
    result = appeal_deadline(date(2026, 4, 10), "FVL")  # 1 May 2026 is a Friday
    assert result.deadline == date(2026, 5, 4)


def test_deadline_on_ascension_day_moves_to_friday() -> None:
    result = appeal_deadline(date(2026, 4, 23), "FVL")
    assert result.nominal_deadline == date(2026, 5, 14)
    assert result.deadline == date(2026, 5, 15)


def test_deadline_on_whit_monday_that_is_also_17_may() -> None:
    result = appeal_deadline(date(2027, 4, 26), "FVL")
    assert result.nominal_deadline == date(2027, 5, 17)
    assert result.deadline == date(2027, 5, 18)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2026, 12, 4), date(2026, 12, 28)),  # Christmas Day (Fri) -> Boxing Day (Sat) -> Monday
        (date(2025, 12, 5), date(2025, 12, 29)),  # Boxing Day (Fri) -> Monday
        (date(2026, 12, 11), date(2027, 1, 4)),  # New Year's Day (Fri) -> Monday
    ],
)
def test_deadline_at_christmas_and_new_year_moves_to_the_next_working_day(
    received: date, expected: date
) -> None:
    assert appeal_deadline(received, "FVL").deadline == expected


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 12, 3), date(2026, 12, 24)),  # Christmas Eve is not a public holiday
        (date(2026, 12, 10), date(2026, 12, 31)),  # nor is New Year's Eve
    ],
)
def test_christmas_eve_and_new_years_eve_do_not_extend_a_deadline(received: date, deadline: date) -> None:
    result = appeal_deadline(received, "FVL")
    assert result.deadline == deadline
    assert not result.extended


def test_six_week_deadline_ending_on_a_leap_day() -> None:
    result = appeal_deadline(date(2024, 1, 18), "ftrl-6-3")
    assert result.deadline == date(2024, 2, 29)
    assert not result.extended


def test_deadline_is_always_a_working_day_and_never_more_than_a_few_days_late() -> None:
    for offset in range(0, 366 * 3):
        received = date(2025, 1, 1).toordinal() + offset
        for rule in ("FVL", "PBRL", "FTRL"):
            result = appeal_deadline(date.fromordinal(received), rule)
            assert is_working_day(result.deadline)
            assert 0 <= (result.deadline - result.nominal_deadline).days <= 5


def test_result_carries_the_decision_basis_for_the_letter() -> None:
    result = appeal_deadline(date(2026, 3, 3), "barnekoordinator")
    assert result.legal_basis == "pbrl-2-5-c"
    assert result.decision_law_reference == "pasient- og brukerrettighetsloven § 2-5 c"
    assert result.law_reference == "pasient- og brukerrettighetsloven § 7-5"
    assert "helsedirektoratet.no" in result.source


# --------------------------------------------------------------------------------------------------
# fvl § 11 a: preliminary reply
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 15), date(2026, 2, 15)),  # Sunday: not moved, it is the administration's duty
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2026, 1, 30), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 5, 31), date(2026, 6, 30)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 6, 10), date(2026, 7, 10)),
    ],
)
def test_preliminary_reply_due_one_month_after_receipt(received: date, due: date) -> None:
    assert preliminary_reply_due(received) == due


def test_needs_preliminary_reply_from_a_week_before_the_month_is_up() -> None:
    received = date(2026, 1, 31)  # one-month point: 28 February 2026
    assert not needs_preliminary_reply(received, date(2026, 2, 1), decided=False)
    assert not needs_preliminary_reply(received, date(2026, 2, 20), decided=False)
    assert needs_preliminary_reply(received, date(2026, 2, 21), decided=False)
    assert needs_preliminary_reply(received, date(2026, 2, 28), decided=False)
    assert needs_preliminary_reply(received, date(2026, 4, 1), decided=False)  # passed, still flagged


def test_needs_preliminary_reply_is_never_flagged_once_decided_or_answered() -> None:
    received = date(2026, 1, 31)
    assert not needs_preliminary_reply(received, date(2026, 4, 1), decided=True)
    assert not needs_preliminary_reply(received, date(2026, 4, 1), decided=False, preliminary_reply_sent=True)


def test_needs_preliminary_reply_warning_period_is_configurable() -> None:
    received = date(2026, 3, 10)  # one-month point: 10 April
    assert not needs_preliminary_reply(received, date(2026, 4, 9), decided=False, warn_days=0)
    assert needs_preliminary_reply(received, date(2026, 4, 10), decided=False, warn_days=0)
    assert needs_preliminary_reply(received, date(2026, 3, 27), decided=False, warn_days=14)
    with pytest.raises(ValueError):
        needs_preliminary_reply(received, date(2026, 4, 10), decided=False, warn_days=-1)
