"""Queries of the archive: the journal of the families a user may see, a family's case files, the deposits."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from los.access.policy import visible_families
from los.accounts.models import User
from los.archive.models import CaseFile, Deposit, RegistryEntry, TransferStatus
from los.archive.services import ARCHIVE_CATEGORY, unit_municipalities
from los.core.models import Municipality
from los.families.models import Family


def journal_for(user: User, status: str = "") -> QuerySet[RegistryEntry]:
    """Registry entries of the families the user may see in the archive category, newest first."""
    entries = (RegistryEntry.objects.filter(family__in=visible_families(user, ARCHIVE_CATEGORY))
               .select_related("family", "case_file").order_by("-journal_year", "-journal_sequence"))
    if status in TransferStatus.values:
        entries = entries.filter(transfer_status=status)
    return entries


def transfer_counts(user: User) -> dict[str, int]:
    rows = (RegistryEntry.objects.filter(family__in=visible_families(user, ARCHIVE_CATEGORY))
            .order_by().values("transfer_status").annotate(n=Count("pk")))
    counts = {status: 0 for status in TransferStatus.values}
    counts.update({row["transfer_status"]: row["n"] for row in rows})
    return counts


def case_files_of(family: Family) -> list[CaseFile]:
    return list(CaseFile.objects.filter(family=family).select_related("deposit").prefetch_related(
        "entries__documents").order_by("-case_year", "-case_sequence"))


def deposits_for(user: User) -> tuple[list[Municipality], QuerySet[Deposit]]:
    municipalities = unit_municipalities(user)
    return municipalities, (Deposit.objects.filter(municipality__in=municipalities).select_related("municipality")
                            .order_by("-made_at"))
