"""Retention and the archive: a case file marked *Bevares* (preserve) is kept in Los until the archive depot has
confirmed the deposit it went in; registered with :func:`los.ops.retention.register_keeper`."""

from __future__ import annotations

from datetime import date

from los.archive.models import CaseFile, DepositStatus, RetentionDecision
from los.families.models import Family


def keep_until_deposited(family: Family, today: date) -> str:
    """The reason a family must stay ("" when the archive does not hold it back)."""
    waiting = (CaseFile.objects.filter(family=family, retention_decision=RetentionDecision.PRESERVE)
               .exclude(deposit__status=DepositStatus.CONFIRMED).order_by("case_year", "case_sequence").first())
    if waiting is None:
        return ""
    return (f"case file {waiting.case_number} is marked for preservation (Bevares) and its deposit to the archive "
            "depot is not confirmed")
