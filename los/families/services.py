"""Changes to who works on a family besides its barnekoordinator: a co-coordinator or a minute-taker
(:class:`~los.families.models.CoAssignment`). The view has authorized the change; the rules here are the workflow's."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access import audit
from los.access.models import AuditAction, Category
from los.access.policy import Action, decide, is_assigned_coordinator
from los.accounts.models import Role, StaffRole, User
from los.families.models import CoAssignment, CoRole, Family


def may_arrange_colleagues(user: User, family: Family) -> bool:
    """The family's barnekoordinator, or the coordinating unit, arranges colleagues on the family."""
    if is_assigned_coordinator(user, family):
        return True
    return decide(user, Action.CHANGE, family, Category.CASE).basis in ("unit", "transfer")


def colleague_candidates(family: Family, exclude: set[int] | None = None) -> list[StaffRole]:
    """Barnekoordinators who serve the family's municipality (its own, or a host of an agreement), one role each."""
    exclude = exclude or set()
    today = timezone.localdate()
    hosts = {family.municipality_id}
    from los.core.models import MunicipalityAgreement

    hosts.update(MunicipalityAgreement.objects.filter(member_id=family.municipality_id, valid_from__lte=today)
                 .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).values_list("host_id", flat=True))
    seen: dict[int, StaffRole] = {}
    for role in (StaffRole.objects.filter(role=Role.BARNEKOORDINATOR, active=True, user__is_active=True,
                                          municipality_id__in=hosts).exclude(user_id__in=exclude)
                 .select_related("user").order_by("user__last_name", "user__first_name", "pk")):
        seen.setdefault(role.user_id, role)
    return list(seen.values())


def _audit(by: User, family: Family, obj: CoAssignment, reason: str) -> None:
    audit.record(actor=by, action=AuditAction.CHANGE, object_type="CoAssignment", object_id=obj.pk,
                 municipality_id=family.municipality_id, family_id=family.pk, category=str(Category.CASE),
                 reason=reason)


@transaction.atomic
def add_colleague(family: Family, *, by: User, user: User, role: str, sees_working_notes: bool = False,
                  started: date | None = None) -> CoAssignment:
    """Name a colleague on the family. Only the family's own barnekoordinator can let a co-coordinator read the
    working notes; the coordinating unit never can (it does not see them itself)."""
    if not may_arrange_colleagues(by, family):
        raise PermissionDenied(_("Only the family's barnekoordinator or the coordinating unit can do this."))
    if role not in CoRole.values:
        raise ValidationError({"role": _("Choose what the colleague does.")})
    if user.pk not in {r.user_id for r in colleague_candidates(family)}:
        raise ValidationError({"user": _("Choose a barnekoordinator who serves the family's municipality.")})
    if is_assigned_coordinator(user, family):
        raise ValidationError({"user": _("This is the family's own barnekoordinator.")})
    today = timezone.localdate()
    if CoAssignment.objects.filter(family=family, user=user).filter(
            Q(ended__isnull=True) | Q(ended__gt=today)).exists():
        raise ValidationError({"user": _("This colleague already works on the family. End that first to change it.")})
    if sees_working_notes and (role != CoRole.CO_COORDINATOR or not is_assigned_coordinator(by, family)):
        raise ValidationError({"sees_working_notes": _(
            "Only the family's barnekoordinator can let a co-coordinator read the working notes.")})
    colleague = CoAssignment.objects.create(family=family, municipality_id=family.municipality_id, user=user,
                                            role=role, sees_working_notes=sees_working_notes,
                                            started=started or today, added_by=by)
    _audit(by, family, colleague, f"{role} added: {user.get_full_name() or user.username}")
    return colleague


@transaction.atomic
def end_colleague(colleague: CoAssignment, *, by: User) -> CoAssignment:
    """End a colleague's part on the family today (the row stays as history); their access ends at once."""
    colleague = CoAssignment.objects.select_for_update().get(pk=colleague.pk)
    if not may_arrange_colleagues(by, colleague.family):
        raise PermissionDenied(_("Only the family's barnekoordinator or the coordinating unit can do this."))
    today = timezone.localdate()
    if colleague.ended is not None and colleague.ended <= today:
        raise ValidationError(_("This colleague's part has already ended."))
    colleague.ended = max(today, colleague.started)
    colleague.save(update_fields=["ended"])
    _audit(by, colleague.family, colleague, f"{colleague.role} ended")
    return colleague
