"""The navigator ("los") engine: from a family situation profile to the rights, services, benefits and
user organisations that may apply. Pure Python (PyYAML + jsonschema), importable without Django settings.

Public API
----------
``evaluate(profile, as_of=None, lang="nb") -> Result``
    Every catalogue entry exactly once: in ``Result.suggestions`` (relevance ``likely``, ``possible`` or
    ``in_place``) or in ``Result.not_applicable``, each with reasons that cite the profile's facts.
``screen(profiles, as_of=None) -> list[tuple[str, ...]]``
    Caseload screening fast path: per profile (same order), the ids that are ``likely`` and not already in
    place. No texts, no schema validation (the profiles come from the product's own database).
``load_catalog()``
    The catalogue (cached), see :mod:`los.navigator.catalog`.
``validate_profile(profile)``
    Checks a profile against ``profile.schema.json``; raises :class:`ProfileError` naming the field.

Order of suggestions: ``likely`` first (what the family should act on now), then ``possible`` (needs an
answer or an assessment), then ``in_place`` (already there, listed so the overview is complete); within a
group by the entry's ``priority`` (coordination and interpreter first, then NAV money, municipal help,
kindergarten/school, specialist services, family support), then id.

``has`` keys: a catalogue id, one of the entry's documented ``aliases`` (e.g. ``individual_plan`` for
``individuell_plan``) or a hyphen/upper-case variant of these. ``true`` makes the entry ``in_place``;
``false`` is kept as information ("you have told us you do not have this") and the rule decides. A value in
``child.services_involved`` listed in an entry's ``in_place_services`` (e.g. ``habu``) also makes it
``in_place`` unless ``has`` says ``false``. Unknown ``has`` keys are ignored and reported in
``Result.unknown_has``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from los.navigator.catalog import Catalog, CompiledEntry, load_catalog
from los.navigator.rules import flatten
from los.navigator.texts import MissingValueError, TextContext, profile_language

__all__ = [
    "RELEVANCE_ORDER",
    "NotApplicable",
    "ProfileError",
    "Result",
    "Suggestion",
    "evaluate",
    "load_catalog",
    "load_schema",
    "profile_language",
    "screen",
    "validate_profile",
]

SCHEMA_PATH = Path(__file__).resolve().parent / "profile.schema.json"
RELEVANCE_ORDER = {"likely": 0, "possible": 1, "in_place": 2}


class ProfileError(ValueError):
    """The profile does not match the schema. ``path`` is the dotted field, ``str(error)`` one line."""

    def __init__(self, path: str, detail: str):
        self.path = path
        self.detail = detail
        super().__init__(f"profile invalid at {path}: {detail}")


@dataclass(frozen=True)
class Suggestion:
    """An entry that may apply (or is already in place)."""

    id: str
    relevance: str
    reasons: list[str]
    legal_basis: list[str]
    provider: str
    how_to_apply: str
    deadline_note: str
    name: str = ""
    sector: str = ""
    priority: int = 0
    questions: list[str] = field(default_factory=list)
    summary: str = ""
    who: str = ""
    who_decides: str = ""
    attach: str = ""
    processing_time: str = ""
    appeal: str = ""
    rates: str = ""
    question_facts: tuple[str, ...] = ()  # the profile facts the questions ask about (all still unanswered)
    last_checked: date | None = None  # when the catalogue entry was last checked against its sources
    sources: tuple[dict[str, Any], ...] = ()  # the public pages it was checked against ({url, checked, about})

    def to_dict(self) -> dict[str, Any]:
        """The shape the navigator contract fixes."""
        return {
            "id": self.id,
            "relevance": self.relevance,
            "reasons": list(self.reasons),
            "legal_basis": list(self.legal_basis),
            "provider": self.provider,
            "how_to_apply": self.how_to_apply,
            "deadline_note": self.deadline_note,
        }


@dataclass(frozen=True)
class NotApplicable:
    """An entry that does not apply, with the reasons why."""

    id: str
    reasons: list[str]
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Result:
    """The navigator's answer for one profile."""

    catalog_version: str
    as_of: date
    lang: str
    suggestions: list[Suggestion]
    not_applicable: list[NotApplicable]
    unknown_has: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the JSON object of the contract."""
        return {
            "catalog_version": self.catalog_version,
            "as_of": self.as_of.isoformat(),
            "suggestions": [s.to_dict() for s in self.suggestions],
            "not_applicable": [n.to_dict() for n in self.not_applicable],
        }

    def relevance_of(self, entry_id: str) -> str:
        """``likely``/``possible``/``in_place``/``not_applicable`` for an id (convenience for callers)."""
        for s in self.suggestions:
            if s.id == entry_id:
                return s.relevance
        for n in self.not_applicable:
            if n.id == entry_id:
                return "not_applicable"
        raise KeyError(entry_id)


# --------------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------------


@cache
def load_schema() -> dict[str, Any]:
    """The profile schema (a copy of the shared contract, kept equal by a test)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = load_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_profile(profile: Any) -> None:
    """Raise :class:`ProfileError` for the most relevant schema violation, naming the field."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(profile))
    if error is None:
        return
    parts = [str(p) for p in error.absolute_path]
    detail = error.message
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            parts.append(missing[0])
            detail = "this field is required"
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            parts.append(extra[0])
            detail = "this field is not part of the profile"
    elif "propertyNames" in error.absolute_schema_path:
        detail = f"{error.instance!r} is not a valid key (lower case letters, digits and _)"
        parts.append(str(error.instance))
    raise ProfileError(".".join(parts) or "(the profile itself)", detail)


# --------------------------------------------------------------------------------------------------
# Judging
# --------------------------------------------------------------------------------------------------


#: One judged criterion: its kind (met/unmet/unknown/partial/implausible/cap/not_in_force), its texts per
#: language, and for an unknown one the facts its question is about.
Outcome = tuple[str, Mapping[str, str], tuple[str, ...]]


def _judge(ce: CompiledEntry, profile: Mapping[str, Any],
           vocabulary: Mapping[str, Any] | None = None) -> tuple[str, list[Outcome]]:
    """(relevance, outcomes) from the rule alone. ``profile`` is the flattened profile
    (:func:`los.navigator.rules.flatten`).

    An answered question is never asked again: when a criterion is unknown although the family has answered
    one of the facts its ``unknown`` text asks about (an explicit "no" is an answer), that text is not used;
    the question is built from the vocabulary's question for each fact the test reads that is still missing."""
    if not ce.in_force:
        return "not_applicable", [("not_in_force", {}, ())]
    outcome: list[Outcome] = []
    for criterion in ce.criteria:
        value = criterion.test(profile)
        if value is True:
            outcome.append(("met", criterion.text("met", profile), ()))
        elif value is False:
            if criterion.partial is not None and criterion.partial(profile) is True:
                outcome.append(("partial", criterion.text("partial", profile), ()))
            else:
                outcome.append(("unmet", criterion.text("unmet", profile), ()))
        elif criterion.plausible is not None and criterion.plausible(profile) is False:
            outcome.append(("implausible", criterion.text("implausible", profile), ()))
        elif not any(profile.get(path) is not None for path in criterion.asks) or vocabulary is None:
            outcome.append(("unknown", criterion.text("unknown", profile), criterion.asks))
        else:
            missing = tuple(path for path in criterion.reads if profile.get(path) is None)
            outcome.append(("unknown", _open_questions(vocabulary, missing), missing))
    kinds = {kind for kind, _, _ in outcome}
    if kinds & {"unmet", "implausible"}:
        return "not_applicable", [o for o in outcome if o[0] in ("unmet", "implausible")]
    for cap, text in ce.caps:
        if cap(profile) is True:
            outcome.append(("cap", text, ()))
    if kinds & {"unknown", "partial"} or any(kind == "cap" for kind, _, _ in outcome):
        return "possible", outcome
    return "likely", outcome


