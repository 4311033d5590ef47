"""The catalogue data: every required id, complete texts in three languages, legal basis, provider,
dated parameters that compile, appeal deadlines that agree with los.core.deadlines."""

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
import yaml

from los.core.deadlines import APPEAL_RULES, AppealRule
from los.core.paths import shared_path
from los.navigator.catalog import (
    CATALOG_DIR,
    CRITERION_TEXTS,
    ENTRY_TEXTS,
    LANGUAGES,
    SECTORS,
    CatalogError,
    load_catalog,
    load_catalog_from,
)

SHARED_IDS = shared_path("navigator", "catalog-ids.md")

#: The minimum catalogue of the contract (catalog-ids.md), kept here so the product does not depend on it.
REQUIRED_IDS = {
    "barnekoordinator", "individuell_plan", "koordinator",
    "grunnstonad", "hjelpestonad", "omsorgspenger_utvidet", "pleiepenger", "opplaeringspenger", "hjelpemidler",
    "bilstonad",
    "avlastning", "omsorgsstonad", "pararendeopplaering", "bpa", "stottekontakt", "helsestasjon_skolehelse",
    "fysio_ergoterapi", "parkeringstillatelse", "ledsagerbevis",
    "barnehage_prioritet", "spesialpedagogisk_hjelp", "tilrettelegging_barnehage", "tilrettelagt_opplaering", "ppt",
    "skoleskyss", "tt_ordning",
    "habu", "bup", "kompetansesenter",
    "brukerorganisasjon", "sosken_tilbud", "foreldrekurs", "pasient_brukerombud", "tolk",
}

ENTRY_FILES = sorted(p for p in CATALOG_DIR.glob("*.yaml") if not p.name.startswith("_"))


def raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_every_required_id_has_exactly_one_file():
    ids = {p.stem for p in ENTRY_FILES}
    assert REQUIRED_IDS <= ids, REQUIRED_IDS - ids
    assert len(load_catalog().entries) == len(ENTRY_FILES)


def test_required_ids_match_the_shared_contract_when_it_is_present():
    if not SHARED_IDS.exists():  # the product does not need ../shared; this only guards drift
        assert REQUIRED_IDS
        return
    listed = set(re.findall(r"^\| ([a-z_]+) \|", SHARED_IDS.read_text(encoding="utf-8"), flags=re.M)) - {"id"}
    assert listed == REQUIRED_IDS


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_entry_is_complete_in_three_languages(path):
    data = raw(path)
    assert data["id"] == path.stem
    assert data["sector"] in SECTORS
    for field in ("names", "provider"):
        for lang in LANGUAGES:
            assert data[field][lang].strip(), (field, lang)
    for name in ENTRY_TEXTS:
        for lang in LANGUAGES:
            assert data["texts"][name][lang].strip(), (name, lang)
    # nynorsk is its own text, not a copy of bokmål
    assert data["texts"]["summary"]["nn"] != data["texts"]["summary"]["nb"]
    assert data["texts"]["summary"]["en"] != data["texts"]["summary"]["nb"]


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_entry_has_legal_basis_provider_and_checked_date(path):
    data = raw(path)
    assert data["legal_basis"], "a legal basis is required"
    for row in data["legal_basis"]:
        ref = row if isinstance(row, str) else row["ref"]
        assert len(ref) > 5
    assert isinstance(data["last_checked"], date)
    # checked on a real day, not a day to come: the calendar's real date, not the tests' fixed one
    assert date(2026, 1, 1) <= data["last_checked"] <= time_machine.escape_hatch.datetime.date.today()
    assert data.get("sources"), "record what was checked"


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_every_criterion_explains_itself_in_three_languages(path):
    entry = load_catalog().entry(path.stem)
    assert entry.criteria
    for criterion in entry.criteria:
        for kind in CRITERION_TEXTS:
            assert set(criterion.texts[kind]) == set(LANGUAGES)
        if criterion.partial is not None:
            assert set(criterion.texts["partial"]) == set(LANGUAGES)
    for _, text in entry.caps:
        assert set(text) == set(LANGUAGES)


