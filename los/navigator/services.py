"""Actions of the navigator's pages. Views call these after ``authorize``.

- :func:`save_answers` stores the questionnaire's answers for a child and for the family, with optimistic
  locking: each row carries a ``version`` and a stale version changes nothing (:class:`los.core.forms.ConflictError`).
- :func:`save_local_entry` and :func:`save_local_routine` are the municipality's own layer: its local services
  (checked by the catalogue's loader, in the catalogue's format and rule language) and its routines for national
  entries; only the municipality's coordinating unit changes them, each change audited and signed.
- :func:`mark_applied` records "we have applied" on the family's service map through the service map's
  own actions (:mod:`los.servicemap.services`): the entry is created when it is not on the map, and an
  application sent on the given day is recorded, which makes the entry *applied for*.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access import audit
from los.access.models import AuditAction
from los.access.policy import decide_municipal_content
from los.accounts.models import User
from los.core.forms import ConflictError
from los.core.models import Municipality
from los.families.models import Child, Family
from los.navigator.catalog import local_entry
from los.navigator.engine import load_catalog
from los.navigator.models import LocalEntry, LocalRoutine, NavigatorAnswers
from los.navigator.questionnaire import QUESTIONS_BY_KEY, clean_answers
from los.navigator.rules import RuleError
from los.navigator.selectors import catalog_for, map_entry_for
from los.servicemap import services as servicemap_services
from los.servicemap.models import EntryState, ServiceEntry

#: A row on the map in one of these states needs no new application from the navigator.
_ALREADY_APPLIED = frozenset({EntryState.APPLIED, EntryState.APPEALED, EntryState.GRANTED, EntryState.PARTLY_GRANTED})


def _conflict() -> ConflictError:
    """Someone else saved answers since the form was opened."""
    return ConflictError(_("Someone else saved answers for this family while you were working. Your answers were "
                           "not saved: check the answers below, which still show what you chose, and save again."))


def _local_conflict() -> ConflictError:
    return ConflictError(_("Someone else changed this while you were working. Nothing was saved: check the form, "
                           "which still shows what you wrote, and save again."))


def _save_next_version(row: LocalEntry | LocalRoutine) -> None:
    """Save a municipality's own row as its next version; two people saving the same new row at the same moment
    is a conflict (the second is refused)."""
    row.version += 1
    row.updated_at = timezone.now()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise _local_conflict() from exc


def _merge(current: Mapping[str, Any], changes: Mapping[str, Any], scope: str) -> dict[str, Any]:
    """``current`` with ``changes`` applied: a value sets an answer, None ("don't know") removes it."""
    merged = dict(current)
    for key, value in changes.items():
        question = QUESTIONS_BY_KEY.get(key)
        if question is None or question.scope != scope:
            raise ValidationError(_("“%(key)s” is not one of the navigator’s questions.") % {"key": key},
                                  code="unknown_question")
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    clean = clean_answers(merged, scope)
    invalid = sorted(k for k, v in changes.items() if v is not None and k not in clean)
    if invalid:
        raise ValidationError(_("The answer to “%(key)s” is not valid.") % {"key": invalid[0]}, code="invalid_answer")
    return clean


def _save_row(family: Family, child: Child | None, actor: User | None, version: int | None,
              changes: Mapping[str, Any], scope: str) -> NavigatorAnswers:
    if version is None:
        raise _conflict()
    filters = {"family": family, "child": child} if child is not None else {"family": family, "child__isnull": True}
    row = NavigatorAnswers.objects.select_for_update().filter(**filters).first()
    if row is None:
        if int(version) != 0:
            raise _conflict()
        row = NavigatorAnswers(family=family, municipality_id=family.municipality_id, child=child, answers={},
                               version=0)
    elif int(version) != row.version:
        raise _conflict()
    answers = _merge(row.answers or {}, changes, scope)
    if row.pk is not None and answers == (row.answers or {}):
        return row
    row.answers = answers
    row.version += 1
    row.updated_at = timezone.now()
    row.updated_by = actor if actor is not None and actor.is_authenticated else None
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # someone else created the row at the same moment
        raise _conflict() from exc
    return row


@transaction.atomic
def save_answers(family: Family, child: Child | None, actor: User | None, *,
                 child_answers: Mapping[str, Any], family_answers: Mapping[str, Any],
                 child_version: int | None, family_version: int | None) -> tuple[NavigatorAnswers | None,
                                                                                NavigatorAnswers]:
    """Store answers for ``child`` and for the family. Keys that are left out keep their stored answer;
    None means "don't know" and removes the answer. ``*_version`` is the version the form was opened
    with (0 when there were no answers yet); if either is stale nothing is saved."""
    if child is not None and child.family_id != family.pk:
        raise ValidationError(_("Choose a child in this family."), code="wrong_child")
    if child is None and child_answers:
        raise ValidationError(_("Choose the child the answers are about."), code="no_child")
    child_row = (_save_row(family, child, actor, child_version, child_answers, "child")
                 if child is not None else None)
    family_row = _save_row(family, None, actor, family_version, family_answers, "family")
    return child_row, family_row


@transaction.atomic
def mark_applied(family: Family, child: Child | None, catalog_id: str, actor: User | None,
                 sent_on: date | None = None) -> tuple[ServiceEntry, bool]:
    """"We have applied": put the entry on the family's service map as applied for, sent on ``sent_on``
    (default today). Returns the entry and whether anything changed; an entry that is already applied
    for, under appeal or granted is left as it is."""
    if catalog_id not in catalog_for(family.municipality_id).ids:
        raise ValidationError({"catalog_id": _("Choose a right or service from the list.")}, code="unknown_entry")
    if child is not None and child.family_id != family.pk:
        raise ValidationError(_("Choose a child in this family."), code="wrong_child")
    entry = map_entry_for(family, child, catalog_id)
    if entry is not None:
        entry = ServiceEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.state in _ALREADY_APPLIED:
            return entry, False
    else:
        entry = servicemap_services.create_entry(family, actor, catalog_id=catalog_id, child=child)
    servicemap_services.create_application(entry, actor, sent_on=sent_on or timezone.localdate())
    entry.refresh_from_db()
    return entry, True


# --------------------------------------------------------------------------------------------------
# The municipality's own layer: local services and local routines
# --------------------------------------------------------------------------------------------------

#: The parts of a local routine, each a text in bokmål and nynorsk (English optional).
ROUTINE_PARTS = ("how_to_apply", "contact", "forms", "processing_time")


def _require_unit(actor: User, municipality: Municipality) -> None:
    decision = decide_municipal_content(actor, municipality.pk)
    if not decision.allowed:
        raise PermissionDenied(_("Only the municipality’s coordinating unit can change its local services and "
                                 "routines."))


def _local_error(exc: Exception) -> ValidationError:
    """A loader error as a message in the user's language, with the loader's own detail."""
    return ValidationError(_("The entry could not be saved as it is: %(detail)s") % {"detail": exc},
                           code="invalid_entry")


@transaction.atomic
def save_local_entry(actor: User, municipality: Municipality, data: Mapping[str, Any], *, active: bool,
                     checked_on: date, entry: LocalEntry | None = None, version: int | None = None) -> LocalEntry:
    """Add or change one of the municipality's own services. ``data`` is the entry in the catalogue's format; it is
    checked by the catalogue's loader and its rule compiled before anything is saved. The id never changes. A stale
    ``version`` changes nothing (:class:`ConflictError`); every change is audited and signed by ``actor``."""
    _require_unit(actor, municipality)
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": [_("The date it was checked cannot be in the future.")]})
    data = dict(data)
    if entry is not None:
        if entry.municipality_id != municipality.pk:
            raise PermissionDenied(_("Only the municipality’s coordinating unit can change its local services and "
                                     "routines."))
        data["id"] = entry.entry_id
    data["last_checked"] = checked_on.isoformat()
    try:
        local_entry(data, load_catalog(), check_dates=(timezone.localdate(),))
    except RuleError as exc:
        raise _local_error(exc) from exc
    if entry is None:
        if LocalEntry.objects.filter(municipality=municipality, entry_id=data["id"]).exists():
            raise ValidationError({"entry_id": [_("The municipality already has a service with this id.")]})
        entry = LocalEntry(municipality=municipality, entry_id=data["id"], version=0)
    else:
        locked = LocalEntry.objects.select_for_update().get(pk=entry.pk)
        if version is None or int(version) != locked.version:
            raise _local_conflict()
        entry = locked
    entry.data, entry.active, entry.checked_on, entry.checked_by = data, active, checked_on, actor
    _save_next_version(entry)
    audit.record(actor=actor, action=AuditAction.CHANGE, object_type="LocalEntry", object_id=entry.pk,
                 municipality_id=municipality.pk, reason="local service in the navigator saved")
    return entry


def clean_routine_texts(texts: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The parts of a routine that are filled in: each needs bokmål and nynorsk; English is optional."""
    out: dict[str, dict[str, str]] = {}
    errors: dict[str, list] = {}
    for part in ROUTINE_PARTS:
        value = texts.get(part) or {}
        given = {lang: str(value.get(lang) or "").strip() for lang in ("nb", "nn", "en")}
        if not any(given.values()):
            continue
        missing = [lang for lang in ("nb", "nn") if not given[lang]]
        if missing:
            errors[f"{part}_{missing[0]}"] = [_("Write this in both bokmål and nynorsk.")]
            continue
        out[part] = {lang: text for lang, text in given.items() if text}
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_local_routine(actor: User, municipality: Municipality, entry_id: str, texts: Mapping[str, Any], *,
                       form_url: str, checked_on: date, routine: LocalRoutine | None = None,
                       version: int | None = None) -> LocalRoutine:
    """Add or change how the municipality handles a national entry (how to apply here, whom to call, local forms,
    expected processing time here). A stale ``version`` changes nothing; every change is audited and signed."""
    _require_unit(actor, municipality)
    if entry_id not in load_catalog().ids:
        raise ValidationError({"entry_id": [_("Choose a right or service from the list.")]})
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": [_("The date it was checked cannot be in the future.")]})
    cleaned = clean_routine_texts(texts)
    if not cleaned and not form_url:
        raise ValidationError(_("Fill in at least one part of the routine."), code="empty")
    existing = routine or LocalRoutine.objects.filter(municipality=municipality, entry_id=entry_id).first()
    if existing is not None:
        if existing.municipality_id != municipality.pk:
            raise PermissionDenied(_("Only the municipality’s coordinating unit can change its local services and "
                                     "routines."))
        locked = LocalRoutine.objects.select_for_update().get(pk=existing.pk)
        if version is None or int(version) != locked.version:
            raise _local_conflict()
        routine = locked
    else:
        if version not in (None, 0):
            raise _local_conflict()
        routine = LocalRoutine(municipality=municipality, entry_id=entry_id, version=0)
    routine.texts, routine.form_url, routine.checked_on, routine.checked_by = cleaned, form_url, checked_on, actor
    _save_next_version(routine)
    audit.record(actor=actor, action=AuditAction.CHANGE, object_type="LocalRoutine", object_id=routine.pk,
                 municipality_id=municipality.pk, reason="local routine in the navigator saved")
    return routine
