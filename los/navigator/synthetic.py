"""Deterministic synthetic family situation profiles (for the screening benchmark and the fuzz tests).

Every profile matches ``profile.schema.json``. About one fact in six is left out (unknown), as in real
caseloads where not everything is recorded. Pure Python, no Django.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

__all__ = ["CONDITIONS", "NEEDS", "SERVICES", "SETTINGS", "synthetic_profiles"]

CONDITIONS = (
    "physical", "neurological", "intellectual", "developmental", "autism", "psychiatric", "chronic_somatic",
    "hearing", "vision", "rare_diagnosis", "life_limiting", "undiagnosed",
)
NEEDS = (
    "extra_supervision_and_care", "night_care", "medical_treatment_at_home", "continuous_care_due_to_illness_period",
    "parent_training_at_institution", "mobility_impairment", "uses_wheelchair", "needs_assistive_devices",
    "communication_support", "learning_support", "behaviour_support", "mental_health_support", "extra_expenses",
    "needs_escort_for_activities", "needs_transport_to_school", "cannot_use_public_transport",
)
SERVICES = (
    "kindergarten", "school", "sfo", "ppt", "helsestasjon", "gp", "physiotherapy", "occupational_therapy", "habu",
    "bup", "hospital", "barnevern", "nav", "avlastning", "home_care", "other",
)
SETTINGS = ("home", "kindergarten", "primary_school", "lower_secondary", "upper_secondary", "none")
_LANGUAGES = ("nb", "nb", "nb", "nb", "nb", "nn", "nn", "en", "ar", "so", "pl", "uk", "ti", "se")
_HAS_KEYS = ("barnekoordinator", "individual_plan", "hjelpestonad", "grunnstonad", "avlastning", "bpa", "habu",
             "respite_care", "coordinator")


def _setting_for(age: int, rng: random.Random) -> str:
    if age < 0:
        return "home"
    if age <= 5:
        return rng.choice(("home", "kindergarten", "kindergarten", "kindergarten"))
    if age <= 12:
        return rng.choice(("primary_school",) * 9 + ("home",))
    if age <= 15:
        return rng.choice(("lower_secondary",) * 9 + ("home",))
    if age <= 19:
        return rng.choice(("upper_secondary",) * 4 + ("none",))
    return "none"


def synthetic_profiles(count: int, seed: int = 20261123) -> Iterator[dict[str, Any]]:
    """``count`` profiles from a fixed seed: the same numbers give the same profiles on every machine."""
    rng = random.Random(seed)
    for _ in range(count):
        age = rng.choice(range(-1, 26)) if rng.random() < 0.1 else rng.randint(0, 17)
        child: dict[str, Any] = {"age_years": age}
        if rng.random() > 0.05:
            child["condition_categories"] = rng.sample(CONDITIONS, rng.choice((0, 1, 1, 1, 2, 2, 3)))
        if rng.random() > 0.15:
            child["expected_duration_months"] = rng.choice((None, 3, 6, 12, 18, 24, 36, 60, 120, 240))
        if rng.random() > 0.1:
            child["setting"] = _setting_for(age, rng)
        if rng.random() > 0.1:
            child["needs"] = {need: rng.random() < 0.75 for need in rng.sample(NEEDS, rng.randint(0, 8))}
        if rng.random() > 0.1:
            child["services_involved"] = rng.sample(SERVICES, rng.randint(0, 6))
        family: dict[str, Any] = {}
        if rng.random() > 0.1:
            family["guardians"] = rng.choice((1, 2, 2, 2, 2, 3))
        if rng.random() > 0.15:
            family["guardian_in_work"] = rng.random() < 0.8
        if rng.random() > 0.2:
            family["care_burden_heavy"] = rng.random() < 0.5
        if rng.random() > 0.3:
            family["reduced_work_because_of_care"] = rng.random() < 0.3
        if rng.random() > 0.1:
            family["siblings"] = rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4))
        if rng.random() > 0.1:
            family["language"] = rng.choice(_LANGUAGES)
        if rng.random() > 0.4:
            family["needs_interpreter"] = family.get("language") not in ("nb", "nn") and rng.random() < 0.6
        profile: dict[str, Any] = {"child": child, "family": family}
        if rng.random() < 0.4:
            profile["has"] = {key: rng.random() < 0.6 for key in rng.sample(_HAS_KEYS, rng.randint(1, 3))}
        yield profile
