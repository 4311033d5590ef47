"""Changes on the working day's own data: the unit's start guide and its capacity norm (the unit leader)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access import audit
from los.access.models import AuditAction
from los.accounts.models import Role, User
from los.core.forms import ConflictError
from los.core.models import CoordinatingUnit, Municipality
from los.workday.models import StartGuide


def _stale(current: StartGuide | None) -> ConflictError:
    """Someone else saved the guide after the user opened it."""
    return ConflictError(_("Someone else saved the guide after you opened it. Your text is kept below; open the guide "
                           "in another tab to compare, then save again."), current=current)


def leader_municipalities(user: User) -> list[Municipality]:
    """Municipalities whose coordinating unit the user leads."""
    ids = {r.municipality_id for r in user.active_roles() if r.role == Role.UNIT_LEADER}
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def _require_leader(user: User, municipality: Municipality) -> None:
    if municipality.pk not in {m.pk for m in leader_municipalities(user)}:
        raise PermissionDenied(_("Only the leader of the coordinating unit can change this."))


@transaction.atomic
def save_guide(municipality: Municipality, language: str, text: str, *, by: User, version: int | None) -> StartGuide:
    """Save the unit's own start guide in one language. A stale ``version`` (someone saved in between) is refused."""
    _require_leader(by, municipality)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the guide, or press “Use Los's text” to start again from it.")})
    guide = StartGuide.objects.select_for_update().filter(municipality=municipality, language=language).first()
    if guide is None:
        if version not in (None, 0):
            raise _stale(None)
        guide = StartGuide(municipality=municipality, language=language, version=0)
    elif version is not None and version != guide.version:
        raise _stale(guide)
    guide.text, guide.updated_by, guide.updated_at = text, by, timezone.now()
    guide.version += 1
    guide.save()
    audit.record(actor=by, action=AuditAction.CHANGE, object_type="StartGuide", object_id=guide.pk,
                 municipality_id=municipality.pk, reason=f"start guide ({language}) changed")
    return guide


@transaction.atomic
def reset_guide(municipality: Municipality, language: str, *, by: User) -> None:
    """Go back to Los's default text in one language."""
    _require_leader(by, municipality)
    StartGuide.objects.filter(municipality=municipality, language=language).delete()
    audit.record(actor=by, action=AuditAction.CHANGE, object_type="StartGuide", municipality_id=municipality.pk,
                 reason=f"start guide ({language}) back to the default text")


@transaction.atomic
def set_capacity_norm(municipality: Municipality, value: Decimal | None, *, by: User) -> None:
    """The unit's norm for a coordinator's capacity: families per 10 % of a position (empty: Los's default)."""
    _require_leader(by, municipality)
    CoordinatingUnit.objects.filter(municipality=municipality).update(families_per_10_percent=value)
    audit.record(actor=by, action=AuditAction.CHANGE, object_type="CoordinatingUnit", municipality_id=municipality.pk,
                 reason=f"capacity norm set to {value if value is not None else 'the default'}")
