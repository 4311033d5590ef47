"""Moving municipality: the family's record as a documented JSON package, exported with the family's consent
and imported by the receiving municipality's coordinating unit. The format is described in
``docs/family-transfer.md``; keep the two in step (``FORMAT_VERSION``).

The package holds **every row that belongs to the family** (found generically by following every foreign key
that points to the family, directly or through its other rows, as retention does), except the tables listed
in :data:`EXCLUDED`, and the uploaded files of those rows. Rows elsewhere that the family's rows point to
(people, municipalities, services) are described in ``references`` so that the receiving side can link them
again. Importing creates new rows with new ids (every link between the family's rows is remapped), puts
every row in the receiving municipality, and makes the documented adjustments listed in
:func:`import_package`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.deletion import (
    DB_SET_DEFAULT,
    DB_SET_NULL,
    DO_NOTHING,
    SET_DEFAULT,
    SET_NULL,
    get_candidate_relations_to_delete,
)
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from los.access import audit
from los.access.models import AuditAction, Category, FamilyTransfer
from los.accounts.models import Role, User
from los.core.models import CoordinatingUnit, Municipality, ServiceProvider
from los.families.models import CoordinatorAssignment, Family, FamilyStatus
from los.ops.canonical import ENCODER, decoder_for, encoder_for
from los.ops.graph import dependency_order, foreign_keys, local_fields
from los.transitions.models import FamilyExport, FamilyImport

FORMAT = "los-family-transfer"
FORMAT_VERSION = 1
MAX_PACKAGE_BYTES = 200 * 1024 * 1024

#: Tables that belong to the family but stay with the sending municipality, and why (also in the docs).
EXCLUDED: dict[str, Any] = {
    "access.auditevent": gettext_lazy("The access log stays with the sending municipality: it is that "
                                      "municipality's record of who read the family's data, and part of its hash "
                                      "chain."),
    "access.familytransfer": gettext_lazy("The recorded move is the sending municipality's record; the package "
                                          "carries the move (date, who consented)."),
    "servicemap.notification": gettext_lazy("In-app notices addressed to staff in the sending municipality."),
    "survey.invitation": gettext_lazy("The invitations to the questionnaire about the scheme: the family's answers "
                                      "are part of the sending municipality's figures and stay there, apart from the "
                                      "family."),
}
EXCLUDED_APPS = {"ops", "sessions", "admin", "contenttypes", "auth", "django_tasks_db"}
#: Links from the family's people to their log-ins: between installations they are left empty and linked again
#: when the person logs in with ID-porten (by fødselsnummer).
FAMILY_LOGINS = {("families.familymember", "user"), ("families.child", "user")}


class TransferError(ValidationError):
    """The package cannot be made or read; the message is written for the user."""


def excluded_in_english() -> dict[str, str]:
    with translation.override("en"):
        return {label: str(why) for label, why in EXCLUDED.items()}


def installation_id() -> str:
    """A stable, non-secret id of this Los installation (derived from its secret key)."""
    return salted_hmac("los.transitions.installation", "installation", algorithm="sha256").hexdigest()[:20]


# --- collecting the family's rows ------------------------------------------------------------------------


def _excluded(model: type[models.Model]) -> bool:
    return model._meta.app_label in EXCLUDED_APPS or model._meta.label_lower in EXCLUDED


def _owning(on_delete: Any) -> bool:
    """Whether rows pointing with this ``on_delete`` belong to what they point to (not just refer to it)."""
    if on_delete in (SET_NULL, DB_SET_NULL, SET_DEFAULT, DB_SET_DEFAULT, DO_NOTHING):
        return False
    deconstruct = getattr(on_delete, "deconstruct", None)
    return not (callable(deconstruct) and deconstruct()[0] == "django.db.models.SET")


def collect(family: Family) -> dict[type[models.Model], list[int]]:
    """Every row that belongs to ``family``: the family itself and, transitively, every row that points to one of
    its rows (except the excluded tables). Rows of another family are never collected."""
    found: dict[type[models.Model], set[int]] = defaultdict(set)
    found[Family].add(family.pk)
    queue: deque[tuple[type[models.Model], set[int]]] = deque([(Family, {family.pk})])
    while queue:
        model, pks = queue.popleft()
        for relation in get_candidate_relations_to_delete(model._meta):
            related = relation.related_model._meta.concrete_model
            fk = relation.field
            if _excluded(related) or not _owning(fk.remote_field.on_delete):
                continue
            qs = related._base_manager.filter(**{f"{fk.name}__in": list(pks)})
            if any(f.name == "family" and f.is_relation for f in related._meta.concrete_fields) and related is not Family:
                qs = qs.filter(family_id=family.pk)
            new = set(qs.values_list("pk", flat=True)) - found[related]
            if new:
                found[related] |= new
                queue.append((related, new))
    return {m: sorted(pks) for m, pks in found.items() if pks}


# --- export ---------------------------------------------------------------------------------------------


def _user_reference(user: Any) -> dict:
    return {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "staff": bool(user.active_roles())}


def _reference(obj: models.Model) -> dict:
    if isinstance(obj, get_user_model()):
        return _user_reference(obj)
    if isinstance(obj, Municipality):
        return {"number": obj.number, "name": obj.name, "county": obj.county, "population": obj.population,
                "default_language": obj.default_language}
    if isinstance(obj, ServiceProvider):
        return {"municipality": obj.municipality.number, "name": obj.name, "kind": obj.kind, "level": obj.level,
                "email": obj.email, "phone": obj.phone}
    if isinstance(obj, CoordinatingUnit):
        return {"municipality": obj.municipality.number, "name": obj.name}
    return {"text": str(obj)[:200]}


def _checksum(package: dict) -> str:
    body = {k: v for k, v in package.items() if k != "sha256"}
    return hashlib.sha256(ENCODER.encode(body).encode()).hexdigest()


def active_transfer(family: Family) -> FamilyTransfer | None:
    """The family's recorded move (with consent) that has not been cancelled, newest first."""
    return (FamilyTransfer.objects.filter(family=family, cancelled_at__isnull=True)
            .exclude(to_municipality_id=family.municipality_id)
            .select_related("to_municipality", "from_municipality", "consented_by", "recorded_by")
            .order_by("-created_at").first())


