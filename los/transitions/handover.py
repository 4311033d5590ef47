"""The handover summary: the family's story, so that the family does not have to tell it again.

One action (:func:`create_summary`) produces a summary for a new barnekoordinator, a receiving kindergarten
or school, adult services or the coordinating unit of the municipality the family moves to. Every section
is in one information category and is filtered through the access policy **for the receiver**:

- a receiving person (a coordinator, a service contact) gets a section when
  :func:`los.access.policy.decide` lets them view that category of the family;
- a receiving service without a named person gets a section when an active consent from the family naming
  that service covers the category (:func:`los.access.policy.consent_covers`, the same test the policy
  uses for its service contacts). Categories no consent can open (the request and decision on a
  barnekoordinator, the consent register) are never shared with a service;
- the health information of a young person aged 16 or more is shared only under the young person's own
  consent (per child).

What was left out is shown with the reason. The content is never stored: it is read from the family's
record each time the summary is opened, so a withdrawn consent stops the sharing at once. The reader sees
only what both the receiver and the reader themselves may see.

*The family's story* (:attr:`Category.STORY`, the portal's "our story") does not exist yet. Until it does,
the section shows that the family has not written it; an app provides it by defining
``los.portal.story.family_story(family) -> str | None`` (or by :func:`register_story_provider`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from los.access import audit, disclosure
from los.access.models import NEVER_CONSENTABLE, AuditAction, Category, Consent
from los.access.policy import Action, consent_covers, decide, is_young_person
from los.accounts.models import Role, User
from los.core.models import ServiceProvider
from los.families.models import Child, ConditionCategory, CoordinatorAssignment, Family, FamilyMember
from los.families.navigation import FAMILY_SIDE_BASES
from los.transitions.models import HandoverSummary, PlanStatus, ReceiverKind, TaskStatus, TransitionPlan


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: Any
    category: Category


SECTIONS: list[SectionSpec] = [
    SectionSpec("family", gettext_lazy("Who the family is"), Category.CASE),
    SectionSpec("story", gettext_lazy("The family's story"), Category.STORY),
    SectionSpec("plan", gettext_lazy("The individual plan now"), Category.PLAN),
    SectionSpec("what_worked", gettext_lazy("What worked"), Category.PLAN),
    SectionSpec("services", gettext_lazy("Services and decisions"), Category.SERVICES),
    SectionSpec("contacts", gettext_lazy("Contacts around the family"), Category.MEETINGS),
    SectionSpec("actions", gettext_lazy("Open actions"), Category.MEETINGS),
    SectionSpec("health", gettext_lazy("Health and the child's condition"), Category.HEALTH),
    SectionSpec("contact", gettext_lazy("Contact details"), Category.CONTACT),
    SectionSpec("referral", gettext_lazy("The decision on a barnekoordinator"), Category.REFERRAL),
]
SECTION_BY_KEY = {s.key: s for s in SECTIONS}


# --- the family's story hook ---------------------------------------------------------------------------

_story_providers: list[Callable[[Family], str | None]] = []


def register_story_provider(provider: Callable[[Family], str | None]) -> None:
    """Let an app give the family's story ("our story") to handover summaries."""
    if provider not in _story_providers:
        _story_providers.append(provider)


def family_story(family: Family) -> str | None:
    """The family's own story, from the portal's ``story`` module or a registered provider; None if none."""
    providers = list(_story_providers)
    try:
        module = importlib.import_module("los.portal.story")
    except ModuleNotFoundError:
        module = None
    if module is not None and callable(getattr(module, "family_story", None)):
        providers.insert(0, module.family_story)
    for provider in providers:
        text = provider(family)
        if text:
            return text
    return None


# --- the receiver and the policy ------------------------------------------------------------------------


@dataclass
class Receiver:
    kind: str
    user: User | None = None
    provider: ServiceProvider | None = None

    @property
    def name(self) -> str:
        parts = []
        if self.user is not None:
            parts.append(self.user.get_full_name() or self.user.username)
        if self.provider is not None:
            parts.append(self.provider.name)
        return ", ".join(parts) or str(_("the receiver"))

    @classmethod
    def of(cls, summary: HandoverSummary) -> Receiver:
        return cls(summary.receiver_kind, summary.receiver_user, summary.receiver_provider)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    basis: str = ""


