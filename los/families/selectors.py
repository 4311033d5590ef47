"""Queries about families. Every list starts from the access policy's ``visible_families``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from los.access.guard import authorize
from los.access.models import Category, Consent
from los.access.policy import Action, visible_families
from los.accounts.models import Role, User
from los.families.models import Child, CoAssignment, CoordinatorAssignment, Family, FamilyMember


def family_or_404(pk: int) -> Family:
    """The family of a page's address, with its municipality (the access policy reads it), or a 404."""
    return get_object_or_404(Family.objects.select_related("municipality"), pk=pk)


def authorized_object(request: HttpRequest, action: Action | str, queryset: Any, category: Any = None,
                      **lookup: Any) -> Any:
    """The row of a family's data at a page's address (``get_object_or_404(queryset, **lookup)``) once the access
    policy has allowed ``action`` on it (on ``category`` when given) and its audit event is written."""
    obj = get_object_or_404(queryset, **lookup)
    authorize(request, action, obj, category)
    return obj


def authorized_family(request: HttpRequest, pk: int, action: Action | str, category: Any = None) -> Family:
    """The family of a page's address (``family_or_404``) once the access policy has allowed ``action`` on it (on
    ``category`` of its data when given) and its audit event is written (``los.access.guard.authorize``)."""
    family = family_or_404(pk)
    authorize(request, action, family, category)
    return family


def _with_list_data(qs: QuerySet[Family]) -> QuerySet[Family]:
    today = timezone.localdate()
    return qs.select_related("municipality").prefetch_related(
        Prefetch("children", queryset=Child.objects.order_by("birth_date")),
        Prefetch(
            "coordinator_assignments",
            queryset=CoordinatorAssignment.objects.filter(Q(ended__isnull=True) | Q(ended__gt=today))
            .select_related("coordinator"),
            to_attr="active_assignments",
        ),
    ).order_by("display_name")


def families_coordinated_by(user: User) -> QuerySet[Family]:
    today = timezone.localdate()
    return _with_list_data(
        visible_families(user).filter(
            coordinator_assignments__coordinator=user, coordinator_assignments__started__lte=today
        ).filter(Q(coordinator_assignments__ended__isnull=True) | Q(coordinator_assignments__ended__gt=today))
        .distinct()
    )


def families_of_unit(user: User) -> QuerySet[Family]:
    municipality_ids = [r.municipality_id for r in user.active_roles() if r.role in (Role.CASEWORKER, Role.UNIT_LEADER)]
    return _with_list_data(visible_families(user).filter(municipality_id__in=municipality_ids))


def unit_status_counts(user: User) -> dict[str, int]:
    municipality_ids = [r.municipality_id for r in user.active_roles() if r.role in (Role.CASEWORKER, Role.UNIT_LEADER)]
    rows = (visible_families(user).filter(municipality_id__in=municipality_ids)
            .values("status").annotate(n=Count("id")))
    return {row["status"]: row["n"] for row in rows}


def families_for_service_contact(user: User) -> QuerySet[Family]:
    """Families that have an active consent naming the user's service or the user."""
    now = timezone.now()
    provider_ids = [r.service_provider_id for r in user.active_roles() if r.role == Role.SERVICE_CONTACT]
    family_ids = Consent.objects.filter(
        Q(service_provider_id__in=provider_ids) | Q(person=user),
        withdrawn_at__isnull=True, valid_from__lte=now, valid_to__gt=now,
    ).values("family_id")
    return _with_list_data(visible_families(user, Category.CASE).filter(pk__in=family_ids))


def families_of_guardian(user: User) -> QuerySet[Family]:
    """The families the user belongs to and may see: as a guardian, or as the young person (from 16)."""
    return _with_list_data(
        visible_families(user).filter(Q(pk__in=FamilyMember.objects.filter(user=user).values("family_id"))
                                      | Q(pk__in=Child.objects.filter(user=user).values("family_id")))
    )


def colleagues_of(family: Family) -> tuple[list[CoAssignment], list[CoAssignment]]:
    """(current, former) colleagues who share the work on the family with its barnekoordinator."""
    today = timezone.localdate()
    rows = list(CoAssignment.objects.filter(family=family).select_related("user", "added_by").order_by("-started", "-pk"))
    return [c for c in rows if c.is_active_on(today)], [c for c in rows if not c.is_active_on(today)]


def family_overview(family: Family) -> dict:
    """What the family page shows at the top; the caller has been authorized for the family."""
    today = timezone.localdate()
    return {
        "children": list(family.children.all()),
        "members": list(family.members.all()),
        "coordinators": list(
            family.coordinator_assignments.select_related("coordinator").order_by("-started")
        ),
        "colleagues": colleagues_of(family)[0],
        "current_coordinator": family.coordinator_assignments.filter(
            Q(ended__isnull=True) | Q(ended__gt=today), started__lte=today
        ).select_related("coordinator").first(),
    }
