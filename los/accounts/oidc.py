"""Log-in through an OpenID Connect provider (ID-porten for families, HelseID or the municipality's
identity provider for staff), using mozilla-django-oidc. Enabled only when ``OIDC_RP_CLIENT_ID`` and
the ``OIDC_OP_*`` endpoints are set in the environment; the local log-in stays the default.

The national identity number comes in the ``pid`` claim (ID-porten; configurable with
``OIDC_USERNAME_CLAIM``). A person is matched to an existing user with that user name, or — for a
guardian registered in a family with the same fødselsnummer — a user is created and linked to the
family membership. Nobody else gets an account by logging in: staff accounts are created by the
municipality.
"""

from __future__ import annotations

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from los.accounts.models import User
from los.families.models import FamilyMember


def claim_identity(claims: dict) -> str:
    return str(claims.get(getattr(settings, "OIDC_USERNAME_CLAIM", "pid"), "")).strip()


class LosOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        identity = claim_identity(claims)
        if not identity:
            return User.objects.none()
        return User.objects.filter(username=identity, is_active=True)

    def verify_claims(self, claims) -> bool:
        identity = claim_identity(claims)
        if not identity:
            return False
        return (User.objects.filter(username=identity).exists()
                or FamilyMember.objects.filter(fodselsnummer=identity, may_consent=True).exists())

    def create_user(self, claims):
        identity = claim_identity(claims)
        members = list(FamilyMember.objects.filter(fodselsnummer=identity, user__isnull=True))
        user = User.objects.create_user(
            username=identity, first_name=claims.get("given_name", members[0].given_name if members else ""),
            last_name=claims.get("family_name", members[0].family_name if members else ""),
        )
        FamilyMember.objects.filter(pk__in=[m.pk for m in members]).update(user=user)
        return user

    def update_user(self, user, claims):
        return user


def oidc_urlpatterns() -> list:
    """mozilla-django-oidc's URLs, with the views marked as public for the authorization matrix."""
    from mozilla_django_oidc import urls as oidc_urls

    for pattern in oidc_urls.urlpatterns:
        callback = pattern.callback
        target = getattr(callback, "view_class", callback)
        target.los_access = "public"
    return oidc_urls.urlpatterns
