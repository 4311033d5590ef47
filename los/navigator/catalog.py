"""Loading, checking and compiling the navigator catalogue (``catalog/*.yaml``). Pure Python, no Django.

One YAML file per entry (``catalog/<id>.yaml``); ``catalog/_shared.yaml`` holds global dated parameters,
named conditions and shared criteria; ``catalog/_vocabulary.yaml`` holds the translated words the texts
use (condition categories, settings, needs, services, languages, generic sentences).

Entry file
----------
``id``, ``aliases`` (other keys a profile's ``has`` may use), ``sector``, ``priority`` (order within a
relevance group, lower first), ``names`` / ``provider`` (nb/nn/en), ``legal_basis`` (list of citations
``{ref, verified, source?, note?, valid_from?, valid_to?}``: a verified citation names the source it was checked
against; one that could not be verified carries no section number and a note), ``appeal_rule`` (FVL/PBRL/FTRL, the
deadline rule in ``los.core.deadlines``, or null when there is no decision to appeal), ``last_checked`` (date),
``sources`` (``{url, checked, about}``: the public pages checked, when, and what each confirms), ``valid_from`` /
``valid_to`` (the scheme itself in force),
``parameters`` (dated ``{name, value, valid_from, valid_to?}``; they override shared ones with the same
name), ``in_place_services`` (values of ``child.services_involved`` that mean the family already has it),
``texts`` (``summary``, ``who``, ``who_decides``, ``how_to_apply``, ``attach``, ``processing_time``,
``appeal``, ``deadline_note``, optional ``rates`` - each nb/nn/en, may use ``{placeholders}``),
``rule``: ``criteria`` (list; each ``{use: SHARED}`` or ``{id, test, plausible?, partial?, text: {met,
unmet, unknown, partial?, implausible?}}``) and optional ``caps`` (``{when, text}``: when true the entry
is at most ``possible``).

How an entry is judged
----------------------
Each criterion's ``test`` is evaluated in three-valued logic. True -> *met*; false -> *unmet*, unless
``partial`` is true or unknown, which makes it *partial* (the entry can then be at most possible); unknown
-> *unknown* (a question), unless ``plausible`` is false ("nothing in the profile points to it"), which
makes it *unmet*. Any unmet criterion -> ``not_applicable``; else any unknown/partial criterion or a cap
that holds -> ``possible``; else ``likely``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from los.navigator.rules import (
    Condition,
    RuleError,
    compile_condition,
    condition_facts,
    parse_date,
    resolve_parameters,
)

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
LANGUAGES = ("nb", "nn", "en")
SECTORS = ("municipal", "county", "state_nav", "specialist_health", "school_kindergarten", "organisation", "state",
           "employer")
APPEAL_RULES = ("FVL", "PBRL", "FTRL")
ENTRY_TEXTS = (
    "summary", "who", "who_decides", "how_to_apply", "attach", "processing_time", "appeal", "deadline_note",
)
CRITERION_TEXTS = ("met", "unmet", "unknown")

try:  # the C loader is much faster when libyaml is present
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the build of PyYAML
    _Loader = yaml.SafeLoader

__all__ = [
    "CATALOG_DIR",
    "LOCAL_PREFIX",
    "local_entry",
    "Change",
    "LANGUAGES",
    "Catalog",
    "CatalogError",
    "CompiledCriterion",
    "CompiledEntry",
    "Entry",
    "load_catalog",
]


class CatalogError(RuleError):
    """The catalogue data is malformed."""


def _as_date(value: Any, where: str) -> date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CatalogError(f"{where}: {value!r} is not a date") from exc


#: The languages every text must have. The national catalogue needs all three; a municipality's own entries and
#: routines need bokmål and nynorsk, and a missing English text is shown in bokmål (:func:`local_entry`).
_REQUIRED_LANGUAGES: ContextVar[tuple[str, ...]] = ContextVar("required_languages", default=LANGUAGES)
#: Entry texts that may be left out (a municipality's own entries); they are then empty and not shown.
_OPTIONAL_TEXTS: ContextVar[frozenset[str]] = ContextVar("optional_texts", default=frozenset())


def _check_texts(value: Any, where: str) -> dict[str, str]:
    required = _REQUIRED_LANGUAGES.get()
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: expected texts in {', '.join(required)}")
    for lang in required:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise CatalogError(f"{where}: missing {lang} text")
    out = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        out[lang] = text.strip() if isinstance(text, str) and text.strip() else value[required[0]].strip()
    return out


@dataclass(frozen=True)
class Criterion:
    """A criterion as written in the catalogue (not yet compiled)."""

    id: str
    test: Any
    plausible: Any
    partial: Any
    texts: dict[str, dict[str, str]]
    asks: tuple[str, ...] | None = None  # the facts the ``unknown`` text asks about (default: all the test reads)
    #: ``text.<kind>_when``: texts for one outcome that fit a case better, each ``(condition, texts)``; the first
    #: whose condition is true is shown instead of the plain text of that kind.
    variants: dict[str, tuple[tuple[Any, dict[str, str]], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One catalogue entry as loaded from its YAML file."""

    id: str
    aliases: tuple[str, ...]
    sector: str
    priority: int
    names: dict[str, str]
    provider: dict[str, str]
    legal_basis: tuple[dict[str, Any], ...]
    appeal_rule: str | None
    last_checked: date
    sources: tuple[dict[str, Any], ...]  # {url, checked, about}
    valid_from: date | None
    valid_to: date | None
    parameters: tuple[dict[str, Any], ...]
    in_place_services: tuple[str, ...]
    texts: dict[str, dict[str, str]]
    criteria: tuple[Criterion, ...]
    caps: tuple[tuple[Any, dict[str, str]], ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    def in_force(self, as_of: date) -> bool:
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or as_of <= self.valid_to
        )

    def legal_basis_on(self, as_of: date) -> list[str]:
        """The citations in force on ``as_of`` (all undated ones plus the dated ones that apply)."""
        refs = []
        for row in self.legal_basis:
            start, end = row.get("valid_from"), row.get("valid_to")
            if (start is None or start <= as_of) and (end is None or as_of <= end):
                refs.append(row["ref"])
        return refs or [self.legal_basis[-1]["ref"]]


