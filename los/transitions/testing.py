"""Test helpers for transitions; ``matrix_objects`` lets the authorization matrix reach this app's objects."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from los.core.models import Municipality
from los.families.models import Family
from los.transitions.models import (
    ChecklistGroup,
    ChecklistItem,
    HandoverSummary,
    MoveProposal,
    ReceiverKind,
    TransitionKind,
    TransitionPlan,
    TransitionTask,
)


def transition_plan(family: Family, kind: str = TransitionKind.SCHOOL_START, **fields) -> TransitionPlan:
    today = timezone.localdate()
    child = fields.pop("child", family.children.first())
    plan = TransitionPlan.objects.create(
        family=family, municipality_id=family.municipality_id, child=child, kind=kind,
        key=fields.pop("key", f"{kind}:test:{TransitionPlan.objects.count() + 1}"),
        transition_date=fields.pop("transition_date", today + timedelta(days=200)),
        opened_on=fields.pop("opened_on", today), **fields)
    ChecklistItem.objects.create(plan=plan, family=family, municipality_id=family.municipality_id,
                                 group=ChecklistGroup.INVOLVE, code="receiving_school", params={"name": "Barn"},
                                 position=1)
    TransitionTask.objects.create(plan=plan, family=family, municipality_id=family.municipality_id,
                                  code="call_meeting", params={}, due_date=today + timedelta(days=30),
                                  owner=plan.owner)
    return plan


def matrix_objects(family: Family) -> None:
    """One of each of this app's family-owned objects."""
    plan = transition_plan(family)
    HandoverSummary.objects.create(family=family, municipality_id=family.municipality_id, plan=plan,
                                   receiver_kind=ReceiverKind.RECEIVING_SCHOOL, included=["family"], left_out=[])
    other = Municipality.objects.exclude(pk=family.municipality_id).order_by("pk").first()
    if other is not None:
        MoveProposal.objects.create(family=family, municipality_id=family.municipality_id, to_municipality=other,
                                    handover_date=timezone.localdate() + timedelta(days=30))
