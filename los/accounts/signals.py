"""Log-in events in the audit log: log-in, log-out, failed log-in, lock-out and the second factor.

Passwords are never logged. For a failed log-in the typed user name is not stored either (people type
their password in the wrong field); the event names the account only when the user name exists.
Events go to the chain of the staff member's municipality, or the ``global`` chain.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from los.access import audit
from los.access.models import AuditAction


def _home(user) -> tuple[int | None, str]:
    roles = user.active_roles() if user is not None and user.is_authenticated else []
    if roles:
        return roles[0].municipality_id, roles[0].role
    return None, ""


def _account(username: Any):
    if not isinstance(username, str) or not username:
        return None
    return get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()


def record_login_event(*, user, action: str, allowed: bool, reason: str, request: HttpRequest | None,
                       target=None) -> None:
    """One log-in event. ``user`` is who acted (None when unknown); ``target`` the account tried."""
    account = user or target
    municipality_id, role = _home(account)
    audit.record(actor=user, action=action, object_type="User", object_id=getattr(account, "pk", ""),
                 municipality_id=municipality_id, allowed=allowed, reason=reason, role=role if user else "",
                 request=request)


@receiver(user_logged_in, dispatch_uid="los_audit_logged_in")
def _logged_in(sender, request, user, **kwargs) -> None:
    method = getattr(request, "los_login_method", "")
    if method == "family":
        reason = f"logged in through ID-porten ({getattr(request, 'los_login_acr', '') or 'no level given'})"
    elif method == "staff":
        reason = "logged in through the municipality's identity provider"
    else:
        reason = "logged in"
    record_login_event(user=user, action=AuditAction.LOGIN, allowed=True, reason=reason, request=request)


@receiver(user_logged_out, dispatch_uid="los_audit_logged_out")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_login_event(user=user, action=AuditAction.LOGOUT, allowed=True, reason="logged out",
                           request=request)


@receiver(user_login_failed, dispatch_uid="los_audit_login_failed")
def _login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    account = _account(credentials.get("username"))
    reason = "failed log-in" if account is not None else "failed log-in for an unknown user name"
    record_login_event(user=None, target=account, action=AuditAction.LOGIN, allowed=False, reason=reason,
                       request=request)


@receiver(user_locked_out, dispatch_uid="los_audit_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    record_login_event(user=None, target=_account(username), action=AuditAction.LOGIN, allowed=False,
                       reason="log-in locked after repeated failed attempts", request=request)
