"""The demo municipality's families have their case files and registry entries, with documents, in every transfer
state."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from los.archive.models import ArchiveDocument, CaseFile, RegistryEntry, TransferStatus
from los.core.demo.seed import build
from los.families.models import Family

TODAY = date(2026, 11, 23)


@pytest.mark.django_db
def test_demo_journal_for_the_demo_municipality():
    ctx = build("demo", seed=5, today=TODAY)
    municipality = ctx.municipalities[0]
    families = Family.objects.filter(municipality=municipality)
    with_entries = set(RegistryEntry.objects.filter(municipality=municipality).values_list("family_id", flat=True))
    assert with_entries == set(families.values_list("pk", flat=True))  # every family has a request, at least
    assert not RegistryEntry.objects.exclude(municipality=municipality).exists()
    assert set(RegistryEntry.objects.values_list("transfer_status", flat=True)) == set(TransferStatus.values) - {
        TransferStatus.SENT}
    assert RegistryEntry.objects.filter(kind="decision").exists() and RegistryEntry.objects.filter(
        kind="closing").exists()
    for document in ArchiveDocument.objects.order_by("pk")[:5]:
        assert hashlib.sha256(document.file.read()).hexdigest() == document.sha256
    assert CaseFile.objects.filter(status="Avsluttet").exists()
    numbers = list(RegistryEntry.objects.filter(journal_year=2026).order_by("journal_sequence")
                   .values_list("journal_sequence", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
