"""Queries for the family portal. The caller has authorized VIEW of the family; each card of the
overview asks the policy again for its own information category."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Model, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from los.access.models import Category
from los.access.policy import Action, decide, is_young_person
from los.accounts.models import User
from los.families.models import GUARDIAN_RELATIONS, Child, CoordinatorAssignment, Family, FamilyMember
from los.portal.models import FamilyStory, Message, MessageRead

#: Navigator entries for siblings and carers shown on the siblings page.
SIBLING_OFFERS = ("sosken_tilbud", "foreldrekurs", "pararendeopplaering", "avlastning")
NAVIGATOR_LIMIT = 5


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def story_for(family: Family) -> FamilyStory | None:
    """The family's story, or None when nothing is written yet. Handover summaries put it first; the
    caller must have authorized VIEW of the STORY category."""
    story = FamilyStory.objects.filter(family=family).first()
    return None if story is None or story.is_empty else story


def current_coordinators(family: Family, today: date | None = None) -> list[User]:
    today = today or timezone.localdate()
    rows = CoordinatorAssignment.objects.filter(family=family, started__lte=today).filter(
        Q(ended__isnull=True) | Q(ended__gt=today)).select_related("coordinator")
    return [r.coordinator for r in rows if r.coordinator.is_active]


def current_colleagues(family: Family, today: date | None = None) -> list:
    """Colleagues who share the work with the family's barnekoordinator now (co-coordinators and minute-takers)."""
    from los.families.models import CoAssignment

    today = today or timezone.localdate()
    return [c for c in CoAssignment.objects.filter(family=family, started__lte=today).filter(
        Q(ended__isnull=True) | Q(ended__gt=today)).select_related("user").order_by("role", "pk") if c.user.is_active]


def message_participants(family: Family) -> list[User]:
    """Everybody in the family's message thread: guardians and young people (16+) with a log-in, the family's
    current barnekoordinator and a co-coordinator who shares the work."""
    users: dict[int, User] = {}
    for member in FamilyMember.objects.filter(family=family, user__isnull=False,
                                              relation__in=list(GUARDIAN_RELATIONS)).select_related("user"):
        if member.is_guardian and member.user.is_active:
            users[member.user.pk] = member.user
    for child in family.children.filter(user__isnull=False).select_related("user"):
        if is_young_person(child) and child.user.is_active:
            users[child.user.pk] = child.user
    for coordinator in current_coordinators(family):
        users[coordinator.pk] = coordinator
    for colleague in current_colleagues(family):
        if colleague.role == "co_coordinator":
            users[colleague.user.pk] = colleague.user
    return list(users.values())


def thread(family: Family, user: User) -> list[Message]:
    """The family's messages, oldest first, each with ``unread`` for ``user`` and ``read_by`` (names)."""
    messages = list(Message.objects.filter(family=family).select_related("sender").prefetch_related(
        "receipts__recipient"))
    for m in messages:
        m.unread = any(r.recipient_id == user.pk and r.read_at is None for r in m.receipts.all())
        m.read_by = [r.recipient.get_full_name() or r.recipient.username for r in m.receipts.all() if r.read_at]
    return messages


def unread_count(family: Family, user: User) -> int:
    return MessageRead.objects.filter(family=family, recipient=user, read_at__isnull=True).count()


def siblings_and_carers(family: Family) -> list[FamilyMember]:
    """Family members whose own needs the family records: siblings and guardians (as carers)."""
    return [m for m in FamilyMember.objects.filter(family=family)
            if m.relation == "sibling" or m.is_guardian]


def sibling_offers(lang: str) -> list[dict[str, str]]:
    """The catalogue's texts for offers to siblings and carers."""
    catalog = _optional("los.navigator.catalog")
    if catalog is None:
        return []
    loaded = catalog.load_catalog()
    out = []
    for entry_id in SIBLING_OFFERS:
        try:
            entry = loaded.entry(entry_id)
        except KeyError:
            continue
        texts = entry.texts or {}
        out.append({
            "id": entry_id,
            "name": entry.names.get(lang) or entry.names.get("nb", entry_id),
            "summary": (texts.get("summary") or {}).get(lang, ""),
            "how_to_apply": (texts.get("how_to_apply") or {}).get(lang, ""),
        })
    return out


# --- the overview ---------------------------------------------------------------------------------

@dataclass
class Overview:
    family: Family
    allowed: dict[str, bool]
    coordinators: list[User] = field(default_factory=list)
    colleagues: list[Any] = field(default_factory=list)
    next_meeting: Any = None
    actions: list[Any] = field(default_factory=list)
    goals: list[Any] = field(default_factory=list)
    plan: Any = None
    services: dict[str, Any] | None = None
    transitions: list[Any] = field(default_factory=list)
    suggestions: list[Any] = field(default_factory=list)
    story: FamilyStory | None = None
    unread: int = 0
    family_side: bool = False
    survey: list[Any] = field(default_factory=list)  # questionnaires the user can answer now (los.survey)
    move: Any = None  # a proposed or confirmed move of the family's record (los.transitions.models.MoveProposal)
    now: list[NowItem] = field(default_factory=list)
    may_ask: bool = False  # a guardian of a family without a coordinator or an open request may ask for one


