"""Norwegian FHIR: persons, practitioners and organisations carry the national identifier systems of HL7 Norway's
basis profiles, and the access log exports as AuditEvent resources following HL7 Norway's AuditEvent guide. The
fixed systems and required elements are read from the vendored profiles (los/api/profiles), not from this file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from los.access import audit
from los.access.models import AuditAction
from los.api import fsh
from los.archive.models import ArchiveSettings

pytestmark = pytest.mark.django_db
PROFILES = Path(__file__).resolve().parents[1] / "profiles"


def _sd(resource_type: str) -> dict:
    for path in (PROFILES / "no-basis").glob("no-basis-*.json"):
        data = json.loads(path.read_text())
        if data.get("resourceType") == "StructureDefinition" and data.get("type") == resource_type \
                and data.get("kind") == "resource":
            return data
    raise LookupError(resource_type)


def _slice_systems(resource_type: str) -> dict[str, str]:
    """{slice name: fixed identifier system} from the vendored StructureDefinition."""
    out = {}
    for element in _sd(resource_type)["snapshot"]["element"]:
        if element["path"] == f"{resource_type}.identifier.system" and "fixedUri" in element \
                and ":" in element["id"].split(".")[1]:
            out[element["id"].split(":")[1].split(".")[0]] = element["fixedUri"]
    return out


def _check_against_profile(resource: dict) -> None:
    """The resource meets what its no-basis profile requires: every required top-level element is present, and
    every identifier in a slice of the profile carries the slice's required children."""
    sd = _sd(resource["resourceType"])
    assert resource["meta"]["profile"] == [sd["url"]]
    for element in sd["snapshot"]["element"]:
        parts = element["id"].split(".")
        if len(parts) == 2 and ":" not in element["id"] and element.get("min", 0) >= 1:
            name = parts[1].replace("[x]", "")
            assert any(key.startswith(name) for key in resource), (resource["resourceType"], name)
    systems = _slice_systems(resource["resourceType"])
    for identifier in resource.get("identifier", []):
        for slice_name, system in systems.items():
            if identifier["system"] == system:
                required = [e["id"].split(".")[-1] for e in sd["snapshot"]["element"]
                            if e["id"].startswith(f"{resource['resourceType']}.identifier:{slice_name}.")
                            and e["id"].count(".") == 2 and e.get("min", 0) >= 1]
                assert all(identifier.get(key) for key in required), (slice_name, identifier)


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_persons_practitioners_and_organisations_carry_the_national_identifier_systems(rich, api):
    fnr, dnr = _slice_systems("Patient")["FNR"], _slice_systems("Patient")["DNR"]
    hpr, enh = _slice_systems("Practitioner")["HPR"], _slice_systems("Organization")["ENH"]
    assert (fnr, dnr, hpr, enh) == tuple(f"urn:oid:2.16.578.1.12.4.1.4.{n}" for n in ("1", "2", "4", "101"))
    rich.coordinator.hpr_number = "9144897"
    rich.coordinator.save(update_fields=["hpr_number"])
    ArchiveSettings.objects.update_or_create(municipality=rich.municipality,
                                             defaults={"organisation_number": "974760673"})
    rich.school.organisation_number = "971524960"
    rich.school.save(update_fields=["organisation_number"])
    mother = rich.family.members.get()
    mother.fodselsnummer = "41018012345"  # a D-nummer: the first digit of the day raised by 4
    mother.save(update_fields=["fodselsnummer"])

    bundle = api.get(f"/api/fhir/Family/{rich.family.pk}/$export").json()
    Bundle.model_validate(bundle)
    patient = _resources(bundle, "Patient")[0]
    assert patient["identifier"] == [{"system": fnr, "value": rich.child.fodselsnummer}]
    guardian = _resources(bundle, "RelatedPerson")[0]
    assert guardian["identifier"] == [{"system": dnr, "value": mother.fodselsnummer}]
    assert guardian["patient"]["reference"] == f"Patient/{patient['id']}"
    practitioner = _resources(bundle, "Practitioner")[0]
    assert practitioner["identifier"] == [{"system": hpr, "value": "9144897"}]
    organisations = {o["name"]: o for o in _resources(bundle, "Organization")}
    assert organisations["Testvik kommune"]["identifier"] == [{"system": enh, "value": "974760673"}]
    assert organisations["Testvik skole"]["identifier"] == [{"system": enh, "value": "971524960"}]
    episode = _resources(bundle, "EpisodeOfCare")[0]
    assert episode["careManager"]["reference"] == f"Practitioner/{practitioner['id']}"
    for kind in ("Patient", "RelatedPerson", "Practitioner", "Organization"):
        for resource in _resources(bundle, kind):
            _check_against_profile(resource)


