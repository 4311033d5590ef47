"""Moving municipality: the family's record as a signed, documented package, exported for a move the family
confirmed and imported by the receiving municipality's coordinating unit after a preview. The format is described
in ``docs/family-transfer.md``; keep the two in step (``FORMAT_VERSION``).

**What a package holds** is decided here, not by the file: the *allow-list* (:func:`allowed_models`) is every
family-data model in :data:`los.access.classification.FAMILY_DATA` except those whose rows are in a category
that never leaves (:data:`NEVER_PACKAGED`: messages, the coordinator's working notes, the access log, the consent
register and the records of sharing) and the tables in :data:`EXCLUDED`. The export writes the family's rows of
those models as the exporting person may see them under the access policy (:func:`_disclosed_row`), and the
import accepts nothing else: a table outside the allow-list, an unknown field, a row of another family or a link
to a row that is not in the package refuses the whole package before anything is written.

**Between installations** a package is signed with Ed25519 (:mod:`los.transitions.signing`) and verified before
its content is read: an unsigned, changed or untrusted package is refused.

**Outside references** (people, services) are described in ``references`` and matched on the receiving side by
natural keys only (user name within the same installation; a service by municipality number, kind and name), or
become the documented placeholders and adjustments; a foreign key is never resolved to an existing row by its id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import secrets
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, models, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from los.access import audit, disclosure
from los.access.classification import FAMILY_DATA, classification, row_category
from los.access.models import AuditAction, Category
from los.access.policy import Action, decide, is_young_person, remembered_facts
from los.accounts.models import Role, User
from los.core.models import Municipality, ServiceProvider
from los.families.models import Child, CoordinatorAssignment, Family, FamilyStatus
from los.ops.canonical import decoder_for, encoder_for
from los.ops.graph import dependency_order, foreign_keys, local_fields
from los.servicemap import uploads
from los.transitions import signing
from los.transitions.models import FamilyExport, FamilyImport, MoveProposal, MoveStatus

FORMAT = "los-family-transfer"
FORMAT_VERSION = 2
MAX_PACKAGE_BYTES = 200 * 1024 * 1024

#: Information that never leaves with the family's record, whoever exports it and whatever they may see.
NEVER_PACKAGED = frozenset({Category.MESSAGES, Category.WORKING_NOTES, Category.ACCESS_LOG, Category.CONSENTS,
                            Category.PROFESSIONAL, Category.DRAFT})
#: What stays, in plain language for the family (and the documentation), one line per category.
STAYS: dict[Category, Any] = {
    Category.MESSAGES: gettext_lazy("The messages between you and your barnekoordinator, with their attachments."),
    Category.WORKING_NOTES: gettext_lazy("The barnekoordinator's working notes."),
    Category.ACCESS_LOG: gettext_lazy("The log of who has looked at your data."),
    Category.CONSENTS: gettext_lazy("Your consents to services, and the records of what was shared with whom. "
                                    "You give new consents in the new municipality."),
    Category.PROFESSIONAL: gettext_lazy("What was said and agreed in meetings between professionals held without "
                                        "you (you are not shown it, so it is not sent in your name)."),
    Category.DRAFT: gettext_lazy("Minutes that were not yet approved."),
}
#: Said to the family beside :data:`STAYS`: the health information of a young person who keeps it to themselves.
YOUNG_PERSONS_HEALTH_STAYS = gettext_lazy(
    "The health information of a young person of 16 or more who keeps it to themselves: the young person can share "
    "it again in the new municipality.")
#: Family tables in a category that could travel, but that stay with the sending municipality, and why.
EXCLUDED: dict[str, Any] = {
    "access.familytransfer": gettext_lazy("The recorded move is the sending municipality's record; the package "
                                          "carries the move (date, who confirmed it)."),
    "servicemap.notification": gettext_lazy("In-app notices addressed to staff in the sending municipality."),
    "ops.retentionhold": gettext_lazy("A hold on deleting the case is the sending municipality's decision."),
    "families.coassignment": gettext_lazy("Colleagues who shared the work with the sending municipality's "
                                          "barnekoordinator; the receiving unit names its own."),
    "survey.invitation": gettext_lazy("The invitations to the questionnaire about the scheme: the family's answers "
                                      "are part of the sending municipality's figures and stay there, apart from the "
                                      "family."),
    "archive.casefile": gettext_lazy("The case in the municipality's archive (case file, registry entries and "
                                     "archived documents) is the sending municipality's record; the receiving "
                                     "municipality journals the case in its own archive."),
    "archive.registryentry": gettext_lazy("The case in the municipality's archive (case file, registry entries and "
                                          "archived documents) is the sending municipality's record; the receiving "
                                          "municipality journals the case in its own archive."),
    "archive.archivedocument": gettext_lazy("The case in the municipality's archive (case file, registry entries and "
                                            "archived documents) is the sending municipality's record; the receiving "
                                            "municipality journals the case in its own archive."),
}
#: What is sent, in plain language for the family, for every category a package can hold.
SENT: dict[Category, Any] = {
    Category.CASE: gettext_lazy("Who is in the family: the children, the family members, and who has been your "
                                "barnekoordinator."),
    Category.CONTACT: gettext_lazy("Addresses, phone numbers, e-mail and fødselsnummer."),
    Category.REFERRAL: gettext_lazy("Your request for a barnekoordinator, the assessment, the decision (vedtak) and "
                                    "any appeal."),
    Category.PLAN: gettext_lazy("Goals, measures and evaluations, and the plans for transitions."),
    Category.MEETINGS: gettext_lazy("The coordination group: meetings, minutes and what was agreed."),
    Category.SERVICES: gettext_lazy("Your services, applications, decisions and appeals, and needs nobody has taken "
                                    "on yet."),
    Category.HEALTH: gettext_lazy("About the children's health, and your answers in the navigator."),
    Category.STORY: gettext_lazy("What you have told in your own words, and the needs of siblings and carers."),
    Category.DOCUMENTS: gettext_lazy("Uploaded documents, such as decision letters."),
}
#: Links from the family's people to their log-ins: linked again when the person logs in with ID-porten, unless
#: the package comes from this same installation.
FAMILY_LOGINS = {("families.familymember", "user"), ("families.child", "user")}
#: The relations to the family under which a person hands the record over: its barnekoordinator or unit.
EXPORTING_BASES = frozenset({"coordinator", "unit"})
PENDING_DIR = "family-packages/pending"
PENDING_MAX_AGE = timedelta(hours=2)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


class TransferError(ValidationError):
    """The package cannot be made or read; the message is written for the user."""


# --- the allow-list ----------------------------------------------------------------------------------------


def _family_fk(model: type[models.Model]) -> models.ForeignKey | None:
    for f in model._meta.concrete_fields:
        if f.name == "family" and f.is_relation and f.related_model is Family:
            return f
    return None


@cache
def allowed_models() -> dict[str, type[models.Model]]:
    """The tables a package may hold, by label (``app_label.modelname``): every model in ``FAMILY_DATA`` whose rows
    belong to one family and are in a category that may travel, minus :data:`EXCLUDED`. Never what a file names."""
    found: dict[str, type[models.Model]] = {}
    for label, rows_ in FAMILY_DATA.items():
        model = apps.get_model(label)
        lower = model._meta.label_lower
        if rows_.category in NEVER_PACKAGED or lower in EXCLUDED:
            continue
        if model is not Family and _family_fk(model) is None:
            continue
        found[lower] = model
    return found


def staying_tables() -> dict[str, str]:
    """Every family-data table that a package never holds, with why (in the active language)."""
    out: dict[str, str] = {}
    allowed = allowed_models()
    for label, rows_ in FAMILY_DATA.items():
        lower = apps.get_model(label)._meta.label_lower
        if lower in allowed:
            continue
        why = EXCLUDED.get(lower) or STAYS.get(rows_.category) or _("It does not belong to one family.")
        out[lower] = str(why)
    return out


def sent_categories() -> list[Category]:
    """The categories of information a package can hold (rows and fields of the allow-list), in reading order."""
    found: set[Category] = set()
    for label, rows_ in FAMILY_DATA.items():
        if apps.get_model(label)._meta.label_lower not in allowed_models():
            continue
        found.add(rows_.category)
        found.update(c for c in rows_.fields.values() if c not in NEVER_PACKAGED)
    return [c for c in SENT if c in found] + [c for c in Category if c in found and c not in SENT]


def what_is_sent() -> list[tuple[Category, str]]:
    """For the family: what a package holds, category by category, in plain language."""
    return [(c, str(SENT.get(c, c.label))) for c in sent_categories()]


def what_stays() -> list[tuple[Category, str]]:
    return [(c, str(STAYS[c])) for c in Category if c in STAYS] + [(Category.HEALTH, str(YOUNG_PERSONS_HEALTH_STAYS))]


def _kept_by_a_young_person(obj: models.Model, cache: dict[int, bool]) -> bool:
    """Whether ``obj``'s health information is a young person's (16 or more) who keeps it from the guardians: the
    guardians who confirm the move cannot know it, so it is never sent on their word."""
    child_id = obj.pk if isinstance(obj, Child) else obj.__dict__.get("child_id")
    if child_id is None:
        return False
    if child_id not in cache:
        child = Child.objects.filter(pk=child_id).first()
        cache[child_id] = bool(child is not None and is_young_person(child) and not child.shares_health_with_guardians)
    return cache[child_id]


def excluded_in_english() -> dict[str, str]:
    with translation.override("en"):
        return staying_tables()


# --- what the exporting person may see ------------------------------------------------------------------------


def _disclosed_row(user: User | disclosure.Viewer, obj: models.Model) -> dict[str, Any] | None:
    """``obj``'s columns (by attribute name) as the exporting person may see them, or ``None`` when the row is
    refused: the one redaction step (:func:`los.access.disclosure.visible_values`) asks the access policy about the
    row and about every field whose category in ``FAMILY_DATA`` is narrower than the row's, and leaves out what it
    refuses. Rows and fields in a category that never leaves (:data:`NEVER_PACKAGED`) are left out whatever the
    person may see."""
    rows_ = classification(obj)
    if rows_ is None or row_category(obj) in NEVER_PACKAGED:
        return None
    private: dict[int, bool] = {}
    if row_category(obj) == Category.HEALTH and _kept_by_a_young_person(obj, private):
        return None
    if isinstance(user, disclosure.Viewer):
        values = disclosure.visible_values(obj, user)
    else:
        with disclosure.disclosing_to(user) as viewer:
            values = disclosure.visible_values(obj, viewer)
    if values is None:
        return None
    for name, category in rows_.narrower_fields().items():
        if category in NEVER_PACKAGED or (category == Category.HEALTH and _kept_by_a_young_person(obj, private)):
            values.pop(obj._meta.get_field(name).attname, None)
    return values


# --- export ------------------------------------------------------------------------------------------------------


def _user_reference(user: Any) -> dict:
    return {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "staff": bool(user.active_roles())}


def _reference(obj: models.Model) -> dict:
    if isinstance(obj, get_user_model()):
        return _user_reference(obj)
    if isinstance(obj, ServiceProvider):
        return {"municipality": obj.municipality.number, "name": obj.name, "kind": obj.kind, "level": obj.level}
    return {"text": str(obj)[:200]}


def confirmed_move(family: Family) -> MoveProposal | None:
    """The move the family has confirmed and not withdrawn, whose recorded move is not cancelled (newest first)."""
    return (MoveProposal.objects.filter(family=family, status=MoveStatus.CONFIRMED, transfer__isnull=False,
                                        transfer__cancelled_at__isnull=True)
            .exclude(to_municipality_id=family.municipality_id)
            .select_related("to_municipality", "answered_by_member", "recorded_by", "transfer")
            .order_by("-answered_at", "-pk").first())


def _load(model: type[models.Model], family: Family) -> list[models.Model]:
    if model is Family:
        return [family]
    related = [f.name for f in model._meta.concrete_fields
               if f.is_relation and f.name == "child" and f.related_model is Child]
    query = model._base_manager.filter(family_id=family.pk).order_by("pk")
    objs = list(query.select_related(*related) if related else query)
    for obj in objs:
        obj.family = family  # the policy reads the family of every row: one object, not one query per row
    return objs


def _disclose(family: Family, by: User) -> tuple[dict[type[models.Model], dict[int, dict]], dict]:
    """The family's rows of the allow-list as ``by`` may see them, with every link inside the package pointing to a
    row of the package: a link to a row left out is emptied, or the row is left out when the link cannot be empty."""
    allowed = set(allowed_models().values())
    disclosed: dict[type[models.Model], dict[int, dict]] = {}
    left_rows: Counter = Counter()
    left_fields: dict[str, Counter] = defaultdict(Counter)
    left_links: dict[str, Counter] = defaultdict(Counter)
    with remembered_facts(), disclosure.disclosing_to(by) as viewer:
        for model in sorted(allowed, key=lambda m: m._meta.label_lower):
            label = model._meta.label_lower
            shown: dict[int, dict] = {}
            names = [f.attname for f in local_fields(model)]
            for obj in _load(model, family):
                values = _disclosed_row(viewer, obj)
                if values is None:
                    left_rows[label] += 1
                    continue
                for name in names:
                    if name not in values:
                        left_fields[label][name] += 1
                shown[obj.pk] = values
            disclosed[model] = shown
    family_models = {apps.get_model(label) for label in FAMILY_DATA}
    changed = True
    while changed:  # leaving out a row can leave out the rows that must point to it
        changed = False
        for model, shown in disclosed.items():
            label = model._meta.label_lower
            for fk in foreign_keys(model):
                to = fk.remote_field.model._meta.concrete_model
                if to not in family_models:
                    continue
                for pk in list(shown):
                    value = shown[pk].get(fk.attname)
                    if value is None or value in disclosed.get(to, {}):
                        continue
                    if fk.null:
                        shown[pk][fk.attname] = None
                        left_links[label][fk.attname] += 1
                    else:
                        del shown[pk]
                        left_rows[label] += 1
                    changed = True
    left_out = {"rows": dict(left_rows), "fields": {k: dict(v) for k, v in left_fields.items()},
                "links": {k: dict(v) for k, v in left_links.items()}}
    return {m: rows for m, rows in disclosed.items() if rows}, left_out


def build_package(family: Family, proposal: MoveProposal, *, by: User) -> dict:
    """The package for ``family``'s confirmed move (no audit, no records: see :func:`export_package`)."""
    disclosed, left_out = _disclose(family, by)
    if Family not in disclosed:
        raise TransferError(_("You may not see this family's basic case information, so you cannot hand it over."))
    tables = []
    references: dict[str, dict[str, dict]] = defaultdict(dict)
    files: dict[str, dict] = {}
    counts: dict[str, int] = {}
    included = set(disclosed)
    for model in dependency_order(list(disclosed)).order:
        label = model._meta.label_lower
        by_attname = {f.attname: f for f in local_fields(model)}
        rows = disclosed[model]
        for fk in foreign_keys(model):
            to = fk.remote_field.model._meta.concrete_model
            if to in included or to is Municipality:
                continue
            wanted = {v[fk.attname] for v in rows.values() if v.get(fk.attname) is not None}
            target_label = to._meta.label_lower
            missing = [pk for pk in wanted if str(pk) not in references[target_label]]
            for obj in to._base_manager.filter(pk__in=missing):
                references[target_label][str(obj.pk)] = _reference(obj)
        for f in by_attname.values():
            if isinstance(f, models.FileField):
                for v in rows.values():
                    name = v.get(f.attname)
                    if name and name not in files:
                        files[name] = _file_entry(f, name)
        tables.append({"model": label, "rows": [
            {name: encoder_for(by_attname[name])(value) for name, value in sorted(v.items())}
            for _pk, v in sorted(rows.items())]})
        counts[label] = len(rows)
    unit = family.municipality.coordinating_units.first()
    own = signing.this_installation()
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "package_id": str(uuid.uuid4()),
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "source": {"installation": own.name, "key_id": own.key_id,
                   "municipality": {"number": family.municipality.number, "name": family.municipality.name},
                   "unit": unit.name if unit else "", "exported_by": _user_reference(by)},
        "target": {"municipality": {"number": proposal.to_municipality.number,
                                    "name": proposal.to_municipality.name}},
        "move": _move_description(proposal),
        "family": {"id": family.pk, "reference": family.reference, "display_name": family.display_name},
        "counts": counts,
        "left_out": left_out,
        "stays": excluded_in_english(),
        "references": dict(references),
        "tables": tables,
        "files": files,
    }


