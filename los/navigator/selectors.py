"""Queries for the navigator's pages: the family situation profile built from Los's own data, the
family's list, caseload screening and the coordinating unit's counts.

Profiles are built only from facts Los knows (see :func:`build_profile`); a fact Los does not know is left
out, so the engine says *possible* and asks the question that would settle it. The questionnaire's stored
answers (:class:`~los.navigator.models.NavigatorAnswers`) fill in what the data cannot.

Everything about many families is loaded in bulk (:func:`load_family_data`): a fixed number of queries,
whatever the size of the caseload. Lists of families start from ``visible_families``.
"""

from __future__ import annotations

import gc
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property, lru_cache
from itertools import batched
from typing import Any, NamedTuple

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from los.access.models import Category, Consent
from los.access.policy import visible_families
from los.accounts.models import Role, User
from los.core.dates import format_day
from los.core.i18n import page_language  # the engine's texts follow the page's language
from los.core.models import Municipality, ProviderKind
from los.families.models import (
    GUARDIAN_RELATIONS,
    Child,
    ConditionCategory,
    CoordinatorAssignment,
    Family,
    FamilyMember,
    FamilyStatus,
    Setting,
)
from los.navigator.catalog import LOCAL_PREFIX, Catalog, local_entry
from los.navigator.engine import (
    NotApplicable,
    ProfileError,
    Result,
    Suggestion,
    evaluate,
    load_catalog,
    screen,
)
from los.navigator.models import LocalEntry, LocalRoutine, NavigatorAnswers
from los.navigator.questionnaire import QUESTIONS, Question, apply_answers
from los.navigator.rules import RuleError
from los.servicemap.models import EntryState, ServiceEntry

logger = logging.getLogger(__name__)

LANGUAGES = ("nb", "nn", "en")
MAX_PROFILE_AGE = 25  # the profile schema's maximum

#: ``child.services_involved`` values of the profile schema.
PROFILE_SERVICES = frozenset({
    "kindergarten", "school", "sfo", "ppt", "helsestasjon", "gp", "physiotherapy", "occupational_therapy", "habu",
    "bup", "hospital", "barnevern", "nav", "avlastning", "home_care", "other",
})
_PROVIDER_SERVICE = {**{kind: kind for kind in PROFILE_SERVICES}, ProviderKind.ORGANISATION.value: "other"}
_SETTING_SERVICE = {
    Setting.KINDERGARTEN.value: "kindergarten", Setting.PRIMARY.value: "school",
    Setting.LOWER_SECONDARY.value: "school", Setting.UPPER_SECONDARY.value: "school",
}
_CONDITIONS = frozenset(ConditionCategory.values)
_SETTINGS = frozenset(Setting.values)
_SCHOOL_SETTINGS = frozenset({Setting.PRIMARY.value, Setting.LOWER_SECONDARY.value, Setting.UPPER_SECONDARY.value})
_SETTING_BOUND = {"kindergarten": frozenset({Setting.KINDERGARTEN.value}), "school": _SCHOOL_SETTINGS,
                  "sfo": frozenset({Setting.PRIMARY.value})}
#: A granted catalogue entry that is itself a service the child is in contact with.
_CATALOG_SERVICE = {
    "habu": "habu", "bup": "bup", "avlastning": "avlastning", "helsestasjon_skolehelse": "helsestasjon",
    "fysio_ergoterapi": "physiotherapy", "helsetjenester_hjemme": "home_care", "ppt": "ppt",
}

#: Service-map states: in place (``has`` true), applied for (waiting), and looked into (any decision or
#: application: screening does not list these as missing).
IN_PLACE_STATES = frozenset({EntryState.GRANTED, EntryState.PARTLY_GRANTED})
APPLIED_STATES = frozenset({EntryState.APPLIED, EntryState.APPEALED})
LOOKED_INTO_STATES = IN_PLACE_STATES | APPLIED_STATES | {EntryState.REFUSED}
#: Which state wins when a family has several rows for the same entry.
_STATE_RANK = {EntryState.GRANTED: 0, EntryState.PARTLY_GRANTED: 1, EntryState.APPEALED: 2, EntryState.APPLIED: 3,
               EntryState.REFUSED: 4, EntryState.CONSIDERED: 5, EntryState.ENDED: 6}

#: Families the coordinating unit's counts cover: every case that is not closed.
OPEN_STATUSES = (FamilyStatus.REQUESTED, FamilyStatus.WAITING, FamilyStatus.ACTIVE, FamilyStatus.REFUSED)

AGGREGATE_ROLES = (Role.CASEWORKER, Role.UNIT_LEADER, Role.MUNICIPAL_LEADER)


# --------------------------------------------------------------------------------------------------
# Loading what Los knows, in bulk
# --------------------------------------------------------------------------------------------------


class MapEntry(NamedTuple):
    """A row on the family's service map that names a catalogue entry (only what the navigator needs).
    A named tuple: a national screening makes hundreds of thousands of them."""

    pk: int
    catalog_id: str
    state: str
    child_id: int | None
    provider_kind: str

    @property
    def state_label(self) -> str:
        return str(EntryState(self.state).label)