def build_package(family: Family, transfer: FamilyTransfer, *, by: User) -> dict:
    """The package for ``family``'s move in ``transfer`` (no audit, no records: see :func:`export_package`)."""
    rows = collect(family)
    tables = []
    references: dict[str, dict[str, dict]] = defaultdict(dict)
    files: dict[str, dict] = {}
    counts: dict[str, int] = {}
    included = set(rows)
    for model in dependency_order(list(rows)).order:
        fields = local_fields(model)
        names = [f.attname for f in fields]
        encoders = [encoder_for(f) for f in fields]
        values = list(model._base_manager.filter(pk__in=rows[model]).order_by("pk").values_list(*names))
        for fk in foreign_keys(model):
            target = fk.remote_field.model._meta.concrete_model
            if target in included:
                continue
            index = names.index(fk.attname)
            wanted = {v[index] for v in values if v[index] is not None}
            label = target._meta.label_lower
            missing = [pk for pk in wanted if str(pk) not in references[label]]
            for obj in target._base_manager.filter(pk__in=missing):
                references[label][str(obj.pk)] = _reference(obj)
        for f in fields:
            if isinstance(f, models.FileField):
                index = names.index(f.attname)
                for v in values:
                    name = v[index]
                    if name and name not in files:
                        files[name] = _file_entry(f, name)
        label = model._meta.label_lower
        tables.append({"model": label, "fields": names,
                       "rows": [[enc(x) for enc, x in zip(encoders, v, strict=True)] for v in values]})
        counts[label] = len(values)
    unit = family.municipality.coordinating_units.first()
    package: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "source": {"installation": installation_id(),
                   "municipality": {"number": family.municipality.number, "name": family.municipality.name},
                   "unit": unit.name if unit else "",
                   "exported_by": _user_reference(by)},
        "target": {"municipality": {"number": transfer.to_municipality.number,
                                    "name": transfer.to_municipality.name}},
        "transfer": {"date": transfer.date.isoformat(),
                     "consented_by": f"{transfer.consented_by.given_name} {transfer.consented_by.family_name}",
                     "recorded_at": transfer.created_at.isoformat(timespec="seconds"), "note": transfer.note},
        "family": {"id": family.pk, "reference": family.reference, "display_name": family.display_name},
        "counts": counts,
        "excluded": excluded_in_english(),
        "references": dict(references),
        "tables": tables,
        "files": files,
    }
    package["sha256"] = _checksum(package)
    return package


