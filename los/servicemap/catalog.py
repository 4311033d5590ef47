"""The link between a service-map entry and the navigator's catalogue of rights and benefits.

A :class:`~los.servicemap.models.ServiceEntry` may name a catalogue entry by its stable string id
(``hjelpestonad``, ``avlastning`` ...). The navigator app owns the catalogue; this module never
imports its internals. The ids are those of the minimum catalogue in
``shared/navigator/catalog-ids.md`` (ids never change, see the navigator's contract) plus any extra
ids the navigator's ``load_catalog()`` reports once that function exists.

For each known id the map keeps what it needs itself: a display name in three languages, the sector
the provider usually belongs to, and the legal basis a decision is usually made under (used to
pre-fill the decision form; the appeal deadline is always computed by ``los.core.deadlines``).

A municipality's own services in the navigator (its respite house, a local grant) have ids ``lokal_<name>``
(``los.navigator.models.LocalEntry``). Such an id is accepted only on the map of a family in that municipality
(:func:`validate_catalog_id_for`): another municipality's local services are never a choice. Their names come from
the stored entry, in the page's language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

#: id -> (display name, usual sector, usual legal basis for a decision or "" when none)
#: Sectors: municipal, county, state, specialist, school, organisation (see models.Sector).
MINIMUM_CATALOG: dict[str, tuple[object, str, str]] = {
    # coordination and planning
    "barnekoordinator": (_("Barnekoordinator"), "municipal", "pbrl § 2-5 c"),
    "individuell_plan": (_("Individual plan"), "municipal", "pbrl § 2-5"),
    "koordinator": (_("Coordinator"), "municipal", "pbrl § 2-5 b"),
    # NAV
    "grunnstonad": (_("Basic benefit (grunnstønad)"), "state", "ftrl § 6-3"),
    "hjelpestonad": (_("Attendance benefit (hjelpestønad)"), "state", "ftrl § 6-4"),
    "omsorgspenger_utvidet": (_("Extra care days (omsorgspenger)"), "state", "ftrl § 9-6"),
    "pleiepenger": (_("Care benefit (pleiepenger)"), "state", "ftrl § 9-10"),
    "opplaeringspenger": (_("Training benefit (opplæringspenger)"), "state", "ftrl § 9-14"),
    "hjelpemidler": (_("Assistive devices (hjelpemidler)"), "state", "ftrl § 10-6"),
    "bilstonad": (_("Car grant (stønad til bil)"), "state", "ftrl § 10-7"),
    # municipal health and care
    "avlastning": (_("Respite care (avlastning)"), "municipal", "hol § 3-6"),
    "omsorgsstonad": (_("Care allowance (omsorgsstønad)"), "municipal", "hol § 3-6"),
    "pararendeopplaering": (_("Training and guidance for carers"), "municipal", "hol § 3-6"),
    "bpa": (_("User-controlled personal assistance (BPA)"), "municipal", "pbrl § 2-1 d"),
    "stottekontakt": (_("Support contact (støttekontakt)"), "municipal", "hol § 3-2"),
    "helsestasjon_skolehelse": (_("Health clinic and school health service"), "municipal", "hol § 3-2"),
    "fysio_ergoterapi": (_("Physiotherapy and occupational therapy"), "municipal", "hol § 3-2"),
    "parkeringstillatelse": (_("Parking permit for the mobility impaired"), "municipal", "parkeringstillatelse"),
    # a municipal scheme without a section of its own in a law: the decision names no usual basis (fvl § 29 is the
    # appeal rule, not what the decision is made under)
    "ledsagerbevis": (_("Companion card (ledsagerbevis)"), "municipal", ""),
    # kindergarten and school
    "barnehage_prioritet": (_("Priority for a kindergarten place"), "school", "barnehageloven § 18"),
    "spesialpedagogisk_hjelp": (_("Special needs support before school age"), "school", "barnehageloven § 31"),
    "tilrettelegging_barnehage": (_("Adapted kindergarten"), "school", "barnehageloven § 37"),
    "tilrettelagt_opplaering": (_("Individually adapted education"), "school", "opplæringslova (2023) kapittel 11"),
    "ppt": (_("Educational-psychological service (PPT)"), "school", ""),
    "skoleskyss": (_("School transport"), "school", "opplæringslova"),
    "tt_ordning": (_("Door-to-door transport (TT card)"), "county", "tt"),
    # specialist and national
    "habu": (_("Habilitation service for children (HABU)"), "specialist", ""),
    "bup": (_("Child and adolescent mental health (BUP)"), "specialist", ""),
    "kompetansesenter": (_("National competence service"), "specialist", ""),
    # support for the family
    "brukerorganisasjon": (_("User organisation and peer support"), "organisation", ""),
    "sosken_tilbud": (_("Offer for siblings"), "organisation", ""),
    "foreldrekurs": (_("Course for parents"), "organisation", ""),
    "pasient_brukerombud": (_("Patient and user ombudsman"), "state", ""),
    "tolk": (_("Interpreter"), "municipal", ""),
}


def _ids_of(catalog: object) -> set[str]:
    """The ids of whatever ``load_catalog()`` returns: an object with ``ids`` or ``entries``, a dict
    keyed by id, or an iterable of entries with an ``id``."""
    ids = getattr(catalog, "ids", None)
    if ids is not None:
        ids = ids() if callable(ids) else ids
        return {i for i in ids if isinstance(i, str)}
    if isinstance(catalog, dict):
        return {k for k in catalog if isinstance(k, str)}
    entries = getattr(catalog, "entries", catalog)
    out: set[str] = set()
    try:
        iterator = iter(entries)  # type: ignore[call-overload]
    except TypeError:
        return out
    for entry in iterator:
        value = entry.get("id") if isinstance(entry, dict) else getattr(entry, "id", None)
        if isinstance(value, str):
            out.add(value)
    return out


def _navigator_ids() -> set[str]:
    """Ids from the navigator's catalogue when its engine exists; an empty set otherwise."""
    try:
        from los.navigator.engine import load_catalog  # type: ignore[import-not-found]
    except ImportError:
        return set()
    try:
        return _ids_of(load_catalog())
    except Exception:  # noqa: BLE001 - a broken catalogue must not break the service map
        return set()


