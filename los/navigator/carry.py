"""Carrying the anonymous navigator's answers into the open request form, so that a parent never types them again.

The anonymous navigator stores nothing (no rows, no session). Its results page therefore hands the answers on as a
*signed, short-lived token* in the body of a POST to the request form (``referrals:public_request``): never in a
URL, never unsigned. :func:`pack` signs the profile the answers describe and the chosen municipality with Django's
signing (the ``SECRET_KEY``, a salt of its own, a time stamp); :func:`unpack` refuses a token that was changed, made
for another purpose or is older than :data:`MAX_AGE`, and turns a good one into what the request form can use: the
municipality and a plain summary of the answers for "what would you like help with", in the page's language. The
form says what was filled in, and the parent can change all of it before sending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from los.core.models import Municipality, ProviderKind
from los.families.models import ConditionCategory, Setting
from los.navigator.engine import load_catalog
from los.navigator.questionnaire import DURATION_CHOICES, QUESTIONS, answer_to_choice

#: The POST field that carries the token.
FIELD = "navigator_answers"
#: How long a results page can hand its answers on (seconds).
MAX_AGE = 2 * 60 * 60
_SALT = "los.navigator.carry"


def pack(profile: dict[str, Any], municipality_id: int | None) -> str:
    """A signed, time-stamped token with the profile and the municipality (compressed, URL-safe characters)."""
    return signing.dumps({"p": profile, "m": municipality_id}, salt=_SALT, compress=True)


@dataclass
class Carried:
    """What the request form can fill in from a token: its initial values and the names of the fields filled."""

    municipality: Municipality | None
    description: str
    fields: list[str] = field(default_factory=list)

    @property
    def initial(self) -> dict[str, Any]:
        out: dict[str, Any] = {"description": self.description, "carried": ",".join(self.fields)}
        if self.municipality is not None:
            out["municipality"] = self.municipality.pk
        return out


def unpack(token: str) -> Carried | None:
    """The answers of a good token, described in the active language; None for a token that was changed, is too
    old, or is not one of ours."""
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), dict):
        return None
    municipality = None
    if isinstance(data.get("m"), int):
        municipality = Municipality.objects.filter(pk=data["m"]).first()
    lines = describe(data["p"])
    fields = (["municipality"] if municipality is not None else []) + (["description"] if lines else [])
    text = ""
    if lines:
        text = "\n".join([_("From the navigator in Los:"), *(f"- {line}" for line in lines), "",
                          _("What we would like help with:"), ""])
    return Carried(municipality=municipality, description=text, fields=fields)


def _age(age: int) -> str:
    if age < 0:
        return _("we are expecting a child")
    if age == 0:
        return _("under 1 year")
    return ngettext("%(n)d year", "%(n)d years", age) % {"n": age}


def describe(profile: dict[str, Any]) -> list[str]:
    """The answers as short lines in the active language: what a coordinating unit reads first."""
    child = profile.get("child") or {}
    family = profile.get("family") or {}
    lines: list[str] = []
    if isinstance(child.get("age_years"), int):
        lines.append(_("The child’s age: %(age)s") % {"age": _age(child["age_years"])})
    conditions = dict(ConditionCategory.choices)
    if child.get("condition_categories"):
        lines.append(_("Illness, injury or disability: %(list)s")
                     % {"list": ", ".join(str(conditions[c]) for c in child["condition_categories"] if c in conditions)})
    settings = dict(Setting.choices)
    if child.get("setting") in settings:
        lines.append(_("During the day: %(setting)s") % {"setting": settings[child["setting"]]})
    kinds = dict(ProviderKind.choices)
    if child.get("services_involved"):
        lines.append(_("Services involved: %(list)s")
                     % {"list": ", ".join(str(kinds.get(s, s)) for s in child["services_involved"])})
    durations = dict(DURATION_CHOICES)
    months = child.get("expected_duration_months")
    if isinstance(months, int):
        duration_question = next(q for q in QUESTIONS if q.kind == "duration")
        lines.append(_("Expected to last: %(duration)s")
                     % {"duration": durations[answer_to_choice(duration_question, months)]})
    needs = child.get("needs") or {}
    child_yes = [str(q.short) for q in QUESTIONS if q.scope == "child" and q.kind == "yesno" and needs.get(q.key) is True]
    if child_yes:
        lines.append(_("The child: %(list)s") % {"list": "; ".join(child_yes)})
    family_yes = [str(q.short) for q in QUESTIONS if q.scope == "family" and q.kind == "yesno"
                  and family.get(q.key) is True]
    if isinstance(family.get("guardians"), int):
        family_yes.append(ngettext("%(n)d parent or guardian", "%(n)d parents or guardians", family["guardians"])
                          % {"n": family["guardians"]})
    if isinstance(family.get("siblings"), int):
        family_yes.append(ngettext("%(n)d brother or sister", "%(n)d brothers and sisters", family["siblings"])
                          % {"n": family["siblings"]})
    if family_yes:
        lines.append(_("The family: %(list)s") % {"list": "; ".join(family_yes)})
    if family.get("needs_interpreter") is True:
        languages = load_catalog().vocabulary.get("languages", {})
        name = _language_name(languages, str(family.get("language") or ""))
        lines.append(_("We need an interpreter (%(language)s).") % {"language": name} if name
                     else _("We need an interpreter."))
    has = [key for key, value in (profile.get("has") or {}).items() if value]
    if has:
        names = {e.id: e.names[_page_lang()] for e in load_catalog().entries}
        lines.append(_("We already have: %(list)s") % {"list": ", ".join(names.get(k, k) for k in has)})
    return lines


def _page_lang() -> str:
    from los.navigator.selectors import page_language

    return page_language()


def _language_name(languages: dict, code: str) -> str:
    names = languages.get(code)
    if not isinstance(names, dict) or code in ("nb", "nn", "no", "en"):
        return ""
    return str(names.get(_page_lang()) or names.get("nb") or "")
