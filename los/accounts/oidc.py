"""Log-in through OpenID Connect, with mozilla-django-oidc: families through ID-porten, staff through the
municipality's identity provider. Two provider configurations, ``settings.LOS_OIDC_PROVIDERS["family"]`` and
``["staff"]`` (read from ``IDPORTEN_*`` and ``STAFF_OIDC_*`` in the environment); either may be absent.

The flow is the authorization code flow with PKCE (S256), ``state`` and ``nonce``. The ID token is checked for
its signature (the provider's JWKS, RS256), issuer, audience, expiry and nonce before any claim is read.

Families: the person is the ``pid`` claim (the national identity number, fødselsnummer) and nothing else —
never a name. The ``acr`` claim must be the configured level of assurance or a higher one
(``idporten-loa-substantial`` by default, ``idporten-loa-high`` above it). The person is matched to a guardian
(``FamilyMember.fodselsnummer`` with a guardian relation) or a young person (``Child.fodselsnummer``); a first
log-in creates the account and links every membership with that number to it. A person Los does not know gets
an account only when a request from the open form is waiting in their name (so that they can confirm it);
anyone else is shown a page that says so and leads to the open request form.

Staff: the configured claim (``preferred_username`` by default) is matched to an existing :class:`User` with that
user name and an active staff role. Nobody gets a staff account by logging in, and what they may do comes only
from Los's own :class:`~los.accounts.models.StaffRole` rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify
from stdnum.no import fodselsnummer as fnr_lib

from los.accounts.models import User
from los.families.models import GUARDIAN_RELATIONS, Child, FamilyMember

logger = logging.getLogger(__name__)

FAMILY = "family"
STAFF = "staff"
PROVIDERS = (FAMILY, STAFF)
#: Session keys: how the person logged in (``family``/``staff``/absent for a password), and the level of assurance.
LOGIN_METHOD_KEY = "los_login_method"
ACR_KEY = "los_login_acr"
SECOND_FACTOR_KEY = "los_login_second_factor"
#: Young people log in from this age (pbrl § 3-1: own health rights from 16; docs/architecture.md rule 2).
YOUNG_PERSON_LOGIN_AGE = 16


class LoginRefusedError(Exception):
    """The provider vouched for someone Los will not let in; ``reason`` names the page's message."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def provider_config(key: str) -> dict | None:
    return (getattr(settings, "LOS_OIDC_PROVIDERS", None) or {}).get(key)


def is_configured(key: str) -> bool:
    return provider_config(key) is not None


def accepted_levels(minimum: str) -> list[str]:
    """The levels of assurance at or above ``minimum`` (``settings.LOS_ACR_ORDER``, lowest first)."""
    order = list(settings.LOS_ACR_ORDER)
    if minimum not in order:
        return [minimum]
    return order[order.index(minimum):]


def is_guardian_relation(member: FamilyMember) -> bool:
    return member.relation in GUARDIAN_RELATIONS


@dataclass(frozen=True)
class Match:
    user: User | None
    members: list[FamilyMember]
    child: Child | None


class ProviderSettingsMixin:
    """mozilla-django-oidc reads its settings through ``get_settings``: the provider's own configuration first,
    then the project's settings."""

    provider_key = FAMILY

    def get_settings(self, attr, *args):
        config = provider_config(self.provider_key)
        if config is None:
            raise ImproperlyConfigured(f"The {self.provider_key} OpenID Connect provider is not configured.")
        if attr in config:
            return config[attr]
        if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
            return "accounts:idporten_callback" if self.provider_key == FAMILY else "accounts:staff_callback"
        if attr == "OIDC_AUTH_REQUEST_EXTRA_PARAMS":
            return {"acr_values": config["LOS_ACR_VALUES"]} if config.get("LOS_ACR_VALUES") else {}
        if hasattr(settings, attr):
            return getattr(settings, attr)
        if args:
            return args[0]
        raise ImproperlyConfigured(f"Setting {attr} not found")


