"""Where a person lands after logging in: where they were going, or — for a parent or young person in exactly
one family, who holds no staff role — straight on their family's page instead of a start page."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from los.access.policy import visible_families
from los.accounts.models import User


def own_families(user: User) -> list[int]:
    """The families the person belongs to (as a family member or the young person) and may open."""
    own = Q(members__user=user) | Q(children__user=user)
    return list(visible_families(user).filter(own).values_list("pk", flat=True).distinct()[:2])


def landing_url(request: HttpRequest, user: User, requested: str | None) -> str:
    home = resolve_url(settings.LOGIN_REDIRECT_URL)
    if requested and requested != home and url_has_allowed_host_and_scheme(
            requested, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return requested
    if user.is_authenticated and not user.is_staff_member:
        families = own_families(user)
        if len(families) == 1:
            return reverse("portal:overview", args=[families[0]])
    return home
