"""Where things outside the code are found, relative to the repository (never an absolute path in the code)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

REPO_DIR = Path(__file__).resolve().parents[2]


def shared_path(*parts: str) -> Path:
    """A path in ``../shared/`` beside the repository (``LOS_SHARED_DIR`` to put it elsewhere): the domain notes
    and the navigator's contract. It may be missing on a contributor's machine: the product never needs it, and
    a test that compares a copy with it says what it checks without it."""
    return Path(settings.LOS_SHARED_DIR).joinpath(*parts)