def test_identifiers_are_contact_information_a_service_contact_does_not_get(rich, token_for):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.contact)}")
    bundle = client.get(f"/api/fhir/Family/{rich.family.pk}/$export").json()
    assert all("identifier" not in p for p in _resources(bundle, "Patient") + _resources(bundle, "RelatedPerson"))


def _audit_bundle(client: Client, family) -> dict:
    response = client.get(f"/api/fhir/Family/{family.pk}/AuditEvent")
    assert response.status_code == 200, response.content
    assert int(response["X-Total-Count"]) >= 1
    bundle = response.json()
    Bundle.model_validate(bundle)
    return bundle


def _contained(resource: dict, reference: str) -> dict:
    return next(c for c in resource["contained"] if f"#{c['id']}" == reference)


def test_the_access_log_exports_as_auditevents_following_the_norwegian_guide(rich, api, token_for):
    rich.coordinator.hpr_number = "9144897"
    rich.coordinator.save(update_fields=["hpr_number"])
    audit.record(actor=rich.coordinator, action=AuditAction.VIEW, object_type="Plan", object_id=rich.plan.pk,
                 municipality_id=rich.municipality.pk, family_id=rich.family.pk, category="plan",
                 reason="the family's barnekoordinator", role="barnekoordinator")
    bundle = _audit_bundle(api, rich.family)
    profile = fsh.get(fsh.AUDIT_EVENT)
    staff = [r for r in _resources(bundle, "AuditEvent") if r.get("meta", {}).get("profile") == [fsh.url(fsh.AUDIT_EVENT)]]
    assert staff, "events by staff follow the guide's profile"
    role_rules = fsh.get(fsh.PRACTITIONER_ROLE)
    for event in staff:
        for path, (minimum, _maximum) in profile.cardinality.items():  # agent.who 1..1
            first, rest = path.split(".")
            assert all(item.get(rest) for item in event[first]) if minimum else True
        for slice_name, (extension, minimum, _maximum) in profile.slices["extension"].items():
            found = [e for e in event.get("extension", []) if e["url"] == fsh.url(extension)]
            assert len(found) >= minimum, slice_name
        patient = _contained(event, event["extension"][0]["valueReference"]["reference"])
        assert len(patient["identifier"]) >= fsh.get(fsh.PATIENT).cardinality["identifier"][0]
        assert patient["identifier"][0]["system"] == _slice_systems("Patient")["FNR"]
        role = _contained(event, event["agent"][0]["who"]["reference"])
        assert role["resourceType"] == "PractitionerRole" and role["meta"]["profile"] == [fsh.url(fsh.PRACTITIONER_ROLE)]
        for path, (minimum, _maximum) in role_rules.cardinality.items():  # practitioner, organization, location 1..1
            assert minimum == 0 or role.get(path), path
        practitioner = _contained(event, role["practitioner"]["reference"])
        assert len(practitioner["identifier"]) >= fsh.get(fsh.PRACTITIONER).cardinality["identifier"][0]
        purpose = profile.slices["purposeOfEvent.coding"]["PURPOSE_OF_USE_VALUESET"]
        assert purpose[1] == 1 and event["purposeOfEvent"][0]["coding"][0]["code"] == "COC"
    mine = [e for e in staff if e["agent"][0]["who"]["display"] == rich.coordinator.get_full_name()]
    practitioner = _contained(mine[0], _contained(mine[0], "#role")["practitioner"]["reference"])
    assert {"system": _slice_systems("Practitioner")["HPR"], "value": "9144897"} in practitioner["identifier"]


def test_only_the_family_and_its_coordinator_get_the_access_log(rich, token_for):
    for user, status in ((rich.caseworker, 403), (rich.contact, 403), (rich.foreign_caseworker, 404)):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user, municipality=user.staff_roles.first().municipality)}")
        assert client.get(f"/api/fhir/Family/{rich.family.pk}/AuditEvent").status_code == status, user
    audit.record(actor=rich.parent, action=AuditAction.VIEW, object_type="Family", object_id=rich.family.pk,
                 municipality_id=rich.municipality.pk, family_id=rich.family.pk, category="case",
                 reason="guardian of the family", role="guardian")
    browser = Client()
    browser.force_login(rich.parent)
    bundle = _audit_bundle(browser, rich.family)
    own = [r for r in _resources(bundle, "AuditEvent") if r["agent"][0]["type"]["text"] == "guardian"]
    assert own and all("meta" not in r for r in own)  # family members are not health personnel: base R4 only
