"""Making, revoking and checking API tokens."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access import audit
from los.access.models import AuditAction
from los.accounts.models import User
from los.api.models import TOKEN_PREFIX, ApiToken, Scope
from los.core.models import Municipality


@transaction.atomic
def create_token(*, name: str, user: User, municipality: Municipality, scopes: Iterable[str],
                 expires_at: datetime | None = None, created_by: User | None = None,
                 via: str = "") -> tuple[ApiToken, str]:
    """Make a token acting as ``user`` in ``municipality``. Returns the token and its text (shown once). The
    audit log of the municipality records who made it, for whom, with which scopes (``via``: where, e.g. the
    command line)."""
    scopes = sorted(set(scopes))
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValidationError(_("Unknown scope: %(scopes)s") % {"scopes": ", ".join(sorted(unknown))})
    if not scopes:
        raise ValidationError(_("Give the token at least one scope."))
    if not user.is_active:
        raise ValidationError(_("The user is not active."))
    if not any(role.municipality_id == municipality.pk for role in user.active_roles()):
        raise ValidationError(_("The user has no active staff role in %(municipality)s.")
                              % {"municipality": municipality.name})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry must be in the future."))
    key_id, text = ApiToken.new_secret()
    token = ApiToken.objects.create(name=name, user=user, municipality=municipality, scopes=scopes, key_id=key_id,
                                    digest=ApiToken.digest_of(text), expires_at=expires_at, created_by=created_by)
    until = f", expires {expires_at.isoformat()}" if expires_at else ""
    audit.record(actor=created_by, action=AuditAction.CHANGE, object_type="ApiToken", object_id=token.pk,
                 municipality_id=municipality.pk,
                 reason=f"API token '{name}' ({key_id}) created for {user.username}, scopes {', '.join(scopes)}"
                        f"{until}" + (f" [{via}]" if via else ""))
    return token, text


@transaction.atomic
def revoke_token(token: ApiToken, by: User | None = None, via: str = "") -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=by, action=AuditAction.CHANGE, object_type="ApiToken", object_id=token.pk,
                     municipality_id=token.municipality_id,
                     reason=f"API token '{token.name}' ({token.key_id}) revoked" + (f" [{via}]" if via else ""))
    return token


class TokenRefusedError(Exception):
    """The token text names no token, or a revoked or expired one; the message is for the caller."""


def check_token(text: str) -> ApiToken:
    """The usable token for ``text``; raises :class:`TokenRefusedError` otherwise. Updates ``last_used_at``."""
    text = text.strip()
    parts = text[len(TOKEN_PREFIX):].split("_", 1) if text.startswith(TOKEN_PREFIX) else []
    token = (ApiToken.objects.select_related("user", "municipality").filter(key_id=parts[0]).first()
             if len(parts) == 2 else None)
    if token is None or not hmac.compare_digest(token.digest, ApiToken.digest_of(text)):
        raise TokenRefusedError(_("The API token is not valid."))
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefusedError(_("The API token has been revoked."))
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefusedError(_("The API token has expired."))
    if not token.user.is_active:
        raise TokenRefusedError(_("The user the API token acts as is not active."))
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
