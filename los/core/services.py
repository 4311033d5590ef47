"""Changes to organisation data that open families to other people, each written to the audit log."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from los.access import audit
from los.access.models import AuditAction
from los.accounts.models import User
from los.core.models import MunicipalityAgreement

_AGREEMENT_FIELDS = ("host_id", "member_id", "purpose", "valid_from", "valid_to", "reference")


def _describe(agreement: MunicipalityAgreement) -> str:
    until = f"to {agreement.valid_to.isoformat()}" if agreement.valid_to else "until further notice"
    return (f"{agreement.host.name} serves the families of {agreement.member.name} from "
            f"{agreement.valid_from.isoformat()} {until}")


@transaction.atomic
def save_agreement(agreement: MunicipalityAgreement, *, by: User | None, request: HttpRequest | None = None,
                   via: str = "") -> MunicipalityAgreement:
    """Save a new or changed inter-municipal agreement (it lets the host's staff see the member's families) and
    record it in the audit chains of both municipalities (and of the earlier ones, when they changed)."""
    before = (MunicipalityAgreement.objects.select_for_update().filter(pk=agreement.pk).first()
              if agreement.pk is not None else None)
    changed = [name.removesuffix("_id") for name in _AGREEMENT_FIELDS
               if before is None or getattr(before, name) != getattr(agreement, name)]
    agreement.save()
    if before is not None and not changed:
        return agreement
    what = ("inter-municipal agreement made" if before is None
            else f"inter-municipal agreement changed ({', '.join(changed)})")
    chains = {agreement.host_id, agreement.member_id}
    if before is not None:
        chains |= {before.host_id, before.member_id}
    for municipality_id in sorted(chains):
        audit.record(actor=by, action=AuditAction.CHANGE, object_type="MunicipalityAgreement",
                     object_id=agreement.pk, municipality_id=municipality_id, request=request,
                     reason=f"{what}: {_describe(agreement)}" + (f" [{via}]" if via else ""))
    return agreement