@dataclass
class NowItem:
    """One thing that needs the family now, for the top of the family's home.

    ``kind``: ``messages`` (``count`` new), ``meeting`` (the next one), ``decision`` (a decision not fully granted,
    with its appeal deadline when known), ``task`` (a meeting action the family owns), ``renewal`` (a granted
    service whose period ends). ``days`` is the days left until ``on`` (negative when late)."""

    kind: str
    title: str = ""
    url: str = ""
    on: Any = None
    days: int | None = None
    count: int = 0
    decision: str = ""

    @property
    def late_days(self) -> int:
        return -self.days if self.days is not None and self.days < 0 else 0

    @property
    def tone(self) -> str:
        if self.kind == "messages":
            return "info"
        if self.days is not None and self.days < 0:
            return "danger"
        if self.kind == "decision" and (self.days is None or self.days <= 7):
            return "danger" if self.days is not None else "warning"
        if self.days is not None and self.days <= 7:
            return "warning"
        return "neutral"


CARD_CATEGORIES = {
    "coordinator": Category.CASE,
    "meetings": Category.MEETINGS,
    "plan": Category.PLAN,
    "services": Category.SERVICES,
    "transitions": Category.CASE,
    "navigator": Category.HEALTH,
    "story": Category.STORY,
    "messages": Category.MESSAGES,
}


def overview(family: Family, user: User, lang: str, today: date | None = None, unread: int | None = None) -> Overview:
    """Everything the overview shows, card by card, each only when the policy lets ``user`` view it. ``unread``:
    the user's new messages when the caller has counted them already (the family's navigation does)."""
    today = today or timezone.localdate()
    # one question to the policy per category (two cards share CASE, which is also the family's own category)
    decisions = {cat: decide(user, Action.VIEW, family, cat) for cat in dict.fromkeys(CARD_CATEGORIES.values())}
    allowed = {card: decisions[cat].allowed for card, cat in CARD_CATEGORIES.items()}
    base = decisions[Category.CASE]
    data = Overview(family=family, allowed=allowed, family_side=base.basis in ("guardian", "young_person"))
    referrals = _optional("los.referrals.services")
    if referrals is not None and base.basis == "guardian":
        try:
            referrals.check_can_request(family)  # the rule the request page itself applies
            data.may_ask = True
        except ValidationError:
            pass
    if allowed["coordinator"]:
        data.coordinators = current_coordinators(family, today)
        data.colleagues = current_colleagues(family, today)
    meetings = _optional("los.meetings.selectors")
    if allowed["meetings"] and meetings is not None:
        data.next_meeting = meetings.next_meeting(family)
        # the card shows each action's title, due date and owner (a member of the group); the redaction step reads
        # the meeting (a fagmøte's actions are the professionals' own)
        data.actions = meetings.family_actions(family, family_side=data.family_side, related=(
            "owner_member__family_member", "owner_member__child", "owner_member__user", "meeting"))
        for action in data.actions:
            action.overdue = bool(action.due_date and action.due_date < today)
    plans = _optional("los.plans.selectors")
    if allowed["plan"] and plans is not None:
        plan = family.plans.filter(closed_at__isnull=True).order_by("-created_at").first() \
            if hasattr(family, "plans") else None
        if plan is not None:
            data.plan = plan
            data.goals = plans.goal_progress(plan)
    servicemap = _optional("los.servicemap.selectors")
    if allowed["services"] and servicemap is not None:
        data.services = servicemap.family_summary(family, today)
    children = None
    if allowed["transitions"] and meetings is not None:
        if allowed["navigator"]:  # both cards read the children: once, in the navigator's order
            prefetch_related_objects([family], Prefetch("children", queryset=Child.objects.order_by("birth_date", "pk")))
            children = list(family.children.all())
        data.transitions = meetings.upcoming_transitions(family, today)
    if allowed["navigator"]:
        data.suggestions = _navigator(family, today, lang, children=children, entries=_catalogue_rows(data.services))
    if allowed["story"]:
        data.story = story_for(family)
    if allowed["messages"]:
        data.unread = unread_count(family, user) if unread is None else unread
    data.now = now_items(data, today)
    survey = _optional("los.survey.selectors")
    if survey is not None and data.family_side:
        data.survey = survey.open_invitations(family, user, today)
    transitions = _optional("los.transitions.services")
    if data.family_side and transitions is not None and decide(user, Action.VIEW, family, Category.CONSENTS):
        data.move = transitions.open_move(family, related=("family", "to_municipality"))  # the card names the place
    return data