def _file_entry(field: models.FileField, name: str) -> dict:
    storage = field.storage
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        return {"missing": True}
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "content_base64": base64.b64encode(data).decode("ascii")}


def package_bytes(package: dict) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=1, sort_keys=True).encode()


@transaction.atomic
def export_package(family: Family, *, by: User, request: HttpRequest | None = None) -> tuple[dict, FamilyExport]:
    """Export the family's record for its recorded move. Refused without a recorded move: the record is handed
    over only with the family's consent (a guardian who may consent, recorded on the move)."""
    transfer = active_transfer(family)
    if transfer is None:
        raise TransferError(_("Record the family's move first, with the consent of a guardian who may consent. "
                              "The record is handed over only with the family's consent."))
    package = build_package(family, transfer, by=by)
    rows = sum(package["counts"].values())
    export = FamilyExport.objects.create(
        family=family, municipality_id=family.municipality_id, transfer=transfer,
        to_municipality_number=transfer.to_municipality.number, to_municipality_name=transfer.to_municipality.name,
        exported_by=by, sha256=package["sha256"], rows=rows)
    audit.record(actor=by, action=AuditAction.SHARE, object_type="FamilyExport", object_id=export.pk,
                 municipality_id=family.municipality_id, family_id=family.pk, category=Category.CASE,
                 reason=f"family record handed over to {transfer.to_municipality.name} for the recorded move "
                        f"({rows} rows, package {package['sha256'][:12]})",
                 role=_role(by), request=request)
    return package, export


# --- import ---------------------------------------------------------------------------------------------


def parse(raw: bytes | str) -> dict:
    """Read a package; a clear message for anything that is not one."""
    if isinstance(raw, bytes) and len(raw) > MAX_PACKAGE_BYTES:
        raise TransferError(_("The file is too large to be a family package."))
    try:
        package = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransferError(_("The file is not a Los family package (it is not JSON).")) from exc
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        raise TransferError(_("The file is not a Los family package."))
    if package.get("version") != FORMAT_VERSION:
        raise TransferError(_("This package has format version %(version)s, which this Los cannot read. "
                              "Ask the sending municipality to export it again.") % {"version": package.get("version")})
    if package.get("sha256") != _checksum(package):
        raise TransferError(_("The package has been changed or damaged after it was exported (the checksum does "
                              "not match). Ask the sending municipality for a new export."))
    return package


def import_municipalities(user: User) -> list[Municipality]:
    """The municipalities whose coordinating unit the user works in (caseworker or unit leader)."""
    ids = {r.municipality_id for r in user.active_roles() if r.role in (Role.CASEWORKER, Role.UNIT_LEADER)}
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


@dataclass
class ImportResult:
    record: FamilyImport
    family: Family
    id_map: dict[str, dict[int, int]] = field(default_factory=dict)