APPEAL_WORDS = {"FTRL": ("6 uker", "6 veker", "6 weeks"), "PBRL": ("4 uker", "4 veker", "4 weeks"),
                "FVL": ("3 uker", "3 veker", "3 weeks")}


@pytest.mark.parametrize("entry", load_catalog().entries, ids=lambda e: e.id)
def test_deadline_note_states_the_appeal_deadline_of_los_core_deadlines(entry):
    if entry.appeal_rule is None:
        return
    weeks = APPEAL_RULES[AppealRule(entry.appeal_rule)].weeks
    for lang, words in zip(LANGUAGES, APPEAL_WORDS[entry.appeal_rule], strict=True):
        assert words.startswith(str(weeks))
        assert words in entry.texts["deadline_note"][lang], (entry.id, lang)


def test_nav_benefits_use_the_national_insurance_appeal_rule():
    catalog = load_catalog()
    for entry in catalog.entries:
        if entry.sector == "state_nav":
            assert entry.appeal_rule == "FTRL", entry.id


@pytest.mark.parametrize("day", [date(y, m, 1) for y in range(2012, 2028) for m in (1, 7)] + [date(2022, 8, 1)])
def test_every_rule_compiles_on_every_date(day):
    for compiled in load_catalog().compiled(day):
        assert compiled.in_force == compiled.entry.in_force(day)
        if compiled.in_force:
            assert len(compiled.criteria) == len(compiled.entry.criteria)


def test_aliases_resolve_to_one_entry():
    catalog = load_catalog()
    assert catalog.canonical_id("individual_plan") == "individuell_plan"
    assert catalog.canonical_id("Individual-Plan") == "individuell_plan"
    assert catalog.canonical_id("barnekoordinator") == "barnekoordinator"
    assert catalog.canonical_id("respite_care") == "avlastning"
    assert catalog.canonical_id("attendance_benefit") == "hjelpestonad"
    assert catalog.canonical_id("nothing_like_this") is None


def test_legal_basis_is_dated_where_the_law_changed():
    catalog = load_catalog()
    spes = catalog.entry("spesialpedagogisk_hjelp")
    assert spes.legal_basis_on(date(2015, 1, 1)) == ["opplæringslova (1998) § 5-7"]
    assert spes.legal_basis_on(date(2019, 1, 1)) == ["barnehageloven § 19 a"]
    assert spes.legal_basis_on(date(2025, 1, 1)) == ["barnehageloven § 31"]
    school = catalog.entry("tilrettelagt_opplaering")
    assert "§ 5-1" in school.legal_basis_on(date(2024, 7, 31))[0]
    assert "(2023) kapittel 11" in school.legal_basis_on(date(2024, 8, 1))[0]


def test_version_changes_with_the_data_and_carries_the_latest_check_date():
    catalog = load_catalog()
    latest = max(e.last_checked for e in catalog.entries)
    assert catalog.version.startswith(latest.isoformat() + "+")


