"""The deposit package (arkivuttrekk) per Noark 5, validated against Arkivverket's official schemas, and its tie to
retention: a case marked Bevares is not deleted before its deposit is confirmed."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from los.archive import services
from los.archive.models import CaseFile, DepositStatus, RegistryEntry
from los.referrals import services as referrals

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "noark5"
N5 = "http://www.arkivverket.no/standarder/noark5"
ADDML = "{http://www.arkivverket.no/standarder/addml}"


def _closed(w):
    referrals.end_coordination(w.family, w.caseworker, "family_wish", "Familien klarer seg selv nå.")
    return CaseFile.objects.get(family=w.family)


def _deposit(w):
    today = timezone.localdate()
    return services.make_deposit(w.municipality, w.caseworker, today - timedelta(days=30), today)


def _package(deposit) -> dict[str, bytes]:
    with deposit.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.mark.django_db
def test_the_package_validates_against_the_official_schemas_and_holds_every_file(decided):
    w = decided
    case_file = _closed(w)
    deposit = _deposit(w)
    files = _package(deposit)
    assert hashlib.sha256(deposit.file.open("rb").read()).hexdigest() == deposit.sha256
    for name, schema in (("arkivstruktur.xml", "arkivstruktur.xsd"), ("endringslogg.xml", "endringslogg.xsd"),
                         ("loependeJournal.xml", "loependeJournal.xsd"),
                         ("offentligJournal.xml", "offentligJournal.xsd"), ("arkivuttrekk.xml", "addml.xsd")):
        checker = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
        document = etree.fromstring(files[f"avleveringspakke/{name}"])
        assert checker.validate(document), (name, checker.error_log)
    for schema in ("arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd", "loependeJournal.xsd",
                   "offentligJournal.xsd", "addml.xsd"):  # the official schemas go with the package, unchanged
        assert files[f"avleveringspakke/{schema}"] == (SCHEMAS / schema).read_bytes()
    structure = etree.fromstring(files["avleveringspakke/arkivstruktur.xml"])
    ns = {"a": f"{N5}/arkivstruktur"}
    assert structure.xpath("//a:mappe/a:mappeID/text()", namespaces=ns) == [case_file.case_number]
    entries = RegistryEntry.objects.filter(case_file=case_file).count()
    assert len(structure.xpath("//a:registrering", namespaces=ns)) == entries == deposit.counts["entries"]
    assert structure.xpath("//a:mappe/a:skjerming/a:skjermingshjemmel/text()", namespaces=ns) == [
        "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"]
    for obj in structure.xpath("//a:dokumentobjekt", namespaces=ns):  # every document is there, as checksummed
        path = obj.findtext("a:referanseDokumentfil", namespaces=ns)
        content = files[f"avleveringspakke/{path}"]
        assert hashlib.sha256(content).hexdigest() == obj.findtext("a:sjekksum", namespaces=ns)
        assert int(obj.findtext("a:filstoerrelse", namespaces=ns)) == len(content)


@pytest.mark.django_db
def test_arkivuttrekk_xml_carries_the_checksum_of_every_xml_file_and_the_public_journal_screens_names(decided):
    w = decided
    _closed(w)
    files = _package(_deposit(w))
    description = etree.fromstring(files["avleveringspakke/arkivuttrekk.xml"])
    checked = 0
    for file_property in description.iter(f"{ADDML}property"):
        if file_property.get("name") != "file":
            continue
        values = {p.get("name"): p.findtext(f"{ADDML}value") for p in file_property.iter(f"{ADDML}property")}
        name = values["name"]
        assert hashlib.sha256(files[f"avleveringspakke/{name}"]).hexdigest() == values["value"], name
        checked += 1
    assert checked >= 8  # four XML files and their schemas
    public = files["avleveringspakke/offentligJournal.xml"].decode()
    assert "Barn Berg" not in public and "Mor Berg" not in public and "*****" in public
    assert "Barn Berg" in files["avleveringspakke/loependeJournal.xml"].decode()


@pytest.mark.django_db
def test_an_open_case_is_not_deposited_and_bad_periods_are_refused(decided):
    from django.core.exceptions import PermissionDenied, ValidationError

    w = decided
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="no closed case files"):
        services.make_deposit(w.municipality, w.caseworker, today - timedelta(days=30), today)
    with pytest.raises(ValidationError):
        services.make_deposit(w.municipality, w.caseworker, today, today - timedelta(days=1))
    _closed(w)
    with pytest.raises(PermissionDenied):
        services.make_deposit(w.municipality, w.coordinator, today - timedelta(days=30), today)


@pytest.mark.django_db
def test_retention_keeps_a_preserved_case_until_its_deposit_is_confirmed(decided, settings):
    from los.families.models import Family
    from los.ops.retention import apply_retention

    w = decided
    case_file = _closed(w)
    assert case_file.retention_decision == "Bevares"
    far = timezone.localdate() + timedelta(days=365 * (settings.LOS_RETENTION_CASE_YEARS + 2))

    report = apply_retention(today=far, dry_run=True)
    assert [e.family_id for e in report.held] == [w.family.pk]
    assert "Bevares" in report.held[0].reason and not report.deleted

    deposit = _deposit(w)
    report = apply_retention(today=far, dry_run=True)
    assert [e.family_id for e in report.held] == [w.family.pk]  # made, not confirmed by the depot

    with pytest.raises(Exception):  # noqa: B017 - the receipt is required
        services.confirm_deposit(deposit, w.caseworker, "")
    deposit = services.confirm_deposit(deposit, w.caseworker, "IKA kvittering 2026-17")
    assert deposit.status == DepositStatus.CONFIRMED
    report = apply_retention(today=far, dry_run=True)
    assert not report.held and [e.family_id for e in report.deleted] == [w.family.pk]
    apply_retention(today=far)
    assert not Family.objects.filter(pk=w.family.pk).exists()
    assert not CaseFile.objects.filter(pk=case_file.pk).exists()


@pytest.mark.django_db
def test_a_case_to_be_discarded_is_not_held_back_and_its_discard_date_is_in_the_package(decided, settings):
    from los.archive.models import RetentionDecision
    from los.ops.retention import apply_retention

    w = decided
    case_file = _closed(w)
    CaseFile.objects.filter(pk=case_file.pk).update(retention_decision=RetentionDecision.DISCARD)
    far = timezone.localdate() + timedelta(days=365 * (settings.LOS_RETENTION_CASE_YEARS + 2))
    assert [e.family_id for e in apply_retention(today=far, dry_run=True).deleted] == [w.family.pk]
    files = _package(_deposit(w))
    structure = etree.fromstring(files["avleveringspakke/arkivstruktur.xml"])
    ns = {"a": f"{N5}/arkivstruktur"}
    assert structure.xpath("//a:mappe/a:kassasjon/a:kassasjonsvedtak/text()", namespaces=ns) == ["Kasseres"]
    discard = date.fromisoformat(structure.xpath("//a:kassasjonsdato/text()", namespaces=ns)[0])
    assert discard.year == timezone.localdate().year + case_file.retention_years
