"""The audit chain's key: HMAC-SHA256 over every audit event, and over every line of the anchor file.

The key is never in the database. It comes from the environment (``LOS_AUDIT_KEY``) as ``<key id>:<secret>``,
the secret 32 or more random bytes in urlsafe base64 (``manage.py audit_anchor --generate-key ID`` makes one).
Every event records the id of the key it was written with (``AuditEvent.key_id``), so the key can be rotated:
the new key goes to ``LOS_AUDIT_KEY`` and the old one to ``LOS_AUDIT_OLD_KEYS`` (comma-separated), where it is
used to verify older events and anchor lines but never to write. Events written before the chain was keyed
have no key id and are checked with plain SHA-256 (see :mod:`los.access.audit`).

Outside production the key defaults to a development key with the id ``dev``, which is no secret (it is in this
file); production refuses to start without ``LOS_AUDIT_KEY`` and refuses the ``dev`` key id
(``config/settings.py``, and the system check below).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core import checks

#: The key id of the development and test key. Refused in production.
DEVELOPMENT_KEY_ID = "dev"
#: Not a secret: for development and tests only (see the module docstring).
DEVELOPMENT_KEY = DEVELOPMENT_KEY_ID + ":" + base64.urlsafe_b64encode(
    hashlib.sha256(b"los development audit key - not a secret, never for production").digest()).decode()
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")
MIN_SECRET_BYTES = 32


class AuditKeyError(ValueError):
    """``LOS_AUDIT_KEY`` or ``LOS_AUDIT_OLD_KEYS`` is missing or malformed."""


@dataclass(frozen=True)
class AuditKey:
    """One key: its id and secret, with the HMAC-SHA256 inner and outer states computed once.

    :meth:`hexdigest` is HMAC-SHA256 (RFC 2104) from the precomputed states: a bulk append of two million events
    pays one copy of each state per event instead of setting the key up again every time.
    """

    key_id: str
    secret: bytes = field(repr=False)
    _inner: object = field(init=False, repr=False, compare=False)
    _outer: object = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        block = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        block = block.ljust(64, b"\0")
        object.__setattr__(self, "_inner", hashlib.sha256(bytes(b ^ 0x36 for b in block)))
        object.__setattr__(self, "_outer", hashlib.sha256(bytes(b ^ 0x5C for b in block)))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def parse(value: str) -> AuditKey:
    """``<key id>:<urlsafe base64 secret>`` as an :class:`AuditKey`; raises :class:`AuditKeyError`."""
    key_id, sep, encoded = (value or "").strip().partition(":")
    if not sep or not KEY_ID_PATTERN.match(key_id):
        raise AuditKeyError("An audit key is written '<key id>:<secret>', the key id 1 to 16 letters, digits, "
                            "'.', '_' or '-' (create one with `python manage.py audit_anchor --generate-key ID`).")
    try:
        secret = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError) as exc:
        raise AuditKeyError(f"The secret of audit key '{key_id}' is not valid urlsafe base64.") from exc
    if len(secret) < MIN_SECRET_BYTES:
        raise AuditKeyError(f"The secret of audit key '{key_id}' must be at least {MIN_SECRET_BYTES} bytes; it is "
                            f"{len(secret)}.")
    return AuditKey(key_id, secret)


@lru_cache(maxsize=8)
def _keys(current: str, old: str) -> tuple[AuditKey, dict[str, AuditKey]]:
    if not current.strip():
        raise AuditKeyError("LOS_AUDIT_KEY is not set: the audit log is chained with HMAC-SHA256 under a key kept "
                            "outside the database (docs/security.md).")
    writing = parse(current)
    known = {writing.key_id: writing}
    for item in (part for part in old.split(",") if part.strip()):
        key = parse(item)
        if key.key_id in known and known[key.key_id].secret != key.secret:
            raise AuditKeyError(f"Two different audit keys have the id '{key.key_id}'.")
        known.setdefault(key.key_id, key)
    return writing, known


def _configured() -> tuple[AuditKey, dict[str, AuditKey]]:
    return _keys(getattr(settings, "LOS_AUDIT_KEY", "") or "", getattr(settings, "LOS_AUDIT_OLD_KEYS", "") or "")


def current_key() -> AuditKey:
    """The key new events and anchor lines are written with."""
    return _configured()[0]


def key(key_id: str) -> AuditKey | None:
    """The key with this id (the current one or an old one), or None when this installation does not have it."""
    return _configured()[1].get(key_id)


def generate(key_id: str) -> str:
    """A new key ``<key id>:<32 random bytes in urlsafe base64>`` for ``LOS_AUDIT_KEY``."""
    if not KEY_ID_PATTERN.match(key_id):
        raise AuditKeyError("The key id must be 1 to 16 letters, digits, '.', '_' or '-'.")
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


def check_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: the audit keys parse, and production does not use the development key."""
    try:
        writing, _known = _configured()
    except AuditKeyError as exc:
        return [checks.Error(str(exc), id="los.E001")]
    if getattr(settings, "PRODUCTION", False) and writing.key_id == DEVELOPMENT_KEY_ID:
        return [checks.Error("LOS_AUDIT_KEY is the development key ('dev'); production needs its own key.",
                             id="los.E002")]
    return []