CHANGE_KINDS = ("law", "rate", "scheme", "new", "correction")
#: Kinds of change that are a new dated version of a rule: the catalogue must have a version starting that day.
DATED_KINDS = frozenset({"law", "rate", "scheme"})


@dataclass(frozen=True)
class Change:
    """One line of the catalogue's change log (``catalog/_changes.yaml``)."""

    date: date
    kind: str  # law | rate | scheme | new | correction
    entries: tuple[str, ...]
    text: dict[str, str]


@dataclass(frozen=True)
class CompiledCriterion:
    id: str
    test: Condition
    plausible: Condition | None
    partial: Condition | None
    texts: dict[str, dict[str, str]]
    reads: tuple[str, ...] = ()  # the facts the test reads
    asks: tuple[str, ...] = ()  # the facts the ``unknown`` text asks about
    variants: dict[str, tuple[tuple[Condition, dict[str, str]], ...]] = field(default_factory=dict)

    def text(self, kind: str, facts: Mapping[str, Any]) -> dict[str, str]:
        """The texts of one outcome for these facts: the first variant whose condition holds, else the plain one."""
        for when, texts in self.variants.get(kind, ()):
            if when(facts) is True:
                return texts
        return self.texts[kind]


@dataclass(frozen=True)
class CompiledEntry:
    """An entry's rule compiled for one evaluation date (parameters resolved)."""

    entry: Entry
    in_force: bool
    params: dict[str, Any]
    criteria: tuple[CompiledCriterion, ...]
    caps: tuple[tuple[Condition, dict[str, str]], ...]
    tests: tuple[Condition, ...]  # the criteria's tests only: the screening fast path
    cap_tests: tuple[Condition, ...]

    @property
    def id(self) -> str:
        return self.entry.id