def _move_description(proposal: MoveProposal) -> dict:
    member = proposal.answered_by_member
    return {
        "date": proposal.handover_date.isoformat(),
        "proposed_at": proposal.proposed_at.isoformat(timespec="seconds"),
        "confirmed_at": proposal.answered_at.isoformat(timespec="seconds") if proposal.answered_at else "",
        "confirmed_by": f"{member.given_name} {member.family_name}" if member else "",
        "method": proposal.method,
        "recorded_by": (proposal.recorded_by.get_full_name() or proposal.recorded_by.username)
        if proposal.recorded_by_id else "",
        "note": proposal.note,
    }


def _file_entry(f: models.FileField, name: str) -> dict:
    try:
        with f.storage.open(name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, SuspiciousFileOperation):
        return {"missing": True}
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "content_base64": base64.b64encode(data).decode("ascii")}


def seal(package: dict) -> tuple[bytes, str]:
    """The file that travels (the package signed by this installation) and the SHA-256 of the signed bytes."""
    payload = json.dumps(package, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = payload.encode()
    envelope = {"format": FORMAT, "version": FORMAT_VERSION, "signature": signing.sign(data), "payload": payload}
    return json.dumps(envelope, ensure_ascii=False, indent=1, sort_keys=True).encode(), hashlib.sha256(data).hexdigest()


def exporting_decision(user: User, family: Family) -> bool:
    """Whether ``user`` may hand the family's record over: the policy lets them export the family, as its
    barnekoordinator or its coordinating unit (the sending side)."""
    decision = decide(user, Action.EXPORT, family)
    return decision.allowed and decision.basis in EXPORTING_BASES


@transaction.atomic
def export_package(family: Family, *, by: User, request: HttpRequest | None = None) -> tuple[bytes, FamilyExport]:
    """The signed package for the family's confirmed move, and the sending side's record of it.

    Refused unless the family has confirmed the move (in its portal, or on paper recorded by its barnekoordinator),
    and unless ``by`` is the family's barnekoordinator or coordinating unit."""
    if not exporting_decision(by, family):
        raise TransferError(_("Only the family's barnekoordinator or the coordinating unit can hand the record over."))
    proposal = confirmed_move(family)
    if proposal is None:
        raise TransferError(_("The family has not confirmed a move. Propose the move; the family confirms it in its "
                              "portal before the record can be handed over."))
    try:
        package = build_package(family, proposal, by=by)
        data, sha256 = seal(package)
    except signing.SigningKeyError as error:
        raise TransferError(_("This installation has no signing key for family packages. Ask the administrator "
                              "to set LOS_TRANSFER_SIGNING_KEY.")) from error
    rows = sum(package["counts"].values())
    export = FamilyExport.objects.create(
        family=family, municipality_id=family.municipality_id, transfer=proposal.transfer, proposal=proposal,
        package_id=package["package_id"], to_municipality_number=proposal.to_municipality.number,
        to_municipality_name=proposal.to_municipality.name, exported_by=by, sha256=sha256, rows=rows)
    categories = _package_categories(package)
    common = {"actor": by, "object_type": "FamilyExport", "object_id": export.pk,
              "municipality_id": family.municipality_id, "family_id": family.pk, "role": _role(by),
              "request": request, "categories": categories}
    audit.record(action=AuditAction.EXPORT, category=Category.CASE,
                 reason=f"family package for the move to {proposal.to_municipality.name} exported "
                        f"({rows} rows, package {package['package_id']})", **common)
    audit.record(action=AuditAction.SHARE, category=Category.CASE,
                 reason=f"family record handed over to {proposal.to_municipality.name} for the move the family "
                        f"confirmed ({rows} rows, package {sha256[:12]})", **common)
    return data, export


def _package_categories(package: dict) -> set[str]:
    found: set[str] = set()
    for table in package["tables"]:
        model = allowed_models().get(table["model"])
        if model is None or not table["rows"]:
            continue
        rows_ = FAMILY_DATA[model._meta.label]
        found.add(rows_.category.value)
        present = set().union(*(row.keys() for row in table["rows"]))
        found.update(rows_.field_category(f.name).value for f in local_fields(model) if f.attname in present)
    return found


# --- reading a package ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedPackage:
    """A package whose signature verified: its content, the SHA-256 of the signed bytes and who signed it."""

    package: dict
    sha256: str
    sender: signing.Installation
    same_installation: bool


def open_package(raw: bytes | str) -> VerifiedPackage:
    """Check the file's signature before reading its content; a clear message for anything else."""
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_PACKAGE_BYTES:
        raise TransferError(_("The file is too large to be a family package."))
    try:
        envelope = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransferError(_("The file is not a Los family package (it is not JSON).")) from exc
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise TransferError(_("The file is not a Los family package."))
    if not isinstance(envelope.get("payload"), str) or "signature" not in envelope:
        raise TransferError(_("The package is not signed, so nobody can tell who made it or whether it was changed. "
                              "Ask the sending municipality to export it again with a newer Los."))
    if envelope.get("version") != FORMAT_VERSION:
        raise TransferError(_("This package has format version %(version)s, which this Los cannot read. "
                              "Ask the sending municipality to export it again.") % {
                                  "version": envelope.get("version")})
    payload = envelope["payload"].encode()
    try:
        sender = signing.verify(payload, envelope.get("signature"))
    except signing.SigningKeyError as error:
        raise TransferError(_("This installation cannot check the signatures of family packages. Ask the "
                              "administrator to set LOS_TRANSFER_SIGNING_KEY and the trusted installations.")) from error
    except signing.UntrustedError as error:
        if error.args[0] == "untrusted":
            raise TransferError(_("The package was signed by an installation this Los does not trust (%(name)s). "
                                  "The administrator can add that installation's public key to the trusted "
                                  "installations.") % {
                                      "name": str((envelope.get("signature") or {}).get("installation", "?"))[:100]}
                                ) from error
        if error.args[0] == "invalid":
            raise TransferError(_("The package has been changed or damaged after it was signed (the signature does "
                                  "not match). Ask the sending municipality for a new export.")) from error
        raise TransferError(_("The package is not signed, so nobody can tell who made it or whether it was changed. "
                              "Ask the sending municipality to export it again with a newer Los.")) from error
    try:
        package = json.loads(payload)
    except ValueError as exc:
        raise TransferError(_("The file is not a Los family package.")) from exc
    if not isinstance(package, dict) or package.get("format") != FORMAT or package.get("version") != FORMAT_VERSION:
        raise TransferError(_("The file is not a Los family package."))
    if not _well_formed(package):
        raise TransferError(_("The file is not a Los family package."))
    source = package["source"]
    if source.get("installation") != sender.name or source.get("key_id") != sender.key_id:
        raise TransferError(_("The package names another sender than the one who signed it. It cannot be imported."))
    own = signing.this_installation()
    return VerifiedPackage(package=package, sha256=hashlib.sha256(payload).hexdigest(), sender=sender,
                           same_installation=sender.key_id == own.key_id)


def _well_formed(package: dict) -> bool:
    """The package has the parts the import reads, each of the right kind (what is in them is checked later)."""
    def obj(value: Any, **kinds: type) -> bool:
        return isinstance(value, dict) and all(isinstance(value.get(k), t) for k, t in kinds.items())

    source, target, family = package.get("source"), package.get("target"), package.get("family")
    return (obj(source, municipality=dict, installation=str, key_id=str)
            and obj(source["municipality"], number=str, name=str)
            and obj(target, municipality=dict) and obj(target["municipality"], number=str, name=str)
            and obj(family, reference=str, display_name=str) and _int(family.get("id"))
            and isinstance(package.get("package_id"), str) and isinstance(package.get("tables"), list)
            and isinstance(package.get("references", {}), dict) and isinstance(package.get("files", {}), dict)
            and isinstance(package.get("move", {}), dict) and isinstance(package.get("exported_at", ""), str))


def import_municipalities(user: User) -> list[Municipality]:
    """The municipalities whose coordinating unit the user works in (caseworker or unit leader)."""
    ids = {r.municipality_id for r in user.active_roles() if r.role in (Role.CASEWORKER, Role.UNIT_LEADER)}
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


# --- planning the import (reads only) -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    """A person from the sending installation, to be created as an inactive user without log-in or roles."""

    username: str
    first_name: str
    last_name: str


@dataclass
class ImportPlan:
    """Everything the import will write, worked out and checked without writing anything."""

    verified: VerifiedPackage
    municipality: Municipality
    today: date
    rows: dict[type[models.Model], list[dict[str, Any]]]
    files: dict[str, bytes]
    adjustments: list[dict]
    people: dict[str, _Person] = field(default_factory=dict)

    @property
    def package(self) -> dict:
        return self.verified.package


def _refuse(message: str) -> TransferError:
    return TransferError(message)


def _unknown(what: str) -> TransferError:
    return TransferError(_("The package holds something a family package may not hold (%(what)s). Nothing was "
                           "imported.") % {"what": what[:200]})


def _unreadable(what: str) -> TransferError:
    return TransferError(_("A value in the package cannot be read (%(what)s). Nothing was imported.") % {
        "what": what[:200]})


def _outside(what: str) -> TransferError:
    return TransferError(_("The package holds a link to something outside the family's record (%(what)s). Nothing "
                           "was imported.") % {"what": what[:200]})


class _References:
    """Links from the package's rows to people and services on the receiving side, by natural keys only."""

    def __init__(self, package: dict, same_installation: bool, adjustments: list[dict],
                 people: dict[str, _Person]) -> None:
        refs = package.get("references")
        self.refs: dict = refs if isinstance(refs, dict) else {}
        self.same = same_installation
        self.source_number = str(package["source"].get("municipality", {}).get("number", ""))[:4]
        self.adjustments = adjustments
        self.people = people
        self.cache: dict[tuple, Any] = {}

    def _ref(self, label: str, old: int, what: str) -> dict:
        ref = (self.refs.get(label) or {}).get(str(old))
        if not isinstance(ref, dict):
            raise _outside(what)
        return ref

    def map(self, model_label: str, fk: models.ForeignKey, old: int, receiver: Municipality) -> Any:
        target = fk.remote_field.model._meta.concrete_model
        what = f"{model_label}.{fk.name}"
        if target is Municipality:
            if fk.name != "municipality":
                raise _outside(what)
            return receiver.pk
        key = (target, old, (model_label, fk.name) in FAMILY_LOGINS)
        if key not in self.cache:
            self.cache[key] = self._map(model_label, fk, target, old, what)
        value = self.cache[key]
        if value is None and not fk.null:
            raise _outside(what)
        return value

    def _map(self, model_label: str, fk: models.ForeignKey, target: type[models.Model], old: int, what: str) -> Any:
        label = target._meta.label_lower
        if target is get_user_model():
            ref = self._ref(label, old, what)
            username = str(ref.get("username", ""))
            if self.same:
                found = User.objects.filter(username=username).values_list("pk", flat=True).first() if username else None
                if found is not None:
                    return found
            if (model_label, fk.name) in FAMILY_LOGINS:
                self.adjustments.append({"what": "login_unlinked", "table": model_label})
                return None
            return self._placeholder(old, ref)
        if target is ServiceProvider:
            ref = self._ref(label, old, what)
            provider = ServiceProvider.objects.filter(
                municipality__number=str(ref.get("municipality", "")), kind=str(ref.get("kind", "")),
                name=str(ref.get("name", ""))).values_list("pk", flat=True).first()
            if provider is None:
                self.adjustments.append({"what": "service_not_found", "table": model_label, "field": fk.name,
                                         "name": str(ref.get("name", ""))[:200]})
            return provider
        if label == "referrals.localcriterion":
            self.adjustments.append({"what": "criterion_dropped", "table": model_label})
            return None
        raise _outside(what)

    def _placeholder(self, old: int, ref: dict) -> _Person:
        base = f"ekstern.{self.source_number}.{old}"
        username, n = base, 1
        while (existing := User.objects.filter(username=username).first()) is not None and not is_placeholder(existing):
            n += 1
            username = f"{base}.{n}"
        person = _Person(username, str(ref.get("first_name", ""))[:150], str(ref.get("last_name", ""))[:150])
        if username not in self.people:
            self.people[username] = person
            self.adjustments.append({"what": "person_without_login", "username": username,
                                     "exists": existing is not None})
        return person


def is_placeholder(user: User) -> bool:
    """A person from another installation: inactive, without a password that works, and without roles."""
    return not user.is_active and not user.has_usable_password() and not user.staff_roles.exists()


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def plan_import(verified: VerifiedPackage, *, by: User, municipality: Municipality,
                today: date | None = None) -> ImportPlan:
    """Check a verified package against the allow-list and work out every row and adjustment, writing nothing.

    Refused (:class:`TransferError`, in the user's language) when: the person is not in the receiving unit; the
    package is for another municipality or already imported; it holds a table outside the allow-list, an unknown
    field, a row of another family, a link to a row that is not in the package or to something outside it that
    ``references`` does not describe; or a file does not match its checksum."""
    today = today or timezone.localdate()
    package = verified.package
    if municipality not in import_municipalities(by):
        raise _refuse(_("Only the coordinating unit of the receiving municipality can import the family."))
    target = (package.get("target") or {}).get("municipality") or {}
    if not isinstance(target, dict) or target.get("number") != municipality.number:
        raise _refuse(_("This package is for %(name)s (%(number)s), not for %(here)s.") % {
            "name": str(target.get("name", "?"))[:100] if isinstance(target, dict) else "?",
            "number": str(target.get("number", "?"))[:10] if isinstance(target, dict) else "?",
            "here": municipality.name})
    package_id = package.get("package_id")
    if not isinstance(package_id, str) or not package_id or len(package_id) > 36:
        raise _refuse(_("The file is not a Los family package."))
    if FamilyImport.objects.filter(models.Q(package_id=package_id) | models.Q(sha256=verified.sha256)).exists():
        raise _refuse(_("This package has already been imported."))
    family_info = package.get("family") or {}
    family_id = family_info.get("id") if isinstance(family_info, dict) else None
    if not _int(family_id):
        raise _refuse(_("The file is not a Los family package."))
    tables = package.get("tables")
    if not isinstance(tables, list):
        raise _refuse(_("The file is not a Los family package."))
    allowed = allowed_models()
    adjustments: list[dict] = []
    decoded: dict[type[models.Model], list[dict[str, Any]]] = {}
    for table in tables:
        label = table.get("model") if isinstance(table, dict) else None
        if not isinstance(label, str) or label not in allowed:
            raise _unknown(str(label))
        model = allowed[label]
        if model in decoded:
            raise _unknown(label)
        decoded[model] = _decode_table(model, label, table.get("rows"), family_id)
    family_rows = decoded.get(Family, [])
    if len(family_rows) != 1 or family_rows[0]["id"] != family_id:
        raise _refuse(_("The package does not hold exactly the family it names. Nothing was imported."))
    ids = {model: {row[model._meta.pk.attname] for row in rows} for model, rows in decoded.items()}
    people: dict[str, _Person] = {}
    refs = _References(package, verified.same_installation, adjustments, people)
    family_models = {apps.get_model(label) for label in FAMILY_DATA}
    for model, rows in decoded.items():
        label = model._meta.label_lower
        for fk in foreign_keys(model):
            to = fk.remote_field.model._meta.concrete_model
            for row in rows:
                if fk.name == "municipality" and to is Municipality:
                    row[fk.attname] = municipality.pk
                    continue
                old = row.get(fk.attname)
                if old is None:
                    continue
                if not _int(old):
                    raise _outside(f"{label}.{fk.name}")
                if to in family_models:
                    if old not in ids.get(to, set()):
                        raise _outside(f"{label}.{fk.name}")
                    continue  # remapped to the new row when it is written
                row[fk.attname] = refs.map(label, fk, old, municipality)
    files = _plan_files(decoded, package.get("files"), adjustments)
    _plan_family(decoded, package, municipality, adjustments)
    _plan_unique_values(decoded, package_id, adjustments)
    _plan_assignments(decoded, municipality, today, adjustments)
    return ImportPlan(verified=verified, municipality=municipality, today=today, rows=decoded, files=files,
                      adjustments=adjustments, people=people)


def _decode_table(model: type[models.Model], label: str, rows: Any, family_id: int) -> list[dict[str, Any]]:
    if not isinstance(rows, list):
        raise _unknown(label)
    by_attname = {f.attname: f for f in local_fields(model)}
    pk_name = model._meta.pk.attname
    family_fk = _family_fk(model)
    seen: set[int] = set()
    out: list[dict[str, Any]] = []
    for row in rows:
        if not isinstance(row, dict):
            raise _unknown(label)
        unknown = set(row) - set(by_attname)
        if unknown:
            raise _unknown(f"{label}: {', '.join(sorted(map(str, unknown)))}")
        pk = row.get(pk_name)
        if not _int(pk) or pk in seen:
            raise _unknown(f"{label}.{pk_name}")
        seen.add(pk)
        if family_fk is not None and row.get(family_fk.attname) != family_id:
            raise _refuse(_("The package holds information about another family (%(what)s). Nothing was "
                            "imported.") % {"what": label})
        values: dict[str, Any] = {}
        for name, value in row.items():
            f = by_attname[name]
            try:
                values[name] = decoder_for(f)(value)
                if not f.is_relation and values[name] is not None and not isinstance(f, models.FileField):
                    values[name] = f.to_python(values[name])
            except (ValidationError, ValueError, TypeError, binascii.Error) as exc:
                raise _unreadable(f"{label}.{name}") from exc
        out.append(values)
    return out


def _plan_files(decoded: dict, files: Any, adjustments: list[dict]) -> dict[str, bytes]:
    files = files if isinstance(files, dict) else {}
    found: dict[str, bytes] = {}
    refused: set[str] = set()
    for model, rows in decoded.items():
        for f in local_fields(model):
            if not isinstance(f, models.FileField):
                continue
            for row in rows:
                name = row.get(f.attname)
                if not name:
                    continue
                if not isinstance(name, str):
                    raise _unknown(f"{model._meta.label_lower}.{f.name}")
                entry = files.get(name)
                if not isinstance(entry, dict) or entry.get("missing") or "content_base64" not in entry:
                    row[f.attname] = ""
                    adjustments.append({"what": "file_missing", "table": model._meta.label_lower})
                    continue
                if name not in found and name not in refused:
                    try:
                        data = base64.b64decode(entry["content_base64"], validate=True)
                    except (binascii.Error, ValueError, TypeError) as exc:
                        raise _refuse(_("A file in the package is damaged (checksum). Ask for a new export.")) from exc
                    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                        raise _refuse(_("A file in the package is damaged (checksum). Ask for a new export."))
                    try:  # the same checks as an upload here: only the allowed types, decided by the content
                        uploads.check_upload(io.BytesIO(data), len(data))
                    except ValidationError:
                        row[f.attname] = ""
                        refused.add(name)
                        adjustments.append({"what": "file_refused", "table": model._meta.label_lower})
                        continue
                    found[name] = data
                elif name not in found:  # the same file refused for an earlier row
                    row[f.attname] = ""
                    continue
    return found


def _plan_family(decoded: dict, package: dict, municipality: Municipality, adjustments: list[dict]) -> None:
    row = decoded[Family][0]
    reference = str(row.get("reference", ""))
    if Family.objects.filter(municipality=municipality, reference=reference).exists():
        base = f"{package['source']['municipality']['number']}-{reference}"[:30]
        candidate, n = base, 1
        while Family.objects.filter(municipality=municipality, reference=candidate).exists():
            n += 1
            candidate = f"{base[:26]}-{n}"
        row["reference"] = candidate
        adjustments.append({"what": "reference_changed", "from": reference, "to": candidate})
    if row.get("status") == FamilyStatus.ACTIVE:
        row["status"] = FamilyStatus.WAITING
        adjustments.append({"what": "status_changed", "from": FamilyStatus.ACTIVE, "to": FamilyStatus.WAITING})


def _plan_unique_values(decoded: dict, package_id: str, adjustments: list[dict]) -> None:
    for model, rows in decoded.items():
        for f in model._meta.concrete_fields:
            if not f.unique or f.primary_key or f.is_relation or not isinstance(f, models.CharField):
                continue
            values = [row[f.attname] for row in rows if row.get(f.attname)]
            taken = set(model._base_manager.filter(**{f"{f.attname}__in": values}).values_list(f.attname, flat=True))
            for row in rows:
                value = row.get(f.attname)
                if value in taken:
                    suffix = f"-{hashlib.sha256(f'{value}{package_id}'.encode()).hexdigest()[:6]}"
                    new = value[: f.max_length - len(suffix)] + suffix
                    row[f.attname] = new
                    adjustments.append({"what": "unique_value_changed", "table": model._meta.label_lower,
                                        "field": f.name, "from": value, "to": new})


def _plan_assignments(decoded: dict, municipality: Municipality, today: date, adjustments: list[dict]) -> None:
    reason = (_("The family moved to %(name)s") % {"name": municipality.name})[:300]
    for row in decoded.get(CoordinatorAssignment, []):
        if row.get("ended") is None or row["ended"] > today:
            row["ended"], row["end_reason"] = today, reason
            adjustments.append({"what": "assignment_ended", "id": row["id"], "on": today.isoformat()})


# --- the preview ------------------------------------------------------------------------------------------------


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def preview(plan: ImportPlan) -> dict:
    """What the receiving unit sees before it imports: who sent it and when, the family and its children, how much
    of each kind of information (by category, as this Los classifies it), the files and every adjustment."""
    package = plan.package
    source = package.get("source", {})
    family_row = plan.rows[Family][0]
    children = sorted(plan.rows.get(Child, []), key=lambda r: (r.get("birth_date") or r.get("expected_birth_date")
                                                               or date.max))
    by_category: dict[Category, list[tuple[str, int]]] = defaultdict(list)
    for model, rows in plan.rows.items():
        rows_ = FAMILY_DATA[model._meta.label]
        kind = str(model._meta.verbose_name_plural)
        by_category[rows_.category].append((kind, len(rows)))
        for f in local_fields(model):
            category = rows_.narrower_fields().get(f.name)
            filled = sum(1 for row in rows if row.get(f.attname) not in (None, "", [], {}))
            if category is not None and filled:
                by_category[category].append((f"{kind}: {f.verbose_name}", filled))
    order = [*SENT, *Category]
    categories = [{"label": c.label, "kinds": sorted(by_category[c])}
                  for c in sorted(by_category, key=order.index)]
    left_out = package.get("left_out") if isinstance(package.get("left_out"), dict) else {}
    left_fields: Counter = Counter()
    for label, fields in (left_out.get("fields") or {}).items():
        model = allowed_models().get(label)
        if model is None or not isinstance(fields, dict):
            continue
        rows_ = FAMILY_DATA[model._meta.label]
        names = {f.attname: f.name for f in local_fields(model)}
        for attname, n in fields.items():
            if isinstance(n, int):
                left_fields[str(rows_.field_category(names.get(attname, attname)).label)] += n
    move = package.get("move") if isinstance(package.get("move"), dict) else {}
    exported_by = source.get("exported_by") if isinstance(source.get("exported_by"), dict) else {}
    return {
        "sender": {"installation": plan.verified.sender.name, "key_id": plan.verified.sender.key_id,
                   "same_installation": plan.verified.same_installation,
                   "municipality": source.get("municipality", {}).get("name", ""),
                   "number": source.get("municipality", {}).get("number", ""),
                   "unit": source.get("unit", ""),
                   "exported_by": " ".join(x for x in (exported_by.get("first_name", ""),
                                                      exported_by.get("last_name", "")) if x)
                   or exported_by.get("username", ""),
                   "exported_at": _parse_time(package.get("exported_at"))},
        "sha256": plan.verified.sha256,
        "family": {"display_name": family_row.get("display_name", ""), "reference": package["family"].get("reference"),
                   "new_reference": family_row.get("reference")},
        "children": [{"name": f"{c.get('given_name', '')} {c.get('family_name', '')}".strip(),
                      "birth_date": c.get("birth_date"), "expected_birth_date": c.get("expected_birth_date")}
                     for c in children],
        "move": {"date": _parse_date(move.get("date")), "confirmed_by": move.get("confirmed_by", ""),
                 "confirmed_at": _parse_time(move.get("confirmed_at")), "method": move.get("method", ""),
                 "recorded_by": move.get("recorded_by", "")},
        "categories": categories,
        "rows": sum(len(rows) for rows in plan.rows.values()),
        "files": {"count": len(plan.files), "bytes": sum(len(d) for d in plan.files.values())},
        "left_out_fields": sorted(left_fields.items()),
        "left_out_rows": sum(n for n in (left_out.get("rows") or {}).values() if isinstance(n, int)),
        "adjustments": describe_adjustments(plan.adjustments),
        "stays": [str(c.label) for c in Category if c in NEVER_PACKAGED],
    }


def describe_adjustments(adjustments: list[dict]) -> list[str]:
    """The adjustments in plain language (the active language), one line per kind."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for a in adjustments:
        by_kind[a.get("what", "")].append(a)
    lines: list[str] = []
    for a in by_kind.get("reference_changed", []):
        lines.append(_("The case reference %(old)s is already used here; the family gets %(new)s.") % {
            "old": a["from"], "new": a["to"]})
    if by_kind.get("status_changed"):
        lines.append(_("The family becomes “%(status)s” here, so that you appoint a barnekoordinator.") % {
            "status": FamilyStatus(FamilyStatus.WAITING).label})
    if n := len(by_kind.get("assignment_ended", [])):
        lines.append(ngettext("%(n)s barnekoordinator assignment from the former municipality ends on the day of "
                              "import.", "%(n)s barnekoordinator assignments from the former municipality end on the "
                              "day of import.", n) % {"n": n})
    if n := len(by_kind.get("person_without_login", [])):
        lines.append(ngettext("%(n)s person from the former municipality comes as a name only, without log-in or "
                              "roles.", "%(n)s people from the former municipality come as names only, without "
                              "log-in or roles.", n) % {"n": n})
    if by_kind.get("login_unlinked"):
        lines.append(_("The family's own log-ins are not carried over; each person is linked again when they log in "
                       "with ID-porten."))
    if names := sorted({a["name"] for a in by_kind.get("service_not_found", []) if a.get("name")}):
        lines.append(_("These services are not registered here, so the links to them are left empty: %(names)s.")
                     % {"names": ", ".join(names)})
    if by_kind.get("criterion_dropped"):
        lines.append(_("The former municipality's own criteria are kept as text in the assessment only."))
    if n := len(by_kind.get("unique_value_changed", [])):
        lines.append(ngettext("%(n)s calendar id or number already used here gets a suffix.",
                              "%(n)s calendar ids or numbers already used here get a suffix.", n) % {"n": n})
    if n := len(by_kind.get("file_missing", [])):
        lines.append(ngettext("%(n)s file was missing at the former municipality and is not included.",
                              "%(n)s files were missing at the former municipality and are not included.", n)
                     % {"n": n})
    return lines


# --- the import ------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    record: FamilyImport
    family: Family
    id_map: dict[str, dict[int, int]] = field(default_factory=dict)


def import_package(verified: VerifiedPackage, *, by: User, municipality: Municipality,
                   request: HttpRequest | None = None, today: date | None = None) -> ImportResult:
    """Recreate the family's record in ``municipality`` (the receiving coordinating unit), all or nothing.

    The package is checked first (:func:`plan_import`); the adjustments, all recorded in
    :attr:`FamilyImport.adjustments` and shown in the preview, are:

    - new ids for every row, every link between the family's rows remapped; every ``municipality`` column is the
      receiving municipality;
    - people matched by user name within the same installation; otherwise staff become inactive persons without
      log-in or roles, and a family member's log-in is left empty (linked again at the ID-porten log-in);
    - services matched by municipality number, kind and name, or the link left empty; the former municipality's
      own criteria are left out (their text stays in the assessment);
    - the case reference is kept unless the receiving municipality already uses it (then it is prefixed with the
      former municipality's number); unique values already used (calendar ids) get a suffix;
    - the family's barnekoordinator assignments still running end on the import day, and a family with a
      barnekoordinator becomes "granted, waiting for a coordinator" here;
    - uploaded files are stored again under new names.
    """
    plan = plan_import(verified, by=by, municipality=municipality, today=today)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _apply(plan, by=by, request=request, stored=stored)
    except (DatabaseError, ValueError, TypeError) as exc:
        for name in stored:
            default_storage.delete(name)
        raise TransferError(_("The package could not be imported: some of its information does not fit here. "
                              "Nothing was imported. Ask the sending municipality for a new export.")) from exc
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _apply(plan: ImportPlan, *, by: User, request: HttpRequest | None, stored: list[str]) -> ImportResult:
    municipality = plan.municipality
    people: dict[str, int] = {}
    for username, person in plan.people.items():
        user = User.objects.filter(username=username).first()
        if user is not None and not is_placeholder(user):  # pragma: no cover - plan_import chose a free name
            raise TransferError(_("Nothing was imported: a user name is taken. Try again."))
        if user is None:
            user = User(username=username, first_name=person.first_name, last_name=person.last_name, email="",
                        is_active=False)
            user.set_unusable_password()
            user.save()
        people[username] = user.pk
    present = set(plan.rows)
    order = dependency_order(list(present))
    family_models = {apps.get_model(label) for label in FAMILY_DATA}
    id_map: dict[type[models.Model], dict[int, int]] = defaultdict(dict)
    deferred_values: list[tuple[type[models.Model], int, str, type[models.Model], int]] = []
    new_family_id: int | None = None
    for model in order.order:
        deferred = {fk.attname for fk in order.deferred.get(model, [])}
        fks = {fk.attname: fk for fk in foreign_keys(model)}
        pk_name = model._meta.pk.attname
        objs, old_ids = [], []
        for row in plan.rows[model]:
            values = dict(row)
            old_id = values.pop(pk_name)
            for attname, fk in fks.items():
                value = values.get(attname)
                if isinstance(value, _Person):
                    values[attname] = people[value.username]
                    continue
                to = fk.remote_field.model._meta.concrete_model
                if value is None or to not in family_models:
                    continue
                if attname in deferred or value not in id_map[to]:
                    deferred_values.append((model, old_id, attname, to, value))
                    values[attname] = None
                else:
                    values[attname] = id_map[to][value]
            obj = model(**values)
            _store_files(model, obj, plan.files, stored)
            objs.append(obj)
            old_ids.append(old_id)
        created = model._base_manager.bulk_create(objs, batch_size=1000)
        for old_id, obj in zip(old_ids, created, strict=True):
            id_map[model][old_id] = obj.pk
        if model is Family:
            new_family_id = created[0].pk
    for model, old_id, attname, to, old in deferred_values:
        model._base_manager.filter(pk=id_map[model][old_id]).update(**{attname: id_map[to][old]})
    family = Family.objects.select_related("municipality").get(pk=new_family_id)
    package = plan.package
    source = package["source"]
    move = package.get("move") if isinstance(package.get("move"), dict) else {}
    exported_at = _parse_time(package.get("exported_at")) or timezone.now()
    record = FamilyImport.objects.create(
        family=family, municipality=municipality,
        from_municipality_number=str(source["municipality"]["number"])[:4],
        from_municipality_name=str(source["municipality"]["name"])[:100],
        source_reference=str(package["family"].get("reference", ""))[:30], source_family_id=package["family"]["id"],
        transfer_date=_parse_date(move.get("date")), consented_by_name=str(move.get("confirmed_by", ""))[:200],
        format_version=FORMAT_VERSION, exported_at=exported_at, sha256=plan.verified.sha256,
        package_id=package["package_id"], sender_installation=plan.verified.sender.name,
        signature_key_id=plan.verified.sender.key_id, imported_by=by,
        counts={m._meta.label_lower: len(rows) for m, rows in plan.rows.items()}, adjustments=plan.adjustments)
    audit.record(actor=by, action=AuditAction.CHANGE, object_type="FamilyImport", object_id=record.pk,
                 municipality_id=municipality.pk, family_id=family.pk, category=Category.CASE,
                 reason=f"family record received from {record.from_municipality_name} "
                        f"({sum(record.counts.values())} rows, package {record.package_id}, signed by "
                        f"{record.sender_installation})",
                 role=_role(by), request=request)
    from los.transitions import services

    services.open_moved_in_plan(family, by=by, from_name=record.from_municipality_name, today=plan.today,
                                import_id=record.pk)
    return ImportResult(record=record, family=family,
                        id_map={m._meta.label_lower: dict(ids) for m, ids in id_map.items()})


def _store_files(model: type[models.Model], obj: models.Model, files: dict[str, bytes], stored: list[str]) -> None:
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.FileField):
            continue
        name = getattr(obj, f.attname).name
        if not name:
            continue
        base = get_valid_filename(str(name).replace("\\", "/").rsplit("/", 1)[-1]) or "fil"
        new_name = f.generate_filename(obj, base)
        saved = f.storage.save(new_name, ContentFile(files[name]))
        stored.append(saved)
        setattr(obj, f.attname, saved)


def _role(user: User) -> str:
    roles = user.active_roles()
    return roles[0].role if roles else ""


# --- keeping an uploaded package between the preview and the confirmation ----------------------------------------


def stage(raw: bytes) -> str:
    """Keep an uploaded package until it is confirmed or discarded; the token names it (never a path from outside).
    Packages older than :data:`PENDING_MAX_AGE` are removed on the way."""
    purge_stale()
    token = secrets.token_urlsafe(24)
    default_storage.save(f"{PENDING_DIR}/{token}.json", ContentFile(raw))
    return token


def staged(token: str) -> bytes | None:
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    try:
        with default_storage.open(f"{PENDING_DIR}/{token}.json", "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def discard(token: str) -> None:
    if isinstance(token, str) and _TOKEN.fullmatch(token):
        default_storage.delete(f"{PENDING_DIR}/{token}.json")


def purge_stale(now: datetime | None = None) -> int:
    now = now or timezone.now()
    removed = 0
    try:
        _dirs, names = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, OSError, NotImplementedError):
        return 0
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        try:
            if now - default_storage.get_modified_time(path) > PENDING_MAX_AGE:
                default_storage.delete(path)
                removed += 1
        except (FileNotFoundError, OSError, NotImplementedError):
            continue
    return removed
