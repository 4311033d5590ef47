"""A small reader of the FHIR Shorthand (FSH) of HL7 Norway's AuditEvent guide (``los/api/profiles/auditevent``).

The guide is published only as FSH source, so the canonical URLs of its profiles and extensions, and the rules the
tests check an exported AuditEvent against (cardinalities, ``only Reference(...)``, the extensions a profile adds),
are read from the vendored files here. It reads the kinds of rule these files use; caret rules (``^short``) and
value-set bindings are kept only as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FSH_DIR = Path(__file__).resolve().parent / "profiles" / "auditevent"
HEADER = re.compile(r"^(Profile|Extension|Instance|CodeSystem|ValueSet|Alias):\s*(.+?)\s*$")
KEYWORD = re.compile(r"^(Id|Parent|Title|InstanceOf|Usage|Description):\s*(.*)$")
CARD = re.compile(r"^\*\s+(\S+)\s+(\d+)\.\.(\d+|\*)(\s+MS)?\s*$")
ONLY = re.compile(r"^\*\s+(\S+)\s+only\s+Reference\((.+)\)\s*$")
CONTAINS = re.compile(r"^\*\s+(\S+)\s+contains\s+(.+)$")
ITEM = re.compile(r"^(\S+)(?:\s+named\s+(\S+))?\s+(\d+)\.\.(\d+|\*)")


@dataclass
class Definition:
    kind: str
    name: str
    id: str = ""
    parent: str = ""
    cardinality: dict[str, tuple[int, str]] = field(default_factory=dict)
    references: dict[str, list[str]] = field(default_factory=dict)
    #: ``path`` → {slice name: (what it is, min, max)}; for extensions "what" is the extension definition's name
    slices: dict[str, dict[str, tuple[str, int, str]]] = field(default_factory=dict)


def _rules(lines: list[str]) -> list[str]:
    """Top-level rules, with their continuation lines joined (``contains`` lists run over several lines)."""
    rules: list[str] = []
    for line in lines:
        if line.startswith("*"):
            rules.append(line.strip())
        elif line[:1].isspace() and line.strip() and not line.strip().startswith(("*", "//")) and rules:
            rules[-1] += " " + line.strip()
    return [r for r in rules if " ^" not in r and not r.startswith("* ^")]


@cache
def definitions() -> dict[str, Definition]:
    found: dict[str, Definition] = {}
    for path in sorted(FSH_DIR.glob("*.fsh")):
        blocks: list[tuple[Definition, list[str]]] = []
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.lstrip().startswith("//"):
                continue
            line = re.sub(r"\s+//.*$", "", raw).rstrip()
            header = HEADER.match(line)
            if header:
                blocks.append((Definition(kind=header.group(1), name=header.group(2).split("=")[0].strip()), []))
                continue
            if not blocks:
                continue
            definition, body = blocks[-1]
            keyword = KEYWORD.match(line)
            if keyword and keyword.group(1) == "Id":
                definition.id = keyword.group(2).strip()
            elif keyword and keyword.group(1) == "Parent":
                definition.parent = keyword.group(2).strip()
            elif not keyword:
                body.append(line)
        for definition, body in blocks:
            _apply(definition, _rules(body))
            found[definition.name] = definition
    return found


def _apply(definition: Definition, rules: list[str]) -> None:
    for rule in rules:
        if match := CARD.match(rule):
            definition.cardinality[match.group(1)] = (int(match.group(2)), match.group(3))
        elif match := ONLY.match(rule):
            definition.references[match.group(1)] = [t.strip() for t in match.group(2).split(" or ")]
        elif match := CONTAINS.match(rule):
            items: dict[str, tuple[str, int, str]] = {}
            for part in re.split(r"\s+and\s+", match.group(2)):
                item = ITEM.match(part.strip())
                if item:
                    what, name = item.group(1), item.group(2) or item.group(1)
                    items[name] = (what, int(item.group(3)), item.group(4))
            definition.slices[match.group(1)] = items


@cache
def canonical() -> str:
    for line in (FSH_DIR / "sushi-config.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("canonical:"):
            return line.split(":", 1)[1].strip()
    raise LookupError("canonical")


def get(name: str) -> Definition:
    return definitions()[name]


def url(name: str) -> str:
    """The canonical URL of a profile or extension: the guide's canonical + /StructureDefinition/ + its Id."""
    return f"{canonical()}/StructureDefinition/{get(name).id}"


@cache
def aliases() -> dict[str, str]:
    out = {}
    for line in (FSH_DIR / "Aliases.fsh").read_text(encoding="utf-8").splitlines():
        if line.startswith("Alias:"):
            name, value = line.removeprefix("Alias:").split("=", 1)
            out[name.strip()] = re.sub(r"\s+//.*$", "", value).strip()
    return out


AUDIT_EVENT = "NoDomainTrustframeworkAuditEvent"
PATIENT_EXTENSION = "AuditEventPatientExtension"
PRACTITIONER_ROLE = "AuditeventPractitionerrole"
PRACTITIONER = "AuditEventNorwayPractitioner"
PATIENT = "AuditeventPatient"