def _open_questions(vocabulary: Mapping[str, Any], paths: tuple[str, ...]) -> dict[str, str]:
    """"Still to be settled. Question: …" for the given facts, in every language (the vocabulary's questions)."""
    questions = vocabulary.get("questions", {})
    lead = vocabulary.get("phrases", {}).get("still_open", {})
    out = {}
    for lang in ("nb", "nn", "en"):
        asked = " ".join(questions[path][lang] for path in paths if path in questions)
        out[lang] = f"{lead.get(lang, '')} {asked}".strip()
    return out


def _without_repeats(texts: list[str]) -> list[str]:
    """The texts in order, each once; a text that another one begins with ("The child is 9 years old." and
    "The child is 9 years old and needs …") is left out, so that a card never says the same thing twice."""
    unique = list(dict.fromkeys(t for t in texts if t))
    stems = [t.rstrip(" .!?").casefold() for t in unique]
    kept = []
    for i, text in enumerate(unique):
        stem = stems[i]
        repeated = any(
            j != i and len(other) > len(stem) and other.startswith(stem) and not other[len(stem)].isalnum()
            for j, other in enumerate(stems)
        )
        if not repeated:
            kept.append(text)
    return kept


def _has_map(catalog: Catalog, profile: Mapping[str, Any]) -> tuple[dict[str, bool], list[str]]:
    has = profile.get("has")
    known: dict[str, bool] = {}
    unknown: list[str] = []
    if isinstance(has, dict):
        for key, value in has.items():
            canonical = catalog.canonical_id(str(key))
            if canonical is None:
                unknown.append(str(key))
            elif isinstance(value, bool):
                # If a family gives both an id and an alias, "true" wins: it is the more specific fact.
                known[canonical] = known.get(canonical, False) or value
    return known, unknown