class _ReceiverPolicy:
    """The access policy's answer for the receiver, one decision per category (and per child for health)."""

    def __init__(self, receiver: Receiver, family: Family) -> None:
        self.receiver = receiver
        self.family = family
        self._cache: dict[tuple[str, int | None], Verdict] = {}
        self._consents: list[Consent] | None = None

    def consents(self) -> list[Consent]:
        if self._consents is None:
            now = timezone.now()
            self._consents = list(Consent.objects.filter(
                family=self.family, service_provider=self.receiver.provider, withdrawn_at__isnull=True,
                valid_from__lte=now, valid_to__gt=now)) if self.receiver.provider is not None else []
        return self._consents

    def verdict(self, category: Category, child: Child | None = None) -> Verdict:
        key = (category.value, child.pk if child is not None else None)
        if key not in self._cache:
            self._cache[key] = self._decide(category, child)
        return self._cache[key]

    def _decide(self, category: Category, child: Child | None) -> Verdict:
        if self.receiver.user is not None:
            decision = decide(self.receiver.user, Action.VIEW, child if child is not None else self.family, category)
            return Verdict(decision.allowed, decision.basis)
        if self.receiver.provider is None:
            return Verdict(False, "no_receiver")
        if category in NEVER_CONSENTABLE:
            return Verdict(False, "never_consentable")
        consents = self.consents()
        if not consents:
            return Verdict(False, "no_consent")
        if any(consent_covers(c, category, child) for c in consents):
            return Verdict(True, "consent")
        if category == Category.HEALTH and is_young_person(child):
            return Verdict(False, "young_person_health")
        return Verdict(False, "category_not_covered")


def reason_text(basis: str, category: Category, receiver_name: str) -> str:
    """Why a section was left out, for people."""
    what = str(category.label).lower()
    if category in NEVER_CONSENTABLE and basis in ("category_not_covered", "consent_read_only"):
        basis = "never_consentable"
    if basis == "never_consentable":
        return _("%(what)s cannot be shared with a service by consent.") % {"what": str(category.label)}
    if basis == "no_consent":
        return _("No active consent from the family names %(receiver)s.") % {"receiver": receiver_name}
    if basis in ("category_not_covered", "consent_read_only"):
        return _("The family's consent to %(receiver)s does not cover %(what)s.") % {
            "receiver": receiver_name, "what": what}
    if basis in ("young_person_health", "sibling_health"):
        return _("A young person aged 16 or more decides over their own health information, and has not "
                 "consented to share it with %(receiver)s.") % {"receiver": receiver_name}
    if basis in ("coordinator_side", "family_only", "working_notes"):
        return _("Only the family and its barnekoordinator see %(what)s.") % {"what": what}
    if basis in ("no_relation", "anonymous", "no_receiver"):
        return _("%(receiver)s has no role with the family (yet), so nothing of %(what)s can be shared.") % {
            "receiver": receiver_name, "what": what}
    return _("The access policy does not let %(receiver)s see %(what)s.") % {"receiver": receiver_name, "what": what}


# --- content --------------------------------------------------------------------------------------------


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _family_content(family: Family, today: date, children: list[Child]) -> dict:
    members = list(FamilyMember.objects.filter(family=family).order_by("relation", "given_name"))
    assignment = (CoordinatorAssignment.objects.filter(family=family, started__lte=today)
                  .exclude(ended__lte=today).select_related("coordinator").order_by("-started").first())
    language = dict(Family._meta.get_field("preferred_language").choices).get(family.preferred_language, "")
    return {
        "children": [{"name": f"{c.given_name} {c.family_name}", "birth_date": c.birth_date,
                      "expected": c.expected_birth_date, "age": c.age_on(today),
                      "setting": c.get_setting_display()} for c in children],
        "members": [{"name": f"{m.given_name} {m.family_name}", "relation": m.get_relation_display(),
                     "parental_responsibility": m.parental_responsibility, "daily_care": m.daily_care,
                     "lives_with_child": m.lives_with_child} for m in members],
        "language": language,
        "interpreter": family.interpreter_language if family.needs_interpreter else "",
        "coordinator": _name(assignment.coordinator) if assignment else "",
        "coordinator_since": assignment.started if assignment else None,
        "municipality": family.municipality.name,
    }


