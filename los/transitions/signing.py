"""Signatures on family packages: which installation made a package, and that nobody changed it since.

A family package (``docs/family-transfer.md``) is signed with Ed25519 (the ``cryptography`` package) by the
installation that exports it, and verified by the receiving installation before anything in it is read:

- ``LOS_TRANSFER_SIGNING_KEY`` (settings, from the environment; never in the database) is this installation's
  private key: 32 random bytes in urlsafe base64, made with ``manage.py transfer_keys --generate``. Without it,
  development and test sign with :data:`DEVELOPMENT_SIGNING_KEY`, which is published in this file and therefore
  **not for production**: with ``LOS_ENVIRONMENT=production`` a missing key, or that one, is refused.
- ``LOS_INSTALLATION_NAME`` names this installation in the packages it signs (default: ``los-`` and the key id).
- ``LOS_TRANSFER_TRUSTED_SENDERS`` lists the other installations whose packages are accepted, each as
  ``name=public key`` (``manage.py transfer_keys`` prints this installation's entry for the other side).
  This installation's own key is always trusted: a move between two municipalities on the same installation.

The signature covers the exact bytes of the package (``payload``) after a fixed prefix naming the format, so a
signature made for anything else can never pass as one on a package.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "Ed25519"
#: Signed before the package bytes, so that a signature over something else never verifies as a package's.
CONTEXT = b"los-family-transfer/2\n"
#: NOT FOR PRODUCTION. The signing key development and test use when LOS_TRANSFER_SIGNING_KEY is not set; it is
#: published here, so anyone can sign with it. Refused when LOS_ENVIRONMENT=production.
DEVELOPMENT_SIGNING_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"los development transfer signing key - NOT FOR PRODUCTION").digest()).decode("ascii")


class SigningKeyError(ImproperlyConfigured):
    """This installation has no usable signing key (the message is for the administrator)."""


class UntrustedError(Exception):
    """The signature does not verify, or the sender is not trusted (the message is written by the caller)."""


def _decode(value: str, what: str) -> bytes:
    value = value.strip()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SigningKeyError(f"{what} is not valid urlsafe base64.") from exc
    if len(raw) != 32:
        raise SigningKeyError(f"{what} must be 32 bytes in urlsafe base64; it is {len(raw)} bytes.")
    return raw


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def generate_private_key() -> str:
    """A new private key for LOS_TRANSFER_SIGNING_KEY (urlsafe base64)."""
    seed = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return _encode(seed)


def public_key_of(private_key: str) -> str:
    """The public key (urlsafe base64) that belongs to ``private_key``."""
    key = Ed25519PrivateKey.from_private_bytes(_decode(private_key, "The private key"))
    return _encode(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def key_id(public_key: str) -> str:
    """A short, stable id of a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(_decode(public_key, "The public key")).hexdigest()[:16]


def uses_development_key() -> bool:
    configured = (getattr(settings, "LOS_TRANSFER_SIGNING_KEY", "") or "").strip()
    return not configured or configured == DEVELOPMENT_SIGNING_KEY


def _private_key_text() -> str:
    configured = (getattr(settings, "LOS_TRANSFER_SIGNING_KEY", "") or "").strip()
    if getattr(settings, "PRODUCTION", False) and (not configured or configured == DEVELOPMENT_SIGNING_KEY):
        raise SigningKeyError(
            "LOS_TRANSFER_SIGNING_KEY is not set (or is the published development key). Family packages are "
            "signed; set LOS_TRANSFER_SIGNING_KEY in the environment to a key made with "
            "`python manage.py transfer_keys --generate`.")
    return configured or DEVELOPMENT_SIGNING_KEY


@dataclass(frozen=True)
class Installation:
    """An installation that signs packages: its name and public key."""

    name: str
    public_key: str

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)


def this_installation() -> Installation:
    """This installation's name and public key (raises :class:`SigningKeyError` without a usable key)."""
    public = public_key_of(_private_key_text())
    name = (getattr(settings, "LOS_INSTALLATION_NAME", "") or "").strip() or f"los-{key_id(public)}"
    return Installation(name[:100], public)


def trusted_senders() -> dict[str, Installation]:
    """The installations whose packages are accepted, by key id: this one and LOS_TRANSFER_TRUSTED_SENDERS."""
    own = this_installation()
    found = {own.key_id: own}
    for entry in getattr(settings, "LOS_TRANSFER_TRUSTED_SENDERS", []) or []:
        name, sep, public = entry.partition("=")
        if not sep or not name.strip():
            raise SigningKeyError(f"LOS_TRANSFER_TRUSTED_SENDERS: '{entry}' is not 'name=public key'.")
        installation = Installation(name.strip()[:100], public.strip())
        found[installation.key_id] = installation
    return found


def sign(payload: bytes) -> dict[str, str]:
    """The signature block for ``payload`` (the package's exact bytes), made with this installation's key."""
    private = Ed25519PrivateKey.from_private_bytes(_decode(_private_key_text(), "LOS_TRANSFER_SIGNING_KEY"))
    own = this_installation()
    return {"algorithm": ALGORITHM, "installation": own.name, "key_id": own.key_id,
            "value": _encode(private.sign(CONTEXT + payload))}


def verify(payload: bytes, signature: object) -> Installation:
    """The trusted installation that signed ``payload``; :class:`UntrustedError` when it cannot be shown.

    The error's ``args[0]`` says why: ``unsigned``, ``untrusted`` (no trusted key with that id, or the name does
    not match the trusted entry) or ``invalid`` (the bytes or the signature were changed)."""
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        raise UntrustedError("unsigned")
    value, kid, name = signature.get("value"), signature.get("key_id"), signature.get("installation")
    if not all(isinstance(x, str) and x for x in (value, kid, name)):
        raise UntrustedError("unsigned")
    sender = trusted_senders().get(kid)
    if sender is None or sender.name != name:
        raise UntrustedError("untrusted")
    try:
        raw_signature = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        public = Ed25519PublicKey.from_public_bytes(_decode(sender.public_key, "A trusted public key"))
        public.verify(raw_signature, CONTEXT + payload)
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise UntrustedError("invalid") from exc
    return sender


def check_signing_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: production needs its own signing key, and the trusted senders must be readable."""
    problems: list[checks.CheckMessage] = []
    if getattr(settings, "PRODUCTION", False) and uses_development_key():
        problems.append(checks.Warning(
            "LOS_TRANSFER_SIGNING_KEY is not set (or is the published development key): family packages cannot be "
            "exported or imported.", hint="Set it to a key made with `python manage.py transfer_keys --generate`.",
            id="los.transitions.W001"))
        return problems
    try:
        trusted_senders()
    except (SigningKeyError, ValueError) as error:
        problems.append(checks.Error(str(error), id="los.transitions.E001"))
    return problems
