"""Demo data for the navigator: answers to the questionnaire for the demo family (Familien Sæther) and for
about a third of the other active families, so that the family page, caseload screening and the unit's
counts show realistic lists.

Mia Sæther (9, cerebral palsy and epilepsy) needs much supervision day and night, uses a wheelchair and
needs transport to school; her parents work, and one has cut down to care for her. Some questions are left
unanswered ("don't know") so that the page also shows what would settle the possible entries.

Drawn with ``ctx.rng`` only and written with one ``bulk_create``; one query reads the children.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from los.core.demo.bulk import bulk_insert
from los.core.demo.seed import DemoContext
from los.families.models import Child, FamilyStatus
from los.navigator.models import NavigatorAnswers

SHARE_ANSWERED = 0.35
CARE_HEAVY = {"physical", "neurological", "intellectual", "life_limiting", "rare_diagnosis"}
BEHAVIOUR = {"autism", "developmental", "psychiatric"}

DEMO_CHILD = {
    "expected_duration_months": 24,
    "extra_supervision_and_care": True,
    "night_care": True,
    "mobility_impairment": True,
    "uses_wheelchair": True,
    "needs_assistive_devices": True,
    "needs_transport_to_school": True,
    "communication_support": False,
    "mental_health_support": False,
    "medical_treatment_at_home": False,
}
DEMO_FAMILY = {"guardian_in_work": True, "reduced_work_because_of_care": True}


def _child_answers(rng: Any, categories: set[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if rng.random() < 0.8:
        answers["expected_duration_months"] = rng.choice((12, 24, 24, 24, 6))
    heavy = bool(categories & CARE_HEAVY)
    if rng.random() < 0.8:
        answers["extra_supervision_and_care"] = rng.random() < (0.75 if heavy else 0.35)
    if rng.random() < 0.6:
        answers["night_care"] = rng.random() < (0.45 if heavy else 0.15)
    if "physical" in categories and rng.random() < 0.7:
        answers["mobility_impairment"] = True
        answers["uses_wheelchair"] = rng.random() < 0.5
    if categories & BEHAVIOUR and rng.random() < 0.7:
        answers["behaviour_support"] = rng.random() < 0.6
        answers["learning_support"] = rng.random() < 0.7
    if rng.random() < 0.5:
        answers["extra_expenses"] = rng.random() < 0.6
    return answers


def _family_answers(rng: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if rng.random() < 0.8:
        answers["guardian_in_work"] = rng.random() < 0.85
    if rng.random() < 0.6:
        answers["care_burden_heavy"] = rng.random() < 0.5
    if rng.random() < 0.4:
        answers["reduced_work_because_of_care"] = rng.random() < 0.35
    return answers


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    demo = ctx.demo_family
    active = {f.pk: f for f in ctx.families if f.status == FamilyStatus.ACTIVE and f.pk is not None}
    if demo is not None and demo.pk is not None:
        active[demo.pk] = demo
    first_child: dict[int, tuple[int, list[str]]] = {}
    rows = (Child.objects.filter(family_id__in=list(active)).order_by("family_id", "birth_date", "pk")
            .values_list("pk", "family_id", "condition_categories"))
    for child_id, family_id, categories in rows:
        first_child.setdefault(family_id, (child_id, list(categories or [])))
    answers: list[NavigatorAnswers] = []
    for family_id in sorted(first_child):
        family = active[family_id]
        child_id, categories = first_child[family_id]
        is_demo = demo is not None and family_id == demo.pk
        if not is_demo and rng.random() >= SHARE_ANSWERED:
            continue
        child_answers = dict(DEMO_CHILD) if is_demo else _child_answers(rng, set(categories))
        family_answers = dict(DEMO_FAMILY) if is_demo else _family_answers(rng)
        updated = ctx.aware(ctx.today - timedelta(days=rng.randint(1, 120)))
        answers.append(NavigatorAnswers(family_id=family_id, municipality_id=family.municipality_id,
                                        child_id=child_id, answers=child_answers, version=1, updated_at=updated))
        answers.append(NavigatorAnswers(family_id=family_id, municipality_id=family.municipality_id, child_id=None,
                                        answers=family_answers, version=1, updated_at=updated))
    bulk_insert(NavigatorAnswers, answers, batch_size=2000)
