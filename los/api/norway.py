"""The national identifier systems of HL7 Norway's basis profiles (no-basis), read from the vendored
StructureDefinitions (``los/api/profiles``), never typed from memory.

- fødselsnummer and D-nummer (persons: Patient, RelatedPerson, Practitioner), the identifier slices ``FNR``/``DNR``;
- HPR-nummer (health personnel, Practitioner slice ``HPR``);
- organisasjonsnummer in Enhetsregisteret (Organization slice ``ENH``);
- kommunenummer (the preferred system of the NamingSystem, in the no-basis-municipalitycode extension).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PROFILES = Path(__file__).resolve().parent / "profiles"
NO_BASIS = PROFILES / "no-basis"

PROFILE_FILES = {
    "Patient": "no-basis-Patient.structuredefinition-profile.json",
    "RelatedPerson": "no-basis-RelatedPerson.StructureDefinition-profile.json",
    "Practitioner": "no-basis-Practitioner.structuredefinition-profile.json",
    "PractitionerRole": "no-basis-PractitionerRole.StructureDefinition-profile.json",
    "Organization": "no-basis-Organization.structuredefinition-profile.json",
    "Location": "no-basis-Location.StructureDefinition-profile.json",
}


@cache
def structure_definition(resource_type: str) -> dict[str, Any]:
    """The vendored no-basis StructureDefinition of ``resource_type``."""
    return json.loads((NO_BASIS / PROFILE_FILES[resource_type]).read_text(encoding="utf-8"))


def profile_url(resource_type: str) -> str:
    return structure_definition(resource_type)["url"]


def slice_system(resource_type: str, slice_name: str) -> str:
    """The fixed ``identifier.system`` of an identifier slice (``FNR``, ``DNR``, ``HPR``, ``ENH``)."""
    element_id = f"{resource_type}.identifier:{slice_name}.system"
    for element in structure_definition(resource_type)["snapshot"]["element"]:
        if element["id"] == element_id:
            return element["fixedUri"]
    raise LookupError(element_id)


@cache
def extension_url(name: str) -> str:
    return json.loads((NO_BASIS / f"no-basis-{name}.StructureDefinition-extension.json").read_text())["url"]


@cache
def naming_system(name: str) -> str:
    """The preferred unique id of a vendored NamingSystem, as a system URI (``urn:oid:`` for an OID)."""
    data = json.loads((NO_BASIS / f"no-basis-{name}.namingsystem.json").read_text(encoding="utf-8"))
    preferred = next(u for u in data["uniqueId"] if u.get("preferred"))
    return f"urn:oid:{preferred['value']}" if preferred["type"] == "oid" else preferred["value"]


def fnr_system() -> str:
    return slice_system("Patient", "FNR")


def dnr_system() -> str:
    return slice_system("Patient", "DNR")


def hpr_system() -> str:
    return slice_system("Practitioner", "HPR")


def organisation_system() -> str:
    return slice_system("Organization", "ENH")


def is_d_number(number: str) -> bool:
    """A D-nummer is a fødselsnummer whose first digit is raised by 4 (4–7)."""
    return len(number) == 11 and number.isdigit() and number[0] in "4567"


def person_identifier(number: str) -> dict[str, str] | None:
    """The identifier of a person's fødselsnummer or D-nummer, in the system the basis profiles fix."""
    number = (number or "").strip()
    if not (len(number) == 11 and number.isdigit()):
        return None
    return {"system": dnr_system() if is_d_number(number) else fnr_system(), "value": number}


def organisation_identifier(number: str) -> dict[str, str] | None:
    number = (number or "").strip()
    if not (len(number) == 9 and number.isdigit()):
        return None
    return {"system": organisation_system(), "value": number}


def hpr_identifier(number: str) -> dict[str, str] | None:
    number = (number or "").strip()
    if not number.isdigit():
        return None
    return {"system": hpr_system(), "value": number}


def municipality_code(number: str, name: str) -> dict[str, Any]:
    """The no-basis-municipalitycode extension (its context is Address.district)."""
    return {"url": extension_url("municipalitycode"),
            "valueCoding": {"system": naming_system("kommunenummer"), "code": number, "display": name}}
