"""Synthetic fødselsnummer (los.core.fnr), checked against python-stdnum. Pure Python, no database."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from stdnum.no import fodselsnummer

from los.core import fnr


def _individual_number(number: str) -> int:
    return int(number[6:9])


def _with_control_digits(first_nine: str) -> str | None:
    check1 = fodselsnummer.calc_check_digit1(first_nine)
    check2 = fodselsnummer.calc_check_digit2(first_nine + check1)
    if len(check1) != 1 or len(check2) != 1:
        return None
    return first_nine + check1 + check2


def test_a_thousand_generated_numbers_are_all_valid_and_round_trip() -> None:
    rng = random.Random(20260101)
    first, last = date(1900, 1, 1), date.today() - timedelta(days=1)
    seen: set[str] = set()
    for _ in range(1000):
        birth = first + timedelta(days=rng.randrange((last - first).days + 1))
        sex = rng.choice(("M", "F", None))
        number = fnr.generate(birth, rng, sex=sex)
        assert len(number) == 11
        assert number.isdigit()
        assert fodselsnummer.is_valid(number), number
        assert fnr.is_valid(number)
        assert fnr.birth_date_of(number) == birth
        assert fodselsnummer.get_birth_date(number) == birth
        if sex is not None:
            assert fodselsnummer.get_gender(number) == sex
        seen.add(number)
    assert len(seen) > 990  # collisions are possible in principle but rare


def _expected_ranges(year: int) -> list[range]:
    if year <= 1899:
        return [range(500, 750)]
    if year <= 1939:
        return [range(0, 500)]
    if year <= 1999:
        return [range(0, 500), range(900, 1000)]
    return [range(500, 1000)]


@pytest.mark.parametrize("year", range(1854, 2040))
def test_birth_dates_round_trip_for_every_year(year: int) -> None:
    rng = random.Random(year)
    days = [date(year, 1, 1), date(year, 6, 15), date(year, 12, 31)]
    if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        days.append(date(year, 2, 29))
    for birth in days:
        for sex in ("M", "F"):
            number = fnr.generate(birth, rng, sex=sex)
            assert fnr.birth_date_of(number) == birth
            assert any(_individual_number(number) in allowed for allowed in _expected_ranges(year))
            assert fodselsnummer.get_gender(number) == sex
            # stdnum refuses numbers for people not born yet; otherwise it must accept ours.
            assert fnr.is_valid(number) == (birth <= date.today())


def test_both_ranges_are_used_for_births_1940_to_1999() -> None:
    rng = random.Random(7)
    numbers = [_individual_number(fnr.generate(date(1975, 5, 5), rng)) for _ in range(200)]
    assert any(n < 500 for n in numbers)
    assert any(n >= 900 for n in numbers)


def test_future_birth_date_round_trips_although_stdnum_calls_it_invalid() -> None:
    birth = date(2039, 12, 31)
    number = fnr.generate(birth, random.Random(1))
    assert not fodselsnummer.is_valid(number)  # "this person has not been born yet"
    assert fnr.birth_date_of(number) == birth


def test_generation_is_deterministic_for_a_seed() -> None:
    births = [date(2015, 3, 4), date(1980, 12, 24), date(1939, 2, 28), date(2008, 2, 29)]

    def run(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [fnr.generate(birth, rng) for birth in births for _ in range(5)]

    assert run(42) == run(42)
    assert run(42) != run(43)


def test_sex_is_encoded_in_the_ninth_digit() -> None:
    rng = random.Random(3)
    for _ in range(50):
        assert int(fnr.generate(date(2012, 8, 1), rng, sex="M")[8]) % 2 == 1
        assert int(fnr.generate(date(2012, 8, 1), rng, sex="F")[8]) % 2 == 0


@pytest.mark.parametrize("sex", ["m", "male", "X", ""])
def test_unknown_sex_is_refused(sex: str) -> None:
    with pytest.raises(ValueError):
        fnr.generate(date(2012, 8, 1), random.Random(1), sex=sex)


@pytest.mark.parametrize("birth", [date(1853, 12, 31), date(2040, 1, 1), date(1700, 1, 1)])
def test_birth_year_outside_the_encodable_range_is_refused(birth: date) -> None:
    with pytest.raises(ValueError):
        fnr.generate(birth, random.Random(1))


def test_known_valid_number_from_stdnum_documentation() -> None:
    assert fnr.is_valid("15108695088")
    assert fnr.is_valid("151086 95088")
    assert fnr.birth_date_of("151086-95088") == date(1986, 10, 15)


def test_wrong_checksum_is_rejected() -> None:
    number = fnr.generate(date(2014, 9, 9), random.Random(5))
    for position in (9, 10):
        wrong_digit = str((int(number[position]) + 1) % 10)
        broken = number[:position] + wrong_digit + number[position + 1 :]
        assert not fnr.is_valid(broken)
        with pytest.raises(fnr.InvalidFodselsnummerError):
            fnr.birth_date_of(broken)


def test_impossible_date_with_correct_control_digits_is_rejected() -> None:
    # 31 February 2015, individual numbers from the 2000s range, control digits computed correctly.
    numbers = [_with_control_digits(f"310215{individual}") for individual in range(500, 520)]
    broken = next(number for number in numbers if number is not None)
    assert not fnr.is_valid(broken)
    with pytest.raises(fnr.InvalidFodselsnummerError):
        fnr.birth_date_of(broken)


def test_date_in_a_century_the_individual_number_does_not_allow_is_rejected() -> None:
    # Year 45 with individual number 750-899 decodes to no century at all.
    numbers = [_with_control_digits(f"010145{individual}") for individual in range(750, 770)]
    broken = next(number for number in numbers if number is not None)
    assert not fnr.is_valid(broken)
    with pytest.raises(fnr.InvalidFodselsnummerError):
        fnr.birth_date_of(broken)


@pytest.mark.parametrize("text", ["", "1234567890", "123456789012", "1510869508a", "abcdefghijk"])
def test_wrong_length_or_letters_are_rejected(text: str) -> None:
    assert not fnr.is_valid(text)
    with pytest.raises(fnr.InvalidFodselsnummerError):
        fnr.birth_date_of(text)


def test_d_numbers_are_accepted_but_never_generated() -> None:
    d_number = next(
        number
        for individual in range(0, 50)
        if (number := _with_control_digits(f"410180{individual:03d}")) is not None
    )
    assert fnr.is_valid(d_number)
    assert fnr.birth_date_of(d_number) == date(1980, 1, 1)
    rng = random.Random(11)
    for _ in range(200):
        assert int(fnr.generate(date(1980, 1, 1), rng)[0]) < 4
