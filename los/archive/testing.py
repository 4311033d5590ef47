"""Test hook for the authorization matrix (los/access/tests/test_matrix.py): one registry entry with its document."""

from __future__ import annotations

from los.archive.models import EntryKind, EntryType
from los.archive.services import DocumentInput, journal
from los.families.models import Family


def matrix_objects(family: Family) -> None:
    journal(family, kind=EntryKind.NOTE, entry_type=EntryType.INTERNAL, subject="Notat", actor=None,
            parties=[{"type": "Intern avsender", "name": "Los"}],
            document=DocumentInput("Notat", "Notat", b"%PDF-1.7\n% matrix test document\n"),
            source=f"matrix:{family.pk}")
