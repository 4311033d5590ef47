"""Background tasks of the access app (Django's tasks framework, database backend)."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from los.access import anchor


@task
def write_audit_anchor(path: str = "") -> dict:
    """Append the heads of the audit chains to the anchor file (``LOS_AUDIT_ANCHOR_FILE`` unless ``path``), as
    ``manage.py audit_anchor`` does. Enqueue it on a schedule (``manage.py audit_anchor --enqueue`` from a timer);
    the file is written on the machine of the worker (``manage.py db_worker``) that runs it."""
    target = path or settings.LOS_AUDIT_ANCHOR_FILE
    if not target:
        raise ValueError("LOS_AUDIT_ANCHOR_FILE is not set")
    written = anchor.write(target)
    return {"path": target, "lines": len(written.lines), "chains": written.chains, "sealed": written.sealed,
            "announced": written.announced}