@lru_cache(maxsize=1)
def catalog_ids() -> frozenset[str]:
    """Every catalogue id a service entry may name."""
    return frozenset(MINIMUM_CATALOG) | frozenset(_navigator_ids())


#: The navigator's prefix for a municipality's own services (``los.navigator.catalog.LOCAL_PREFIX``).
LOCAL_PREFIX = "lokal_"
_LOCAL_ID = re.compile(r"lokal_[a-z0-9_]+")


def _unknown(value: str) -> ValidationError:
    return ValidationError(_("“%(value)s” is not in the navigator’s catalogue."), code="unknown_catalog_id",
                           params={"value": value})


def is_local(catalog_id: str) -> bool:
    return bool(catalog_id) and catalog_id not in catalog_ids() and _LOCAL_ID.fullmatch(catalog_id) is not None


def validate_catalog_id(value: str) -> None:
    """The field's own check: an id of the national catalogue, or the form of a local service's id (whose
    municipality is checked by :func:`validate_catalog_id_for`, which knows the family)."""
    if value and value not in catalog_ids() and not is_local(value):
        raise _unknown(value)


def validate_catalog_id_for(value: str, municipality_id: int | None) -> None:
    """An id the map of a family in ``municipality_id`` may name: the national catalogue's, or one of that
    municipality's own services (and no other municipality's)."""
    validate_catalog_id(value)
    if is_local(value) and value not in local_entries(municipality_id):
        raise _unknown(value)


def local_entries(municipality_id: int | None) -> dict[str, dict[str, Any]]:
    """The municipality's own services in the navigator: id -> the stored entry (names, legal basis, appeal rule).
    Read through the app registry; empty when the navigator is not installed."""
    if municipality_id is None:
        return {}
    try:
        model = apps.get_model("navigator", "LocalEntry")
    except LookupError:
        return {}
    rows = model.objects.filter(municipality_id=municipality_id).values_list("entry_id", "data")
    return {entry_id: data if isinstance(data, dict) else {} for entry_id, data in rows}


def _local_name(data: dict[str, Any]) -> str:
    names = data.get("names") or {}
    lang = (get_language() or "nb").split("-")[0]
    return str(names.get(lang) or names.get("nb") or "")


def label(catalog_id: str, municipality_id: int | None = None) -> str:
    """A display name for a catalogue id: a local service's own name (from its municipality), else the minimum
    catalogue's name, else the id made readable (for ids only the navigator knows)."""
    if is_local(catalog_id):
        name = _local_name(local_entries(municipality_id).get(catalog_id, {}))
        if name:
            return name
    row = MINIMUM_CATALOG.get(catalog_id)
    return str(row[0]) if row else catalog_id.replace("_", " ").capitalize()


def usual_sector(catalog_id: str) -> str:
    row = MINIMUM_CATALOG.get(catalog_id)
    return row[1] if row else ""


def usual_legal_basis(catalog_id: str, municipality_id: int | None = None) -> str:
    """The legal basis a decision on ``catalog_id`` is usually made under. For a local service: the appeal rule
    its municipality gave it (FVL, PBRL or FTRL, which ``los.core.deadlines`` resolves), or nothing."""
    if is_local(catalog_id):
        rule = local_entries(municipality_id).get(catalog_id, {}).get("appeal_rule")
        return rule if rule in ("FVL", "PBRL", "FTRL") else ""
    row = MINIMUM_CATALOG.get(catalog_id)
    return row[2] if row else ""


def choices(municipality_id: int | None = None) -> list[tuple[str, str]]:
    """Choices for a form: the catalogue, with the municipality's own services when one is given, by name."""
    pairs = [(cid, label(cid)) for cid in catalog_ids()]
    pairs += [(cid, _local_name(data) or cid) for cid, data in local_entries(municipality_id).items()
              if cid not in catalog_ids()]
    return sorted(pairs, key=lambda pair: pair[1].lower())