class _References:
    """Links from the package's rows to people, municipalities and services on the receiving side."""

    def __init__(self, package: dict, receiver: Municipality, adjustments: list[dict]) -> None:
        self.refs = package.get("references", {})
        self.same = package["source"].get("installation") == installation_id()
        self.receiver = receiver
        self.source_number = package["source"]["municipality"]["number"]
        self.adjustments = adjustments
        self.cache: dict[tuple[str, Any], Any] = {}

    def _ref(self, label: str, old: Any) -> dict:
        return self.refs.get(label, {}).get(str(old), {})

    def municipality(self, number: str, ref: dict | None = None) -> int:
        key = ("municipality", number)
        if key not in self.cache:
            found = Municipality.objects.filter(number=number).first()
            if found is None:
                ref = ref or {}
                found = Municipality.objects.create(number=number, name=ref.get("name") or number,
                                                    county=ref.get("county", ""),
                                                    population=ref.get("population") or 0,
                                                    default_language=ref.get("default_language", "nb"))
            self.cache[key] = found.pk
        return self.cache[key]

    def map(self, model_label: str, fk: models.ForeignKey, old: Any) -> Any:
        if old is None:
            return None
        target = fk.remote_field.model._meta.concrete_model
        label = target._meta.label_lower
        key = (label, old, (model_label, fk.name) in FAMILY_LOGINS)
        if key in self.cache:
            return self.cache[key]
        value = self._map(model_label, fk, target, label, old)
        self.cache[key] = value
        return value

    def _map(self, model_label: str, fk: models.ForeignKey, target: type[models.Model], label: str, old: Any) -> Any:
        ref = self._ref(label, old)
        if self.same and target._base_manager.filter(pk=old).exists():
            return old
        if target is Municipality:
            return self.municipality(ref.get("number") or self.source_number, ref)
        if target is get_user_model():
            if (model_label, fk.name) in FAMILY_LOGINS and fk.null:
                self.adjustments.append({"what": "login_unlinked", "table": model_label, "id": old})
                return None
            return self._placeholder(old, ref)
        if target is ServiceProvider:
            municipality_id = self.municipality(ref.get("municipality") or self.source_number)
            provider = ServiceProvider.objects.filter(municipality_id=municipality_id, kind=ref.get("kind", "other"),
                                                      name=ref.get("name", "")).first()
            if provider is None:
                provider = ServiceProvider.objects.create(
                    municipality_id=municipality_id, kind=ref.get("kind", "other"), name=ref.get("name") or "?",
                    level=ref.get("level", "municipal"), email=ref.get("email", ""), phone=ref.get("phone", ""))
            return provider.pk
        if target is CoordinatingUnit:
            municipality_id = self.municipality(ref.get("municipality") or self.source_number)
            unit = (CoordinatingUnit.objects.filter(municipality_id=municipality_id, name=ref.get("name", "")).first()
                    or CoordinatingUnit.objects.create(municipality_id=municipality_id, name=ref.get("name") or "?"))
            return unit.pk
        if fk.null:
            self.adjustments.append({"what": "reference_dropped", "table": model_label, "field": fk.name,
                                     "target": label, "text": ref.get("text", "")})
            return None
        raise TransferError(_("The package refers to something this Los does not have (%(what)s). It cannot be "
                              "imported here.") % {"what": label})

    def _placeholder(self, old: Any, ref: dict) -> int:
        """A person from the sending side, as an inactive user without log-in or roles: names stay readable."""
        username = f"ekstern.{self.source_number}.{old}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=ref.get("first_name", "")[:150],
                        last_name=ref.get("last_name", "")[:150], email="", is_active=False)
            user.set_unusable_password()
            user.save()
            self.adjustments.append({"what": "person_without_login", "id": old, "username": username})
        return user.pk


def _decoded(model: type[models.Model], names: list[str], row: list) -> dict[str, Any]:
    by_attname = {f.attname: f for f in local_fields(model)}
    values = {}
    for name, value in zip(names, row, strict=True):
        values[name] = decoder_for(by_attname[name])(value)
    return values


