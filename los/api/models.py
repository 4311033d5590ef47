"""API tokens for system integrations.

A token always acts *as a named user* (``user``): a person with a staff role, or a dedicated system user
created for the integration and given a staff role like any person. The one access policy
(:mod:`los.access.policy`) decides what that user may see, exactly as in the browser. The token can only
narrow that down further: to one municipality (``municipality``; other municipalities' families answer
404) and to the scopes it was given (``families:read`` …; a missing scope answers 403). So a token never
reaches more than its user could reach in the browser.

The secret is shown once when the token is made; only a SHA-256 digest is stored (the secret has 256
bits of randomness, so a slow hash adds nothing).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import Municipality, user_field

TOKEN_PREFIX = "los_"  # noqa: S105 - a prefix, not a secret


class Scope(models.TextChoices):
    FAMILIES_READ = "families:read", _("Read families and children")
    PLANS_READ = "plans:read", _("Read individual plans, goals and measures")
    MEETINGS_READ = "meetings:read", _("Read meetings and actions")
    SERVICES_READ = "services:read", _("Read services and applications")
    CONSENTS_READ = "consents:read", _("Read the consent register")
    NAVIGATOR_EVALUATE = "navigator:evaluate", _("Evaluate a profile with the navigator")
    STATS_READ = "stats:read", _("Read aggregated statistics")
    FHIR_READ = "fhir:read", _("Export a family's coordination data as FHIR")
    ARCHIVE_EXPORT = "archive:export", _("Export a closed case for the archive")
    ARCHIVE_JOURNAL = "archive:journal", _("Fetch registry entries for the archive system and report their transfer")


class ApiToken(models.Model):
    """A token for a system integration; acts as ``user`` within ``municipality`` and ``scopes``."""

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens",
                             verbose_name=_("acts as user"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="api_tokens",
                                     verbose_name=_("municipality"))
    scopes = models.JSONField(_("scopes"), default=list)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = user_field(_("created by"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def new_secret() -> tuple[str, str]:
        """(key id, the whole token text); the text is ``los_<key id>_<secret>``."""
        key_id = secrets.token_hex(6)
        return key_id, f"{TOKEN_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"

    def is_usable(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or at < self.expires_at)

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])
