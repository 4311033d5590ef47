"""The link between a service-map entry and the navigator's catalogue of rights and benefits.

A :class:`~los.servicemap.models.ServiceEntry` may name a catalogue entry by its stable string id
(``hjelpestonad``, ``avlastning`` ...). The navigator app owns the catalogue; this module never
imports its internals. The ids are those of the minimum catalogue in
``shared/navigator/catalog-ids.md`` (ids never change, see the navigator's contract) plus any extra
ids the navigator's ``load_catalog()`` reports once that function exists.

For each known id the map keeps what it needs itself: a display name in three languages, the sector
the provider usually belongs to, and the legal basis a decision is usually made under (used to
pre-fill the decision form; the appeal deadline is always computed by ``los.core.deadlines``).
"""

from __future__ import annotations

from functools import lru_cache

from django.core.exceptions import ValidationError
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
    "bpa": (_("User-controlled personal assistance (BPA)"), "municipal", "pbrl § 2-8"),
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
    "tilrettelagt_opplaering": (_("Individually adapted education"), "school", "opplæringslova § 11-6"),
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


def validate_catalog_id(value: str) -> None:
    if value and value not in catalog_ids():
        raise ValidationError(_("“%(value)s” is not in the navigator’s catalogue."), code="unknown_catalog_id",
                              params={"value": value})


def label(catalog_id: str) -> str:
    """A display name for a catalogue id (the id itself for ids only the navigator knows)."""
    row = MINIMUM_CATALOG.get(catalog_id)
    return str(row[0]) if row else catalog_id.replace("_", " ").capitalize()


def usual_sector(catalog_id: str) -> str:
    row = MINIMUM_CATALOG.get(catalog_id)
    return row[1] if row else ""


def usual_legal_basis(catalog_id: str) -> str:
    row = MINIMUM_CATALOG.get(catalog_id)
    return row[2] if row else ""


def choices() -> list[tuple[str, str]]:
    """Choices for a form: the catalogue sorted by display name."""
    return sorted(((cid, label(cid)) for cid in catalog_ids()), key=lambda pair: pair[1].lower())
