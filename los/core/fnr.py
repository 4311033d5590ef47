"""Synthetic fødselsnummer (Norwegian national identity number) for tests and demo data.

A fødselsnummer has 11 digits: ``DDMMYY`` birth date, a three-digit individual number ``III`` and two
control digits ``K1 K2`` (modulus 11). The individual number encodes the century, and its last digit
the legal sex (odd = male, even = female). The century rule used here is the one python-stdnum
decodes (``stdnum.no.fodselsnummer.get_birth_date``), which matches the ranges of the former
forskrift om folkeregistrering § 2-2 (quoted at https://lovas.info/2013/12/01/identitetsnummer-i-norge/):

=====================  =================================================
individual number      birth years
=====================  =================================================
000–499                1900–1999
500–749                1854–1899
500–999                2000–2039
900–999                1940–1999
=====================  =================================================

So a person born 1900–1939 gets 000–499, 1940–1999 gets 000–499 or 900–999, 2000–2039 gets 500–999
and 1854–1899 gets 500–749. Validation and decoding are delegated to python-stdnum; this module only
*generates* numbers and wraps stdnum for the rest.

.. warning::

   Generated numbers are ordinary, fully valid fødselsnummer. Any of them may belong to a real person:
   there is no way to tell a synthetic number from a real one by its digits. (Schemes that mark
   synthetic persons with an impossible month, e.g. month + 80, are rejected by python-stdnum 2.2,
   which allows at most month + 40, so Los cannot use them.) Demo and test data must **never** be mixed
   with production data: a Los deployment refuses to run ``seed_demo`` when
   ``LOS_ENVIRONMENT=production``.

D-numbers (day + 40) and H-numbers (month + 40) are accepted by :func:`is_valid` (stdnum accepts
them) but never generated.
"""

from __future__ import annotations

import random
from datetime import date

from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.no import fodselsnummer

__all__ = [
    "FIRST_BIRTH_DATE",
    "LAST_BIRTH_DATE",
    "InvalidFodselsnummerError",
    "birth_date_of",
    "generate",
    "is_valid",
]

#: The first and last birth dates a fødselsnummer can encode (see the table in the module docstring).
FIRST_BIRTH_DATE = date(1854, 1, 1)
LAST_BIRTH_DATE = date(2039, 12, 31)

_SEXES = {"M", "F"}


class InvalidFodselsnummerError(ValueError):
    """The text is not a valid fødselsnummer."""


def _individual_numbers(year: int) -> list[int]:
    """Individual numbers that python-stdnum decodes to ``year``'s century."""
    if 1854 <= year <= 1899:
        return list(range(500, 750))
    if 1900 <= year <= 1939:
        return list(range(0, 500))
    if 1940 <= year <= 1999:
        return list(range(0, 500)) + list(range(900, 1000))
    if 2000 <= year <= 2039:
        return list(range(500, 1000))
    raise ValueError(f"A fødselsnummer cannot encode a birth in {year} (only {FIRST_BIRTH_DATE.year}–2039).")


def generate(birth_date: date, rng: random.Random, sex: str | None = None) -> str:
    """Return a valid synthetic fødselsnummer for ``birth_date``.

    ``sex`` is ``"M"``, ``"F"`` or ``None`` (either, chosen by ``rng``). The result is deterministic for
    a given ``rng`` state: the same seed gives the same numbers in the same order. The number has a
    correct individual number for the birth year and both control digits, so
    ``stdnum.no.fodselsnummer.is_valid`` accepts it, except that stdnum refuses every number whose
    birth date lies after today (see :func:`birth_date_of`).

    Raises ``ValueError`` for a birth year outside 1854–2039 or an unknown ``sex``.
    """
    if sex is not None and sex not in _SEXES:
        raise ValueError(f"sex must be 'M', 'F' or None, not {sex!r}.")
    if sex is None:
        sex = rng.choice(("M", "F"))
    parity = 1 if sex == "M" else 0
    candidates = [number for number in _individual_numbers(birth_date.year) if number % 2 == parity]
    rng.shuffle(candidates)
    prefix = birth_date.strftime("%d%m") + f"{birth_date.year % 100:02d}"
    for individual in candidates:
        digits = f"{prefix}{individual:03d}"
        check1 = fodselsnummer.calc_check_digit1(digits)
        if len(check1) != 1:  # remainder gives 10: no valid control digit for this individual number
            continue
        check2 = fodselsnummer.calc_check_digit2(digits + check1)
        if len(check2) != 1:
            continue
        return digits + check1 + check2
    # Unreachable in practice: about 80 % of the 250–500 candidates give valid control digits.
    raise ValueError(f"No valid fødselsnummer exists for {birth_date.isoformat()} and sex {sex}.")


def is_valid(fnr: str) -> bool:
    """True if python-stdnum accepts ``fnr`` (length, digits, both control digits, a real birth date not
    in the future). Spaces and hyphens are ignored."""
    return fodselsnummer.is_valid(fnr)


def birth_date_of(fnr: str) -> date:
    """The birth date encoded in ``fnr``, using python-stdnum's decoding.

    Raises :class:`InvalidFodselsnummerError` if stdnum rejects the number, with one exception: a number
    that is valid except that its birth date lies after today (stdnum refuses those) still returns
    that date, so a generated number always round-trips.
    """
    number = fodselsnummer.compact(fnr)
    try:
        return fodselsnummer.get_birth_date(fodselsnummer.validate(number))
    except InvalidComponent as exc:
        # validate() checks length, digits and control digits before the date, so only the date
        # (or a future birth) is wrong here. Keep the date if it is well-formed but in the future.
        try:
            born = fodselsnummer.get_birth_date(number)
        except ValidationError:
            raise InvalidFodselsnummerError(str(exc)) from exc
        if born > date.today():
            return born
        raise InvalidFodselsnummerError(str(exc)) from exc
    except ValidationError as exc:
        raise InvalidFodselsnummerError(str(exc) or type(exc).__name__) from exc
