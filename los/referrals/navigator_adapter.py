"""A small adapter to the navigator: the family's situation profile and the navigator's view of it.

The navigator engine (:func:`los.navigator.engine.evaluate`) is built by another app; this module is
the only place the referral workflow touches it. When the engine is not installed, or the profile
cannot be evaluated, :func:`navigator_view` answers ``None`` and the caseworker fills the assessment's
``navigator_snapshot`` field by hand.
"""

from __future__ import annotations

import importlib
import json
import logging
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from los.access.models import Consent
from los.families.models import ConditionCategory, Family, Setting

logger = logging.getLogger(__name__)

#: Service kinds the navigator profile knows (``child.services_involved``).
PROFILE_SERVICES = {
    "kindergarten", "school", "sfo", "ppt", "helsestasjon", "gp", "physiotherapy", "occupational_therapy",
    "habu", "bup", "hospital", "barnevern", "nav", "avlastning", "home_care", "other",
}


def _engine() -> Any | None:
    try:
        module = importlib.import_module("los.navigator.engine")
    except ImportError:
        return None
    return module if callable(getattr(module, "evaluate", None)) else None


def navigator_available() -> bool:
    return _engine() is not None


def family_profile(family: Family, today: date | None = None) -> dict[str, Any]:
    """The navigator's family situation profile, built from what Los knows about the family.

    The child is the family's first child (by date of birth); the services involved are those the family
    has consented to share with (active consents), which is what Los knows for certain.
    """
    today = today or timezone.localdate()
    children = list(family.children.all())
    child = children[0] if children else None
    age = child.age_on(today) if child is not None else None
    profile_child: dict[str, Any] = {"age_years": max(-1, min(25, age if age is not None else 0))}
    if child is not None:
        profile_child["condition_categories"] = sorted(
            c for c in set(child.condition_categories or []) if c in ConditionCategory.values)
        if child.setting in Setting.values:
            profile_child["setting"] = child.setting
    now = timezone.now()
    kinds = set(
        Consent.objects.filter(family=family, withdrawn_at__isnull=True, valid_from__lte=now, valid_to__gt=now)
        .filter(Q(service_provider__isnull=False))
        .values_list("service_provider__kind", flat=True)
    )
    profile_child["services_involved"] = sorted(k for k in kinds if k in PROFILE_SERVICES)
    members = list(family.members.all())
    guardians = sum(1 for m in members if m.is_guardian)
    siblings = sum(1 for m in members if m.relation == "sibling") + max(0, len(children) - 1)
    profile_family: dict[str, Any] = {
        "guardians": max(1, min(4, guardians or 1)),
        "siblings": siblings,
        "language": family.preferred_language or "nb",
        "needs_interpreter": bool(family.needs_interpreter),
    }
    return {"child": profile_child, "family": profile_family}


def navigator_view(family: Family, lang: str = "nb", today: date | None = None) -> str | None:
    """The navigator's view of the family as JSON text for the assessment, or None when unavailable."""
    engine = _engine()
    if engine is None:
        return None
    today = today or timezone.localdate()
    try:  # the navigator's own profile: Los's data plus the answers the family or coordinator gave
        from los.navigator.selectors import profile_for_family

        profile = profile_for_family(family, today)
    except ValueError:  # no child the navigator can speak about (yet): the plain profile from this module
        profile = family_profile(family, today)
    try:
        result = engine.evaluate(profile, as_of=today, lang=lang if lang in ("nb", "nn", "en") else "nb")
    except Exception:  # the navigator is someone else's code: never let it break an assessment
        logger.exception("navigator could not evaluate the profile of family %s", family.pk)
        return None
    snapshot = {
        "source": "navigator",
        "catalog_version": getattr(result, "catalog_version", ""),
        "as_of": today.isoformat(),
        "profile": profile,
        "suggestions": [
            {"id": s.id, "name": getattr(s, "name", "") or s.id, "relevance": s.relevance,
             "reasons": list(s.reasons), "provider": getattr(s, "provider", "")}
            for s in result.suggestions
        ],
    }
    return json.dumps(snapshot, ensure_ascii=False, indent=1)


def parse_snapshot(text: str) -> dict[str, Any]:
    """Read a stored snapshot for display: navigator JSON, or a note the caseworker wrote."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {"note": text}
    return data if isinstance(data, dict) else {"note": text}


#: The POST field in which the anonymous navigator hands its answers to the open request form
#: (``los.navigator.carry.FIELD``).
CARRY_FIELD = "navigator_answers"


def carried_answers(token: str) -> Any | None:
    """What the open request form can fill in from the anonymous navigator's signed, short-lived token
    (:mod:`los.navigator.carry`): ``initial`` values and the ``fields`` filled; None when the token is bad or old,
    or the navigator is not installed."""
    try:
        carry = importlib.import_module("los.navigator.carry")
    except ImportError:
        return None
    return carry.unpack(token)
