"""Granting staff roles with four eyes, and changing accounts, with every change in the audit log.

A role is granted by two people. One person *requests* it (in the admin, a system administrator; on the
command line, ``manage.py staff_role``): the role is saved *pending* and grants nothing (``active`` stays false,
and everything the access policy reads asks for ``active``). A *different* person who may approve it then
*approves* it, and only then is it in force; or *refuses* it. Who may approve (:func:`may_approve`):

- a system administrator (an approved system administrator role) approves any role;
- the leader of the coordinating unit (an approved unit leader role) approves barnekoordinator, caseworker and
  service contact roles in the leader's own municipality;
- never the person the role is for, and never the person who requested it (or last changed what it opens).

Nobody requests, changes, approves or deactivates a role of their own. Changing what a role opens (the role,
municipality, coordinating unit or service provider) makes it pending again; other details (title, share of
position) change at once. Deactivating takes effect at once; re-activating is a new request. The first system
administrator of an installation, when there is none, is made on the server's command line
(:func:`bootstrap_system_admin`). Every request, approval, refusal, refused attempt, change and deactivation is
written to the audit chain of the role's municipality.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from los.access import audit
from los.access.models import AuditAction
from los.accounts.models import Role, RoleStatus, StaffRole, User

#: What a role opens: changing any of these makes the role wait for approval again.
ACCESS_FIELDS = ("user_id", "role", "municipality_id", "coordinating_unit_id", "service_provider_id")
#: Roles the leader of the coordinating unit may approve in the leader's own municipality.
UNIT_LEADER_APPROVES = frozenset({Role.BARNEKOORDINATOR, Role.CASEWORKER, Role.SERVICE_CONTACT})


class ChangeRefusedError(ValidationError):
    """The change is not allowed (the message says why, in the user's language)."""


def describe(role: StaffRole) -> str:
    """The role in plain words for the audit log (English, like the policy's reasons)."""
    where = role.municipality.name if role.municipality_id else "?"
    text = f"{role.role} for {role.user.username if role.user_id else '?'} in {where}"
    if role.service_provider_id:
        text += f" ({role.service_provider.name})"
    return text


def _record(role: StaffRole, by: User | None, what: str, *, allowed: bool = True, request: HttpRequest | None = None,
            via: str = "") -> None:
    audit.record(actor=by, action=AuditAction.CHANGE if allowed else AuditAction.DENIED, object_type="StaffRole",
                 object_id=role.pk or "", municipality_id=role.municipality_id, allowed=allowed,
                 reason=f"{what}: {describe(role)}" + (f" [{via}]" if via else ""), request=request)


class _DeniedError(Exception):  # internal: becomes ChangeRefusedError once the attempt is recorded
    def __init__(self, role: StaffRole, what: str, message: str) -> None:
        super().__init__(message)
        self.role, self.what, self.message = role, what, message


def _guarded(action: Callable[..., StaffRole]) -> Callable[..., StaffRole]:
    """Run a role change in a transaction; a refused attempt is rolled back, then recorded in the audit log
    (outside the rolled-back transaction) and raised as :class:`ChangeRefusedError`."""

    @functools.wraps(action)
    def run(role: StaffRole, *, by: User | None, request: HttpRequest | None = None, via: str = "") -> StaffRole:
        try:
            with transaction.atomic():
                return action(role, by=by, request=request, via=via)
        except _DeniedError as denied:
            if denied.role.municipality_id:
                _record(denied.role, by, f"refused: {denied.what}", allowed=False, request=request, via=via)
            raise ChangeRefusedError(denied.message) from None

    return run


def _not_own(role: StaffRole, by: User | None, what: str) -> None:
    if by is not None and role.user_id == by.pk:
        raise _DeniedError(role, what, _("Nobody changes their own roles: another person must do it."))


def may_approve(approver: User | None, role: StaffRole) -> bool:
    """Whether ``approver`` may approve (or refuse) ``role`` (see the module docstring)."""
    if approver is None or not approver.is_authenticated or not approver.is_active:
        return False
    if approver.pk in (role.user_id, role.requested_by_id):
        return False
    held = approver.active_roles()
    if any(r.role == Role.SYSTEM_ADMIN for r in held):
        return True
    return role.role in UNIT_LEADER_APPROVES and any(
        r.role == Role.UNIT_LEADER and r.municipality_id == role.municipality_id for r in held)


def may_approve_any(user: User) -> bool:
    """Whether ``user`` approves roles at all (a system administrator or a leader of a coordinating unit)."""
    return user.is_authenticated and any(r.role in (Role.SYSTEM_ADMIN, Role.UNIT_LEADER) for r in user.active_roles())


def pending_for(approver: User) -> list[StaffRole]:
    """The roles waiting for approval that ``approver`` may approve, oldest request first."""
    pending = (StaffRole.objects.filter(status=RoleStatus.PENDING).exclude(user=approver)
               .select_related("user", "municipality", "service_provider", "coordinating_unit", "requested_by")
               .order_by("requested_at", "pk"))
    return [role for role in pending if may_approve(approver, role)]


@_guarded
def request_role(role: StaffRole, *, by: User | None, request: HttpRequest | None = None, via: str = "") -> StaffRole:
    """Save a new role (an unsaved ``StaffRole``) as pending: it grants nothing until another person approves it."""
    if by is not None and role.user_id == by.pk:
        raise _DeniedError(role, "request of a role for oneself",
                      _("Nobody asks for a role for themselves: another person must request it."))
    role.active, role.status = False, RoleStatus.PENDING
    role.requested_by, role.requested_at = by, timezone.now()
    role.decided_by, role.decided_at = None, None
    role.full_clean()
    role.save()
    _record(role, by, "role requested (waiting for approval)", request=request, via=via)
    return role


@_guarded
def change_role(role: StaffRole, *, by: User | None, request: HttpRequest | None = None, via: str = "") -> StaffRole:
    """Save changes made to a role (``role`` carries the new values). A change of what the role opens makes it
    pending again (requested by ``by``); other details change at once."""
    before = StaffRole.objects.select_for_update().get(pk=role.pk)
    _not_own(before, by, "change of a role of one's own")
    _not_own(role, by, "change of a role into one of one's own")
    changed = [f.attname for f in StaffRole._meta.concrete_fields
               if f.attname not in ("active", "status", "requested_by_id", "requested_at", "decided_by_id",
                                    "decided_at") and getattr(before, f.attname) != getattr(role, f.attname)]
    if not changed:
        return role
    # the fields the workflow owns are never taken from a form
    for name in ("active", "status", "requested_by_id", "requested_at", "decided_by_id", "decided_at"):
        setattr(role, name, getattr(before, name))
    opens = [name for name in changed if name in ACCESS_FIELDS]
    if opens:
        role.active, role.status = False, RoleStatus.PENDING
        role.requested_by, role.requested_at = by, timezone.now()
        role.decided_by, role.decided_at = None, None
    role.full_clean()
    role.save()
    names = ", ".join(name.removesuffix("_id") for name in changed)
    if opens:
        _record(role, by, f"role changed ({names}); waiting for approval again", request=request, via=via)
    else:
        _record(role, by, f"role details changed ({names})", request=request, via=via)
    return role


@_guarded
def approve_role(role: StaffRole, *, by: User | None, request: HttpRequest | None = None, via: str = "") -> StaffRole:
    """Approve a pending role: from now on it is in force."""
    return _decide(role, by, approve=True, request=request, via=via)


@_guarded
def refuse_role(role: StaffRole, *, by: User | None, request: HttpRequest | None = None, via: str = "") -> StaffRole:
    """Refuse a pending role: it stays inactive."""
    return _decide(role, by, approve=False, request=request, via=via)


def _decide(role: StaffRole, by: User | None, *, approve: bool, request: HttpRequest | None, via: str) -> StaffRole:
    role = _locked(role)
    _check_decision(role, by, "approval" if approve else "refusal")
    role.active, role.status = approve, RoleStatus.APPROVED if approve else RoleStatus.REFUSED
    role.decided_by, role.decided_at = by, timezone.now()
    role.save(update_fields=["active", "status", "decided_by", "decided_at"])
    _record(role, by, "role approved (now in force)" if approve else "role refused", request=request, via=via)
    return role


def _locked(role: StaffRole) -> StaffRole:
    """The role as it is saved now, locked until the change is done (with what the audit event names)."""
    return StaffRole.objects.select_for_update(of=("self",)).select_related(
        "user", "municipality", "service_provider").get(pk=role.pk)


def _check_decision(role: StaffRole, by: User | None, what: str) -> None:
    if role.status != RoleStatus.PENDING:
        raise ChangeRefusedError(_("Only a role that is waiting for approval can be approved or refused."))
    if by is not None and by.pk == role.user_id:
        raise _DeniedError(role, f"{what} of a role of one's own", _("Nobody approves a role of their own."))
    if by is not None and by.pk == role.requested_by_id:
        raise _DeniedError(role, f"{what} by the person who requested it",
                      _("You requested this role, so another person must approve it."))
    if not may_approve(by, role):
        raise _DeniedError(role, f"{what} by someone who may not approve it",
                      _("You may not approve this role: a system administrator approves every role, the leader of "
                        "the coordinating unit the roles of coordinators, caseworkers and service contacts in the "
                        "unit's municipality."))


@_guarded
def deactivate_role(role: StaffRole, *, by: User | None, request: HttpRequest | None = None,
                    via: str = "") -> StaffRole:
    """End a role at once (an active one, or withdraw a pending request)."""
    role = _locked(role)
    _not_own(role, by, "deactivation of a role of one's own")
    if not role.active and role.status != RoleStatus.PENDING:
        return role
    what = "role deactivated" if role.active else "request for the role withdrawn"
    if role.status == RoleStatus.PENDING:
        role.status = RoleStatus.REFUSED
        role.decided_by, role.decided_at = (by if by is not None and by.pk != role.requested_by_id else None,
                                            timezone.now())
    role.active = False
    role.save(update_fields=["active", "status", "decided_by", "decided_at"])
    _record(role, by, what, request=request, via=via)
    return role


@_guarded
def reactivate_role(role: StaffRole, *, by: User | None, request: HttpRequest | None = None,
                    via: str = "") -> StaffRole:
    """Ask for an inactive role (deactivated or refused) to be in force again: a new request, pending approval."""
    role = _locked(role)
    _not_own(role, by, "re-activation of a role of one's own")
    if role.active or role.status == RoleStatus.PENDING:
        return role
    role.status = RoleStatus.PENDING
    role.requested_by, role.requested_at = by, timezone.now()
    role.decided_by, role.decided_at = None, None
    role.save(update_fields=["status", "requested_by", "requested_at", "decided_by", "decided_at"])
    _record(role, by, "re-activation requested (waiting for approval)", request=request, via=via)
    return role


@transaction.atomic
def bootstrap_system_admin(role: StaffRole, *, via: str) -> StaffRole:
    """The installation's first system administrator, made on the server's command line when there is no
    approved system administrator at all (nobody could approve one otherwise). Recorded in the audit log."""
    if StaffRole.objects.filter(role=Role.SYSTEM_ADMIN, active=True).exists():
        raise ChangeRefusedError(_("There is already a system administrator: a new role is requested and approved "
                                  "by two people."))
    role.role = Role.SYSTEM_ADMIN
    role.active, role.status = True, RoleStatus.APPROVED
    role.requested_by, role.decided_by = None, None
    role.requested_at = role.decided_at = timezone.now()
    role.full_clean()
    role.save()
    _record(role, None, "first system administrator of the installation (no one to approve it yet)", via=via)
    return role


def demo_role_events(roles: Iterable[StaffRole], approver: User | None, at: datetime) -> dict[str, list[dict]]:
    """The audit events of roles the demo data makes already approved, per chain, for ``audit.append_many``
    (no query per role: the demo makes tens of thousands)."""
    chains: dict[str, list[dict]] = {}
    name = (approver.get_full_name() or approver.username) if approver else ""
    for role in roles:
        by_approver = approver is not None and role.decided_by_id == approver.pk
        what = "role approved (demo data)" if by_approver else "first system administrator (demo data)"
        chains.setdefault(str(role.municipality_id), []).append({
            "at": at, "actor_id": approver.pk if by_approver else None, "actor_name": name if by_approver else "",
            "actor_role": Role.SYSTEM_ADMIN if by_approver else "", "actor_service": "",
            "municipality_id": role.municipality_id, "family_id": None, "action": AuditAction.CHANGE,
            "object_type": "StaffRole", "object_id": str(role.pk), "category": "", "allowed": True,
            "reason": f"{what}: {role.role} for {role.user.username}", "session_ref": "", "ip_address": None,
            "path": ""})
    return chains


# --- accounts: passwords are set by their owner -----------------------------------------------------------


def set_password_link(user: User, request: HttpRequest) -> str:
    """A one-time link with which ``user`` sets their own password (Django's password-reset token: it stops
    working once the password is set or the person logs in, and after ``PASSWORD_RESET_TIMEOUT``)."""
    path = reverse("accounts:password_set", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                                     "token": default_token_generator.make_token(user)})
    return request.build_absolute_uri(path)