@dataclass(frozen=True)
class Catalog:
    """The whole catalogue. Compiled rules per date are cached (see :meth:`compiled`)."""

    entries: tuple[Entry, ...]
    shared_parameters: tuple[dict[str, Any], ...]
    named_conditions: dict[str, Any]
    vocabulary: dict[str, Any]
    version: str
    aliases: dict[str, str]
    service_in_place: dict[str, tuple[str, ...]]
    changes: tuple[Change, ...] = ()
    shared_criteria: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _cache: dict[date, tuple[CompiledEntry, ...]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def with_local(self, entries: tuple[Entry, ...], tag: str) -> Catalog:
        """This catalogue with one municipality's own entries added (``tag`` tells the versions apart). The national
        entries are the same objects and are judged exactly as without them."""
        if not entries:
            return self
        national = set(self.ids)
        clash = [e.id for e in entries if e.id in national]
        if clash:
            raise CatalogError(f"local entries may not reuse national ids: {clash}")
        return replace(self, entries=self.entries + tuple(entries), version=f"{self.version}+{tag}", _cache={})

    def entry(self, entry_id: str) -> Entry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)

    def canonical_id(self, key: str) -> str | None:
        """The entry id a ``has`` key means (ids, documented aliases, hyphen/case variants), or None."""
        return self.aliases.get(_normalise_key(key))

    def parameters_on(self, entry: Entry, as_of: date) -> dict[str, Any]:
        params = resolve_parameters(list(self.shared_parameters), as_of, "_shared.yaml")
        params.update(resolve_parameters(list(entry.parameters), as_of, f"{entry.id}.yaml"))
        return params

    def compiled(self, as_of: date) -> tuple[CompiledEntry, ...]:
        """All entries compiled with the parameters in force on ``as_of`` (cached per date)."""
        hit = self._cache.get(as_of)
        if hit is not None:
            return hit
        result = tuple(self._compile_entry(entry, as_of) for entry in self.entries)
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[as_of] = result
        return result

    def _compile_entry(self, entry: Entry, as_of: date) -> CompiledEntry:
        in_force = entry.in_force(as_of)
        params = self.parameters_on(entry, as_of)
        where = f"{entry.id}.yaml"
        criteria: list[CompiledCriterion] = []
        if in_force:
            for criterion in entry.criteria:
                here = f"{where} criterion {criterion.id}"

                def build(node: Any, here: str = here) -> Condition:
                    return compile_condition(node, params, self.named_conditions, here)

                reads = condition_facts(criterion.test, self.named_conditions)
                criteria.append(
                    CompiledCriterion(
                        id=criterion.id,
                        test=build(criterion.test),
                        plausible=None if criterion.plausible is None else build(criterion.plausible),
                        partial=None if criterion.partial is None else build(criterion.partial),
                        texts=criterion.texts,
                        reads=reads,
                        asks=reads if criterion.asks is None else criterion.asks,
                        variants={kind: tuple((build(when), texts) for when, texts in rows)
                                  for kind, rows in criterion.variants.items()},
                    )
                )
        caps = tuple(
            (compile_condition(when, params, self.named_conditions, f"{where} cap"), text)
            for when, text in entry.caps
        ) if in_force else ()
        return CompiledEntry(
            entry=entry,
            in_force=in_force,
            params=params,
            criteria=tuple(criteria),
            caps=caps,
            tests=tuple(c.test for c in criteria),
            cap_tests=tuple(c for c, _ in caps),
        )


def _normalise_key(key: str) -> str:
    return key.strip().lower().replace("-", "_").replace(" ", "_")