NOW_LIMIT = 4


def now_items(data: Overview, today: date) -> list[NowItem]:
    """What needs the family now, most pressing first: new messages, decisions to react to (an appeal deadline
    running), the family’s own tasks, renewals and the next meeting by days left. Built from what the
    overview has already loaded under the policy, so nothing here is shown that its card would not show."""
    items: list[NowItem] = []
    if data.allowed["messages"] and data.unread:
        items.append(NowItem("messages", url=reverse("portal:messages", args=[data.family.pk]), count=data.unread))
    dated: list[NowItem] = []
    for attention in (data.services or {}).get("attention", []):
        entry, app = attention.entry, attention.application
        url = reverse("servicemap:entry_detail", args=[entry.pk])
        if attention.kind in ("appeal_deadline", "deadline_unknown") and app is not None:
            dated.append(NowItem("decision", title=entry.name, url=url, on=attention.date, days=attention.days,
                                 decision=app.get_decision_display()))
        elif attention.kind == "renewal" and attention.date:
            dated.append(NowItem("renewal", title=entry.name, url=url, on=attention.date,
                                 days=(attention.date - today).days))
    if data.family_side:
        for action in data.actions:
            owner = getattr(action, "owner_member", None)
            if owner is not None and owner.kind == "family" and action.due_date:
                dated.append(NowItem("task", title=action.title,
                                     url=reverse("meetings:family_meetings", args=[data.family.pk]),
                                     on=action.due_date, days=(action.due_date - today).days))
    if data.next_meeting is not None:
        starts = timezone.localdate(data.next_meeting.starts_at)
        dated.append(NowItem("meeting", title=data.next_meeting.place or "", on=data.next_meeting.starts_at,
                             url=reverse("meetings:detail", args=[data.next_meeting.pk]), days=(starts - today).days))
    # the most pressing first (fewest days left); a decision without a known deadline counts as a week
    dated.sort(key=lambda item: (item.days if item.days is not None else 7, item.kind != "decision"))
    items.extend(dated)
    return items[:NOW_LIMIT]


def _catalogue_rows(services: dict[str, Any] | None) -> list[Any] | None:
    """The service-map rows the navigator's profile reads (those naming a catalogue entry, in the map's order), from
    the services card's entries; None when that card was not read."""
    nav = _optional("los.navigator.selectors")
    if services is None or nav is None or not hasattr(nav, "MapEntry"):
        return None
    return [nav.MapEntry(e.pk, e.catalog_id, e.state, e.child_id, (e.provider.kind if e.provider_id else "") or "")
            for e in services["entries"] if e.catalog_id != ""]


def _navigator(family: Family, today: date, lang: str, *, children: list | None = None,
               entries: list | None = None) -> list[Any]:
    nav = _optional("los.navigator.selectors")
    engine = _optional("los.navigator.engine")
    if nav is None or engine is None or not hasattr(nav, "profile_for_family"):
        return []
    try:
        profile = nav.profile_for_family(family, today, children=children, entries=entries)
        return list(_likely_suggestions(engine, profile, today, lang))
    except (ValueError, engine.ProfileError):
        return []


#: The card's suggestions by (profile, day, language, catalogue): the engine's answer depends on nothing else, and
#: many families share a profile (a child's age, conditions, services), so it is worked out once per process.
_SUGGESTIONS: dict[tuple, tuple] = {}
_SUGGESTIONS_MAX = 1024


def _likely_suggestions(engine: Any, profile: dict[str, Any], today: date, lang: str) -> tuple:
    catalog = engine.load_catalog()
    key = (json.dumps(profile, sort_keys=True, default=repr), today, lang, id(catalog), catalog.version)
    found = _SUGGESTIONS.get(key)
    if found is None:
        result = engine.evaluate(profile, today, lang, catalog=catalog)
        likely = [s for s in result.suggestions if s.relevance == "likely"]
        found = tuple(sorted(likely, key=lambda s: s.priority)[:NAVIGATOR_LIMIT])
        if len(_SUGGESTIONS) >= _SUGGESTIONS_MAX:
            _SUGGESTIONS.clear()
        _SUGGESTIONS[key] = found
    return found


# --- the data download ----------------------------------------------------------------------------

def family_models() -> list[type[Model]]:
    """Every model with a ``family`` foreign key to families.Family (Family itself first)."""
    found: list[type[Model]] = [Family]
    for model in apps.get_models():
        f = next((f for f in model._meta.get_fields() if f.name == "family" and f.concrete), None)
        if f is not None and f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is Family:
            found.append(model)
    return found


def family_objects(family: Family) -> dict[type[Model], list[Model]]:
    out: dict[type[Model], list[Model]] = {}
    for model in family_models():
        if model is Family:
            out[model] = [family]
        else:
            out[model] = list(model._default_manager.filter(family=family).order_by("pk"))
    return out