@dataclass(slots=True)
class FamilyData:
    """Everything about one family the profile is built from."""

    family: Family | FamilyRow
    children: list[Child | ChildRow] = field(default_factory=list)
    guardians: int = 0  # family members who are guardians (``FamilyMember.is_guardian``)
    siblings_recorded: int = 0  # family members recorded as the children's siblings
    consent_services: set[str] = field(default_factory=set)
    entries: list[MapEntry] = field(default_factory=list)
    answers: dict[int | None, NavigatorAnswers | StoredAnswers] = field(default_factory=dict)
    has_coordinator: bool = False
    has_plan: bool = False

    def entries_for(self, child: Child | None) -> list[MapEntry]:
        """Rows about this child or about the whole family."""
        child_id = child.pk if child is not None else None
        return [e for e in self.entries if e.child_id is None or e.child_id == child_id]

    def map_states(self, child: Child | None) -> dict[str, MapEntry]:
        """Per catalogue id, the row whose state matters most (granted before applied before refused ...)."""
        best: dict[str, MapEntry] = {}
        for entry in self.entries_for(child):
            current = best.get(entry.catalog_id)
            if current is None or _STATE_RANK.get(entry.state, 9) < _STATE_RANK.get(current.state, 9):
                best[entry.catalog_id] = entry
        return best


def _plan_family_ids(family_ids: QuerySet) -> set[int]:
    """Families with a current individual plan, when the plans app is installed."""
    try:
        plan_model = apps.get_model("plans", "Plan")
    except LookupError:
        return set()
    return set(plan_model.objects.filter(family_id__in=family_ids, status="active").order_by()
               .values_list("family_id", flat=True))


#: What the navigator reads of children and family members (a caseload loads many of them).
_CHILD_FIELDS = ("id", "family_id", "municipality_id", "given_name", "family_name", "birth_date", "expected_birth_date",
                 "condition_categories", "setting", "user_id", "shares_health_with_guardians")


class StoredAnswers(NamedTuple):
    """Only the answers of a stored :class:`NavigatorAnswers` row: what a screening of many families needs."""

    answers: dict


class FamilyRow(NamedTuple):
    """What a screening needs of a family, read as a plain row (see :func:`load_family_data`)."""

    pk: int
    display_name: str
    municipality_id: int
    preferred_language: str
    needs_interpreter: bool
    interpreter_language: str


class ChildRow(NamedTuple):
    """What a screening needs of a child, read as a plain row; ages follow ``Child.age_on``."""

    pk: int
    family_id: int
    given_name: str
    family_name: str
    birth_date: date | None
    expected_birth_date: date | None
    condition_categories: list
    setting: str

    def age_on(self, day: date) -> int | None:
        return Child.age_on(self, day)  # type: ignore[arg-type] - the same rule, on the same fields


def load_family_data(families: QuerySet[Family], today: date | None = None, *,
                     light: bool = False, family: Family | None = None, children: list[Child] | None = None,
                     entries: list[MapEntry] | None = None) -> list[FamilyData]:
    """What the profiles of ``families`` are built from, in a fixed number of queries (eight), whatever
    the number of families: the related rows are selected with the families' query as a subquery.

    With ``light=True`` families, children and stored answers come as plain rows (:class:`FamilyRow`,
    :class:`ChildRow`, :class:`StoredAnswers`) instead of model instances: enough to build profiles and to
    list and count, not to edit or to ask the access policy about. A screening of every family in the
    country reads a quarter of a million rows, and making model instances of them was half its time.

    ``family``: the one family of ``families``, already read (a family's page): it is not read again, its rows
    are read by its id, and the children and stored answers point to it (the access policy asks about them).
    With it, ``children`` (ordered by birth date, then id) and ``entries`` (its service-map rows that name a
    catalogue entry, in the map's order) are those the caller has read already: they are not read again."""
    today = today or timezone.localdate()
    now = timezone.now()
    if family is not None:
        rows: list = [family]
        ids: Any = [family.pk]
    else:
        ordered = families.order_by("display_name", "pk")
        rows = list(ordered.values_list(*FamilyRow._fields)) if light else list(ordered)
        if not rows:
            return []
        ids = families.order_by().values("pk")
    data = {f.pk: FamilyData(family=f) for f in (map(FamilyRow._make, rows) if light else rows)}
    read_children = Child.objects.filter(family_id__in=ids).order_by("birth_date", "pk")
    if family is not None and children is not None:
        data[family.pk].children.extend(children)
    elif light:
        for child in map(ChildRow._make, read_children.values_list(*ChildRow._fields)):
            data[child.family_id].children.append(child)
    else:
        for child in read_children.only(*_CHILD_FIELDS):
            data[child.family_id].children.append(child)
    if family is not None:  # one family: its counts and whether it has a coordinator and a plan, in one query
        one = data[family.pk]
        one.guardians, one.siblings_recorded, one.has_coordinator, one.has_plan = _one_family_facts(family.pk, today)
    else:
        members = (FamilyMember.objects.filter(family_id__in=ids).order_by().values("family_id")
                   .annotate(guardians=Count("pk", filter=_GUARDIAN),
                             siblings=Count("pk", filter=Q(relation="sibling")))
                   .values_list("family_id", "guardians", "siblings"))
        for family_id, guardians, siblings in members:
            data[family_id].guardians, data[family_id].siblings_recorded = guardians, siblings
    # Rows whose order does not matter are read unsorted: sorting the 200,000 consents or service-map rows of a
    # national screening by the models' default order made PostgreSQL sort on disk.
    consents = (Consent.objects.filter(family_id__in=ids, service_provider__isnull=False, withdrawn_at__isnull=True,
                                       valid_from__lte=now, valid_to__gt=now)
                .order_by().values_list("family_id", "service_provider__kind"))
    for family_id, kind in consents:
        service = _PROVIDER_SERVICE.get(kind)
        if service:
            data[family_id].consent_services.add(service)
    if family is not None and entries is not None:
        data[family.pk].entries.extend(entries)
    else:
        rows_of_map = ServiceEntry.objects.filter(family_id__in=ids).exclude(catalog_id="")
        if light:  # a screening uses the states only; a family's page shows the first row of the best state
            rows_of_map = rows_of_map.order_by()
        rows_of_map = rows_of_map.values_list("pk", "family_id", "catalog_id", "state", "child_id", "provider__kind")
        for pk, family_id, catalog_id, state, child_id, kind in rows_of_map:
            data[family_id].entries.append(MapEntry(pk, catalog_id, state, child_id, kind or ""))
    if not light:
        for row in NavigatorAnswers.objects.filter(family_id__in=ids):
            data[row.family_id].answers[row.child_id] = row
        if family is not None:  # what the access policy reads of the rows, without reading it again
            children_by_pk = {child.pk: child for child in data[family.pk].children}
            for child in children_by_pk.values():
                child.family = family
            for row in data[family.pk].answers.values():
                row.family = family
                if row.child_id in children_by_pk:
                    row.child = children_by_pk[row.child_id]
    else:
        for family_id, child_id, answers in NavigatorAnswers.objects.filter(family_id__in=ids).order_by().values_list(
                "family_id", "child_id", "answers"):
            data[family_id].answers[child_id] = StoredAnswers(answers)
    if family is None:
        coordinated = (CoordinatorAssignment.objects.filter(family_id__in=ids, started__lte=today)
                       .filter(Q(ended__isnull=True) | Q(ended__gt=today)).order_by()
                       .values_list("family_id", flat=True))
        for family_id in coordinated:
            data[family_id].has_coordinator = True
        for family_id in _plan_family_ids(ids):
            data[family_id].has_plan = True
    return list(data.values())