def _load_yaml(path: Path) -> tuple[Any, bytes]:
    data = path.read_bytes()
    try:
        return yaml.load(data, Loader=_Loader), data  # noqa: S506 - SafeLoader / CSafeLoader
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: {exc}") from exc


def _criterion(node: Any, shared: Mapping[str, Any], where: str) -> Criterion:
    if not isinstance(node, dict):
        raise CatalogError(f"{where}: a criterion must be a mapping")
    if "use" in node:
        name = node["use"]
        if name not in shared:
            raise CatalogError(f"{where}: unknown shared criterion {name!r}")
        merged = dict(shared[name])
        merged.setdefault("id", name)
        for key, value in node.items():
            if key == "use":
                continue
            if key == "text":
                merged["text"] = {**merged.get("text", {}), **value}
            else:
                merged[key] = value
        node = merged
    cid = node.get("id")
    if not isinstance(cid, str) or not cid:
        raise CatalogError(f"{where}: a criterion needs an id")
    if "test" not in node:
        raise CatalogError(f"{where} {cid}: a criterion needs a test")
    raw_texts = node.get("text") or {}
    texts = {kind: _check_texts(raw_texts.get(kind), f"{where} {cid} text.{kind}") for kind in CRITERION_TEXTS}
    if node.get("partial") is not None:
        texts["partial"] = _check_texts(raw_texts.get("partial"), f"{where} {cid} text.partial")
    if node.get("plausible") is not None:
        texts["implausible"] = _check_texts(
            raw_texts.get("implausible", raw_texts.get("unmet")), f"{where} {cid} text.implausible"
        )
    variants: dict[str, tuple[tuple[Any, dict[str, str]], ...]] = {}
    for kind in (*CRITERION_TEXTS, "partial", "implausible"):
        rows = raw_texts.get(f"{kind}_when")
        if rows is None:
            continue
        if kind not in texts or not isinstance(rows, list):
            raise CatalogError(f"{where} {cid}: text.{kind}_when needs text.{kind} and a list of variants")
        parsed = []
        for row in rows:
            if not isinstance(row, dict) or "if" not in row:
                raise CatalogError(f"{where} {cid}: each text.{kind}_when variant needs 'if'")
            parsed.append((row["if"], _check_texts({k: v for k, v in row.items() if k != "if"},
                                                   f"{where} {cid} text.{kind}_when")))
        variants[kind] = tuple(parsed)
    asks = node.get("asks")
    if asks is not None and (not isinstance(asks, list) or not all(isinstance(a, str) for a in asks)):
        raise CatalogError(f"{where} {cid}: asks must be a list of fact paths")
    return Criterion(
        id=cid, test=node["test"], plausible=node.get("plausible"), partial=node.get("partial"), texts=texts,
        asks=None if asks is None else tuple(asks), variants=variants,
    )


#: A section reference ("§ 2-5 c", "§§ 9-10", "11-6"): only a verified citation may carry one.
_SECTION = re.compile(r"§|\b\d+\s*[-–]\s*\d+")


def _sources(value: Any, where: str) -> tuple[dict[str, Any], ...]:
    """The pages checked: ``[{url, checked, about}]``; public web addresses, each with the date it was checked."""
    if not isinstance(value, list) or not value:
        raise CatalogError(f"{where}: sources must list the pages checked")
    out = []
    for row in value:
        if not isinstance(row, dict) or not isinstance(row.get("url"), str):
            raise CatalogError(f"{where}: each source is {{url, checked, about}}, got {row!r}")
        url = row["url"].strip()
        if not url.startswith(("https://", "http://")):
            raise CatalogError(f"{where}: a source must be a public web address, not {url!r}")
        about = row.get("about")
        if not isinstance(about, str) or not about.strip():
            raise CatalogError(f"{where}: source {url} needs 'about' (what it confirms)")
        out.append({"url": url, "checked": _as_date(row.get("checked"), f"{where} source {url} checked"),
                    "about": about.strip()})
    return tuple(out)