def _write_catalog(tmp_path: Path, entry: dict) -> Path:
    (tmp_path / "_shared.yaml").write_text((CATALOG_DIR / "_shared.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "_vocabulary.yaml").write_text(
        (CATALOG_DIR / "_vocabulary.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / f"{entry['id']}.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_loader_rejects_an_entry_missing_a_nynorsk_text(tmp_path):
    entry = raw(CATALOG_DIR / "tolk.yaml")
    del entry["texts"]["how_to_apply"]["nn"]
    with pytest.raises(CatalogError, match="missing nn text"):
        load_catalog_from(_write_catalog(tmp_path, entry))


def test_loader_rejects_an_entry_without_legal_basis(tmp_path):
    entry = raw(CATALOG_DIR / "tolk.yaml")
    entry["legal_basis"] = []
    with pytest.raises(CatalogError, match="legal_basis"):
        load_catalog_from(_write_catalog(tmp_path, entry))


def test_loader_rejects_a_file_whose_id_differs_from_its_name(tmp_path):
    entry = raw(CATALOG_DIR / "tolk.yaml")
    _write_catalog(tmp_path, entry)
    (tmp_path / "tolk.yaml").rename(tmp_path / "interpreter.yaml")
    with pytest.raises(CatalogError, match="must equal the file name"):
        load_catalog_from(tmp_path)


# --- verified against the law in force ---------------------------------------------------------------------------

#: What marks a text as unfinished or unchecked, in any of the three languages.
UNVERIFIED_MARKERS = re.compile(
    r"\((?:[^)]*\b)?(?:verify|verified\?|verifiser|sjekk|sjekkes|check|todo|tbd)\b[^)]*\)|\b(?:TODO|FIXME|TBD|XXX)\b"
    r"|\bverify\b|§\s*\d+-\?|\?\?", re.IGNORECASE)


def _user_texts(node):
    """Every string a family or a coordinator may read in a catalogue file (names, provider, texts, the criteria's
    texts and their variants, caps, legal references); leaves out notes and the sources' descriptions."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _user_texts(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("note", "about", "url", "source", "sources", "parameters", "test", "partial", "plausible",
                       "when", "if", "asks", "id", "aliases", "sector", "appeal_rule", "in_place_services"):
                continue
            yield from _user_texts(value)


@pytest.mark.parametrize("path", ENTRY_FILES + [CATALOG_DIR / "_vocabulary.yaml", CATALOG_DIR / "_shared.yaml"],
                         ids=lambda p: p.stem)
def test_no_unverified_marker_in_any_user_facing_text(path):
    found = [text for text in _user_texts(raw(path)) if UNVERIFIED_MARKERS.search(text)]
    assert not found, found


def test_the_marker_test_catches_what_it_should():
    for text in ("folketrygdloven § 9-6 (verify)", "1. mars (sjekk kommunen)", "opplæringslova § 11-? (PPT)",
                 "TODO: write", "(verify the section)", "Klagefrist 4 uker (Verify)"):
        assert UNVERIFIED_MARKERS.search(text), text
    for text in ("Ordningen gjaldt ikke på datoen som ble sjekket", "spør fylkeskommunen", "The deadline is 1 March."):
        assert not UNVERIFIED_MARKERS.search(text), text


@pytest.mark.parametrize("entry", load_catalog().entries, ids=lambda e: e.id)
def test_every_legal_reference_is_verified_against_a_dated_source_or_carries_no_section(entry):
    urls = {source["url"] for source in entry.sources}
    for source in entry.sources:
        assert source["url"].startswith(("https://", "http://")), source
        assert date(2026, 1, 1) <= source["checked"] <= time_machine.escape_hatch.datetime.date.today(), source
        assert source["about"]
    for row in entry.legal_basis:
        if row["verified"]:
            assert row["source"] in urls, row
        else:
            assert "§" not in row["ref"] and not re.search(r"\d+\s*-\s*\d+", row["ref"]), row
            assert row["note"], row


def test_every_entry_was_checked_on_the_day_of_the_review():
    assert {e.last_checked for e in load_catalog().entries} == {date(2026, 12, 7)}


@pytest.mark.parametrize("path", sorted(CATALOG_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_source_names_a_path_on_a_machine(path):
    text = path.read_text(encoding="utf-8")
    assert "/work/" not in text and "file://" not in text
    assert not re.search(r"^\s*-\s*/", text, flags=re.M)


def test_loader_rejects_an_unverified_reference_with_a_section_number(tmp_path):
    entry = raw(CATALOG_DIR / "tolk.yaml")
    entry["legal_basis"][0] = {"ref": "tolkeloven § 6", "verified": False, "note": "not found"}
    with pytest.raises(CatalogError, match="must not carry a section number"):
        load_catalog_from(_write_catalog(tmp_path, entry))


def test_loader_rejects_a_reference_verified_against_an_unlisted_source(tmp_path):
    entry = raw(CATALOG_DIR / "tolk.yaml")
    entry["legal_basis"][0]["source"] = "https://example.org/elsewhere"
    with pytest.raises(CatalogError, match="source not in sources"):
        load_catalog_from(_write_catalog(tmp_path, entry))


def test_loader_rejects_a_source_that_is_a_path(tmp_path):
    entry = raw(CATALOG_DIR / "tolk.yaml")
    entry["sources"].append({"url": "/home/someone/DOMAIN.md", "checked": date(2026, 12, 7), "about": "notes"})
    with pytest.raises(CatalogError, match="public web address"):
        load_catalog_from(_write_catalog(tmp_path, entry))
