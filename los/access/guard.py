"""Glue between views and the access policy: authorize + audit in one call, and view markers.

Every URL pattern's view carries a ``los_access`` marker saying how it is protected; the
authorization matrix test fails for a route without one.

- ``public``: no log-in needed and shows no family data (log-in page, anonymous navigator).
- ``authenticated``: needs log-in, shows only the user's own things (start page, own profile).
- ``family``: shows or changes one family's data; calls :func:`authorize` for the object.
- ``family_list``: lists families; starts from ``policy.visible_families``.
- ``aggregate``: statistics without single families.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from los.access import audit
from los.access.models import AuditAction
from los.access.policy import NO_RELATION_BASES, Action, Decision, decide, resolve

ACCESS_KINDS = {"public", "authenticated", "family", "family_list", "aggregate", "staff"}


def access(kind: str) -> Callable:
    """Mark a view (function or class) with how it is protected."""
    if kind not in ACCESS_KINDS:
        raise ValueError(kind)

    def mark(view: Any) -> Any:
        view.los_access = kind
        return view

    return mark


AUDIT_ACTION = {  # the audit event's action for each policy action (also used by the API)
    Action.VIEW: AuditAction.VIEW,
    Action.CHANGE: AuditAction.CHANGE,
    Action.CONTRIBUTE: AuditAction.CHANGE,
    Action.SHARE: AuditAction.SHARE,
    Action.EXPORT: AuditAction.EXPORT,
}


def audit_decision(request: HttpRequest, action: Action, obj: Any, category: Any, decision: Decision, *,
                   actor: Any = None, reason_suffix: str = "", defer: bool = True) -> None:
    """Write the audit event of one policy decision (pages and the API alike).

    In a request, an allowed view or export is written when the response is complete, naming the categories the
    response actually showed (``los.access.middleware.DisclosureMiddleware``); changes and refusals at once."""
    from los.access.middleware import current_ledger

    family, obj_category, _child = resolve(obj)
    event = {
        "actor": actor if actor is not None else request.user,
        "action": AUDIT_ACTION[action] if decision.allowed else AuditAction.DENIED,
        "object_type": type(obj).__name__,
        "object_id": getattr(obj, "pk", ""),
        "municipality_id": family.municipality_id,
        "family_id": family.pk,
        "category": str(category or obj_category),
        "allowed": decision.allowed,
        "reason": decision.reason + reason_suffix,
        "role": decision.role,
        "service": decision.service,
        "request": request,
    }
    ledger = current_ledger()
    if ledger is not None and ledger.request is request:
        if defer and decision.allowed and action in (Action.VIEW, Action.EXPORT):
            if not any(p["family_id"] == family.pk and p["object_type"] == event["object_type"]
                       and p["object_id"] == event["object_id"] and p["action"] == event["action"]
                       for p in ledger.pending):
                ledger.pending.append(event)
            return
        ledger.recorded.add(family.pk)
    audit.record(**event)


def authorize(request: HttpRequest, action: Action | str, obj: Any, category: Any = None, *,
              defer: bool = True) -> Decision:
    """Decide, write the audit event (allowed or refused) and raise when refused.

    Refusals where the user has no relation to the family answer 404, so that the existence of a
    family is not revealed; other refusals answer 403. ``defer=False`` writes an allowed view's event at once
    (the access log, which lists its own opening) instead of when the response is complete.
    """
    action = Action(action)
    decision = decide(request.user, action, obj, category)
    audit_decision(request, action, obj, category, decision, defer=defer)
    if not decision.allowed:
        if decision.basis in NO_RELATION_BASES:
            raise Http404
        raise PermissionDenied(decision.reason)
    return decision


def record_list_view(request: HttpRequest, object_type: str, municipality_id: int | None = None) -> None:
    """One audit event for a list of families (names only); opening a family is audited per family."""
    audit.record(actor=request.user, action=AuditAction.VIEW, object_type=object_type,
                 municipality_id=municipality_id, reason="list of families the policy allows", request=request)