def _contact_content(family: Family) -> dict:
    return {"guardians": [{"name": f"{m.given_name} {m.family_name}", "relation": m.get_relation_display(),
                           "phone": m.phone, "email": m.email, "address": m.address}
                          for m in FamilyMember.objects.filter(family=family).order_by("relation", "given_name")
                          if m.is_guardian]}


def _health_content(children: list[Child]) -> dict:
    return {"children": [{"name": f"{c.given_name} {c.family_name}",
                          "conditions": [_label(ConditionCategory, v) for v in c.condition_categories or []],
                          "summary": c.condition_summary} for c in children]}


def _current_plan(family: Family) -> Any:
    try:
        plan_model = apps.get_model("plans", "Plan")
    except LookupError:
        return None
    return plan_model.objects.filter(family=family, status="active").first()


def _plan_content(family: Family, today: date) -> dict:
    plan = _current_plan(family)
    content: dict[str, Any] = {"plan": None, "transitions": []}
    if plan is not None:
        measures = list(plan.measures.filter(status__in=["planned", "in_progress"])
                        .select_related("owner_person", "owner_provider").order_by("due_date", "pk"))
        next_evaluation = plan.evaluation_dates.filter(held_on__isnull=True, date__gte=today).order_by("date").first()
        content["plan"] = {
            "what_matters": plan.what_matters,
            "goals": [{"text": g.text, "whose": g.whose_label, "category": g.get_category_display()}
                      for g in plan.goals.filter(archived=False).select_related("member", "child")],
            "measures": [{"title": m.title, "owner": m.owner_label, "due_date": m.due_date,
                          "status": m.get_status_display()} for m in measures],
            "next_evaluation": next_evaluation.date if next_evaluation else None,
            "participants": [{"name": p.name, "affiliation": p.affiliation} for p in plan.participants.filter(
                left_at__isnull=True).select_related("family_member", "child", "user", "service_provider")],
        }
    for tp in (TransitionPlan.objects.filter(family=family, status=PlanStatus.OPEN).select_related("child")
               .prefetch_related("tasks__owner", "tasks__owner_provider")):
        content["transitions"].append({
            "title": tp.title, "date": tp.transition_date, "child_view": tp.child_view,
            "tasks": [{"title": t.label, "owner": t.owner_label, "due_date": t.due_date}
                      for t in tp.tasks.all() if t.status == TaskStatus.OPEN],
        })
    return content


def _what_worked_content(family: Family) -> dict:
    content: dict[str, Any] = {"evaluations": [], "resources": [], "done_measures": [], "transitions": []}
    plan = _current_plan(family)
    if plan is not None:
        for e in (plan.evaluations.filter(result__in=["reached", "partly"]).select_related("goal", "occasion")
                  .order_by("-occasion__date")[:12]):
            content["evaluations"].append({"goal": e.goal.text, "result": e.get_result_display(),
                                           "family_view": e.family_view, "date": e.occasion.held_on or e.occasion.date})
        content["resources"] = [{"text": r.text, "whose": r.whose_label}
                                for r in plan.resources.select_related("member")]
        content["done_measures"] = [{"title": m.title, "owner": m.owner_label} for m in plan.measures.filter(
            status="done").select_related("owner_person", "owner_provider").order_by("-status_changed_at", "-pk")[:10]]
    content["transitions"] = [{"title": tp.title, "text": tp.what_worked, "closed_on": tp.closed_on}
                              for tp in TransitionPlan.objects.filter(family=family).exclude(what_worked="")
                              .select_related("child").order_by("-closed_on", "-pk")]
    return content


