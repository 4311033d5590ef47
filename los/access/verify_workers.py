"""Worker processes for ``manage.py audit_verify --jobs N``.

Kept apart from the command, with nothing of Django imported at the top: a worker is started afresh
(``spawn``: none of the parent's threads, locks or connections come along) and imports this module before
Django is set up. :func:`start` then sets Django up with the parent's database, verifier and audit key settings
(in the tests: the test database).
"""

from __future__ import annotations

import os
from typing import Any


def start(database: dict[str, Any], verifier_path: str, audit_keys: tuple[str, str] = ("", "")) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"].update(database)
    settings.LOS_AUDIT_VERIFIER = verifier_path
    if audit_keys[0]:  # the parent's audit keys (LOS_AUDIT_KEY, LOS_AUDIT_OLD_KEYS)
        settings.LOS_AUDIT_KEY, settings.LOS_AUDIT_OLD_KEYS = audit_keys
    connections["default"].close()
    connections["default"].settings_dict.update(database)  # connect where the parent is connected


def verify_one(job: tuple) -> list:
    """One chain's results (``audit.ChainResult``), read over this worker's own connection. ``job``: the chain,
    the batch size, its anchor (``audit.Anchor`` or None) and why it must exist ("" when it need not)."""
    from los.access.management.commands.audit_verify import verifier  # LOS_AUDIT_VERIFIER, set by start()

    name, batch_size, anchor, expected = job
    return list(verifier()(batch_size=batch_size, chains=[name], anchors={name: anchor} if anchor else None,
                           expected={name: expected} if expected else None))