#: Family members who are guardians (``FamilyMember.is_guardian``, as a query).
_GUARDIAN = Q(relation__in=list(GUARDIAN_RELATIONS)) & (Q(parental_responsibility=True) | Q(daily_care=True))


def _one_family_facts(family_id: int, today: date) -> tuple[int, int, bool, bool]:
    """(guardians, siblings recorded, has a barnekoordinator today, has a current plan) of one family, in one
    query: the same facts :func:`load_family_data` reads for many families in three."""
    members = FamilyMember.objects.filter(family_id=OuterRef("pk")).order_by().values("family_id")
    try:
        plan_model = apps.get_model("plans", "Plan")
    except LookupError:
        plan_model = None
    planned: Any = (Exists(plan_model.objects.filter(family_id=OuterRef("pk"), status="active"))
                    if plan_model is not None else Value(False))
    rows = list(Family.objects.filter(pk=family_id).order_by().annotate(
        nav_guardians=Coalesce(Subquery(members.annotate(n=Count("pk", filter=_GUARDIAN)).values("n")), 0),
        nav_siblings=Coalesce(Subquery(members.annotate(n=Count("pk", filter=Q(relation="sibling"))).values("n")), 0),
        nav_coordinated=Exists(CoordinatorAssignment.objects.filter(family_id=OuterRef("pk"), started__lte=today)
                               .filter(Q(ended__isnull=True) | Q(ended__gt=today))),
        nav_planned=planned,
    ).values_list("nav_guardians", "nav_siblings", "nav_coordinated", "nav_planned"))
    if not rows:
        return 0, 0, False, False
    guardians, siblings, coordinated, has_plan = rows[0]
    return guardians, siblings, bool(coordinated), bool(has_plan)


def family_data(family: Family, today: date | None = None, *, children: list[Child] | None = None,
                entries: list[MapEntry] | None = None) -> FamilyData:
    """What the profiles of ``family`` (as read by the caller) are built from; ``children`` and ``entries``: as
    :func:`load_family_data` takes them, when the caller has read them already."""
    return load_family_data(Family.objects.filter(pk=family.pk), today, family=family, children=children,
                            entries=entries)[0]


# --------------------------------------------------------------------------------------------------
# The profile
# --------------------------------------------------------------------------------------------------


@cache
def _language_codes() -> dict[str, str]:
    """Language names in the catalogue's vocabulary (``arabisk``, ``Arabic``) → BCP 47 tag."""
    out: dict[str, str] = {}
    for code, names in load_catalog().vocabulary.get("languages", {}).items():
        out[str(code).lower()] = str(code)
        if isinstance(names, dict):
            for name in names.values():
                out.setdefault(str(name).strip().lower(), str(code))
    return out


def family_language(family: Family) -> str:
    """The family's language for the profile: the interpreter language when one is needed and known,
    otherwise the written language the family chose (nb, nn or en)."""
    if family.needs_interpreter and family.interpreter_language:
        code = _language_codes().get(family.interpreter_language.strip().lower())
        if code:
            return code
    return family.preferred_language or "nb"


def profile_child_age(child: Child, today: date) -> int | None:
    """The profile's ``age_years`` (-1 for an expected child), or None when the child is out of scope."""
    age = child.age_on(today)
    if age is None or age > MAX_PROFILE_AGE:
        return None
    return max(-1, age)