def _services_content(family: Family, today: date) -> dict:
    try:
        entry_model = apps.get_model("servicemap", "ServiceEntry")
    except LookupError:
        return {"entries": [], "pending": [], "decisions": []}
    entries = list(entry_model.objects.filter(family=family).exclude(state="ended").select_related("provider")
                   .prefetch_related("applications").order_by("sector", "title"))
    pending, decisions = [], []
    since = today - timedelta(days=365)
    for entry in entries:
        for application in entry.applications.all():
            if application.decision == "pending":
                pending.append({"name": entry.name, "sent_on": application.sent_on})
            elif application.decision_on and application.decision_on >= since:
                decisions.append({"name": entry.name, "decision": application.get_decision_display(),
                                  "decision_on": application.decision_on,
                                  "appeal_deadline": application.appeal_deadline})
    return {
        "entries": [{"name": e.name, "state": e.get_state_display(), "provider": e.provider_display,
                     "extent": " ".join(str(v) for v in (
                         floatformat(e.extent_amount, -1) if e.extent_amount is not None else "",
                         e.get_extent_unit_display() if e.extent_unit else "",
                         e.get_extent_per_display() if e.extent_per else "") if v),
                     "period_from": e.period_from, "period_to": e.period_to, "contact": e.contact_name}
                    for e in entries],
        "pending": pending,
        "decisions": sorted(decisions, key=lambda d: d["decision_on"], reverse=True),
    }


def _contacts_content(family: Family, today: date) -> dict:
    try:
        member_model = apps.get_model("meetings", "GroupMember")
    except LookupError:
        return {"members": []}
    members = [m for m in member_model.objects.filter(family=family).select_related(
        "family_member", "child", "user", "service_provider").order_by("kind", "joined", "pk") if m.is_active_on(today)]
    return {"members": [{"name": m.name, "affiliation": m.affiliation, "role": m.role_title,
                         "since": m.joined} for m in members]}


def _actions_content(family: Family, today: date, family_side: bool) -> dict:
    try:
        action_model = apps.get_model("meetings", "Action")
    except LookupError:
        return {"actions": []}
    qs = action_model.objects.filter(family=family, status="open").select_related(
        "owner_member__family_member", "owner_member__child", "owner_member__user", "service_provider", "meeting")
    if family_side:
        qs = qs.exclude(meeting__kind="professional")
    return {"actions": [{"title": a.title, "owner": a.owner_member.name,
                         "service": a.service_provider.name if a.service_provider_id else "",
                         "due_date": a.due_date, "overdue": a.due_date < today} for a in qs.order_by("due_date", "pk")]}


def _referral_content(family: Family) -> dict:
    content: dict[str, Any] = {"decision": None, "coordinators": []}
    try:
        vedtak_model = apps.get_model("referrals", "Vedtak")
    except LookupError:
        vedtak_model = None
    if vedtak_model is not None:
        vedtak = vedtak_model.objects.filter(family=family).order_by("-decision_date", "-pk").first()
        if vedtak is not None:
            content["decision"] = {"outcome": vedtak.get_outcome_display(), "date": vedtak.decision_date}
    content["coordinators"] = [{"name": _name(a.coordinator), "started": a.started, "ended": a.ended,
                                "end_reason": a.end_reason}
                               for a in CoordinatorAssignment.objects.filter(family=family)
                               .select_related("coordinator").order_by("started")]
    return content


# --- the summary ---------------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    category: Category
    included: bool
    reason: str = ""
    hidden_from_reader: bool = False
    content: dict = field(default_factory=dict)
    left_out_children: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Summary:
    family: Family
    receiver: Receiver
    sections: list[Section]
    made_on: date

    @property
    def shown(self) -> list[Section]:
        return [s for s in self.sections if s.included and not s.hidden_from_reader]

    @property
    def left_out(self) -> list[Section]:
        return [s for s in self.sections if not s.included]

    @property
    def not_shown_to_reader(self) -> list[Section]:
        return [s for s in self.sections if s.included and s.hidden_from_reader]

    @property
    def included_keys(self) -> list[str]:
        return [s.key for s in self.sections if s.included]