def _facts(profile: Mapping[str, Any], has: Mapping[str, bool]) -> dict[str, Any]:
    """The flattened profile the rules read, with ``has`` under the catalogue's own ids (an alias such as
    ``individual_plan`` is read as ``has.individuell_plan``)."""
    if not isinstance(profile.get("has"), dict):
        return flatten(profile)
    return flatten({**profile, "has": dict(has)})


def _services(profile: Mapping[str, Any]) -> list[str]:
    child = profile.get("child")
    services = child.get("services_involved") if isinstance(child, dict) else None
    return services if isinstance(services, list) else []


def evaluate(
    profile: dict[str, Any],
    as_of: date | None = None,
    lang: str = "nb",
    *,
    validate: bool = True,
    catalog: Catalog | None = None,
    strict_texts: bool = False,
) -> Result:
    """Evaluate every catalogue entry for ``profile`` on ``as_of`` (default: today) in ``lang``.

    Raises :class:`ProfileError` when ``validate`` is true and the profile does not match the schema.
    ``strict_texts`` makes a text placeholder without a value an error (the tests use it); otherwise it is
    shown as "(unknown)" so that a family never gets an error because of a text.
    """
    if validate:
        validate_profile(profile)
    catalog = catalog or load_catalog()
    as_of = as_of or date.today()
    if lang not in ("nb", "nn", "en"):
        raise ValueError(f"unsupported language {lang!r} (nb, nn, en)")
    ctx = TextContext(profile, lang, catalog.vocabulary, as_of)
    missing = None if strict_texts else ctx.word("phrases", "unknown_value")
    has, unknown_has = _has_map(catalog, profile)
    services = _services(profile)
    facts = _facts(profile, has)
    suggestions: list[Suggestion] = []
    not_applicable: list[NotApplicable] = []
    for ce in catalog.compiled(as_of):
        entry = ce.entry
        params = ce.params
        name = entry.names[lang]

        def render(template: str, params: Mapping[str, Any] = params, name: str = name) -> str:
            return ctx.render(template, {"name": name, **params}, missing)

        relevance, outcome = _judge(ce, facts, catalog.vocabulary)
        in_place_service = next((s for s in services if s in entry.in_place_services), None)
        if has.get(entry.id) is True:
            relevance = "in_place"
            reasons = [ctx.phrase("in_place", name=name)]
        elif in_place_service is not None and has.get(entry.id) is not False:
            relevance = "in_place"
            reasons = [ctx.phrase("in_place_service", name=name, service=ctx.word("services", in_place_service))]
        elif relevance == "not_applicable" and outcome and outcome[0][0] == "not_in_force":
            window = entry.valid_from or as_of
            reasons = [ctx.phrase("not_in_force", date=ctx.format_date(window), checked=ctx.values["as_of"])]
        else:
            reasons = _without_repeats([render(texts[lang]) for _, texts, _ in outcome])
        if relevance == "not_applicable":
            not_applicable.append(NotApplicable(id=entry.id, reasons=reasons, name=name))
            continue
        if has.get(entry.id) is False:
            reasons.append(ctx.phrase("has_false", name=name))
        questions = _without_repeats([render(texts[lang]) for kind, texts, _ in outcome if kind == "unknown"])
        question_facts = tuple(dict.fromkeys(p for kind, _, paths in outcome if kind == "unknown" for p in paths))
        texts = {key: render(value[lang]) for key, value in entry.texts.items() if key != "rates"}
        rates = ""
        if "rates" in entry.texts:
            try:
                rates = ctx.render(entry.texts["rates"][lang], {"name": name, **params})
            except MissingValueError:
                rates = ctx.phrase("rates_missing")
        how_to_apply = texts["how_to_apply"]
        if texts.get("attach"):
            how_to_apply = f"{how_to_apply} {ctx.phrase('attach')} {texts['attach']}"
        suggestions.append(
            Suggestion(
                id=entry.id,
                relevance=relevance,
                reasons=reasons,
                legal_basis=entry.legal_basis_on(as_of),
                provider=entry.provider[lang],
                how_to_apply=how_to_apply,
                deadline_note=texts["deadline_note"],
                name=name,
                sector=entry.sector,
                priority=entry.priority,
                questions=questions,
                summary=texts["summary"],
                who=texts["who"],
                who_decides=texts["who_decides"],
                attach=texts["attach"],
                processing_time=texts["processing_time"],
                appeal=texts["appeal"],
                rates=rates,
                question_facts=question_facts,
                last_checked=entry.last_checked,
                sources=tuple(entry.sources),
            )
        )
    suggestions.sort(key=lambda s: (RELEVANCE_ORDER[s.relevance], s.priority, s.id))
    priority = {e.id: e.priority for e in catalog.entries}
    not_applicable.sort(key=lambda n: (priority[n.id], n.id))
    return Result(
        catalog_version=catalog.version,
        as_of=as_of,
        lang=lang,
        suggestions=suggestions,
        not_applicable=not_applicable,
        unknown_has=unknown_has,
    )