def _legal_basis(value: Any, source_urls: set[str], where: str) -> list[dict[str, Any]]:
    """Citations ``{ref, verified, source?, note?, valid_from?, valid_to?}``. A verified citation names the source
    (one of the entry's sources) it was checked against; one that could not be verified carries no section number
    and a note saying what is missing."""
    legal: list[dict[str, Any]] = []
    for row in value or []:
        if not isinstance(row, dict) or not isinstance(row.get("ref"), str) or not row["ref"].strip():
            raise CatalogError(f"{where}: bad legal_basis row {row!r}")
        verified = row.get("verified")
        if not isinstance(verified, bool):
            raise CatalogError(f"{where}: legal_basis {row['ref']!r} must say verified: true or false")
        if verified and row.get("source") not in source_urls:
            raise CatalogError(f"{where}: legal_basis {row['ref']!r} is verified against a source not in sources")
        if not verified:
            if _SECTION.search(row["ref"]):
                raise CatalogError(f"{where}: unverified legal_basis {row['ref']!r} must not carry a section number")
            if not str(row.get("note") or "").strip():
                raise CatalogError(f"{where}: unverified legal_basis {row['ref']!r} needs a note on what is missing")
        legal.append({
            "ref": row["ref"].strip(),
            "verified": verified,
            "source": row.get("source"),
            "note": row.get("note"),
            "valid_from": _as_date(row["valid_from"], where) if row.get("valid_from") else None,
            "valid_to": _as_date(row["valid_to"], where) if row.get("valid_to") else None,
        })
    return legal


def _entry(data: Any, path: Path, shared_criteria: Mapping[str, Any]) -> Entry:
    where = path.name
    if not isinstance(data, dict):
        raise CatalogError(f"{where}: an entry must be a mapping")
    entry_id = data.get("id")
    if entry_id != path.stem:
        raise CatalogError(f"{where}: id {entry_id!r} must equal the file name")
    sector = data.get("sector")
    if sector not in SECTORS:
        raise CatalogError(f"{where}: sector must be one of {SECTORS}")
    appeal_rule = data.get("appeal_rule")
    if appeal_rule is not None and appeal_rule not in APPEAL_RULES:
        raise CatalogError(f"{where}: appeal_rule must be one of {APPEAL_RULES} or null")
    sources = _sources(data.get("sources"), where)
    legal = _legal_basis(data.get("legal_basis"), {row["url"] for row in sources}, where)
    if not legal:
        raise CatalogError(f"{where}: legal_basis is required")
    texts_raw = data.get("texts") or {}
    optional = _OPTIONAL_TEXTS.get()
    texts = {name: (dict.fromkeys(LANGUAGES, "") if name in optional and not texts_raw.get(name)
                    else _check_texts(texts_raw.get(name), f"{where} texts.{name}")) for name in ENTRY_TEXTS}
    if "rates" in texts_raw:
        texts["rates"] = _check_texts(texts_raw["rates"], f"{where} texts.rates")
    rule = data.get("rule") or {}
    criteria = tuple(
        _criterion(node, shared_criteria, f"{where} rule") for node in rule.get("criteria") or []
    )
    if not criteria:
        raise CatalogError(f"{where}: rule.criteria is required")
    caps = tuple(
        (cap["when"], _check_texts(cap.get("text"), f"{where} cap")) for cap in rule.get("caps") or []
    )
    if "last_checked" not in data:
        raise CatalogError(f"{where}: last_checked is required")
    priority = data.get("priority")
    if not isinstance(priority, int):
        raise CatalogError(f"{where}: priority must be an integer")
    return Entry(
        id=entry_id,
        aliases=tuple(data.get("aliases") or ()),
        sector=sector,
        priority=priority,
        names=_check_texts(data.get("names"), f"{where} names"),
        provider=_check_texts(data.get("provider"), f"{where} provider"),
        legal_basis=tuple(legal),
        appeal_rule=appeal_rule,
        last_checked=_as_date(data["last_checked"], f"{where} last_checked"),
        sources=sources,
        valid_from=_as_date(data["valid_from"], where) if data.get("valid_from") else None,
        valid_to=_as_date(data["valid_to"], where) if data.get("valid_to") else None,
        parameters=tuple(data.get("parameters") or ()),
        in_place_services=tuple(data.get("in_place_services") or ()),
        texts=texts,
        criteria=criteria,
        caps=caps,
        raw=data,
    )


