"""The API's way through the one access policy.

Every endpoint asks :func:`los.access.policy.decide` (through :func:`check`) or starts a list from
:func:`los.access.policy.visible_families` (through :func:`visible`), and writes the audit event with
:func:`los.access.audit.record`, exactly as :func:`los.access.guard.authorize` does for pages. A token
only narrows what its user may do: to its municipality (a family elsewhere answers 404, as if it did not
exist) and to its scopes (a missing scope answers 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from los.access import audit
from los.access.guard import audit_decision
from los.access.models import AuditAction, Category
from los.access.policy import NO_RELATION_BASES, Action, Decision, decide, resolve, visible_families
from los.accounts.models import User
from los.api.models import ApiToken
from los.api.problems import ProblemError
from los.families.models import Family

OTHER_MUNICIPALITY = "other_municipality"


@dataclass(frozen=True)
class Caller:
    """Who calls the API: a user, through a token or a browser session."""

    user: User
    token: ApiToken | None = None

    def __str__(self) -> str:  # the throttle's key
        return f"token:{self.token.pk}" if self.token else f"user:{self.user.pk}"

    @property
    def via(self) -> str:
        return f" (API token '{self.token.name}')" if self.token else " (API)"


def caller(request: HttpRequest) -> Caller:
    return request.auth  # set by los.api.auth


def require_scope(request: HttpRequest, scope: str) -> None:
    """403 when a token lacks ``scope``; a browser session has its user's normal access."""
    token = caller(request).token
    if token is not None and not token.has_scope(scope):
        raise ProblemError(403, _("The API token does not have the scope %(scope)s.") % {"scope": scope},
                         slug="insufficient-scope")


def check(request: HttpRequest, action: Action | str, obj: Any, category: Category | str | None = None) -> Decision:
    """Decide through the policy, write the audit event (allowed or refused) and raise a problem when refused."""
    action = Action(action)
    who = caller(request)
    family, _obj_category, _child = resolve(obj)
    if who.token is not None and family.municipality_id != who.token.municipality_id:
        decision = Decision(False, OTHER_MUNICIPALITY, "the API token belongs to another municipality")
    else:
        decision = decide(who.user, action, obj, category)
    audit_decision(request, action, obj, category, decision, actor=who.user, reason_suffix=who.via)
    if not decision.allowed:
        if decision.basis in NO_RELATION_BASES or decision.basis == OTHER_MUNICIPALITY:
            raise ProblemError(404)
        raise ProblemError(403)
    return decision


def may(request: HttpRequest, obj: Any, category: Category | str | None = None) -> bool:
    """Whether the caller may view ``obj`` (no audit event: used to filter items of an audited list)."""
    return decide(caller(request).user, Action.VIEW, obj, category).allowed


def decide_quietly(request: HttpRequest, obj: Any, category: Category | str | None = None) -> Decision:
    """The policy's decision to view ``obj`` (no audit event: the caller has already been audited)."""
    return decide(caller(request).user, Action.VIEW, obj, category)


def visible(request: HttpRequest, category: Category | str = Category.CASE) -> QuerySet[Family]:
    """The families the caller may view, within the token's municipality."""
    who = caller(request)
    families = visible_families(who.user, category)
    if who.token is not None:
        families = families.filter(municipality_id=who.token.municipality_id)
    return families


def family_for(request: HttpRequest, family_id: int, scope: str, category: Category | str = Category.CASE,
               action: Action = Action.VIEW) -> Family:
    """Load a family for ``action`` on its ``category`` information: scope, existence, policy, audit."""
    require_scope(request, scope)
    family = Family.objects.filter(pk=family_id).select_related("municipality").first()
    if family is None:
        raise ProblemError(404)
    check(request, action, family, category)
    return family


def record_list(request: HttpRequest, object_type: str) -> None:
    who = caller(request)
    audit.record(actor=who.user, action=AuditAction.VIEW, object_type=object_type,
                 municipality_id=who.token.municipality_id if who.token else None,
                 reason="list of families the policy allows" + who.via, request=request)