class LosOIDCBackend(ProviderSettingsMixin, OIDCAuthenticationBackend):
    """The shared part of both providers. Its ``authenticate`` acts only when the callback view names its
    provider, so that a password log-in never reaches it; it raises :class:`LoginRefusedError` with the reason."""

    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads its settings here; Los reads them when a log-in comes (the provider may be
        # absent, and Django makes a backend for every request that has a session)
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def _load(self) -> None:
        self.OIDC_OP_TOKEN_ENDPOINT = self.get_settings("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = self.get_settings("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = self.get_settings("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = self.get_settings("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = self.get_settings("OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_ISSUER = self.get_settings("OIDC_OP_ISSUER")

    def authenticate(self, request, los_provider: str | None = None, nonce: str | None = None,
                     code_verifier: str | None = None, **kwargs):
        if los_provider != self.provider_key or request is None:
            return None
        self._load()
        self.request = request
        code = request.GET.get("code")
        if not code:
            return None
        token_payload = {
            "client_id": self.OIDC_RP_CLIENT_ID, "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": absolutify(request, reverse(self.get_settings("OIDC_AUTHENTICATION_CALLBACK_URL"))),
            "code_verifier": code_verifier,
        }
        try:
            token_info = self.get_token(token_payload)
        except requests.RequestException as error:
            raise LoginRefusedError("provider_error", f"token request failed: {error}") from error
        id_token = token_info.get("id_token")
        if not id_token:
            raise LoginRefusedError("provider_error", "no id_token in the token response")
        try:
            claims = self.verify_token(id_token, nonce=nonce)
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException) as error:
            raise LoginRefusedError("provider_error", f"the ID token was not accepted: {error}") from error
        claims = self.with_userinfo(claims, token_info.get("access_token"))
        self.store_tokens(token_info.get("access_token"), id_token)
        return self.user_for(claims)

    def verify_token(self, token, **kwargs):
        """The ID token as OpenID Connect Core 3.1.3.7 asks: signed by a key in the provider's JWKS (found by
        mozilla-django-oidc) with the configured algorithm, from the configured issuer, for this client, not
        expired, and carrying the nonce of this log-in."""
        key = self.retrieve_matching_jwk(token)
        if jwt.get_unverified_header(token).get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is signed with another algorithm than the configured one.")
        payload = jwt.decode(token, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                             issuer=self.OIDC_OP_ISSUER, leeway=30,
                             options={"require": ["iss", "aud", "exp", "iat", "sub"]})
        if not kwargs.get("nonce") or payload.get("nonce") != kwargs["nonce"]:
            raise SuspiciousOperation("The ID token's nonce is not the one of this log-in.")
        return payload

    def with_userinfo(self, claims: dict, access_token: str | None) -> dict:
        """The identity claim from the ID token; when the provider gives it only at the userinfo endpoint, from
        there, for the same ``sub``."""
        claim = self.get_settings("LOS_IDENTITY_CLAIM")
        if claims.get(claim) or not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return claims
        try:
            info = self.get_userinfo(access_token, None, claims)
        except (requests.RequestException, SuspiciousOperation) as error:
            raise LoginRefusedError("provider_error", f"userinfo failed: {error}") from error
        if info.get("sub") != claims.get("sub"):
            raise LoginRefusedError("provider_error", "userinfo is about another subject")
        return {**info, **claims}

    def assurance(self, claims: dict) -> str:
        """The level of assurance the provider vouches for (``acr``); refused below the configured minimum."""
        minimum = self.get_settings("LOS_ACR_VALUES") or ""
        acr = str(claims.get("acr") or "")
        if minimum and acr not in accepted_levels(minimum):
            raise LoginRefusedError("level", f"acr {acr or '(none)'} is below {minimum}")
        return acr

    def identity(self, claims: dict) -> str:
        return str(claims.get(self.get_settings("LOS_IDENTITY_CLAIM")) or "").strip()

    def user_for(self, claims: dict) -> User:  # pragma: no cover - each provider has its own
        raise NotImplementedError

    def get_user(self, user_id):
        try:
            return self.UserModel.objects.get(pk=user_id)
        except self.UserModel.DoesNotExist:
            return None


class FamilyOIDCBackend(LosOIDCBackend):
    """ID-porten: the person by ``pid``, the level of assurance by ``acr``."""

    provider_key = FAMILY

    def user_for(self, claims: dict) -> User:
        acr = self.assurance(claims)
        pid = self.identity(claims)
        if not fnr_lib.is_valid(pid):
            raise LoginRefusedError("no_identity", "no valid national identity number in the claims")
        self.request.los_login_acr = acr
        return link_person(pid)


class StaffOIDCBackend(LosOIDCBackend):
    """The municipality's identity provider: an existing staff user by the configured claim."""

    provider_key = STAFF

    def user_for(self, claims: dict) -> User:
        acr = self.assurance(claims)
        identifier = self.identity(claims)
        users = list(User.objects.filter(username__iexact=identifier, is_active=True)) if identifier else []
        user = users[0] if len(users) == 1 else None
        if user is None or not (user.is_staff_member or user.is_staff or user.is_superuser):
            raise LoginRefusedError("unknown_staff", "no active staff account for the identifier")
        amr = claims.get("amr") or []
        marker = self.get_settings("LOS_SECOND_FACTOR_AMR") or ""
        self.request.los_login_second_factor = bool(marker) and marker in (amr if isinstance(amr, list) else [amr])
        self.request.los_login_acr = acr
        return user


def match_person(pid: str) -> Match:
    """Who in Los has this fødselsnummer: guardians' memberships and a young person; never by name."""
    members = [m for m in FamilyMember.objects.filter(fodselsnummer=pid).select_related("user")
               if is_guardian_relation(m)]
    child = Child.objects.filter(fodselsnummer=pid).select_related("user").order_by("pk").first()
    users = {m.user for m in members if m.user is not None}
    if child is not None and child.user is not None:
        users.add(child.user)
    existing = User.objects.filter(username=pid).first()
    if existing is not None:
        users.add(existing)
    if len(users) > 1:
        raise LoginRefusedError("ambiguous", "the number is linked to more than one account")
    return Match(user=next(iter(users), None), members=members, child=child)


@transaction.atomic
def link_person(pid: str) -> User:
    """The account for an ID-porten log-in: the one already linked to this fødselsnummer, or a new one linked to
    every guardian membership (and the young person) with it. A person with neither gets an account only when a
    request from the open form waits in their name."""
    from los.referrals.models import PublicRequest, PublicRequestStatus

    match = match_person(pid)
    child = match.child
    if child is not None and not match.members and (child.age or 0) < YOUNG_PERSON_LOGIN_AGE:
        raise LoginRefusedError("too_young", "a child under 16")
    user = match.user
    if user is not None and not user.is_active:
        raise LoginRefusedError("inactive", "the account is not active")
    waiting = PublicRequest.objects.filter(status=PublicRequestStatus.UNCONFIRMED, sender_fodselsnummer=pid)
    if user is None and not match.members and child is None and not waiting.exists():
        raise LoginRefusedError("unknown", "nobody in Los has this number")
    if user is None:
        source = match.members[0] if match.members else child
        if source is not None:
            given, family = source.given_name, source.family_name
        else:
            given, _, family = (waiting.order_by("-submitted_at").first().sender_name or "").rpartition(" ")
        user = User.objects.create_user(username=pid, first_name=given[:150], last_name=family[:150])
        user.set_unusable_password()
        user.save(update_fields=["password"])
    FamilyMember.objects.filter(pk__in=[m.pk for m in match.members if m.user_id is None]).update(user=user)
    if child is not None and child.user_id is None and (child.age or 0) >= YOUNG_PERSON_LOGIN_AGE:
        Child.objects.filter(pk=child.pk).update(user=user)
    return user


def backend_path(key: str) -> str:
    return f"{__name__}.{'FamilyOIDCBackend' if key == FAMILY else 'StaffOIDCBackend'}"


def backend_for(key: str) -> LosOIDCBackend:
    return FamilyOIDCBackend() if key == FAMILY else StaffOIDCBackend()


def login_method(request: HttpRequest) -> str:
    return request.session.get(LOGIN_METHOD_KEY, "") if hasattr(request, "session") else ""