def load_catalog_from(directory: Path) -> Catalog:
    """Load and check a catalogue directory (uncached; tests use it with their own directories)."""
    digest = hashlib.sha256()
    shared, shared_bytes = _load_yaml(directory / "_shared.yaml")
    vocabulary, vocabulary_bytes = _load_yaml(directory / "_vocabulary.yaml")
    digest.update(shared_bytes)
    digest.update(vocabulary_bytes)
    shared_criteria = shared.get("criteria") or {}
    entries: list[Entry] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        data, raw = _load_yaml(path)
        digest.update(raw)
        entries.append(_entry(data, path, shared_criteria))
    if not entries:
        raise CatalogError(f"{directory}: no entries")
    aliases: dict[str, str] = {}
    service_in_place: dict[str, list[str]] = {}
    for entry in entries:
        for key in (entry.id, *entry.aliases):
            normal = _normalise_key(key)
            if aliases.get(normal, entry.id) != entry.id:
                raise CatalogError(f"{entry.id}.yaml: alias {key!r} already used by {aliases[normal]}")
            aliases[normal] = entry.id
        for service in entry.in_place_services:
            service_in_place.setdefault(service, []).append(entry.id)
    _check_questions(entries, dict(shared.get("conditions") or {}), vocabulary)
    changes_path = directory / "_changes.yaml"
    changes: tuple[Change, ...] = ()
    if changes_path.exists():
        changes_data, changes_bytes = _load_yaml(changes_path)
        digest.update(changes_bytes)
        changes = _changes(changes_data, entries, tuple(shared.get("parameters") or ()))
    latest = max(e.last_checked for e in entries)
    catalog = Catalog(
        entries=tuple(entries),
        shared_parameters=tuple(shared.get("parameters") or ()),
        named_conditions=dict(shared.get("conditions") or {}),
        vocabulary=vocabulary,
        version=f"{latest.isoformat()}+{digest.hexdigest()[:10]}",
        aliases=aliases,
        service_in_place={k: tuple(v) for k, v in service_in_place.items()},
        changes=changes,
        shared_criteria=dict(shared_criteria),
    )
    return catalog


def _version_starts(entry: Entry) -> set[date]:
    """The days on which a dated version of the entry starts: citations, parameters and the entry itself."""
    days = {row["valid_from"] for row in entry.legal_basis if row["valid_from"]}
    days |= {_as_date(row.get("valid_from"), entry.id) for row in entry.parameters if row.get("valid_from")}
    if entry.valid_from:
        days.add(entry.valid_from)
    return days