@transaction.atomic
def import_package(package: dict, *, by: User, municipality: Municipality, request: HttpRequest | None = None,
                   today: date | None = None) -> ImportResult:
    """Recreate the family's record in ``municipality`` (the receiving coordinating unit).

    Adjustments, all recorded in :attr:`FamilyImport.adjustments`:

    - every ``municipality`` column is set to the receiving municipality; other links to municipalities,
      services and people are kept within the same installation, and between installations matched by
      municipality number, service name and kind (created when missing) or, for people, recreated as inactive
      persons without log-in or roles (a family member's log-in is left empty: it is linked again when the person
      logs in with ID-porten);
    - the case reference is kept unless the receiving municipality already uses it (then it is prefixed with the
      former municipality's number);
    - unique values that are taken (calendar ids, receipt numbers) get a suffix;
    - the family's barnekoordinator assignments still running are ended on the import day ("the family moved"),
      and a family with a barnekoordinator becomes "granted, waiting for a coordinator" here;
    - uploaded files are stored again under new names.
    """
    today = today or timezone.localdate()
    if municipality not in import_municipalities(by):
        raise TransferError(_("Only the coordinating unit of the receiving municipality can import the family."))
    target = package.get("target", {}).get("municipality", {}).get("number")
    if target != municipality.number:
        raise TransferError(_("This package is for %(name)s (%(number)s), not for %(here)s.") % {
            "name": package.get("target", {}).get("municipality", {}).get("name", "?"), "number": target,
            "here": municipality.name})
    if FamilyImport.objects.filter(municipality=municipality, sha256=package["sha256"]).exists():
        raise TransferError(_("This package has already been imported."))
    adjustments: list[dict] = []
    references = _References(package, municipality, adjustments)
    tables = {t["model"]: t for t in package["tables"]}
    models_in: dict[str, type[models.Model]] = {}
    for label in tables:
        try:
            models_in[label] = apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise TransferError(_("The package has data this Los does not know (%(what)s). It was probably made by a "
                                  "newer version of Los.") % {"what": label}) from exc
    present = set(models_in.values())
    order = dependency_order(list(present))
    id_map: dict[type[models.Model], dict[int, int]] = defaultdict(dict)
    deferred_values: list[tuple[type[models.Model], int, str, type[models.Model], int]] = []
    family_label = Family._meta.label_lower
    new_family_id: int | None = None
    for model in order.order:
        table = tables[model._meta.label_lower]
        names = table["fields"]
        current = {f.attname for f in local_fields(model)}
        unknown = set(names) - current
        if unknown:
            raise TransferError(_("The package has data this Los does not know (%(what)s). It was probably made by "
                                  "a newer version of Los.") % {"what": f"{model._meta.label_lower}: "
                                                                        f"{', '.join(sorted(unknown))}"})
        deferred = {fk.attname for fk in order.deferred.get(model, [])}
        fks = {fk.attname: fk for fk in foreign_keys(model)}
        pk_name = model._meta.pk.attname
        objs, old_ids = [], []
        for row in table["rows"]:
            values = _decoded(model, names, row)
            old_id = values.pop(pk_name)
            for attname, fk in fks.items():
                if attname not in values:
                    continue
                old = values[attname]
                to = fk.remote_field.model._meta.concrete_model
                if fk.name == "municipality" and to is Municipality:
                    values[attname] = municipality.pk
                elif to in present:
                    if old is None:
                        continue
                    if attname in deferred or old not in id_map[to]:
                        deferred_values.append((model, old_id, attname, to, old))
                        values[attname] = None
                    else:
                        values[attname] = id_map[to][old]
                else:
                    values[attname] = references.map(model._meta.label_lower, fk, old)
            obj = model(**values)
            objs.append(obj)
            old_ids.append(old_id)
        _unique_values(model, objs, adjustments)
        if model is Family:
            for obj in objs:
                _family_adjustments(obj, package, municipality, adjustments)
        _store_files(model, objs, package.get("files", {}), adjustments)
        created = model._base_manager.bulk_create(objs, batch_size=1000)
        for old_id, obj in zip(old_ids, created, strict=True):
            id_map[model][old_id] = obj.pk
        if model._meta.label_lower == family_label:
            new_family_id = created[0].pk
    for model, old_id, attname, to, old in deferred_values:
        if old not in id_map[to]:  # a link to a row outside the family's record
            if not model._meta.get_field(attname[:-3] if attname.endswith("_id") else attname).null:
                raise TransferError(_("The package is incomplete: a row refers to something that is not in it."))
            adjustments.append({"what": "link_dropped", "table": model._meta.label_lower, "field": attname})
            continue
        model._base_manager.filter(pk=id_map[model][old_id]).update(**{attname: id_map[to][old]})
    if new_family_id is None:
        raise TransferError(_("The package holds no family."))
    family = Family.objects.select_related("municipality").get(pk=new_family_id)
    _end_assignments(family, municipality, today, adjustments)
    record = FamilyImport.objects.create(
        family=family, municipality=municipality,
        from_municipality_number=package["source"]["municipality"]["number"],
        from_municipality_name=package["source"]["municipality"]["name"],
        source_reference=package["family"]["reference"][:30], source_family_id=package["family"]["id"],
        transfer_date=date.fromisoformat(package["transfer"]["date"]) if package.get("transfer", {}).get("date") else None,
        consented_by_name=package.get("transfer", {}).get("consented_by", "")[:200],
        format_version=package["version"], exported_at=datetime.fromisoformat(package["exported_at"]),
        sha256=package["sha256"],
        imported_by=by, counts=package.get("counts", {}), adjustments=adjustments)
    audit.record(actor=by, action=AuditAction.CHANGE, object_type="FamilyImport", object_id=record.pk,
                 municipality_id=municipality.pk, family_id=family.pk, category=Category.CASE,
                 reason=f"family record received from {record.from_municipality_name} "
                        f"({sum(record.counts.values())} rows, package {record.sha256[:12]})",
                 role=_role(by), request=request)
    from los.transitions import services

    services.open_moved_in_plan(family, by=by, from_name=record.from_municipality_name, today=today,
                                import_id=record.pk)
    return ImportResult(record=record, family=family,
                        id_map={m._meta.label_lower: dict(ids) for m, ids in id_map.items()})


