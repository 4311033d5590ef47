"""Queries for the consent register and the family's access log. Callers have been authorized."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from los.access.models import AuditAction, AuditEvent, Category, Consent
from los.access.policy import Action, decide, is_young_person
from los.accounts.models import Role, User
from los.core.models import ServiceProvider
from los.families.models import Child, Family, FamilyMember


@dataclass
class ConsentOverview:
    active: list[Consent] = field(default_factory=list)  # in force now, or starting later
    past: list[Consent] = field(default_factory=list)  # withdrawn or ended; kept for the history


def consents_for_family(family: Family) -> ConsentOverview:
    """The family's consents, newest first, split into those in force and the history."""
    overview = ConsentOverview()
    rows = (Consent.objects.filter(family=family)
            .select_related("service_provider", "person", "given_by_member", "given_by_child", "recorded_by",
                            "withdrawn_by")
            .order_by("-valid_from", "-pk"))
    for consent in rows:
        (overview.active if consent.status in ("active", "upcoming") else overview.past).append(consent)
    return overview


def withdrawable_ids(user: User, consents: list[Consent]) -> set[int]:
    """The consents this user may withdraw (the family) or record a withdrawal of (staff)."""
    return {c.pk for c in consents
            if decide(user, Action.SHARE, c).allowed or decide(user, Action.CHANGE, c).allowed}


def consent_providers(family: Family) -> QuerySet[ServiceProvider]:
    """Services a consent can name: those registered for the family's municipality."""
    return ServiceProvider.objects.filter(municipality_id=family.municipality_id).order_by("kind", "name")


def consent_givers(family: Family) -> list[FamilyMember | Child]:
    """Who in the family can give consent: guardians who may consent and young people from 16."""
    givers: list[FamilyMember | Child] = [
        m for m in FamilyMember.objects.filter(family=family, may_consent=True).order_by("given_name") if m.is_guardian
    ]
    givers += [c for c in Child.objects.filter(family=family).order_by("birth_date") if is_young_person(c)]
    return givers


def young_person_of(user: User, family: Family) -> Child | None:
    child = Child.objects.filter(family=family, user=user).first()
    return child if is_young_person(child) else None


def health_hidden_from_guardians(family: Family) -> bool:
    """True when a young person (16+) in the family has not shared their health information."""
    return any(is_young_person(c) and not c.shares_health_with_guardians for c in family.children.all())


def access_log_for_family(family: Family, *, hide_health: bool = False, hide_survey: bool = False,
                          leave_out_actor: int | None = None, person: str = "", service: str = "",
                          ) -> QuerySet[AuditEvent]:
    """Every access event for the family, newest first. ``hide_health`` leaves out health information events
    (for guardians when a young person keeps their health information to themselves); ``hide_survey`` the events
    about the family's answers to the questionnaire (for the coordinator: when the family dealt with a
    questionnaire is the family's own business); ``leave_out_actor`` the viewer's own look-ups; ``person`` keeps
    one person's events (a user id, or ``LOS_ITSELF`` for what Los did on its own), ``service`` one service's."""
    qs = AuditEvent.objects.filter(family=family).order_by("-at", "-pk").only(
        "at", "actor_name", "actor_role", "actor_service", "action", "category", "object_type", "allowed")
    if hide_health:
        qs = qs.exclude(category=Category.HEALTH)
    if hide_survey:
        qs = qs.exclude(category=Category.SURVEY)
    if leave_out_actor is not None:
        qs = qs.exclude(actor_id=leave_out_actor)
    if person == LOS_ITSELF:
        qs = qs.filter(actor__isnull=True)
    elif person.isdigit():
        qs = qs.filter(actor_id=int(person))
    if service:
        qs = qs.filter(actor_service=service)
    return qs


#: The person filter's value for events without a person (Los itself: reminders, scheduled tasks).
LOS_ITSELF = "los"


def access_log_choices(family: Family, *, hide_health: bool = False, hide_survey: bool = False,
                       leave_out_actor: int | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """The people and the services in the family's log, for its filters: ``([(value, name)], [service])``, each
    sorted by name. A person whose name changed is listed under the name of their newest event."""
    qs = access_log_for_family(family, hide_health=hide_health, hide_survey=hide_survey,
                               leave_out_actor=leave_out_actor)
    people: dict[str, str] = {}
    for actor_id, name in qs.values_list("actor_id", "actor_name"):
        key = LOS_ITSELF if actor_id is None else str(actor_id)
        people.setdefault(key, name or (_("Los (automatic)") if actor_id is None else ""))
    services = sorted({name for name in qs.values_list("actor_service", flat=True) if name}, key=str.lower)
    return sorted(people.items(), key=lambda pair: pair[1].lower()), services


_ROLE_LABELS = {
    "guardian": lambda: _("Guardian"),
    "young_person": lambda: _("The young person"),
}


def role_label(value: str) -> str:
    if value in _ROLE_LABELS:
        return _ROLE_LABELS[value]()
    try:
        return str(Role(value).label)
    except ValueError:
        return ""


def category_label(value: str) -> str:
    try:
        return str(Category(value).label)
    except ValueError:
        return _("the family's information")


def describe_event(event: AuditEvent) -> str:
    """One access event in plain language (the family reads this)."""
    what = category_label(event.category).lower() if event.category else _("the family's information")
    if event.action == AuditAction.DENIED or not event.allowed:
        return _("Tried to open %(what)s, but was refused") % {"what": what}
    if event.action == AuditAction.VIEW:
        if event.category == Category.ACCESS_LOG:
            return _("Looked at this list of who has looked")
        return _("Looked at %(what)s") % {"what": what}
    if event.action == AuditAction.CHANGE:
        if event.category == Category.CONSENTS:
            return _("Recorded a consent given on paper or orally")
        return _("Changed %(what)s") % {"what": what}
    if event.action == AuditAction.SHARE:
        if event.category == Category.CONSENTS:
            return _("Gave or withdrew a consent")
        if event.category == Category.HEALTH:
            return _("Changed who may see the young person's health information")
        return _("Handed information over: %(what)s") % {"what": what}
    if event.action == AuditAction.EXPORT:
        return _("Downloaded or printed %(what)s") % {"what": what}
    return str(AuditAction(event.action).label) if event.action in AuditAction.values else event.action