def _changes(data: Any, entries: list[Entry], shared_parameters: tuple[dict[str, Any], ...]) -> tuple[Change, ...]:
    """The change log, checked: known entries, texts in every language, and a law, rate or scheme change only on a
    day the catalogue has a dated version starting (so that a change of law never rewrites an older answer)."""
    where = "_changes.yaml"
    by_id = {e.id: e for e in entries}
    shared_days = {_as_date(row.get("valid_from"), where) for row in shared_parameters if row.get("valid_from")}
    out = []
    for row in (data or {}).get("changes") or []:
        if not isinstance(row, dict):
            raise CatalogError(f"{where}: a change must be a mapping, got {row!r}")
        day = _as_date(row.get("date"), f"{where} date")
        kind = row.get("kind")
        if kind not in CHANGE_KINDS:
            raise CatalogError(f"{where} {day}: kind must be one of {CHANGE_KINDS}")
        ids = tuple(row.get("entries") or ())
        unknown = [i for i in ids if i not in by_id]
        if not ids or unknown:
            raise CatalogError(f"{where} {day}: unknown or missing entries {unknown or ids!r}")
        if kind in DATED_KINDS and day not in shared_days and not any(day in _version_starts(by_id[i]) for i in ids):
            raise CatalogError(f"{where} {day}: a {kind} change needs a dated version starting that day in "
                               f"{', '.join(ids)} (a citation, a parameter or the entry's valid_from)")
        out.append(Change(date=day, kind=kind, entries=ids, text=_check_texts(row.get("text"), f"{where} {day}")))
    return tuple(sorted(out, key=lambda c: (c.date, CHANGE_KINDS.index(c.kind), c.entries)))


def _check_questions(entries: list[Entry], named: dict[str, Any], vocabulary: Any) -> None:
    """Every fact a criterion reads or asks about has a question in every language in the vocabulary."""
    questions = (vocabulary or {}).get("questions") or {}
    for entry in entries:
        for criterion in entry.criteria:
            for path in (*condition_facts(criterion.test, named), *(criterion.asks or ())):
                asked = questions.get(path)
                if not isinstance(asked, dict) or any(not str(asked.get(lang, "")).strip() for lang in LANGUAGES):
                    raise CatalogError(f"{entry.id}.yaml criterion {criterion.id}: no question in _vocabulary.yaml "
                                       f"for the fact {path!r}")


#: A municipality's own entries: ids start with this, so that they never meet a national id.
LOCAL_PREFIX = "lokal_"
LOCAL_LANGUAGES = ("nb", "nn")
#: Texts a municipality's own entry may leave out.
LOCAL_OPTIONAL_TEXTS = frozenset({"attach", "processing_time", "appeal", "deadline_note"})


def local_entry(data: Mapping[str, Any], catalog: Catalog, check_dates: tuple[date, ...] = ()) -> Entry:
    """A municipality's own entry, checked like a catalogue file: the same format and the same rule language, the
    same shared criteria and named conditions, a question for every fact its rules read. Texts in bokmål and
    nynorsk (English optional: shown in bokmål when missing); ``attach``, ``processing_time``, ``appeal`` and
    ``deadline_note`` may be left out. The rule is compiled for each of ``check_dates`` so that an error shows when
    the entry is saved, not when a family opens its page. Raises :class:`CatalogError` (or :class:`RuleError`)."""
    entry_id = data.get("id") if isinstance(data, Mapping) else None
    if not isinstance(entry_id, str) or not re.fullmatch(rf"{LOCAL_PREFIX}[a-z0-9_]{{2,40}}", entry_id):
        raise CatalogError(f"a local entry's id is {LOCAL_PREFIX} and 2 to 40 lower-case letters, digits or _")
    languages = _REQUIRED_LANGUAGES.set(LOCAL_LANGUAGES)
    optional = _OPTIONAL_TEXTS.set(LOCAL_OPTIONAL_TEXTS)
    try:
        entry = _entry(dict(data), Path(f"{entry_id}.yaml"), catalog.shared_criteria)
    finally:
        _REQUIRED_LANGUAGES.reset(languages)
        _OPTIONAL_TEXTS.reset(optional)
    _check_questions([entry], catalog.named_conditions, catalog.vocabulary)
    combined = catalog.with_local((entry,), "check")
    for day in check_dates:
        combined.compiled(day)
    return entry


@cache
def load_catalog() -> Catalog:
    """The product catalogue, loaded once per process."""
    return load_catalog_from(CATALOG_DIR)


def check_compiles(catalog: Catalog, dates: list[date]) -> None:
    """Compile every entry for each date; raises :class:`RuleError` on the first problem."""
    for day in dates:
        catalog.compiled(day)