def send_password_link(user: User, *, by: User | None, request: HttpRequest) -> bool:
    """E-mail ``user`` a link to set their own password. An administrator never sets another person's password.
    Returns False when the user has no e-mail address (nothing is sent)."""
    if by is not None and by.pk == user.pk:
        raise ChangeRefusedError(_("Change your own password on your own page."))
    if not user.email or not user.is_active:
        return False
    context = {"user": user, "link": set_password_link(user, request), "site": settings.LOS_SITE_NAME,
               "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    with translation.override(user.preferred_language or "nb"):
        subject = render_to_string("accounts/email/password_link_subject.txt", context).strip()
        body = render_to_string("accounts/email/password_link.txt", context)
    send_mail(subject, body, None, [user.email])
    record_account_change(user, by, "link to set a password sent by e-mail", request=request)
    return True


def record_account_change(user: User, by: User | None, what: str, *, request: HttpRequest | None = None) -> None:
    """An audit event about an account (in the chain of the account's first role's municipality, or ``global``)."""
    roles = list(user.staff_roles.order_by("pk").values_list("municipality_id", flat=True)[:1])
    audit.record(actor=by, action=AuditAction.CHANGE, object_type="User", object_id=user.pk,
                 municipality_id=roles[0] if roles else None, reason=f"{what}: {user.username}", request=request)
