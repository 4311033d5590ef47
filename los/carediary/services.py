"""Actions on the care diary. Views call these after ``authorize``; every rule lives here."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from los.accounts.models import User
from los.carediary.models import DAY_MINUTES, CareDiary, DiaryDay
from los.core.forms import ConflictError
from los.families.models import Child

#: The most minutes up at night Los accepts for one night (12 hours), and times woken.
NIGHT_MINUTES = 12 * 60
MAX_WAKINGS = 30
#: How far back a day may be recorded (a diary is kept as it happens; older days are memories, not records).
MAX_DAYS_BACK = 400


def diary_for(child: Child) -> CareDiary:
    """The child's diary, or a new unsaved one (for the access policy to judge before anything is written)."""
    diary = CareDiary.objects.filter(child=child).first()
    if diary is None:
        diary = CareDiary(family_id=child.family_id, municipality_id=child.municipality_id, child=child, version=0)
    return diary


def _ensure_diary(child: Child, by: User | None) -> CareDiary:
    diary, _created = CareDiary.objects.get_or_create(
        child=child, defaults={"family_id": child.family_id, "municipality_id": child.municipality_id,
                               "created_by": by})
    return diary


def _check_day(child: Child, day: date | None, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if day is None:
        errors["day"] = _("Choose the day.")
    elif day > today:
        errors["day"] = _("You can only record a day that has begun: choose today or a day before.")
    elif (today - day).days > MAX_DAYS_BACK:
        errors["day"] = _("Choose a day within the last year.")
    elif child.birth_date and day < child.birth_date:
        errors["day"] = _("Choose a day after the child was born.")
    return errors


def _check_values(supervision: int, care: int, wakings: int, night: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, value in (("supervision_minutes", supervision), ("care_minutes", care)):
        if value < 0 or value > DAY_MINUTES:
            errors[field] = _("Give between 0 and 24 hours.")
    if not errors and supervision + care > DAY_MINUTES:
        errors["care_minutes"] = _("Supervision and care together cannot be more than 24 hours in a day.")
    if wakings < 0 or wakings > MAX_WAKINGS:
        errors["night_wakings"] = _("Give a number of times between 0 and %(n)s.") % {"n": MAX_WAKINGS}
    if night < 0 or night > NIGHT_MINUTES:
        errors["night_minutes"] = _("Give between 0 and 12 hours up at night.")
    return errors


@transaction.atomic
def record_day(child: Child, *, by: User | None, day: date | None, supervision_minutes: int, care_minutes: int,
               night_wakings: int, night_minutes: int, note: str = "", version: int | None = 0) -> DiaryDay:
    """Record (or correct) one day of the child's diary.

    ``version`` is the version of the day the form was opened with: 0 for a day that had no entry. If someone else
    recorded or changed the day in between, :class:`ConflictError` is raised and nothing is saved."""
    today = timezone.localdate()
    errors = _check_day(child, day, today)
    errors.update(_check_values(supervision_minutes, care_minutes, night_wakings, night_minutes))
    note = (note or "").strip()
    if len(note) > 500:
        errors["note"] = _("Keep the note to 500 characters.")
    if errors:
        raise ValidationError(errors)
    diary = _ensure_diary(child, by)
    row = DiaryDay.objects.select_for_update().filter(diary=diary, day=day).first()
    current = row.version if row is not None else 0
    if version is None or int(version) != current:
        raise ConflictError(_("This day was recorded by someone else while you were working on it. Your entry was "
                              "not saved: check what is there now and save again if it should change."),
                            current=row)
    if row is None:
        row = DiaryDay(family_id=child.family_id, municipality_id=child.municipality_id, diary=diary, child=child,
                       day=day)
    else:
        row.version += 1
    row.supervision_minutes, row.care_minutes = supervision_minutes, care_minutes
    row.night_wakings, row.night_minutes, row.note = night_wakings, night_minutes, note
    row.recorded_by, row.recorded_at = by, timezone.now()
    row.save()
    return row


@transaction.atomic
def copy_previous_day(child: Child, *, by: User | None, day: date | None) -> DiaryDay:
    """Record ``day`` as the same as the last day recorded before it ("the same as yesterday", in one tap).
    The note is not copied. A day that already has an entry is left as it is."""
    today = timezone.localdate()
    errors = _check_day(child, day, today)
    if errors:
        raise ValidationError(errors)
    diary = CareDiary.objects.filter(child=child).first()
    previous = (DiaryDay.objects.filter(diary=diary, day__lt=day).order_by("-day").first()
                if diary is not None else None)
    if previous is None:
        raise ValidationError({"day": _("There is no earlier day to copy. Record this day with the buttons.")})
    if DiaryDay.objects.filter(diary=diary, day=day).exists():
        raise ValidationError({"day": _("This day is already recorded. Change it with the buttons instead.")})
    return record_day(child, by=by, day=day, supervision_minutes=previous.supervision_minutes,
                      care_minutes=previous.care_minutes, night_wakings=previous.night_wakings,
                      night_minutes=previous.night_minutes, version=0)


@transaction.atomic
def save_usual_for_age(child: Child, *, by: User | None, version: int | None, text: str) -> CareDiary:
    """What the family counts as usual for a child of the same age (the attachment says it before the sums)."""
    diary = _ensure_diary(child, by)
    diary = CareDiary.objects.select_for_update().get(pk=diary.pk)
    # A diary made just now by the first save of this text has version 1 while the form said 0: that is no conflict.
    expected = diary.version if diary.usual_for_age == "" and diary.version == 1 and not version else version
    if expected is None or int(expected) != diary.version:
        raise ConflictError(current=diary)
    text = (text or "").strip()
    if len(text) > 2000:
        raise ValidationError({"usual_for_age": _("Keep it to 2,000 characters.")})
    diary.usual_for_age = text
    diary.version += 1
    diary.save()
    return diary
