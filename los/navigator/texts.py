"""Filling the catalogue's translated texts with the family's facts. Pure Python, no Django.

A text may hold ``{placeholders}``. A placeholder is resolved, in this order, from the entry's parameters
in force (``{max_age}``), from the derived, translated facts below, and from a dotted path into the
profile (``{family.siblings}``). A placeholder that cannot be filled raises :class:`MissingValueError`; the
optional ``rates`` text then falls back to a general sentence, and for other texts it is a data error that
the catalogue tests catch.

Derived facts: ``age``, ``age_desc`` ("is 8 years old" / "is not born yet"), ``conditions``,
``duration_desc``, ``setting_name``, ``services``, ``services_count``, ``needs_list``, ``needs_count``,
``help_summary``, ``siblings``, ``guardians``, ``language_name``, ``as_of``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from los.navigator.rules import fact_getter

__all__ = ["LANGUAGE_ALIASES", "MissingValueError", "TextContext", "profile_language"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")

#: Language tags in ``family.language`` that map to a product language.
LANGUAGE_ALIASES = {
    "nb": "nb", "no": "nb", "nob": "nb", "nb-no": "nb", "no-nb": "nb",
    "nn": "nn", "nno": "nn", "nn-no": "nn",
    "en": "en", "eng": "en",
}

_MONTHS = {
    "nb": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember"],
    "nn": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


class MissingValueError(KeyError):
    """A placeholder has no value for this profile or date."""


def profile_language(profile: Mapping[str, Any], default: str = "nb") -> str:
    """The product language for a profile: ``family.language`` if it is nb/nn/en (or a variant), else nb."""
    family = profile.get("family")
    tag = family.get("language") if isinstance(family, dict) else None
    if isinstance(tag, str):
        tag = tag.strip().lower().replace("_", "-")
        if tag in LANGUAGE_ALIASES:
            return LANGUAGE_ALIASES[tag]
        primary = tag.split("-", 1)[0]
        if primary in LANGUAGE_ALIASES:
            return LANGUAGE_ALIASES[primary]
    return default


def _format_number(value: Any, lang: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return str(value)
    text = f"{value:,}"
    return text if lang == "en" else text.replace(",", "\u00a0")


class TextContext:
    """The derived facts of one profile in one language, and the renderer for templates."""

    def __init__(self, profile: Mapping[str, Any], lang: str, vocabulary: Mapping[str, Any], as_of: date):
        self.profile = profile
        self.lang = lang
        self.vocabulary = vocabulary
        self.values: dict[str, str] = {}
        self._derive(as_of)

    # -- vocabulary helpers ------------------------------------------------------------------------

    def word(self, group: str, key: str) -> str:
        entry = self.vocabulary.get(group, {}).get(key)
        if isinstance(entry, dict) and self.lang in entry:
            return entry[self.lang]
        return str(key)

    def join(self, items: list[str]) -> str:
        if not items:
            return ""
        if len(items) == 1:
            return items[0]
        return f"{', '.join(items[:-1])} {self.word('words', 'and')} {items[-1]}"

    def phrase(self, key: str, **values: Any) -> str:
        """A generic sentence from the vocabulary, filled with ``values`` and the derived facts."""
        return self.render(self.word("phrases", key), values)

    # -- derived facts -----------------------------------------------------------------------------

    def _derive(self, as_of: date) -> None:
        p = self.profile
        child = p.get("child") if isinstance(p.get("child"), dict) else {}
        family = p.get("family") if isinstance(p.get("family"), dict) else {}
        v = self.values
        v["as_of"] = self.format_date(as_of)
        age = child.get("age_years")
        if isinstance(age, int):
            v["age"] = str(age)
            if age < 0:
                v["age_desc"] = self.phrase("age_expected")
            elif age == 0:
                v["age_desc"] = self.phrase("age_infant")
            elif age == 1:
                v["age_desc"] = self.phrase("age_one")
            else:
                v["age_desc"] = self.phrase("age_years", n=age)
        conditions = child.get("condition_categories")
        if isinstance(conditions, list):
            names = [self.word("conditions", c) for c in conditions]
            v["conditions"] = self.join(names) if names else self.phrase("no_condition")
        duration = child.get("expected_duration_months")
        if isinstance(duration, int):
            if duration >= 24 and duration % 12 == 0:
                v["duration_desc"] = self.phrase("duration_years", n=duration // 12)
            else:
                v["duration_desc"] = self.phrase("duration_months", n=duration)
        setting = child.get("setting")
        if isinstance(setting, str):
            v["setting_name"] = self.word("settings", setting)
        services = child.get("services_involved")
        needs = child.get("needs")
        parts = []
        if isinstance(services, list):
            names = [self.word("services", s) for s in services]
            v["services"] = self.join(names) or self.phrase("nothing")
            v["services_count"] = str(len(services))
            if services:
                parts.append(self.phrase("summary_services", services=self.join(self._short(names))))
        if isinstance(needs, dict):
            names = [self.word("needs", k) for k, value in needs.items() if value is True]
            v["needs_list"] = self.join(names) or self.phrase("nothing")
            v["needs_count"] = str(len(names))
            if names:
                parts.append(self.phrase("summary_needs", needs=self.join(self._short(names))))
        if parts:
            v["help_summary"] = "; ".join(parts)
        elif isinstance(services, list) or isinstance(needs, dict):
            v["help_summary"] = self.phrase("summary_none")
        for key in ("siblings", "guardians"):
            if isinstance(family.get(key), int):
                v[key] = str(family[key])
        language = family.get("language")
        if isinstance(language, str) and language:
            v["language_name"] = self.word("languages", language.lower().split("-", 1)[0])

    def _short(self, names: list[str], limit: int = 4) -> list[str]:
        if len(names) <= limit:
            return names
        return [*names[: limit - 1], self.phrase("and_more", n=len(names) - limit + 1)]

    def format_date(self, day: date) -> str:
        month = _MONTHS[self.lang][day.month - 1]
        if self.lang == "en":
            return f"{day.day} {month} {day.year}"
        return f"{day.day}. {month} {day.year}"

    # -- rendering ---------------------------------------------------------------------------------

    def render(self, template: str, params: Mapping[str, Any] | None = None, missing: str | None = None) -> str:
        """Fill ``template``'s placeholders. One without a value raises :class:`MissingValueError`, or is
        replaced by ``missing`` when that is given."""
        params = params or {}

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in params:
                value = params[name]
                if isinstance(value, dict) and self.lang in value:
                    return str(value[self.lang])
                return _format_number(value, self.lang)
            if name in self.values:
                return self.values[name]
            if "." in name:
                value = fact_getter(name)(self.profile)
                if value is not None:
                    return _format_number(value, self.lang)
            if missing is not None:
                return missing
            raise MissingValueError(name)

        return _PLACEHOLDER.sub(fill, template)
