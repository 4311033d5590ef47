"""Retention: deleting closed cases when their time has come, generically over every table.

The rules (docs/retention.md; the years are settings):

1. A case that was closed (``FamilyStatus.CLOSED``) or finally refused (``REFUSED``) is deleted when
   ``LOS_RETENTION_CASE_YEARS`` have passed since it was closed (for a refusal without a closing date: since
   the request was made) **and** ``LOS_RETENTION_AUDIT_YEARS`` have passed since the newest audit event
   about the family. A closed case without a closing date is never deleted automatically.
2. Everything that belongs to the family goes with it: every row in any table that points to the family,
   directly or through other rows, whatever the ``on_delete`` (PROTECT and RESTRICT included: those rows are
   deleted first, in dependency order); rows elsewhere that point to them with ``SET_NULL``/``SET_DEFAULT``
   are updated. Consents go with the case. Uploaded files of deleted rows are removed from storage.
3. The family's audit events are removed only here, together with the case, and replaced by signed
   tombstones so that the hash chain still verifies (:mod:`los.ops.chain`).
4. Audit events that belong to no family (log-ins, lists) are removed after
   ``LOS_RETENTION_UNLINKED_AUDIT_YEARS``.
5. A family with a :class:`~los.ops.models.RetentionHold` is kept, and so is a family another app says must stay
   (a *keeper*, :func:`register_keeper`: the archive keeps a case marked *Bevares* until its deposit is confirmed). A family whose rows are referenced by
   another family's rows (which would have to go too) is not deleted and is reported as blocked.
6. The log-ins of the family's members (guardians, young people) are deleted when nothing else refers to
   them, otherwise deactivated and stripped of names and contact details; staff accounts are never touched.

Each deleted case leaves a :class:`~los.ops.models.RetentionRecord` (case reference, dates, counts; no
names) in the deletion log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Model, OuterRef, Q, Subquery
from django.db.models.deletion import (
    DB_SET_DEFAULT,
    DB_SET_NULL,
    DO_NOTHING,
    SET_DEFAULT,
    SET_NULL,
    ProtectedError,
    RestrictedError,
    get_candidate_relations_to_delete,
)
from django.utils import timezone

from los.access import audit
from los.access.models import AuditEvent
from los.families.models import Child, Family, FamilyMember, FamilyStatus
from los.ops import chain
from los.ops.graph import CycleError, dependency_order
from los.ops.models import RetentionHold, RetentionRecord, RetentionRun

IN_CHUNK = 2000
#: Functions ``(family, today) -> str`` that answer why a family must be kept ("" when it may go); other apps
#: register theirs in ``AppConfig.ready`` (:func:`register_keeper`).
KEEPERS: list[Callable[[Family, dt.date], str]] = []
#: The links from a family's people to their log-ins; those accounts are cleaned up with the family.
FAMILY_LOGINS = ((FamilyMember, "user_id"), (Child, "user_id"))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rules() -> dict[str, int]:
    return {
        "case_years": settings.LOS_RETENTION_CASE_YEARS,
        "audit_years": settings.LOS_RETENTION_AUDIT_YEARS,
        "unlinked_audit_years": settings.LOS_RETENTION_UNLINKED_AUDIT_YEARS,
    }


# --- collecting a family's rows ---------------------------------------------------------------------------


@dataclass
class Collection:
    """Every row that goes with one family, and the rows elsewhere that must be updated."""

    delete: dict[type[Model], set[Any]] = field(default_factory=lambda: defaultdict(set))
    updates: dict[tuple[type[Model], str], tuple[Any, set[Any]]] = field(default_factory=dict)
    blocked: str = ""

    def counts(self) -> dict[str, int]:
        return {m._meta.label_lower: len(pks) for m, pks in sorted(self.delete.items(),
                                                                   key=lambda i: i[0]._meta.label_lower) if pks}


def _chunks(values, size: int = IN_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _set_value(on_delete, fk: models.Field) -> tuple[bool, Any]:
    """Whether ``on_delete`` updates referencing rows instead of deleting them, and to what."""
    if on_delete in (SET_NULL, DB_SET_NULL):
        return True, None
    if on_delete in (SET_DEFAULT, DB_SET_DEFAULT):
        return True, fk.get_default()
    deconstruct = getattr(on_delete, "deconstruct", None)
    if callable(deconstruct):
        path, args, _kwargs = deconstruct()
        if path == "django.db.models.SET":
            value = args[0]
            return True, value() if callable(value) else value
    return False, None


def collect(family: Family) -> Collection:
    """Walk every foreign key that points (directly or through other rows) to ``family``."""
    found = Collection()
    found.delete[Family].add(family.pk)
    queue: list[tuple[type[Model], set[Any]]] = [(Family, {family.pk})]
    while queue:
        model, pks = queue.pop()
        for parent, ptr in model._meta.parents.items():  # multi-table inheritance: the parent row goes too
            if ptr is not None:
                new = set(pks) - found.delete[parent]
                if new:
                    found.delete[parent] |= new
                    queue.append((parent, new))
        for relation in get_candidate_relations_to_delete(model._meta):
            fk = relation.field
            related = relation.related_model._meta.concrete_model
            on_delete = fk.remote_field.on_delete
            if on_delete is DO_NOTHING and not fk.db_constraint:
                continue  # a soft reference that is meant to outlive its target
            is_update, value = _set_value(on_delete, fk)
            for chunk in _chunks(pks):
                referencing = set(related._base_manager.filter(**{f"{fk.name}__in": chunk})
                                  .values_list("pk", flat=True))
                if not referencing:
                    continue
                if is_update:
                    key = (related, fk.name)
                    found.updates.setdefault(key, (value, set()))[1].update(referencing)
                    continue
                new = referencing - found.delete[related]
                if new:
                    found.delete[related] |= new
                    queue.append((related, new))
    for (related, _name), (_value, pks) in found.updates.items():
        pks -= found.delete.get(related, set())
    found.blocked = _foreign_rows(found, family)
    return found


def _foreign_rows(found: Collection, family: Family) -> str:
    """A reason when rows of *another* family were reached (they would be deleted too)."""
    for model, pks in found.delete.items():
        try:
            family_field = model._meta.get_field("family")
        except FieldDoesNotExist:
            continue
        if not (family_field.is_relation and family_field.related_model is Family):
            continue
        for chunk in _chunks(pks):
            other = (model._base_manager.filter(pk__in=chunk).exclude(family_id=family.pk)
                     .values_list("family_id", flat=True).first())
            if other is not None:
                return (f"{model._meta.label_lower} rows of family id {other} refer to this family's data; "
                        "resolve that link before the family can be deleted")
    return ""


# --- the plan and the report ------------------------------------------------------------------------------


@dataclass
class FamilyEntry:
    family_id: int
    reference: str
    municipality_id: int
    status: str
    closed_on: str | None
    due: str | None
    reason: str = ""
    rows: dict[str, int] = field(default_factory=dict)
    audit_events: int = 0
    files: int = 0
    logins: int = 0


@dataclass
class Report:
    today: str
    dry_run: bool
    rules: dict[str, int]
    deleted: list[FamilyEntry] = field(default_factory=list)
    held: list[FamilyEntry] = field(default_factory=list)
    blocked: list[FamilyEntry] = field(default_factory=list)
    not_due: int = 0
    next_due: str | None = None
    unlinked_audit_events: int = 0
    tombstones_compacted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        verb = "would delete" if self.dry_run else "deleted"
        out = [f"Retention {'dry run' if self.dry_run else 'run'} for {self.today} "
               f"(cases: {self.rules['case_years']} years after closing; audit events: at least "
               f"{self.rules['audit_years']} years; events without a family: {self.rules['unlinked_audit_years']} "
               "years)."]
        out.append(f"Cases {verb}: {len(self.deleted)}")
        for entry in self.deleted:
            rows = sum(entry.rows.values())
            out.append(f"  {entry.reference} (family id {entry.family_id}, municipality {entry.municipality_id}, "
                       f"{entry.status}, closed {entry.closed_on or '-'}, due {entry.due}): {rows} rows, "
                       f"{entry.audit_events} audit events, {entry.files} files, {entry.logins} log-ins")
            for label, count in entry.rows.items():
                out.append(f"      {label}: {count}")
        if self.held:
            out.append(f"Kept because of a retention hold: {len(self.held)}")
            out.extend(f"  {e.reference} (family id {e.family_id}): {e.reason}" for e in self.held)
        if self.blocked:
            out.append(f"Not deleted, needs a person to look at it: {len(self.blocked)}")
            out.extend(f"  {e.reference} (family id {e.family_id}): {e.reason}" for e in self.blocked)
        out.append(f"Closed or refused cases not yet due: {self.not_due}"
                   + (f" (next due {self.next_due})" if self.next_due else ""))
        out.append(f"Audit events without a family {verb}: {self.unlinked_audit_events}")
        if not self.dry_run:
            out.append(f"Removed audit events folded into chain checkpoints: {self.tombstones_compacted}")
        return out


def _candidates(today: dt.date) -> tuple[list[tuple[Family, dt.date | None, dt.date]], int, dt.date | None, list]:
    """(due families with closing day and due day, number not yet due, next due day, undated closed)."""
    years = rules()
    last_event = (AuditEvent.objects.filter(family_id=OuterRef("pk")).order_by()
                  .values("family_id").annotate(last=Max("at")).values("last"))
    families = (Family.objects.filter(status__in=[FamilyStatus.CLOSED, FamilyStatus.REFUSED])
                .annotate(last_event=Subquery(last_event)).order_by("pk"))
    due: list = []
    undated: list = []
    not_due, next_due = 0, None
    for family in families.iterator(chunk_size=2000):
        if family.closed_at is not None:
            closed = timezone.localdate(family.closed_at)
        elif family.status == FamilyStatus.REFUSED:
            closed = None
        else:
            undated.append(family)
            continue
        anchor = closed or timezone.localdate(family.created_at)
        day = add_years(anchor, years["case_years"])
        if family.last_event is not None:
            day = max(day, add_years(timezone.localdate(family.last_event), years["audit_years"]))
        if day <= today:
            due.append((family, closed, day))
        else:
            not_due += 1
            next_due = day if next_due is None else min(next_due, day)
    return due, not_due, next_due, undated


def _entry(family: Family, closed: dt.date | None, due: dt.date | None, reason: str = "") -> FamilyEntry:
    return FamilyEntry(family_id=family.pk, reference=family.reference, municipality_id=family.municipality_id,
                       status=family.status, closed_on=closed.isoformat() if closed else None,
                       due=due.isoformat() if due else None, reason=reason)


def register_keeper(keeper: Callable[[Family, dt.date], str]) -> None:
    """Let ``keeper`` stop retention from deleting a family: it answers the reason, or "" when the family may go."""
    if keeper not in KEEPERS:
        KEEPERS.append(keeper)


def _kept_by(family: Family, today: dt.date) -> str:
    for keeper in KEEPERS:
        reason = keeper(family, today)
        if reason:
            return reason
    return ""


def _active_hold(family: Family, today: dt.date) -> RetentionHold | None:
    return (RetentionHold.objects.filter(family=family).filter(Q(until__isnull=True) | Q(until__gte=today))
            .order_by("-created_at").first())


def _file_names(found: Collection) -> list[str]:
    names = []
    for model, pks in found.delete.items():
        file_fields = [f for f in model._meta.local_concrete_fields if isinstance(f, models.FileField)]
        for file_field in file_fields:
            for chunk in _chunks(pks):
                names.extend(n for n in model._base_manager.filter(pk__in=chunk)
                             .values_list(file_field.attname, flat=True) if n)
    return names


def _login_ids(found: Collection) -> set[int]:
    ids: set[int] = set()
    for model, attname in FAMILY_LOGINS:
        for chunk in _chunks(found.delete.get(model, ())):
            ids.update(i for i in model._base_manager.filter(pk__in=chunk).values_list(attname, flat=True) if i)
    return ids


def apply_retention(today: dt.date | None = None, dry_run: bool = False) -> Report:
    """Apply the retention rules as of ``today`` (default: today) and return the report."""
    today = today or timezone.localdate()
    report = Report(today=today.isoformat(), dry_run=dry_run, rules=rules())
    due, report.not_due, next_due, undated = _candidates(today)
    report.next_due = next_due.isoformat() if next_due else None
    for family in undated:
        report.blocked.append(_entry(family, None, None, "closed without a closing date; set the date first"))
    run = None if dry_run else RetentionRun.objects.create(today=today, dry_run=False)
    for family, closed, day in due:
        hold = _active_hold(family, today)
        if hold is not None:
            report.held.append(_entry(family, closed, day, hold.reason))
            continue
        kept = _kept_by(family, today)
        if kept:
            report.held.append(_entry(family, closed, day, kept))
            continue
        entry = _entry(family, closed, day)
        try:
            with transaction.atomic():
                found = collect(family)
                if found.blocked:
                    entry.reason = found.blocked
                    report.blocked.append(entry)
                    continue
                entry.rows = {k: v for k, v in found.counts().items() if k != AuditEvent._meta.label_lower}
                entry.audit_events = len(found.delete.get(AuditEvent, ()))
                files = _file_names(found)
                logins = _login_ids(found)
                entry.files, entry.logins = len(files), len(logins)
                if not dry_run:
                    _delete(found, reason=f"family deleted by retention run {run.pk}")
                    _clean_logins(logins)
                    RetentionRecord.objects.create(
                        run=run, municipality_id=family.municipality_id, reference=family.reference,
                        status=family.status, closed_on=closed, rule=_rule_text(), rows=entry.rows,
                        audit_events=entry.audit_events, files=len(files))
                    transaction.on_commit(lambda names=files: _delete_files(names))
        except (ProtectedError, RestrictedError, IntegrityError, CycleError) as exc:
            entry.reason = f"the deletion was refused: {exc}"
            report.blocked.append(entry)
            continue
        report.deleted.append(entry)
    report.unlinked_audit_events = _unlinked_audit(today, dry_run, run)
    if not dry_run:
        report.tombstones_compacted = chain.compact()
        run.report = report.as_dict()
        run.save(update_fields=["report"])
    return report


def _rule_text() -> str:
    years = rules()
    return (f"closed {years['case_years']} years ago and no audit event in {years['audit_years']} years "
            "(docs/retention.md)")


def _delete(found: Collection, reason: str) -> None:
    for (model, name), (value, pks) in found.updates.items():
        for chunk in _chunks(pks):
            model._base_manager.filter(pk__in=chunk).update(**{name: value})
    plan = dependency_order([m for m, pks in found.delete.items() if pks])
    for model, fks in plan.deferred.items():  # cycles between the deleted rows: empty the links first
        for chunk in _chunks(found.delete[model]):
            model._base_manager.filter(pk__in=chunk).update(**{fk.name: None for fk in fks})
    for model in plan.deletion_order:
        pks = found.delete[model]
        if model is AuditEvent:
            chain.remove_events(pks, reason)
            continue
        for chunk in _chunks(pks):
            model._base_manager.filter(pk__in=chunk)._raw_delete(model._base_manager.db)


def _clean_logins(user_ids: set[int]) -> None:
    """Delete (or, when something still refers to them, anonymise) family log-ins left without a family."""
    user_model = get_user_model()
    for user in user_model._base_manager.filter(pk__in=user_ids):
        if user.is_staff or user.is_superuser or user.staff_roles.exists():
            continue
        if any(model._base_manager.filter(**{attname: user.pk}).exists() for model, attname in FAMILY_LOGINS):
            continue
        try:
            with transaction.atomic():
                user.delete()
        except (ProtectedError, RestrictedError, IntegrityError):
            user.username = f"slettet-{user.pk}"
            user.first_name = user.last_name = user.email = ""
            if hasattr(user, "phone"):
                user.phone = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - a file already gone is not an error
            pass


def _unlinked_audit(today: dt.date, dry_run: bool, run: RetentionRun | None) -> int:
    cutoff_day = add_years(today, -settings.LOS_RETENTION_UNLINKED_AUDIT_YEARS)
    cutoff = timezone.make_aware(dt.datetime.combine(cutoff_day, dt.time.min))
    # the announcements of chains in ``global`` stay: they tell the verifier which chains must exist
    old = AuditEvent.objects.filter(family__isnull=True, at__lt=cutoff).exclude(object_type=audit.CHAIN_OPENED)
    if dry_run:
        return old.count()
    ids = list(old.values_list("pk", flat=True).iterator(chunk_size=5000))
    return chain.remove_events(ids, f"no family, older than the retention time (run {run.pk})") if ids else 0
