"""Actions of the navigator's pages. Views call these after ``authorize``.

- :func:`save_answers` stores the questionnaire's answers for a child and for the family, with optimistic
  locking: each row carries a ``version`` and a stale version changes nothing (:class:`los.core.forms.ConflictError`).
- :func:`mark_applied` records "we have applied" on the family's service map through the service map's
  own actions (:mod:`los.servicemap.services`): the entry is created when it is not on the map, and an
  application sent on the given day is recorded, which makes the entry *applied for*.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from los.accounts.models import User
from los.core.forms import ConflictError
from los.families.models import Child, Family
from los.navigator.engine import load_catalog
from los.navigator.models import NavigatorAnswers
from los.navigator.questionnaire import QUESTIONS_BY_KEY, clean_answers
from los.navigator.selectors import map_entry_for
from los.servicemap import services as servicemap_services
from los.servicemap.models import EntryState, ServiceEntry

#: A row on the map in one of these states needs no new application from the navigator.
_ALREADY_APPLIED = frozenset({EntryState.APPLIED, EntryState.APPEALED, EntryState.GRANTED, EntryState.PARTLY_GRANTED})


def _conflict() -> ConflictError:
    """Someone else saved answers since the form was opened."""
    return ConflictError(_("Someone else saved answers for this family while you were working. Your answers were "
                           "not saved: check the answers below, which still show what you chose, and save again."))


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
    if catalog_id not in load_catalog().ids:
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