def verdicts_for(receiver: Receiver, family: Family) -> dict[str, Verdict]:
    """The receiver's verdict for every section (health: allowed when allowed for at least one child)."""
    policy = _ReceiverPolicy(receiver, family)
    out = {}
    children = list(family.children.all())
    for spec in SECTIONS:
        if spec.category == Category.HEALTH and children:
            verdicts = [policy.verdict(spec.category, c) for c in children]
            allowed = [v for v in verdicts if v.allowed]
            out[spec.key] = allowed[0] if allowed else verdicts[0]
        else:
            out[spec.key] = policy.verdict(spec.category)
    return out


def build_summary(family: Family, receiver: Receiver, *, reader: User | None, today: date | None = None) -> Summary:
    """The summary for ``receiver``, as ``reader`` may read it (both policies apply to every section)."""
    today = today or timezone.localdate()
    policy = _ReceiverPolicy(receiver, family)
    reader_cache: dict[tuple[str, int | None], bool] = {}

    def reader_may(category: Category, child: Child | None = None) -> bool:
        if reader is None:
            return True
        key = (category.value, child.pk if child is not None else None)
        if key not in reader_cache:
            reader_cache[key] = decide(reader, Action.VIEW, child if child is not None else family, category).allowed
        return reader_cache[key]

    family_side = reader is not None and decide(reader, Action.VIEW, family).basis in FAMILY_SIDE_BASES
    children = list(family.children.all())
    with disclosure.disclosing_to(reader) if reader is not None else nullcontext():
        sections = _sections(family, receiver, policy, reader_may, children, today, family_side)
    return Summary(family=family, receiver=receiver, sections=sections, made_on=today)


def _sections(family: Family, receiver: Receiver, policy: _ReceiverPolicy, reader_may: Callable[..., bool],
              children: list[Child], today: date, family_side: bool) -> list[Section]:
    """The summary's sections: each read as the reader may see it (the redaction step), if the receiver may."""
    sections: list[Section] = []
    for spec in SECTIONS:
        title = str(spec.title)
        if spec.category == Category.HEALTH:
            shared = [c for c in children if policy.verdict(spec.category, c).allowed]
            left = [(f"{c.given_name}", reason_text(policy.verdict(spec.category, c).basis, spec.category,
                                                    receiver.name)) for c in children if c not in shared]
            readable = [c for c in shared if reader_may(spec.category, c)]
            if not shared:
                basis = policy.verdict(spec.category, children[0]).basis if children else "no_receiver"
                sections.append(Section(spec.key, title, spec.category, False,
                                        reason_text(basis, spec.category, receiver.name)))
                continue
            sections.append(Section(spec.key, title, spec.category, True, hidden_from_reader=not readable,
                                    content=_health_content(readable) if readable else {},
                                    left_out_children=left))
            continue
        verdict = policy.verdict(spec.category)
        if not verdict.allowed:
            sections.append(Section(spec.key, title, spec.category, False,
                                    reason_text(verdict.basis, spec.category, receiver.name)))
            continue
        if not reader_may(spec.category):
            sections.append(Section(spec.key, title, spec.category, True, hidden_from_reader=True))
            continue
        sections.append(Section(spec.key, title, spec.category, True,
                                content=_content(spec.key, family, today, children, family_side)))
    return sections


def _content(key: str, family: Family, today: date, children: list[Child], family_side: bool) -> dict:
    if key == "family":
        return _family_content(family, today, children)
    if key == "story":
        # siblings' and carers' needs are the family's own words (story), never basic case information
        members = FamilyMember.objects.filter(family=family).exclude(needs="").order_by("relation", "given_name")
        return {"text": family_story(family),
                "needs": [{"name": f"{m.given_name} {m.family_name}", "relation": m.get_relation_display(),
                           "needs": m.needs} for m in members]}
    if key == "plan":
        return _plan_content(family, today)
    if key == "what_worked":
        return _what_worked_content(family)
    if key == "services":
        return _services_content(family, today)
    if key == "contacts":
        return _contacts_content(family, today)
    if key == "actions":
        return _actions_content(family, today, family_side)
    if key == "contact":
        return _contact_content(family)
    if key == "referral":
        return _referral_content(family)
    return {}