def build_profile(data: FamilyData, child: Child, today: date, *, with_answers: bool = True) -> dict[str, Any] | None:
    """The family situation profile for ``child`` from what Los knows, or None when the child has no known
    age or is older than the schema allows.

    - child: age (or -1 for an expected child), condition categories (left out when none are recorded),
      daily setting, and the services involved: those the family has consented to share with, the
      kindergarten or school the setting names, and services granted on the service map;
    - family: the number of guardians and of siblings (left out when Los has none recorded), the
      language, whether an interpreter is needed;
    - has: catalogue entries granted on the service map, a barnekoordinator when one is assigned, an
      individual plan when there is a current one;
    - the stored answers to the questionnaire (needs, expected duration, work and care burden).
    """
    age = profile_child_age(child, today)
    if age is None:
        return None
    profile_child: dict[str, Any] = {"age_years": age}
    categories = sorted({c for c in (child.condition_categories or []) if c in _CONDITIONS})
    if categories:
        profile_child["condition_categories"] = categories
    if child.setting in _SETTINGS:
        profile_child["setting"] = child.setting
    services = set(data.consent_services)
    if len(data.children) > 1:
        # Consents are given for the family; with several children a kindergarten or school consent
        # belongs to the child whose daily setting it fits.
        services = {s for s in services if s not in _SETTING_BOUND or child.setting in _SETTING_BOUND[s]}
    if child.setting in _SETTING_SERVICE:
        services.add(_SETTING_SERVICE[child.setting])
    has: dict[str, bool] = {}
    for entry in data.entries_for(child):
        if entry.state not in IN_PLACE_STATES:
            continue
        has[entry.catalog_id] = True
        if entry.provider_kind in _PROVIDER_SERVICE:
            services.add(_PROVIDER_SERVICE[entry.provider_kind])
        if entry.catalog_id in _CATALOG_SERVICE:
            services.add(_CATALOG_SERVICE[entry.catalog_id])
    if services:
        profile_child["services_involved"] = sorted(services)

    profile_family: dict[str, Any] = {}
    guardians = data.guardians
    if guardians:
        profile_family["guardians"] = min(4, guardians)
    siblings = data.siblings_recorded + sum(
        1 for c in data.children if c.pk != child.pk and c.birth_date is not None)
    if siblings:
        profile_family["siblings"] = siblings
    profile_family["language"] = family_language(data.family)
    profile_family["needs_interpreter"] = bool(data.family.needs_interpreter)

    if data.has_coordinator:
        has["barnekoordinator"] = True
    if data.has_plan:
        has["individuell_plan"] = True
    profile: dict[str, Any] = {"child": profile_child, "family": profile_family}
    if has:
        profile["has"] = dict(sorted(has.items()))
    if with_answers:
        child_row = data.answers.get(child.pk)
        family_row = data.answers.get(None)
        profile = apply_answers(profile, child_row.answers if child_row else None,
                                family_row.answers if family_row else None)
    return profile


def children_in_scope(data: FamilyData, today: date) -> list[Child]:
    """The family's children the navigator can speak about (known age, 25 or younger)."""
    return [c for c in data.children if profile_child_age(c, today) is not None]


def profile_for_family(family: Family, today: date | None = None, child: Child | None = None, *,
                       children: list[Child] | None = None, entries: list[MapEntry] | None = None) -> dict[str, Any]:
    """The schema-valid family situation profile of ``family`` (for ``child``, by default the first child the
    navigator can speak about), built from Los's data and the stored answers.

    Raises ``ValueError`` when the family has no child with a known age up to 25.
    """
    today = today or timezone.localdate()
    data = family_data(family, today, children=children, entries=entries)
    candidates = children_in_scope(data, today)
    if child is not None:
        candidates = [c for c in candidates if c.pk == child.pk]
    if not candidates:
        raise ValueError("the family has no child the navigator can speak about")
    profile = build_profile(data, candidates[0], today)
    assert profile is not None
    return profile


# --------------------------------------------------------------------------------------------------
# The family's list
# --------------------------------------------------------------------------------------------------

_QUESTION_MARKERS = ("Spørsmål:", "Question:")


def question_part(text: str) -> str:
    """The question in an engine text "We do not know X. Question: Y?" (Y), or the whole text."""
    for marker in _QUESTION_MARKERS:
        if marker in text:
            return text.split(marker, 1)[1].strip()
    return text


@dataclass
class Card:
    """One suggestion as the page shows it."""

    suggestion: Suggestion
    group: str  # likely | possible | applied | in_place
    reasons: list[str]
    questions: list[str]
    how_to_apply: str
    map_entry: MapEntry | None = None
    form: Any = None  # the "we have applied" form (forms.AppliedFields), set by the view
    routine: RoutineView | None = None  # how the family's municipality handles it (its local routine)
    local: str = ""  # the municipality's name when this is one of the municipality's own services
    why: str = ""  # the one line shown on the closed card: its most telling reason (see :func:`listing`)
    ask: AskAction | None = None  # where to ask for a barnekoordinator from this card, set by the view
    answer_href: str = ""  # where the questions that would settle it are, set by the view
    unit: Any = None  # the coordinating unit (name and contact) on the cards one asks the unit about

    @property
    def id(self) -> str:
        return self.suggestion.id

    @property
    def open(self) -> bool:
        """Shown open: only when its "we have applied" form came back with something to correct."""
        form = self.form
        return bool(form is not None and (form.sent_on_errors or form.catalog_errors or form.other_errors))

    @property
    def refused(self) -> bool:
        return self.map_entry is not None and self.map_entry.state == EntryState.REFUSED

    @cached_property
    def checked_text(self) -> str:
        """When the entry was last checked against its sources, in the page's language (with the year)."""
        return _day_text(self.suggestion.last_checked, page_language())

    @cached_property
    def source_links(self) -> list[tuple[str, str]]:
        """(name of the publisher, address) of each public page the entry was checked against. The catalogue's
        own notes on a source (``about``) are for its editors and are not shown."""
        links, seen = [], set()
        for row in self.suggestion.sources:
            url = str(row.get("url") or "")
            if url.startswith(("https://", "http://")) and url not in seen:
                seen.add(url)
                links.append((source_name(url), url))
        return links


@lru_cache(maxsize=4096)
def _day_text(day: date | None, language: str | None) -> str:
    """``format_day(day)`` in ``language`` (the active one, passed so that each language has its own answer): the
    catalogue's entries share a few dates, and a family's page writes them on every card."""
    return format_day(day)