def _unique_values(model: type[models.Model], objs: list[models.Model], adjustments: list[dict]) -> None:
    for f in model._meta.concrete_fields:
        if not f.unique or f.primary_key or f.is_relation or not isinstance(f, models.CharField):
            continue
        values = [getattr(o, f.attname) for o in objs if getattr(o, f.attname)]
        taken = set(model._base_manager.filter(**{f"{f.attname}__in": values}).values_list(f.attname, flat=True))
        for obj in objs:
            value = getattr(obj, f.attname)
            if value in taken:
                suffix = f"-{hashlib.sha256(f'{value}{timezone.now().isoformat()}'.encode()).hexdigest()[:6]}"
                new = value[: f.max_length - len(suffix)] + suffix
                setattr(obj, f.attname, new)
                adjustments.append({"what": "unique_value_changed", "table": model._meta.label_lower,
                                    "field": f.name, "from": value, "to": new})


def _family_adjustments(family: Family, package: dict, municipality: Municipality, adjustments: list[dict]) -> None:
    family.municipality_id = municipality.pk
    reference = family.reference
    if Family.objects.filter(municipality=municipality, reference=reference).exists():
        base = f"{package['source']['municipality']['number']}-{reference}"[:30]
        candidate, n = base, 1
        while Family.objects.filter(municipality=municipality, reference=candidate).exists():
            n += 1
            candidate = f"{base[:26]}-{n}"
        family.reference = candidate
        adjustments.append({"what": "reference_changed", "from": reference, "to": candidate})
    if family.status == FamilyStatus.ACTIVE:
        family.status = FamilyStatus.WAITING
        adjustments.append({"what": "status_changed", "from": FamilyStatus.ACTIVE, "to": FamilyStatus.WAITING})


def _store_files(model: type[models.Model], objs: list[models.Model], files: dict, adjustments: list[dict]) -> None:
    file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    for f in file_fields:
        for obj in objs:
            name = getattr(obj, f.attname)
            if not name:
                continue
            entry = files.get(str(name), {})
            if entry.get("missing") or "content_base64" not in entry:
                setattr(obj, f.attname, "")
                adjustments.append({"what": "file_missing", "table": model._meta.label_lower, "name": str(name)})
                continue
            data = base64.b64decode(entry["content_base64"])
            if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                raise TransferError(_("A file in the package is damaged (checksum). Ask for a new export."))
            new_name = f.generate_filename(obj, str(name).rsplit("/", 1)[-1])
            stored = (f.storage or default_storage).save(new_name, ContentFile(data))
            setattr(obj, f.attname, stored)


def _end_assignments(family: Family, municipality: Municipality, today: date, adjustments: list[dict]) -> None:
    reason = (_("The family moved to %(name)s") % {"name": municipality.name})[:300]
    for assignment in CoordinatorAssignment.objects.filter(family=family).exclude(ended__lte=today):
        assignment.ended, assignment.end_reason = today, reason
        assignment.save(update_fields=["ended", "end_reason"])
        adjustments.append({"what": "assignment_ended", "id": assignment.pk, "on": today.isoformat()})


def _role(user: User) -> str:
    roles = user.active_roles()
    return roles[0].role if roles else ""


def package_summary(package: dict) -> dict:
    """What a person sees before importing: who, from where, how much."""
    return {
        "family": package["family"]["display_name"], "reference": package["family"]["reference"],
        "from": package["source"]["municipality"]["name"], "to": package["target"]["municipality"]["name"],
        "exported_at": package["exported_at"], "rows": sum(package.get("counts", {}).values()),
        "files": len(package.get("files", {})), "consented_by": package.get("transfer", {}).get("consented_by", ""),
    }

