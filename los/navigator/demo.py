"""Demo data for the navigator: answers to the questionnaire for the demo family (Familien Sæther) and for
about a third of the other active families, so that the family page, caseload screening and the unit's
counts show realistic lists.

The demo family's child (cerebral palsy and epilepsy) needs much supervision day and night, uses a wheelchair
and needs transport to school; her parents work, and one has cut down to care for her. Some questions are left
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
    _seed_local_layer(ctx)


#: The demo municipality's own respite house, written as the coordinating unit would in /los/lokalt/.
DEMO_LOCAL_ENTRY = {
    "id": "lokal_avlastningshus", "sector": "municipal", "priority": 29,
    "names": {"nb": "Solsikken avlastningshus", "nn": "Solsikken avlastingshus", "en": "Solsikken respite house"},
    "provider": {"nb": "Kommunen (tildelingskontoret)", "nn": "Kommunen (tildelingskontoret)"},
    "legal_basis": [{"ref": "kommunalt tilbud (ingen lovfestet rett)", "verified": False,
                     "note": "A local service; no source for a legal basis was given."}],
    "appeal_rule": "FVL",
    "sources": [{"url": "https://www.kommune.example/solsikken", "checked": None, "about": "the service described"}],
    "texts": {
        "summary": {"nb": "Kommunens eget avlastningshus med plass til seks barn, også i helger og ferier.",
                    "nn": "Kommunen sitt eige avlastingshus med plass til seks barn, òg i helgar og feriar.",
                    "en": "The municipality's own respite house with room for six children, also at weekends and in holidays."},
        "who": {"nb": "Barn og unge med store hjelpebehov, når omsorgen er særlig tung.",
                "nn": "Barn og unge med store hjelpebehov, når omsorga er særleg tung."},
        "who_decides": {"nb": "Tildelingskontoret.", "nn": "Tildelingskontoret."},
        "how_to_apply": {"nb": "Søk om avlastning på kommunens skjema; skriv at dere ønsker Solsikken.",
                         "nn": "Søk om avlasting på skjemaet til kommunen; skriv at de ønskjer Solsikken."},
        "deadline_note": {"nb": "Klagefrist 3 uker (forvaltningsloven § 29).", "nn": "Klagefrist 3 veker (forvaltningslova § 29).",
                          "en": "Appeal within 3 weeks (forvaltningsloven § 29)."},
    },
    "rule": {"criteria": [{"use": "born"}, {"use": "condition"}, {"use": "heavy_care"}]},
}
DEMO_ROUTINE = {
    "how_to_apply": {"nb": "Søk på kommunens skjema for helse- og omsorgstjenester; barnekoordinatoren kan hjelpe.",
                     "nn": "Søk på skjemaet til kommunen for helse- og omsorgstenester; barnekoordinatoren kan hjelpe."},
    "contact": {"nb": "Tildelingskontoret, telefon 12 34 56 78 (hverdager 9–15).",
                "nn": "Tildelingskontoret, telefon 12 34 56 78 (kvardagar 9–15)."},
    "processing_time": {"nb": "Omtrent fire uker.", "nn": "Om lag fire veker.", "en": "About four weeks."},
}


def _seed_local_layer(ctx: DemoContext) -> None:
    """The demo municipality's respite house and its routine for respite care, signed by its caseworker."""
    from los.accounts.models import User
    from los.navigator.models import LocalEntry, LocalRoutine

    demo = ctx.demo_family
    if demo is None or demo.pk is None:
        return
    caseworker = User.objects.filter(username="saksbehandler").first() or next(
        iter(ctx.caseworkers.get(demo.municipality_id, [])), None)
    if caseworker is None:
        return
    checked = ctx.today - timedelta(days=20)
    data = {**DEMO_LOCAL_ENTRY, "last_checked": checked.isoformat(),
            "sources": [{**row, "checked": checked.isoformat()} for row in DEMO_LOCAL_ENTRY["sources"]]}
    LocalEntry.objects.create(municipality_id=demo.municipality_id, entry_id=data["id"], data=data,
                              checked_on=checked, checked_by=caseworker)
    LocalRoutine.objects.create(municipality_id=demo.municipality_id, entry_id="avlastning", texts=DEMO_ROUTINE,
                                form_url="https://www.kommune.example/skjema/helse-og-omsorg", checked_on=checked,
                                checked_by=caseworker)
