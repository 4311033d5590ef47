"""Snapshots of a plan and readable differences between two of them.

A snapshot is plain JSON: codes for choices, ISO dates and names as they were at the time, so that an
old version still shows who was responsible even after people have changed jobs. Labels are looked up
when a snapshot is shown, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from los.access.models import ConsentMethod
from los.core.dates import format_day
from los.families.models import Relation
from los.plans.models import (
    ContactChannel,
    ContactFrequency,
    EvaluationResult,
    GoalCategory,
    MeasureStatus,
    ParticipantKind,
    Plan,
    PlanStatus,
    Whose,
)

SCHEMA = 1


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _person(obj: Any) -> str:
    if obj is None:
        return ""
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.username
    return f"{obj.given_name} {obj.family_name}"


def snapshot(plan: Plan) -> dict[str, Any]:
    """The whole plan as JSON-ready data (a handful of queries)."""
    return snapshot_from(
        plan,
        goals=list(plan.goals.select_related("member", "child")),
        resources=list(plan.resources.select_related("member")),
        needs=list(plan.needs.select_related("member")),
        participants=list(plan.participants.filter(left_at__isnull=True).select_related(
            "family_member", "child", "user", "service_provider")),
        measures=list(plan.measures.select_related("owner_provider", "owner_person")),
        occasions=list(plan.evaluation_dates.all()),
        results=list(plan.evaluations.all()),
        clarification=getattr(plan, "clarification", None) if plan.pk else None,
    )


def snapshot_from(plan: Plan, *, goals: list, resources: list, needs: list, participants: list, measures: list,
                  occasions: list, results: list, clarification: Any) -> dict[str, Any]:
    """A snapshot from objects already in memory (related objects attached), without queries."""
    goal_text = {g.pk: g.text for g in goals}
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "plan": {
            "status": plan.status,
            "what_matters": plan.what_matters,
            "consent_given_by": _person(plan.consent_given_by) if plan.consent_given_by_id else "",
            "consent_method": plan.consent_method,
            "consent_given_on": _iso(plan.consent_given_on),
        },
        "goals": [
            {"id": g.pk, "text": g.text, "whose": g.whose, "person": _person(g.member or g.child),
             "category": g.category, "archived": g.archived}
            for g in goals
        ],
        "resources": [{"id": r.pk, "text": r.text, "whose": r.whose, "person": _person(r.member)} for r in resources],
        "needs": [{"id": n.pk, "text": n.text, "whose": n.whose, "person": _person(n.member)} for n in needs],
        "participants": [
            {"id": p.pk, "kind": p.kind, "name": p.name,
             "relation": p.family_member.relation if p.family_member_id else "child" if p.child_id else "",
             "service": p.service_provider.name if p.service_provider_id else "", "role_text": p.role_text}
            for p in participants
        ],
        "measures": [
            {"id": m.pk, "title": m.title, "description": m.description, "goal": m.goal_id,
             "goal_text": goal_text.get(m.goal_id, ""),
             "owner_provider": m.owner_provider.name if m.owner_provider_id else "",
             "owner_person": _person(m.owner_person) if m.owner_person_id else "",
             "start": _iso(m.start), "due_date": _iso(m.due_date), "status": m.status,
             "status_note": m.status_note}
            for m in measures
        ],
        "evaluation_dates": [],
        "clarification": None,
    }
    by_occasion: dict[int, list] = {}
    for r in results:
        by_occasion.setdefault(r.occasion_id, []).append(
            {"goal": r.goal_id, "goal_text": goal_text.get(r.goal_id, ""), "result": r.result,
             "family_view": r.family_view, "next_period": r.next_period})
    data["evaluation_dates"] = [
        {"id": e.pk, "date": _iso(e.date), "note": e.note, "held_on": _iso(e.held_on), "summary": e.summary,
         "family_view": e.family_view, "clarification_reviewed": e.clarification_reviewed,
         "clarification_note": e.clarification_note, "results": by_occasion.get(e.pk, [])}
        for e in occasions
    ]
    if clarification is not None:
        c = clarification
        data["clarification"] = {
            "will_do": c.will_do, "will_not_do": c.will_not_do, "done_instead_by": c.done_instead_by,
            "contact_channels": list(c.contact_channels or []), "contact_frequency": c.contact_frequency,
            "contact_note": c.contact_note, "delegated_authority": c.delegated_authority,
            "family_signed_at": _iso(c.family_signed_at),
            "family_signed_by": c.family_signer_name,
            "coordinator_signed_at": _iso(c.coordinator_signed_at),
            "coordinator_signed_by": _person(c.coordinator_signed_by) if c.coordinator_signed_by_id else "",
            "last_reviewed_on": _iso(c.last_reviewed_on),
        }
    return data


# --- showing a snapshot ------------------------------------------------------------------------------

FIELD_LABELS = {
    "status": gettext_lazy("Status"),
    "what_matters": gettext_lazy("What matters most"),
    "consent_given_by": gettext_lazy("Consent to the plan given by"),
    "consent_method": gettext_lazy("How the consent was given"),
    "consent_given_on": gettext_lazy("Consent given on"),
    "text": gettext_lazy("Text"),
    "whose": gettext_lazy("Whose"),
    "person": gettext_lazy("Person"),
    "category": gettext_lazy("What it is about"),
    "archived": gettext_lazy("No longer followed up"),
    "kind": gettext_lazy("Kind"),
    "name": gettext_lazy("Name"),
    "relation": gettext_lazy("Relation"),
    "service": gettext_lazy("Service"),
    "role_text": gettext_lazy("Role in the plan"),
    "title": gettext_lazy("What is to be done"),
    "description": gettext_lazy("More about the measure"),
    "goal": gettext_lazy("Goal it serves"),
    "owner_provider": gettext_lazy("Responsible service"),
    "owner_person": gettext_lazy("Responsible person"),
    "start": gettext_lazy("Start"),
    "due_date": gettext_lazy("Due date"),
    "status_note": gettext_lazy("Note on the status"),
    "date": gettext_lazy("Evaluation date"),
    "note": gettext_lazy("Note"),
    "held_on": gettext_lazy("Held on"),
    "summary": gettext_lazy("Summary"),
    "family_view": gettext_lazy("The family's view"),
    "clarification_reviewed": gettext_lazy("Expectation clarification revisited"),
    "clarification_note": gettext_lazy("About the expectation clarification"),
    "results": gettext_lazy("Results per goal"),
    "will_do": gettext_lazy("What the barnekoordinator will do"),
    "will_not_do": gettext_lazy("What the barnekoordinator will not do"),
    "done_instead_by": gettext_lazy("Who does that instead"),
    "contact_channels": gettext_lazy("How the family wants to be contacted"),
    "contact_frequency": gettext_lazy("How often"),
    "contact_note": gettext_lazy("More about contact"),
    "delegated_authority": gettext_lazy("Delegated authority"),
    "family_signed_at": gettext_lazy("Signed by the family"),
    "family_signed_by": gettext_lazy("Signed for the family by"),
    "coordinator_signed_at": gettext_lazy("Signed by the barnekoordinator"),
    "coordinator_signed_by": gettext_lazy("Barnekoordinator who signed"),
    "last_reviewed_on": gettext_lazy("Last revisited"),
}

SECTION_LABELS = {
    "plan": gettext_lazy("The plan"),
    "goals": gettext_lazy("Goals"),
    "resources": gettext_lazy("Resources"),
    "needs": gettext_lazy("Needs"),
    "participants": gettext_lazy("Participants"),
    "measures": gettext_lazy("Measures"),
    "evaluation_dates": gettext_lazy("Evaluations"),
    "clarification": gettext_lazy("Expectation clarification"),
}

_CHOICES = {
    "status": {**dict(PlanStatus.choices), **dict(MeasureStatus.choices)},
    "whose": dict(Whose.choices),
    "category": dict(GoalCategory.choices),
    "kind": dict(ParticipantKind.choices),
    "consent_method": dict(ConsentMethod.choices),
    "contact_frequency": dict(ContactFrequency.choices),
    "result": dict(EvaluationResult.choices),
    "relation": {**dict(Relation.choices), "child": gettext_lazy("The child")},
}
_DATES = {"consent_given_on", "start", "due_date", "date", "held_on", "last_reviewed_on"}
_TIMES = {"family_signed_at", "coordinator_signed_at"}


def show(name: str, value: Any, goals: dict[int, str] | None = None) -> str:
    """One snapshot value as text for a reader."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if name in _CHOICES:
        return str(_CHOICES[name].get(value, value))
    if name in _DATES:
        return format_day(date.fromisoformat(value))
    if name in _TIMES:
        return format_day(datetime.fromisoformat(value), "datetime")
    if name == "contact_channels":
        labels = dict(ContactChannel.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if name == "goal":
        return (goals or {}).get(value, "–")
    if name == "results":
        return "; ".join(f"{r.get('goal_text', '')[:60]}: {show('result', r.get('result'))}" for r in value)
    return str(value)


def readable(data: dict[str, Any]) -> dict[str, Any]:
    """A snapshot with labels for the templates: goals with their measures, dates formatted."""
    goals = {g["id"]: g["text"] for g in data.get("goals", [])}

    def rows(item: dict, names: tuple[str, ...]) -> dict[str, str]:
        return {name: show(name, item.get(name), goals) for name in names}

    measures = [{**m, "shown": rows(m, ("owner_provider", "owner_person", "start", "due_date", "status"))}
                for m in data.get("measures", [])]
    by_goal: dict[int | None, list] = {}
    for m in measures:
        by_goal.setdefault(m["goal"] if m["goal"] in goals else None, []).append(m)
    plan = data.get("plan", {})
    clarification = data.get("clarification")
    return {
        "plan": {**plan, "shown": rows(plan, ("status", "consent_given_by", "consent_method", "consent_given_on"))},
        "goals": [{**g, "shown": rows(g, ("whose", "category")), "measures": by_goal.get(g["id"], [])}
                  for g in data.get("goals", [])],
        "loose_measures": by_goal.get(None, []),
        "resources": [{**r, "shown": rows(r, ("whose",))} for r in data.get("resources", [])],
        "needs": [{**n, "shown": rows(n, ("whose",))} for n in data.get("needs", [])],
        "participants": [{**p, "affiliation": p.get("service") or show("relation", p.get("relation"))
                          if p.get("service") or p.get("relation") else show("kind", p.get("kind"))}
                         for p in data.get("participants", [])],
        "evaluation_dates": [
            {**e, "shown": rows(e, ("date", "held_on")),
             "results": [{**r, "shown": {"result": show("result", r.get("result"))}} for r in e.get("results", [])]}
            for e in data.get("evaluation_dates", [])
        ],
        "clarification": None if clarification is None else {
            **clarification,
            "shown": rows(clarification, ("contact_channels", "contact_frequency", "family_signed_at",
                                          "coordinator_signed_at", "last_reviewed_on")),
        },
    }


# --- differences -----------------------------------------------------------------------------------

@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ItemChange:
    kind: str  # added, removed, changed
    item: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class SectionChange:
    section: str
    label: str
    items: list[ItemChange] = field(default_factory=list)


_ITEM_TITLE = {"goals": "text", "resources": "text", "needs": "text", "participants": "name",
               "measures": "title", "evaluation_dates": "date"}
_HIDDEN = {"id", "goal_text"}


def _field_changes(old: dict, new: dict, goals_old: dict, goals_new: dict) -> list[FieldChange]:
    changes = []
    for name in dict.fromkeys([*old.keys(), *new.keys()]):
        if name in _HIDDEN or old.get(name) == new.get(name):
            continue
        changes.append(FieldChange(str(FIELD_LABELS.get(name, name)), show(name, old.get(name), goals_old),
                                   show(name, new.get(name), goals_new)))
    return changes


def _title(section: str, item: dict) -> str:
    key = _ITEM_TITLE[section]
    value = item.get(key) or ""
    if key == "date":
        return show("date", value)
    value = str(value)
    return value if len(value) <= 90 else value[:89] + "…"


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[SectionChange]:
    """What changed from ``old`` to ``new``, per section, item and field."""
    goals_old = {g["id"]: g["text"] for g in old.get("goals", [])}
    goals_new = {g["id"]: g["text"] for g in new.get("goals", [])}
    out: list[SectionChange] = []
    for section in ("plan", "clarification"):
        a, b = old.get(section) or {}, new.get(section) or {}
        if not a:
            b = {k: v for k, v in b.items() if v not in (None, "", [], False)}
        fields = _field_changes(a, b, goals_old, goals_new)
        if fields:
            kind = "added" if not a else "removed" if not b else "changed"
            out.append(SectionChange(section, str(SECTION_LABELS[section]),
                                     [ItemChange(kind, str(SECTION_LABELS[section]), fields)]))
    for section in ("goals", "resources", "needs", "participants", "measures", "evaluation_dates"):
        a = {item["id"]: item for item in old.get(section, [])}
        b = {item["id"]: item for item in new.get(section, [])}
        items: list[ItemChange] = []
        for pk, item in b.items():
            if pk not in a:
                filled = {k: v for k, v in item.items() if v not in (None, "", [], False)}
                items.append(ItemChange("added", _title(section, item),
                                        _field_changes({}, filled, goals_old, goals_new)))
            else:
                fields = _field_changes(a[pk], item, goals_old, goals_new)
                if fields:
                    items.append(ItemChange("changed", _title(section, item), fields))
        for pk, item in a.items():
            if pk not in b:
                items.append(ItemChange("removed", _title(section, item)))
        if items:
            out.append(SectionChange(section, str(SECTION_LABELS[section]), items))
    order = ["plan", "goals", "measures", "resources", "needs", "participants", "evaluation_dates", "clarification"]
    out.sort(key=lambda s: order.index(s.section))
    return out
