"""The link to the navigator's catalogue: ids are validated, and each id's usual legal basis is one
los.core.deadlines knows (so a decision on it always gets an appeal deadline)."""

import re

import pytest
from django.core.exceptions import ValidationError

from los.core import deadlines
from los.core.paths import shared_path
from los.servicemap import catalog, services
from los.servicemap.models import Sector


def _shared_catalog_ids() -> set[str]:
    path = shared_path("navigator", "catalog-ids.md")
    if path.exists():
        return set(re.findall(r"^\| ([a-z_]+) \|", path.read_text(encoding="utf-8"), flags=re.MULTILINE)) - {"id"}
    return set(catalog.MINIMUM_CATALOG)  # the contract's file is not beside this checkout


def test_minimum_catalogue_matches_the_navigator_contract():
    assert set(catalog.MINIMUM_CATALOG) == _shared_catalog_ids()
    assert all(re.fullmatch(r"[a-z_]+", cid) for cid in catalog.MINIMUM_CATALOG)


@pytest.mark.parametrize("catalog_id", sorted(cid for cid, row in catalog.MINIMUM_CATALOG.items() if row[2]))
def test_usual_legal_basis_resolves(catalog_id):
    deadlines.resolve_legal_basis(catalog.usual_legal_basis(catalog_id))


def test_usual_sectors_are_sectors():
    assert {row[1] for row in catalog.MINIMUM_CATALOG.values()} <= set(Sector.values)


def test_navigator_catalogue_ids_are_accepted_too():
    class FakeCatalog:
        ids = ["hjelpestonad", "ny_ytelse"]

    assert catalog._ids_of(FakeCatalog()) == {"hjelpestonad", "ny_ytelse"}
    assert catalog._ids_of({"a": 1}) == {"a"}
    assert catalog._ids_of([{"id": "b"}]) == {"b"}


def test_unknown_catalogue_id_is_refused(sm):
    with pytest.raises(ValidationError) as error:
        services.create_entry(sm.family, sm.coordinator, catalog_id="finnes_ikke")
    assert "catalog_id" in error.value.message_dict


def test_entry_needs_a_name_or_a_catalogue_id(sm):
    with pytest.raises(ValidationError) as error:
        services.create_entry(sm.family, sm.coordinator, title="  ")
    assert "title" in error.value.message_dict


def test_sector_follows_provider_or_catalogue(sm):
    assert services.create_entry(sm.family, sm.coordinator, catalog_id="tt_ordning").sector == Sector.COUNTY
    assert services.create_entry(sm.family, sm.coordinator, title="Oppfølging", provider=sm.habu).sector == \
        Sector.SPECIALIST
    assert services.create_entry(sm.family, sm.coordinator, title="Lekser", provider=sm.school).sector == Sector.SCHOOL


def test_provider_from_another_municipality_is_refused(sm):
    from los.core import testing as t

    foreign = t.provider(sm.other_municipality, "nav", "NAV Annenby")
    with pytest.raises(ValidationError) as error:
        services.create_entry(sm.family, sm.coordinator, title="Noe", provider=foreign)
    assert "provider" in error.value.message_dict