# --- sharing --------------------------------------------------------------------------------------------


def receiver_choices_valid(kind: str, user: User | None, provider: ServiceProvider | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in ReceiverKind.values:
        errors["receiver_kind"] = [_("Choose who the summary is for.")]
        return errors
    if kind in (ReceiverKind.NEW_COORDINATOR, ReceiverKind.RECEIVING_UNIT):
        if user is None:
            errors["receiver_user"] = [_("Choose the person who receives the summary.")]
    elif provider is None:
        errors["receiver_provider"] = [_("Choose the receiving school or service.")]
    if user is not None and provider is not None and not any(
            r.role == Role.SERVICE_CONTACT and r.service_provider_id == provider.pk for r in user.active_roles()):
        errors["receiver_user"] = [_("This person is not a contact person at the chosen service.")]
    return errors


def is_receiver(user: User, summary: HandoverSummary) -> bool:
    """The person the summary was made for, or a contact person at the receiving service."""
    if summary.receiver_user_id and summary.receiver_user_id == user.pk:
        return True
    if summary.receiver_provider_id and not summary.receiver_user_id:
        return any(r.role == Role.SERVICE_CONTACT and r.service_provider_id == summary.receiver_provider_id
                   for r in user.active_roles())
    return False


def reading_category(user: User, summary: HandoverSummary) -> Category:
    """The category a reader is authorized for: the receiver reads the summary made for them (each section is
    then filtered through the policy again); everyone else needs to see the family's sharing records."""
    return Category.CASE if is_receiver(user, summary) else Category.CONSENTS


@transaction.atomic
def create_summary(family: Family, *, by: User, receiver_kind: str, receiver_user: User | None = None,
                   receiver_provider: ServiceProvider | None = None, note: str = "",
                   plan: TransitionPlan | None = None, request: HttpRequest | None = None) -> HandoverSummary:
    """Share a handover summary with a receiver: records what the family's consent covers, and writes one SHARE
    event per information category shared (the family's access log shows what went to whom)."""
    errors = receiver_choices_valid(receiver_kind, receiver_user, receiver_provider)
    if errors:
        raise ValidationError(errors)
    if plan is not None and plan.family_id != family.pk:
        raise ValidationError(_("The transition plan belongs to another family."))
    receiver = Receiver(receiver_kind, receiver_user, receiver_provider)
    verdicts = verdicts_for(receiver, family)
    included = [key for key, v in verdicts.items() if v.allowed]
    if not included:
        raise ValidationError(_("The family has not given consent to share anything with %(receiver)s. Ask the "
                                "family for consent first.") % {"receiver": receiver.name})
    summary = HandoverSummary.objects.create(
        family=family, municipality_id=family.municipality_id, plan=plan, receiver_kind=receiver_kind,
        receiver_user=receiver_user, receiver_provider=receiver_provider, note=(note or "").strip()[:5000],
        included=included, left_out=[{"key": k, "basis": v.basis} for k, v in verdicts.items() if not v.allowed],
        created_by=by,
    )
    categories: dict[str, list[str]] = {}
    for key in included:
        categories.setdefault(SECTION_BY_KEY[key].category.value, []).append(key)
    for category, keys in categories.items():
        audit.record(actor=by, action=AuditAction.SHARE, object_type="HandoverSummary", object_id=summary.pk,
                     municipality_id=family.municipality_id, family_id=family.pk, category=category,
                     reason=f"handover summary for {receiver.name} ({receiver_kind}): {', '.join(keys)}",
                     role=_role(by), request=request)
    return summary


def _role(user: User) -> str:
    roles = user.active_roles()
    return roles[0].role if roles else ""