#: Publishers whose pages the catalogue cites most, by their own name; others are shown by their web address.
PUBLISHERS = {
    "lovdata.no": "Lovdata", "nav.no": "NAV", "helsedirektoratet.no": "Helsedirektoratet",
    "regjeringen.no": "Regjeringen", "udir.no": "Utdanningsdirektoratet", "helsenorge.no": "Helsenorge",
    "bufdir.no": "Bufdir", "stortinget.no": "Stortinget", "pasientreiser.no": "Pasientreiser",
    "husbanken.no": "Husbanken", "ks.no": "KS", "imdi.no": "IMDi", "frambu.no": "Frambu",
}


@lru_cache(maxsize=4096)
def source_name(url: str) -> str:
    """The publisher of a source page: "Lovdata" for https://lovdata.no/..., else its host without "www."."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower().removeprefix("www.")
    for domain, name in PUBLISHERS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host


@dataclass(frozen=True)
class AskAction:
    """Asking for a barnekoordinator from a card: a link in Los (``url``), or, on the anonymous page, a button that
    carries the answers to the open request form (``token``, see :mod:`los.navigator.carry`)."""

    label: str
    url: str
    token: str = ""


GROUPS = ("likely", "possible", "applied", "in_place")
GROUP_TEXTS = {
    "likely": (_("Likely: worth applying for now"), ""),
    "possible": (_("Possible: needs an answer"), ""),
    "applied": (_("Applied for: waiting for an answer"), ""),
    "in_place": (_("Already in place"),
                 _("You already have these, or the child is already in contact with the service.")),
    "tell": (_("Good to know about"),
             _("These are likely to apply too, and there is nothing to apply for: offers, rules and people worth "
               "knowing about.")),
}
#: The page's sections in order: (key, the listing's group, only the entries to tell about?, shown closed?, how
#: many cards are shown before "show more"). What to act on is open, the first few cards of it shown; what needs no
#: action (already in place, worth knowing) opens on request.
SECTIONS = (("likely", "likely", False, False, 5), ("possible", "possible", None, False, 3),
            ("applied", "applied", None, False, 3), ("tell", "likely", True, True, None),
            ("in_place", "in_place", None, True, None))


@dataclass(frozen=True)
class Section:
    key: str
    heading: Any
    intro: Any
    cards: list[Card]  # shown
    closed: bool  # the whole section opens on request
    more: list[Card] = field(default_factory=list)  # the rest of an open section, behind "show more"

    @property
    def count(self) -> int:
        return len(self.cards) + len(self.more)


@dataclass
class Listing:
    """The navigator's answer for one profile, ready for a page."""

    profile: dict[str, Any]
    result: Result | None
    groups: dict[str, list[Card]]
    not_applicable: list[NotApplicable]
    error: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {key: len(cards) for key, cards in self.groups.items()}

    @property
    def question_count(self) -> int:
        return sum(len(c.questions) for c in self.groups["possible"])

    @property
    def sections(self) -> list[Section]:
        """The sections that have cards, in order (see :data:`SECTIONS`): the likely entries to apply for, the
        possible, those applied for, then closed until opened the likely ones only to know about and what is
        already in place."""
        out = []
        for key, group, tell, closed, shown in SECTIONS:
            cards = [c for c in self.groups[group] if tell is None or (c.id in TO_TELL_ABOUT) == tell]
            if not cards:
                continue
            # a card that must be seen (its "we have applied" form came back with an error) is never behind "more"
            if shown is not None and len(cards) > shown + 1 and not any(c.open for c in cards[shown:]):
                out.append(Section(key, *GROUP_TEXTS[key], cards[:shown], closed, cards[shown:]))
            else:
                out.append(Section(key, *GROUP_TEXTS[key], cards, closed))
        return out

    @property
    def open_sections(self) -> list[Section]:
        return [section for section in self.sections if not section.closed]

    @property
    def closed_sections(self) -> list[Section]:
        return [section for section in self.sections if section.closed]

    def card(self, entry_id: str) -> Card | None:
        return next((c for cards in self.groups.values() for c in cards if c.id == entry_id), None)

    @property
    def settle_facts(self) -> list[str]:
        """The profile facts whose answers would settle the possible entries, most asked first."""
        counts: dict[str, int] = defaultdict(int)
        for card in self.groups["possible"]:
            for fact in card.suggestion.question_facts:
                counts[fact] += 1
        return sorted(counts, key=lambda fact: -counts[fact])


def _attach_label(lang: str) -> str:
    phrase = load_catalog().vocabulary.get("phrases", {}).get("attach", {})
    return phrase.get(lang, "") if isinstance(phrase, dict) else ""


def listing(profile: dict[str, Any], today: date, lang: str,
            map_states: dict[str, MapEntry] | None = None, *, catalog: Catalog | None = None,
            routines: dict[str, RoutineView] | None = None, municipality_name: str = "") -> Listing:
    """Evaluate ``profile`` and group the suggestions: likely, possible (with the questions that would
    settle them), applied for (on the service map, waiting), already in place; not applicable apart.
    ``catalog`` may add a municipality's own services (:func:`catalog_for`); ``routines`` are the municipality's
    routines, shown on the card of the entry they belong to."""
    map_states = map_states or {}
    routines = routines or {}
    groups: dict[str, list[Card]] = {key: [] for key in GROUPS}
    try:
        result = evaluate(profile, as_of=today, lang=lang, catalog=catalog)
    except (ProfileError, ValueError):
        logger.exception("the navigator could not evaluate a profile built by Los")
        return Listing(profile=profile, result=None, groups=groups, not_applicable=[], error=True)
    attach = _attach_label(lang)
    for s in result.suggestions:
        entry = map_states.get(s.id)
        if s.relevance == "in_place":
            group = "in_place"
        elif entry is not None and entry.state in APPLIED_STATES:
            group = "applied"
        else:
            group = s.relevance
        questions = list(s.questions) if group == "possible" else []
        reasons = [r for r in s.reasons if r not in s.questions]
        how_to_apply = s.how_to_apply
        suffix = f" {attach} {s.attach}" if attach and s.attach else ""
        if suffix and how_to_apply.endswith(suffix):
            how_to_apply = how_to_apply[: -len(suffix)]
        groups[group].append(Card(suggestion=s, group=group, reasons=reasons,
                                  questions=[question_part(q) for q in questions],
                                  how_to_apply=how_to_apply, map_entry=entry, routine=routines.get(s.id),
                                  local=municipality_name if s.id.startswith(LOCAL_PREFIX) else ""))
    _choose_why(groups)
    return Listing(profile=profile, result=result, groups=groups, not_applicable=list(result.not_applicable))


