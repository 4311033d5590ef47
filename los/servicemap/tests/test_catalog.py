"""The link to the navigator's catalogue: ids are validated, and each id's usual legal basis is one
los.core.deadlines knows (so a decision on it always gets an appeal deadline)."""

import re
from datetime import date

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


def _navigator_entries() -> dict:
    from los.navigator.engine import load_catalog

    return {entry.id: entry for entry in load_catalog().entries}


@pytest.mark.parametrize("catalog_id", sorted(cid for cid, row in catalog.MINIMUM_CATALOG.items() if row[2]))
def test_usual_legal_basis_gives_the_appeal_rule_the_navigator_states(catalog_id):
    """A decision pre-filled with the usual basis gets the deadline the navigator's card tells the family."""
    entry = _navigator_entries()[catalog_id]
    if entry.appeal_rule is not None:
        assert deadlines.resolve_legal_basis(catalog.usual_legal_basis(catalog_id)).rule == entry.appeal_rule


def test_bpa_is_pbrl_2_1_d_as_the_navigator_verified():
    refs = [basis["ref"] for basis in _navigator_entries()["bpa"].legal_basis if basis["verified"]]
    assert "pasient- og brukerrettighetsloven § 2-1 d" in refs
    assert catalog.usual_legal_basis("bpa") == "pbrl § 2-1 d"
    result = deadlines.appeal_deadline(date(2026, 3, 3), catalog.usual_legal_basis("bpa"))
    assert result.legal_basis == "pbrl-2-1-d"
    assert result.weeks == 4 and result.deadline == date(2026, 3, 31)
    assert result.appeal_body == deadlines.AppealBody.STATSFORVALTEREN


def test_adapted_education_uses_the_navigators_verified_wording():
    verified = [basis["ref"] for basis in _navigator_entries()["tilrettelagt_opplaering"].legal_basis
                if basis["verified"] and basis.get("valid_to") is None]
    usual = catalog.usual_legal_basis("tilrettelagt_opplaering")
    assert "§" not in usual and any(ref.startswith(usual) for ref in verified)
    assert deadlines.appeal_deadline(date(2026, 3, 3), usual).rule == deadlines.AppealRule.FVL


def _local_entry(municipality, user, entry_id="lokal_solsikken"):
    from los.navigator.models import LocalEntry

    return LocalEntry.objects.create(
        municipality=municipality, entry_id=entry_id, checked_on=date(2026, 12, 1), checked_by=user,
        data={"id": entry_id, "names": {"nb": "Solsikken avlastningshus", "nn": "Solsikken avlastingshus"},
              "appeal_rule": "FVL"})


def test_a_local_service_of_the_familys_own_municipality_is_accepted(sm):
    from django.utils import translation

    _local_entry(sm.municipality, sm.caseworker)
    entry = services.create_entry(sm.family, sm.coordinator, catalog_id="lokal_solsikken")
    with translation.override("nn"):
        assert entry.name == "Solsikken avlastingshus"
    assert entry.sector == Sector.MUNICIPAL
    assert catalog.usual_legal_basis("lokal_solsikken", sm.municipality.pk) == "FVL"
    assert ("lokal_solsikken", "Solsikken avlastningshus") in catalog.choices(sm.municipality.pk)
    assert "lokal_solsikken" not in dict(catalog.choices(sm.other_municipality.pk))


def test_a_local_service_of_another_municipality_is_refused(sm):
    from los.servicemap.models import ServiceEntry

    _local_entry(sm.other_municipality, sm.foreign_caseworker)
    with pytest.raises(ValidationError) as error:
        services.create_entry(sm.family, sm.coordinator, catalog_id="lokal_solsikken")
    assert "catalog_id" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ServiceEntry(family=sm.family, municipality=sm.municipality, catalog_id="lokal_solsikken").full_clean()
    assert "catalog_id" in error.value.message_dict
    # and an id that only looks local is refused everywhere
    with pytest.raises(ValidationError):
        catalog.validate_catalog_id("lokal_")