def _fail_fast_order(tests: tuple[Any, ...], sample: list[dict[str, Any]]) -> tuple[Any, ...]:
    """The tests of one entry, the one most often not true first (measured on a sample of the caseload).

    Only an entry with all tests true is ``likely``, and tests have no side effects, so the order changes
    the speed of :func:`screen`, never its answer.
    """
    if len(tests) < 2 or not sample:
        return tuple(tests)
    true_rate = [sum(1 for f in sample if test(f) is True) for test in tests]
    return tuple(test for _, _, test in sorted(zip(true_rate, range(len(tests)), tests, strict=True)))


def _likely_check(tests: tuple[Any, ...], caps: tuple[Any, ...]) -> Any:
    """One closure ``facts -> bool``: every test true and no cap true. Unrolled for speed: an ``and``
    chain is much cheaper than a loop per entry and profile."""
    steps = [(fn, True) for fn in tests] + [(fn, False) for fn in caps]
    if not steps:
        return lambda f: True
    if len(steps) == 1:
        ((f1, w1),) = steps
        return lambda f: (f1(f) is True) is w1
    if len(steps) == 2:
        (f1, w1), (f2, w2) = steps
        return lambda f: (f1(f) is True) is w1 and (f2(f) is True) is w2
    if len(steps) == 3:
        (f1, w1), (f2, w2), (f3, w3) = steps
        return lambda f: (f1(f) is True) is w1 and (f2(f) is True) is w2 and (f3(f) is True) is w3
    if len(steps) == 4:
        (f1, w1), (f2, w2), (f3, w3), (f4, w4) = steps
        return lambda f: ((f1(f) is True) is w1 and (f2(f) is True) is w2 and (f3(f) is True) is w3
                          and (f4(f) is True) is w4)
    if len(steps) == 5:
        (f1, w1), (f2, w2), (f3, w3), (f4, w4), (f5, w5) = steps
        return lambda f: ((f1(f) is True) is w1 and (f2(f) is True) is w2 and (f3(f) is True) is w3
                          and (f4(f) is True) is w4 and (f5(f) is True) is w5)

    def check_many(f: dict[str, Any]) -> bool:
        return all((fn(f) is True) is want for fn, want in steps)

    return check_many


def screen(
    profiles: Iterable[Mapping[str, Any]],
    as_of: date | None = None,
    *,
    catalog: Catalog | None = None,
) -> list[tuple[str, ...]]:
    """For each profile, the ids that are ``likely`` and not already in place (``has`` true or an
    involved service), in catalogue priority order. Same decisions as :func:`evaluate`, no texts."""
    catalog = catalog or load_catalog()
    compiled = sorted(
        (ce for ce in catalog.compiled(as_of or date.today()) if ce.in_force),
        key=lambda ce: (ce.entry.priority, ce.id),
    )
    profiles = profiles if isinstance(profiles, list | tuple) else list(profiles)
    sample = [flatten(p) for p in profiles[:400]]
    plan = tuple(
        (ce.id, _likely_check(_fail_fast_order(ce.tests, sample), ce.cap_tests), frozenset(ce.entry.in_place_services))
        for ce in compiled
    )
    canonical = catalog.aliases
    out: list[tuple[str, ...]] = []
    append = out.append
    for nested in profiles:
        has = nested.get("has")
        in_place: set[str] = set()
        refused: set[str] = set()
        if has:
            for key, value in has.items():
                cid = canonical.get(key) or canonical.get(key.lower().replace("-", "_"))
                if cid is not None:
                    (in_place if value is True else refused).add(cid)
            # the rules read ``has`` under the catalogue's ids, as evaluate() does
            profile = flatten({**nested, "has": {**{i: False for i in refused}, **{i: True for i in in_place}}})
        else:
            profile = flatten(nested)
        services = profile.get("child.services_involved")
        found = []
        for entry_id, likely, via_services in plan:
            if likely(profile):
                if entry_id in in_place:
                    continue
                if services and entry_id not in refused and not via_services.isdisjoint(services):
                    continue
                found.append(entry_id)
        append(tuple(found))
    return out