def _choose_why(groups: dict[str, list[Card]]) -> None:
    """Give each card its one line: the reason it shares with the fewest other cards ("The child is 9 years old"
    is true of most of them and tells nothing), the later one on a tie (the rules name the general conditions
    first). When even that reason is true of many cards, a possible entry shows the question that would settle it,
    and any other the first sentence of what it is."""
    cards = [c for group in groups.values() for c in group]
    seen: dict[str, int] = defaultdict(int)
    for card in cards:
        for reason in set(card.reasons):
            seen[reason] += 1
    generic = max(3, len(cards) // 4)
    for card in cards:
        best = min(range(len(card.reasons)), key=lambda i: (seen[card.reasons[i]], -i)) if card.reasons else None
        if best is not None and seen[card.reasons[best]] < generic:
            card.why = card.reasons[best]
        elif card.questions:
            card.why = card.questions[0]
        elif card.suggestion.summary:
            card.why = card.suggestion.summary.split(". ", 1)[0].rstrip(".") + "."
        else:
            card.why = card.reasons[best] if best is not None else ""


def known_facts(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """What the profile says, in the page's language, for the "what Los knows" list."""
    child = profile.get("child", {})
    family = profile.get("family", {})
    facts: list[tuple[str, str]] = []
    age = child.get("age_years")
    if age is not None:
        if age < 0:
            value = gettext("Not born yet (expected)")
        elif age == 0:
            value = gettext("Under 1 year")
        else:
            value = ngettext("%(n)d year", "%(n)d years", age) % {"n": age}
        facts.append((gettext("Age"), value))
    labels = dict(ConditionCategory.choices)
    if child.get("condition_categories"):
        facts.append((gettext("Condition"), ", ".join(str(labels[c]) for c in child["condition_categories"])))
    if child.get("setting"):
        facts.append((gettext("Daily setting"), str(dict(Setting.choices)[child["setting"]])))
    kinds = dict(ProviderKind.choices)
    if child.get("services_involved"):
        facts.append((gettext("Services involved"),
                      ", ".join(str(kinds.get(s, s)) for s in child["services_involved"])))
    if family.get("guardians"):
        facts.append((gettext("Guardians"), str(family["guardians"])))
    if family.get("siblings") is not None:
        facts.append((gettext("Siblings"), str(family["siblings"])))
    if "needs_interpreter" in family:
        facts.append((gettext("Needs an interpreter"), gettext("yes") if family["needs_interpreter"] else gettext("no")))
    has = [key for key, value in (profile.get("has") or {}).items() if value]
    if has:
        names = {e.id: e.names[page_language()] for e in load_catalog().entries}
        facts.append((gettext("Already has"), ", ".join(names.get(key, key) for key in has)))
    return facts


@dataclass
class FamilyNavigator:
    """The family's page: the children the viewer may see, the chosen child and its list."""

    data: FamilyData
    child: Child | None
    listing: Listing | None
    facts: list[tuple[str, str]]


def family_navigator(data: FamilyData, child: Child | None, today: date, lang: str) -> FamilyNavigator:
    if child is None:
        return FamilyNavigator(data=data, child=None, listing=None, facts=[])
    profile = build_profile(data, child, today)
    if profile is None:
        return FamilyNavigator(data=data, child=child, listing=None, facts=[])
    municipality_id = data.family.municipality_id
    name = data.family.municipality.name if isinstance(data.family, Family) else ""
    return FamilyNavigator(data=data, child=child,
                           listing=listing(profile, today, lang, data.map_states(child),
                                           catalog=catalog_for(municipality_id),
                                           routines=routines_for(municipality_id, lang, name),
                                           municipality_name=name),
                           facts=known_facts(profile))


def questions_for(data: FamilyData, child: Child, today: date | None = None) -> list[Question]:
    """The questions to ask about ``child``: all of them, except the number of siblings when Los has it."""
    profile = build_profile(data, child, today or timezone.localdate(), with_answers=False) or {}
    known_siblings = bool(profile.get("family", {}).get("siblings"))
    return [q for q in QUESTIONS if not (q.key == "siblings" and known_siblings)]


def answers_row(data: FamilyData, child: Child | None) -> NavigatorAnswers:
    """The stored answers for ``child`` (None: the family's own), or a new unsaved row."""
    row = data.answers.get(child.pk if child is not None else None)
    if row is None:
        family = data.family
        row = NavigatorAnswers(family=family, municipality_id=family.municipality_id, child=child, answers={},
                               version=0)
    return row


def map_entry_for(family: Family, child: Child | None, catalog_id: str) -> ServiceEntry | None:
    """The service-map row for ``catalog_id`` about ``child`` (or the whole family), the most advanced first."""
    rows = list(ServiceEntry.objects.filter(family=family, catalog_id=catalog_id)
                .filter(Q(child=child) | Q(child__isnull=True) if child is not None else Q(child__isnull=True)))
    rows.sort(key=lambda e: (_STATE_RANK.get(e.state, 9), -e.pk))
    return rows[0] if rows else None


def catalogue_names(lang: str, municipality_id: int | None = None) -> dict[str, str]:
    """Entry names in ``lang``: the national catalogue, and the municipality's own services when one is given."""
    return {e.id: e.names[lang] for e in catalog_for(municipality_id).entries}


# --------------------------------------------------------------------------------------------------
# The municipality's own layer
# --------------------------------------------------------------------------------------------------

#: Per municipality: the key of the rows it was built from, and the catalogue with its own services.
_LOCAL_CATALOGS: dict[int, tuple[tuple, Catalog]] = {}


def catalog_for(municipality_id: int | None) -> Catalog:
    """The national catalogue with the municipality's own active services added. Another municipality's services
    are never in it, and the national entries are judged exactly as without them. Built again only when a row
    changed (one query to see that); a stored entry that no longer loads is left out and logged."""
    national = load_catalog()
    if municipality_id is None:
        return national
    rows = list(LocalEntry.objects.filter(municipality_id=municipality_id, active=True).order_by("entry_id")
                .values_list("pk", "version", "data"))
    # the rows' content is in the key, not only (pk, version): a row number can come back after a rollback
    key = (national.version,
           *((pk, version, json.dumps(data, sort_keys=True, default=str)) for pk, version, data in rows))
    hit = _LOCAL_CATALOGS.get(municipality_id)
    if hit is not None and hit[0] == key:
        return hit[1]
    entries = []
    for pk, _version, data in rows:
        try:
            entries.append(local_entry(data, national))
        except RuleError:
            logger.exception("the local entry %s no longer loads; it is left out", pk)
    built = national.with_local(tuple(entries), f"m{municipality_id}v{sum(v for _pk, v, _d in rows)}")
    if len(_LOCAL_CATALOGS) > 512:
        _LOCAL_CATALOGS.clear()
    _LOCAL_CATALOGS[municipality_id] = (key, built)
    return built


@dataclass(frozen=True)
class RoutineView:
    """A municipality's routine for one entry, in the page's language."""

    municipality: str
    how_to_apply: str
    contact: str
    forms: str
    processing_time: str
    form_url: str
    checked_on: date
    checked_by: str

    @property
    def checked_on_text(self) -> str:
        return format_day(self.checked_on)


def _in_language(texts: dict, part: str, lang: str) -> str:
    value = texts.get(part) or {}
    return str(value.get(lang) or value.get("nb") or "")


def routines_for(municipality_id: int | None, lang: str, municipality_name: str = "") -> dict[str, RoutineView]:
    """The municipality's routines by entry id, in ``lang`` (bokmål where English is missing)."""
    if municipality_id is None:
        return {}
    out = {}
    for routine in LocalRoutine.objects.filter(municipality_id=municipality_id).select_related("checked_by"):
        texts = routine.texts or {}
        out[routine.entry_id] = RoutineView(
            municipality=municipality_name, how_to_apply=_in_language(texts, "how_to_apply", lang),
            contact=_in_language(texts, "contact", lang), forms=_in_language(texts, "forms", lang),
            processing_time=_in_language(texts, "processing_time", lang), form_url=routine.form_url,
            checked_on=routine.checked_on, checked_by=routine.checked_by.get_full_name() or routine.checked_by.username)
    return out


def local_municipalities(user: User) -> list[Municipality]:
    """The municipalities whose local services and routines the user may change (the coordinating unit's own)."""
    found: dict[int, Municipality] = {}
    for role in user.active_roles():
        if role.role in (Role.CASEWORKER, Role.UNIT_LEADER):
            found.setdefault(role.municipality_id, role.municipality)
    return sorted(found.values(), key=lambda m: m.name)


# --------------------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------------------


#: Entries to tell the family about rather than to apply for: no decision is made on them (their
#: ``appeal_rule`` is null) and nothing is sent. Screening lists them apart, so that the ombudsman, which
#: is worth knowing about for every family, does not hide what nobody has applied for.
TO_TELL_ABOUT = frozenset({"pasient_brukerombud", "brukerorganisasjon", "foreldrekurs", "sosken_tilbud", "ferie_leir",
                           "fritidskasse", "egenandel_barn", "tannhelse_barn", "arbeid_omsorg"})


@dataclass
class ScreenedChild:
    family: Family | FamilyRow
    child: Child | ChildRow
    missing: list[tuple[str, str]]  # (catalogue id, name): all likely entries not in place nor applied for

    @property
    def to_apply(self) -> list[tuple[str, str]]:
        return [pair for pair in self.missing if pair[0] not in TO_TELL_ABOUT]

    @property
    def to_tell(self) -> list[tuple[str, str]]:
        return [pair for pair in self.missing if pair[0] in TO_TELL_ABOUT]


@dataclass
class Screening:
    """Entries that are likely but neither in place nor applied for, per child and counted per entry."""

    rows: list[ScreenedChild]
    counts: list[tuple[str, str, int]]  # (catalogue id, name, number of families), most first
    families: int  # families screened
    children: int  # children screened

    @property
    def apply_counts(self) -> list[tuple[str, str, int]]:
        return [row for row in self.counts if row[0] not in TO_TELL_ABOUT]

    @property
    def tell_counts(self) -> list[tuple[str, str, int]]:
        return [row for row in self.counts if row[0] in TO_TELL_ABOUT]

    @property
    def rows_to_apply(self) -> list[ScreenedChild]:
        return [row for row in self.rows if row.to_apply]

    @property
    def families_with_missing(self) -> int:
        """Families with something likely to apply for that nobody has applied for."""
        return len({row.family.pk for row in self.rows if row.to_apply})

    def rows_for(self, entry_id: str, family_ids: Iterable[int] | None = None) -> list[ScreenedChild]:
        allowed = set(family_ids) if family_ids is not None else None
        return [row for row in self.rows if any(i == entry_id for i, _name in row.missing)
                and (allowed is None or row.family.pk in allowed)]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while tens of thousands of rows become objects.

    Every few hundred new objects the collector walks the young generation and, ever more often as the heap
    grows, the whole heap: screening the 61,264 families of the national demo data took 8.8–12 s of CPU with
    it and 5.8 s without (docs/benchmarks.md). Nothing made here is cyclic garbage; reference counting frees
    it as usual, and the collector runs again as soon as the screening is over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def screen_families(families: QuerySet[Family], today: date | None = None, lang: str = "nb") -> Screening:
    """Screen ``families`` with the engine's fast path: per child, the entries that are likely, not in
    place (``has`` or an involved service) and not applied for, refused or under appeal on the service map.
    A fixed number of queries, whatever the number of families."""
    with _cyclic_gc_paused():
        return _screen_families(families, today, lang)


#: Children screened at a time: the profiles of one batch are made, screened and let go before the next,
#: so that a national screening never holds a quarter of a million profile dictionaries at once.
SCREENING_BATCH = 5000


def _screen_families(families: QuerySet[Family], today: date | None, lang: str) -> Screening:
    today = today or timezone.localdate()
    data = load_family_data(families, today, light=True)
    names = catalogue_names(lang)
    rows: list[ScreenedChild] = []
    per_entry: dict[str, set[int]] = defaultdict(set)
    screenable = ((family, child, profile) for family in data for child in family.children
                  if (profile := build_profile(family, child, today)) is not None)
    children = 0
    for batch in batched(screenable, SCREENING_BATCH):
        children += len(batch)
        for (family, child, _profile), ids in zip(batch, screen([profile for _family, _child, profile in batch], today), strict=True):
            if not ids:
                continue
            states = family.map_states(child)
            missing = [i for i in ids if not (i in states and states[i].state in LOOKED_INTO_STATES)]
            if missing:
                rows.append(ScreenedChild(family=family.family, child=child,
                                          missing=[(i, names.get(i, i)) for i in missing]))
                for i in missing:
                    per_entry[i].add(family.family.pk)
    order = {e.id: e.priority for e in load_catalog().entries}
    counts = sorted(((i, names.get(i, i), len(f)) for i, f in per_entry.items()),
                    key=lambda row: (-row[2], order.get(row[0], 99), row[0]))
    return Screening(rows=rows, counts=counts, families=len(data), children=children)


def caseload(user: User) -> QuerySet[Family]:
    """The families the user is barnekoordinator for now, among those whose health information the user
    may see (the navigator's lists reveal the child's conditions and needs)."""
    today = timezone.localdate()
    assigned = (CoordinatorAssignment.objects.filter(coordinator=user, started__lte=today)
                .filter(Q(ended__isnull=True) | Q(ended__gt=today)).values("family_id"))
    return visible_families(user, Category.HEALTH).filter(pk__in=assigned)


# --------------------------------------------------------------------------------------------------
# The coordinating unit and leaders: counts
# --------------------------------------------------------------------------------------------------


def aggregate_municipalities(user: User) -> list[Municipality]:
    """The municipalities whose figures the user reads: where they are a caseworker or leader of the
    coordinating unit, or a municipal leader."""
    found: dict[int, Municipality] = {}
    for role in user.active_roles():
        if role.role in AGGREGATE_ROLES:
            found.setdefault(role.municipality_id, role.municipality)
    return sorted(found.values(), key=lambda m: m.name)


def municipality_families(municipality: Municipality) -> QuerySet[Family]:
    """The open cases of a municipality (every status but closed): what the unit's counts cover."""
    return Family.objects.filter(municipality=municipality, status__in=OPEN_STATUSES)


def unit_screening(municipality: Municipality, today: date | None = None, lang: str = "nb") -> Screening:
    """Counts for the whole municipality. The rows carry names: show them only through
    :func:`named_rows`, which keeps the families the viewer may open."""
    return screen_families(municipality_families(municipality), today, lang)


def visible_family_ids(user: User, municipality: Municipality) -> set[int]:
    """The municipality's families whose health information the user may open (none for a leader)."""
    return set(visible_families(user, Category.HEALTH).filter(municipality=municipality).values_list("pk", flat=True))


def named_rows(screening: Screening, entry_id: str, visible_ids: set[int]) -> list[ScreenedChild]:
    return screening.rows_for(entry_id, visible_ids)


def local_name(entry: LocalEntry, lang: str) -> str:
    """A stored local service's name in ``lang`` (bokmål when there is none in that language)."""
    names = (entry.data or {}).get("names") or {}
    return str(names.get(lang) or names.get("nb") or entry.entry_id)


@dataclass(frozen=True)
class ChangeRow:
    """One line of the change log, in the page's language."""

    date: date
    kind: str
    kind_label: str
    text: str
    entries: list[tuple[str, str]]  # (id, name)


def change_log(lang: str) -> list[ChangeRow]:
    """The catalogue's change log, newest first."""
    kinds = {"law": gettext("Change of law"), "rate": gettext("New rates"), "scheme": gettext("Change of scheme"),
             "new": gettext("New in the navigator"), "correction": gettext("Corrected in the navigator")}
    catalog = load_catalog()
    names = {e.id: e.names[lang] for e in catalog.entries}
    rows = [ChangeRow(date=c.date, kind=c.kind, kind_label=str(kinds[c.kind]), text=c.text[lang],
                      entries=[(i, names.get(i, i)) for i in c.entries]) for c in catalog.changes]
    return sorted(rows, key=lambda r: r.date, reverse=True)
