"""The one access policy of Los.

Every read or change of a family's data asks :func:`decide` (or :func:`authorize`, which also writes
the audit event and raises when access is refused). Lists, searches and counts start from
:func:`visible_families` so that a list never shows or counts what the user cannot open.

The rules, in order (the first rule that answers wins; otherwise access is refused):

0. Nobody changes the access log; it can only be read (and exported) by those in rules 1–3.
1. Guardians of the family (parental responsibility or daily care) see everything about their family,
   siblings included, except the coordinator's working notes. From 16 the young person decides over
   their own health information: guardians lose the health category for that child when the young
   person has said so. Guardians who may consent can share (give and withdraw consent) and export.
2. A young person aged 16 or more with their own log-in sees their own family's case (not the
   coordinator's working notes, not a sibling's health information) and may give and withdraw
   consent for their own health information. A child under 16 with a log-in gets nothing here.
3. The family's barnekoordinator (an active assignment) sees and changes the whole case, including
   their own working notes, and may record a consent the family gave on paper or orally.
3b. A colleague named on the family (:class:`~los.families.models.CoAssignment`, holding an active
   barnekoordinator role that serves the family) shares the work, and no more than their part of it:
   a *co-coordinator* sees, changes and exports the case as the coordinator does, except the family's access
   log, giving or withdrawing consent, and the working notes unless the coordinator has let them
   (``sees_working_notes``); a *minute-taker* sees the basic case information, the meetings (a fagmøte's content
   and minutes not yet approved included) and the individual plan, and changes only the meetings. What rule 3b
   does not allow may still be allowed by a later rule (a minute-taker who also works in the unit).
4. Caseworkers and the leader of the coordinating unit in the family's municipality see and change
   the case, but not the coordinator's working notes, the messages between the family and the
   coordinator, nor the access log: the coordinator must be able to stand on the family's side.
5. A service contact sees a family only while the family has an active consent naming the contact's
   service (or the contact by name), and only the information categories the consent covers (any
   active consent includes the basic case information: who the family is). The health information
   of a young person aged 16 or more is covered only by a consent the young person gave. They can
   contribute (comment, add agenda items) in those categories and change only what they own.
6. Municipal leaders and system administrators never see a single family: statistics only.

The family's answers to the questionnaire about the scheme (category ``survey``, ``los.survey``) are the family's
alone: guardians see and change them (answer, delete), except a young person's (16+ with an own log-in), who sees
and changes only their own, and no staff rule opens them, not the coordinator's either: what the family says about
its coordinator and its services must not be readable by those it talks about.
7. Nobody sees another municipality's families unless a recorded inter-municipal agreement lets the
   staff member's municipality serve the family's municipality, or the family's recorded move
   (:class:`~los.access.models.FamilyTransfer`) hands the family over to the staff member's
   municipality (rules 3 and 4 only).

Working in the same place as someone with access gives no access of its own: every staff rule is
about the person's own role, assignment or a consent that names them or their service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import wraps
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from los.access import disclosure
from los.access.classification import row_category
from los.access.models import (
    COVERED_BY,
    FAMILY_SIDE_HIDDEN,
    NEVER_CONSENTABLE,
    Category,
    Consent,
    FamilyTransfer,
)
from los.accounts.models import Role, StaffRole, User
from los.core.models import MunicipalityAgreement
from los.families.models import (
    GUARDIAN_RELATIONS,
    Child,
    CoAssignment,
    CoordinatorAssignment,
    CoRole,
    Family,
    FamilyMember,
)

YOUNG_PERSON_AGE = 16


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    CONTRIBUTE = "contribute"  # comment, approve, add an agenda item
    SHARE = "share"  # give or withdraw consent
    EXPORT = "export"  # PDF, download, archive


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str  # machine-readable: guardian, young_person, coordinator, unit, consent, owner, no_relation, ...
    reason: str  # plain English for the audit log
    role: str = ""
    service: str = ""

    def __bool__(self) -> bool:
        return self.allowed


FAMILY_EDITABLE = {Category.STORY, Category.SERVICES, Category.DOCUMENTS, Category.MESSAGES, Category.CONTACT,
                   Category.SURVEY}
UNIT_HIDDEN = {Category.WORKING_NOTES, Category.MESSAGES, Category.ACCESS_LOG, Category.SURVEY}
UNIT_ROLES = (Role.CASEWORKER, Role.UNIT_LEADER)
#: What a minute-taker (rule 3b) may see, and the part of it they may change.
MINUTE_TAKER_VIEW = frozenset({Category.CASE, Category.MEETINGS, Category.PROFESSIONAL, Category.DRAFT, Category.PLAN})
MINUTE_TAKER_CHANGE = frozenset({Category.MEETINGS, Category.PROFESSIONAL, Category.DRAFT})
#: Refusals that answer 404 in :func:`los.access.guard.authorize`: the user has no relation to the family,
#: so not even its existence is revealed.
NO_RELATION_BASES = frozenset({"no_relation", "no_consent", "anonymous"})


def _system_read[F: Callable](function: F) -> F:
    """The policy's own reads of consents, members and children are never redacted (``los.access.disclosure``)."""
    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        viewer = disclosure.current()
        if viewer is None:
            return function(*args, **kwargs)
        viewer.suspended += 1
        try:
            return function(*args, **kwargs)
        finally:
            viewer.suspended -= 1
    return wrapper  # type: ignore[return-value]


# --- facts read once per request --------------------------------------------------------------------------
#
# A page asks the policy many times about the same user and family (may they see it, change it, export it,
# and for each participant whether their consent covers it). Inside :func:`remembered_facts` (a GET or HEAD
# request: ``los.access.middleware.PolicyFactsMiddleware``) each fact the rules stand on — is the user a
# guardian, the young person, the assigned coordinator, which consents are active, has the family moved — is
# read from the database once. Any save or delete of a model those facts come from forgets them all
# (``los.access.apps``), and outside the block nothing is remembered: services and tests always read afresh.

_facts: ContextVar[dict | None] = ContextVar("los_policy_facts", default=None)


@contextmanager
def remembered_facts() -> Iterator[None]:
    """Within the block, the policy reads each fact about a user and a family from the database once."""
    token = _facts.set({})
    try:
        yield
    finally:
        _facts.reset(token)


def forget_facts(**_: Any) -> None:
    """Forget what :func:`remembered_facts` has read (a fact may have changed). A signal receiver."""
    memo = _facts.get()
    if memo is not None:
        memo.clear()


def _fact[T](key: tuple, compute: Callable[[], T]) -> T:
    memo = _facts.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@_system_read
def prime_facts(users: Iterable[User | None], family: Family) -> None:
    """Read the facts about many users and one family in four or five queries (a plan's or a meeting's participants),
    so that asking the policy about each of them costs none. Does nothing outside :func:`remembered_facts`."""
    memo = _facts.get()
    users = [u for u in users if u is not None and u.pk is not None]
    if memo is None or not users:
        return
    ids = {u.pk for u in users}
    guardians: dict[int, FamilyMember] = {}
    for member in FamilyMember.objects.filter(user_id__in=ids, family=family).order_by("pk"):
        if member.is_guardian:
            guardians.setdefault(member.user_id, member)
    children: dict[int, Child] = {}
    for child in Child.objects.filter(user_id__in=ids, family=family).order_by("pk"):
        children.setdefault(child.user_id, child)
    assigned = set(_current_assignments(family).filter(coordinator_id__in=ids).values_list("coordinator_id", flat=True))
    consents = list(_active_consent_query().filter(family=family))
    colleagues: dict[int, CoAssignment] = {}
    if any(r.role == Role.BARNEKOORDINATOR for u in users for r in u.active_roles()):
        for co in _current_co_assignments(family).filter(user_id__in=ids).order_by("role", "pk"):
            colleagues.setdefault(co.user_id, co)
    for user in users:
        memo.setdefault(("co_assignment", user.pk, family.pk), colleagues.get(user.pk))
        memo.setdefault(("guardian", user.pk, family.pk), guardians.get(user.pk))
        memo.setdefault(("own_child", user.pk, family.pk), children.get(user.pk))
        memo.setdefault(("assigned", user.pk, family.pk), user.pk in assigned)
        providers = _contact_provider_ids(user)
        memo.setdefault(("consents", user.pk, family.pk), [
            c for c in consents if c.service_provider_id in providers or c.person_id == user.pk] if providers else [])


@_system_read
def prime_families(user: User | None, family_ids: Iterable[int]) -> None:
    """Read the facts about one user and many families in a few queries (a list or search page that shows 25
    families), so that asking the policy about each of those families — as the redaction step does for every
    family a page names — costs no query. The answers are the same as without priming. Does nothing outside
    :func:`remembered_facts`."""
    memo = _facts.get()
    ids = sorted({fid for fid in family_ids if fid is not None})
    if memo is None or not ids or user is None or not user.is_authenticated or user.pk is None:
        return
    guardians: dict[int, FamilyMember] = {}
    for member in FamilyMember.objects.filter(user=user, family_id__in=ids).order_by("pk"):
        if member.is_guardian:
            guardians.setdefault(member.family_id, member)
    children: dict[int, Child] = {}
    for child in Child.objects.filter(user=user, family_id__in=ids).order_by("pk"):
        children.setdefault(child.family_id, child)
    today = timezone.localdate()
    current = Q(started__lte=today) & (Q(ended__isnull=True) | Q(ended__gt=today))
    assigned: set[int] = set()
    colleagues: dict[int, CoAssignment] = {}
    if any(r.role == Role.BARNEKOORDINATOR for r in user.active_roles()):
        assigned = set(CoordinatorAssignment.objects.filter(current, coordinator=user, family_id__in=ids)
                       .values_list("family_id", flat=True))
        for co in CoAssignment.objects.filter(current, user=user, family_id__in=ids).order_by("role", "pk"):
            colleagues.setdefault(co.family_id, co)
    providers = _contact_provider_ids(user)
    consents = list(_active_consent_query().filter(Q(service_provider_id__in=providers) | Q(person=user),
                                                   family_id__in=ids)) if providers else []
    for fid in ids:
        memo.setdefault(("guardian", user.pk, fid), guardians.get(fid))
        memo.setdefault(("own_child", user.pk, fid), children.get(fid))
        memo.setdefault(("assigned", user.pk, fid), fid in assigned)
        memo.setdefault(("co_assignment", user.pk, fid), colleagues.get(fid))
        memo.setdefault(("consents", user.pk, fid), [c for c in consents if c.family_id == fid])


def resolve(obj: Any) -> tuple[Family, Category, Child | None]:
    """The family an object belongs to, the information category it is in, and the child it is about."""
    if isinstance(obj, Family):
        return obj, Category.CASE, None
    family = obj.family
    category = row_category(obj)
    child = obj if isinstance(obj, Child) else getattr(obj, "child", None)
    return family, category, child


def _owners(obj: Any) -> set[int]:
    owners = getattr(obj, "access_owner_ids", None)
    return set(owners()) if callable(owners) else set()


def _sixteenth_birthday_cutoff(today: date) -> date:
    """Children born on or before this day are 16 or older ``today``."""
    try:
        return today.replace(year=today.year - YOUNG_PERSON_AGE)
    except ValueError:  # 29 February
        return date(today.year - YOUNG_PERSON_AGE, 2, 28)


def is_young_person(child: Child | None) -> bool:
    """True for a child aged 16 or more: they decide over their own health information."""
    return child is not None and (child.age or 0) >= YOUNG_PERSON_AGE


def _young_persons_own(child: Child | None) -> bool:
    """A questionnaire (category ``survey``) about a young person aged 16 or more with an own log-in is theirs alone:
    they answer it there, and the guardians do not see it."""
    return is_young_person(child) and child.user_id is not None


def serving_municipality_ids(role: StaffRole, today: date | None = None) -> set[int]:
    """The municipalities whose families a staff role may work on: its own and agreements it hosts."""
    today = today or timezone.localdate()
    ids = {role.municipality_id}
    ids.update(
        MunicipalityAgreement.objects.filter(host_id=role.municipality_id, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values_list("member_id", flat=True)
    )
    return ids


def _municipality_ids_for(user: User, roles: tuple[str, ...]) -> set[int]:
    cache = user.__dict__.setdefault("_los_municipality_cache", {})
    if roles not in cache:
        ids: set[int] = set()
        for role in user.active_roles():
            if role.role in roles:
                ids |= serving_municipality_ids(role)
        cache[roles] = ids
    return cache[roles]


def _active_transfers(today: date | None = None) -> QuerySet[FamilyTransfer]:
    today = today or timezone.localdate()
    return FamilyTransfer.objects.filter(date__lte=today, cancelled_at__isnull=True)


def _known[T](key: tuple, family_id: int, read_one: Callable[[], T], read_all: Callable[[], dict[int, T]],
              default: T) -> T:
    """A fact about one family, read with the same fact about every family at once (inside
    :func:`remembered_facts`): a list of twenty families asks the policy twenty times, and reads each kind of
    fact once. ``key`` is ``(kind, user or municipalities, family id)``; a fact primed for one family wins."""
    memo = _facts.get()
    if memo is None:
        return read_one()
    if key in memo:
        return memo[key]
    all_key = (key[0] + "*", key[1])
    if all_key not in memo:
        memo[all_key] = read_all()
    return memo[all_key].get(family_id, default)


def _reaches(family: Family, municipality_ids: set[int]) -> str:
    """How staff serving ``municipality_ids`` reach the family: ``home``, ``transfer`` or ``""`` (not at all)."""
    if not municipality_ids:
        return ""
    if family.municipality_id in municipality_ids:
        return "home"
    ids = frozenset(municipality_ids)
    if _known(("transfer", ids, family.pk), family.pk,
              lambda: _active_transfers().filter(family=family, to_municipality_id__in=ids).exists(),
              lambda: dict.fromkeys(_active_transfers().filter(to_municipality_id__in=ids)
                                    .values_list("family_id", flat=True), True),
              False):
        return "transfer"
    return ""


def _first_guardians(members: Iterable[FamilyMember]) -> dict[int, FamilyMember]:
    found: dict[int, FamilyMember] = {}
    for member in members:
        if member.is_guardian:
            found.setdefault(member.family_id, member)
    return found


def _guardian_membership(user: User, family: Family) -> FamilyMember | None:
    return _known(("guardian", user.pk, family.pk), family.pk,
                  lambda: _first_guardians(FamilyMember.objects.filter(user=user, family=family).order_by("pk")).get(
                      family.pk),
                  lambda: _first_guardians(FamilyMember.objects.filter(user=user).order_by("pk")),
                  None)


def _first_children(children: Iterable[Child]) -> dict[int, Child]:
    found: dict[int, Child] = {}
    for child in children:
        found.setdefault(child.family_id, child)
    return found


def _own_child(user: User, family: Family) -> Child | None:
    return _known(("own_child", user.pk, family.pk), family.pk,
                  lambda: Child.objects.filter(user=user, family=family).order_by("pk").first(),
                  lambda: _first_children(Child.objects.filter(user=user).order_by("pk")),
                  None)


def _current_assignments(family: Family, today: date | None = None) -> QuerySet[CoordinatorAssignment]:
    today = today or timezone.localdate()
    return CoordinatorAssignment.objects.filter(family=family, started__lte=today).filter(
        Q(ended__isnull=True) | Q(ended__gt=today))


@_system_read
def is_assigned_coordinator(user: User, family: Family) -> bool:
    """Whether ``user`` is the family's barnekoordinator today (an active assignment)."""
    today = timezone.localdate()
    return _known(("assigned", user.pk, family.pk), family.pk,
                  lambda: _current_assignments(family).filter(coordinator=user).exists(),
                  lambda: dict.fromkeys(
                      CoordinatorAssignment.objects.filter(coordinator=user, started__lte=today)
                      .filter(Q(ended__isnull=True) | Q(ended__gt=today)).values_list("family_id", flat=True), True),
                  False)


def _current_co_assignments(family: Family, today: date | None = None) -> QuerySet[CoAssignment]:
    today = today or timezone.localdate()
    return CoAssignment.objects.filter(family=family, started__lte=today).filter(
        Q(ended__isnull=True) | Q(ended__gt=today))


@_system_read
def co_assignment(user: User, family: Family) -> CoAssignment | None:
    """The user's active part on the family as a colleague of its barnekoordinator (rule 3b), if any."""
    return _fact(("co_assignment", user.pk, family.pk),
                 lambda: _current_co_assignments(family).filter(user=user).order_by("role", "pk").first())


def _co_decision(co: CoAssignment, action: Action, category: Category) -> Decision:
    """Rule 3b: what a co-coordinator or a minute-taker may do (see the module)."""
    role = Role.BARNEKOORDINATOR
    if co.role == CoRole.CO_COORDINATOR:
        if action == Action.SHARE:
            return Decision(False, "family_shares", "only the family gives consent", role)
        if category == Category.ACCESS_LOG:
            return Decision(False, "family_only", "only the family and its coordinator see the access log", role)
        if category == Category.WORKING_NOTES and not co.sees_working_notes:
            return Decision(False, "working_notes", "the coordinator has not shared the working notes", role)
        return Decision(True, "co_coordinator", "co-coordinator of the family", role)
    if action == Action.VIEW and category in MINUTE_TAKER_VIEW:
        return Decision(True, "minute_taker", "minute-taker for the family's meetings", role)
    if action in (Action.CHANGE, Action.CONTRIBUTE) and category in MINUTE_TAKER_CHANGE:
        return Decision(True, "minute_taker", "minute-taker for the family's meetings", role)
    return Decision(False, "minute_taker_only", f"a minute-taker does not {action.value} {category.label}", role)


def _contact_provider_ids(user: User) -> set[int]:
    return {r.service_provider_id for r in user.active_roles() if r.role == Role.SERVICE_CONTACT}


def _active_consent_query() -> QuerySet[Consent]:
    now = timezone.now()
    return Consent.objects.filter(withdrawn_at__isnull=True, valid_from__lte=now, valid_to__gt=now).select_related(
        "service_provider")


def _active_consents(user: User, family_id: int | None = None) -> list[Consent]:
    provider_ids = _contact_provider_ids(user)
    if not provider_ids:
        return []
    def read(**family: int) -> list[Consent]:
        return list(_active_consent_query().filter(Q(service_provider_id__in=provider_ids) | Q(person=user),
                                                   **family))
    if family_id is None:
        return read()

    def read_all() -> dict[int, list[Consent]]:
        by_family: dict[int, list[Consent]] = {}
        for consent in read():
            by_family.setdefault(consent.family_id, []).append(consent)
        return by_family

    return _known(("consents", user.pk, family_id), family_id, lambda: read(family_id=family_id), read_all, [])


def consent_covers(consent: Consent, category: Category | str, child: Child | None = None) -> bool:
    """Whether an (active) consent covers ``category`` information, about ``child`` when given.

    Every consent covers the basic case information. The health information of a young person aged 16
    or more is covered only by a consent that young person gave; a consent the young person gave covers
    only their own health information.
    """
    category = COVERED_BY.get(Category(category), Category(category))
    if category in NEVER_CONSENTABLE:
        return False
    if category == Category.CASE:
        return True
    if category.value not in (consent.categories or []):
        return False
    if category == Category.HEALTH:
        if consent.given_by_child_id is not None:
            return child is not None and child.pk == consent.given_by_child_id
        if is_young_person(child):
            return False
    return True


@_system_read
def decide(user: User | None, action: Action | str, obj: Any, category: Category | str | None = None) -> Decision:
    """Answer whether ``user`` may do ``action`` on ``obj`` (a family or an object that belongs to one)."""
    action = Action(action)
    family, obj_category, child = resolve(obj)
    category = Category(category) if category else obj_category
    return _decide(user, action, obj, family, category, child)


@_system_read
def decide_view(user: User | None, family: Family, category: Category | str, child: Child | None = None) -> Decision:
    """Whether ``user`` may view ``category`` information of ``family`` (about ``child``): the redaction step's
    question, asked per row and per classified field."""
    return _decide(user, Action.VIEW, family, family, Category(category), child)


def _decide(user: User | None, action: Action, obj: Any, family: Family, category: Category,
            child: Child | None) -> Decision:
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision(False, "anonymous", "not logged in")
    if category == Category.ACCESS_LOG and action not in (Action.VIEW, Action.EXPORT):
        return Decision(False, "append_only", "the access log cannot be changed")

    # 1. Guardians
    member = _guardian_membership(user, family)
    if member is not None:
        if category == Category.WORKING_NOTES:
            return Decision(False, "working_notes", "working notes belong to the coordinator", "guardian")
        if category in FAMILY_SIDE_HIDDEN:
            return Decision(False, "professionals_only", f"not shown to the family ({category.label})", "guardian")
        if category == Category.HEALTH and is_young_person(child) and not child.shares_health_with_guardians:
            return Decision(False, "young_person_health",
                            "the young person (16+) has not shared their health information", "guardian")
        if category == Category.SURVEY and _young_persons_own(child):
            return Decision(False, "young_persons_answers",
                            "a young person's own answers to the questionnaire", "guardian")
        if action in (Action.VIEW, Action.CONTRIBUTE, Action.EXPORT):
            return Decision(True, "guardian", f"guardian of the family ({member.get_relation_display()})", "guardian")
        if action == Action.SHARE:
            if isinstance(obj, Consent) and obj.given_by_child_id is not None:
                return Decision(False, "young_persons_consent",
                                "a young person's consent about their own health is theirs to withdraw", "guardian")
            if member.may_consent:
                return Decision(True, "guardian", "guardian who may consent", "guardian")
            return Decision(False, "guardian_no_consent_right", "this guardian may not consent", "guardian")
        if action == Action.CHANGE and (category in FAMILY_EDITABLE or user.id in _owners(obj)):
            return Decision(True, "guardian", "guardian changing the family's own information", "guardian")
        return Decision(False, "guardian_read_only", "guardians cannot change this", "guardian")

    # 2. The young person (16+) with an own log-in
    own_child = _own_child(user, family)
    if own_child is not None and is_young_person(own_child):
        if category == Category.WORKING_NOTES:
            return Decision(False, "working_notes", "working notes belong to the coordinator", "young_person")
        if category in FAMILY_SIDE_HIDDEN:
            return Decision(False, "professionals_only", f"not shown to the family ({category.label})",
                            "young_person")
        if category == Category.HEALTH and child is not None and child.pk != own_child.pk:
            return Decision(False, "sibling_health", "another child's health information", "young_person")
        if category == Category.SURVEY:
            if child is None or child.pk != own_child.pk:
                return Decision(False, "guardians_answers", "the guardians' answers to the questionnaire",
                                "young_person")
            if action == Action.CHANGE:
                return Decision(True, "young_person", "the young person's own answers to the questionnaire",
                                "young_person")
        if action in (Action.VIEW, Action.CONTRIBUTE, Action.EXPORT):
            return Decision(True, "young_person", "the young person's own case", "young_person")
        if action == Action.SHARE:
            if isinstance(obj, Consent) and obj.given_by_child_id != own_child.pk:
                return Decision(False, "guardians_consent", "consent given by a guardian", "young_person")
            return Decision(True, "young_person", "the young person (16+) decides over own health information",
                            "young_person")
        if action == Action.CHANGE and user.id in _owners(obj):
            return Decision(True, "owner", "the young person's own item", "young_person")
        return Decision(False, "young_person_read_only", "cannot change this", "young_person")

    roles = user.active_roles()
    if not roles:
        return Decision(False, "no_relation", "no relation to the family")

    # 3. The family's barnekoordinator
    co_refusal: Decision | None = None
    if any(r.role == Role.BARNEKOORDINATOR for r in roles):
        if is_assigned_coordinator(user, family) and _reaches(family, _municipality_ids_for(user, (Role.BARNEKOORDINATOR,))):
            if category == Category.SURVEY:
                return Decision(False, "family_only", "the family's answers to the questionnaire are the family's own",
                                Role.BARNEKOORDINATOR)
            if action == Action.SHARE:
                return Decision(False, "family_shares", "only the family gives consent", Role.BARNEKOORDINATOR)
            return Decision(True, "coordinator", "the family's barnekoordinator", Role.BARNEKOORDINATOR)
        # 3b. A colleague sharing the work: a co-coordinator or a minute-taker
        co = co_assignment(user, family)
        if co is not None and _reaches(family, _municipality_ids_for(user, (Role.BARNEKOORDINATOR,))):
            verdict = _co_decision(co, action, category)
            if verdict.allowed:
                return verdict
            co_refusal = verdict  # a relation, but not to this: unless a later rule allows it

    # 4. The coordinating unit (of the family's municipality, a host municipality, or the receiving one)
    unit_roles = [r for r in roles if r.role in UNIT_ROLES]
    reach = _reaches(family, _municipality_ids_for(user, UNIT_ROLES)) if unit_roles else ""
    if reach:
        role_name = unit_roles[0].role
        if category == Category.ACCESS_LOG:
            return Decision(False, "family_only", "only the family and its coordinator see the access log", role_name)
        if category == Category.SURVEY:
            return Decision(False, "family_only", "the family's answers to the questionnaire are the family's own",
                            role_name)
        if category in UNIT_HIDDEN:
            return Decision(False, "coordinator_side", "not visible to the coordinating unit", role_name)
        if action == Action.SHARE:
            return Decision(False, "family_shares", "only the family gives consent", role_name)
        if reach == "transfer":
            return Decision(True, "transfer", "coordinating unit of the municipality the family moves to", role_name)
        return Decision(True, "unit", "coordinating unit of the family's municipality", role_name)

    # 5. Service contacts under consent
    if any(r.role == Role.SERVICE_CONTACT for r in roles):
        consents = _active_consents(user, family.id)
        if not consents:
            return co_refusal or Decision(False, "no_consent", "no active consent names this service",
                                          Role.SERVICE_CONTACT)
        for consent in consents:
            if consent_covers(consent, category, child):
                service = consent.service_provider.name if consent.service_provider else ""
                if action in (Action.VIEW, Action.CONTRIBUTE):
                    return Decision(True, "consent", f"consent to {service or 'the person'} for {category.label}",
                                    Role.SERVICE_CONTACT, service)
                if action == Action.CHANGE and user.id in _owners(obj):
                    return Decision(True, "owner", "owner of this item, under consent", Role.SERVICE_CONTACT, service)
                return co_refusal or Decision(False, "consent_read_only", "consent allows reading only",
                                              Role.SERVICE_CONTACT, service)
        return co_refusal or Decision(False, "category_not_covered", f"the consent does not cover {category.label}",
                                      Role.SERVICE_CONTACT)

    if co_refusal is not None:
        return co_refusal
    # 6. Municipal leaders and administrators: statistics only
    if any(r.role in (Role.MUNICIPAL_LEADER, Role.SYSTEM_ADMIN) for r in roles):
        return Decision(False, "no_relation", "leaders and administrators see statistics only", roles[0].role)
    return Decision(False, "no_relation", "no relation to the family", roles[0].role)


@_system_read
def visible_families(user: User | None, category: Category | str = Category.CASE) -> QuerySet[Family]:
    """Families whose ``category`` information the user may view. Lists, search and counts start here.

    This is the family-level answer of :func:`decide` as one query: a family is in the list exactly when
    ``decide(user, "view", family, category)`` allows it. The ids come from one ``UNION ALL`` of the user's
    relations (guardian, young person, assignment, unit, consent), so that the database reads the few families
    of a coordinator or a parent through indexes; an ``OR`` of the same conditions made PostgreSQL read every
    family in the country for each list (15 ms per query on the national dataset).
    """
    category = Category(category)
    if user is None or not user.is_authenticated or not user.is_active:
        return Family.objects.none()
    sources = [read() for _key, read in _visible_sources(user, category, timezone.localdate())]
    if not sources:
        return Family.objects.none()
    first, *rest = (source.order_by() for source in sources)
    return Family.objects.filter(pk__in=first.union(*rest, all=True) if rest else first)


def visible_family_ids(user: User | None, categories: Iterable[Category | str],
                       among: Iterable[int]) -> dict[Category, set[int]]:
    """For each category, the ids among ``among`` of the families in ``visible_families(user, category)``: the same
    answer, for a page that asks about a few families in many categories. Each of the user's relations (guardian,
    young person, assignment, colleague, unit, consent) is read once for all the categories, restricted to
    ``among``, instead of once per category."""
    categories = [Category(c) for c in categories]
    among = sorted({pk for pk in among if pk is not None})
    if user is None or not user.is_authenticated or not user.is_active or not among:
        return {category: set() for category in categories}
    today = timezone.localdate()
    wanted = {category: _visible_sources(user, category, today) for category in categories}
    sources: dict[tuple, Callable[[], QuerySet]] = {}
    for found in wanted.values():
        sources.update((key, read) for key, read in found if key not in sources)
    keys = list(sources)
    colleague_keys = [key for key in keys if key[0] == "colleague"]
    parts = []
    for number, key in enumerate(keys):  # one query: each relation's families among ``among``, tagged
        if key[0] == "colleague":
            continue
        qs = sources[key]().order_by()
        column = "pk" if qs.model is Family else "family_id"
        parts.append(qs.filter(**{f"{column}__in": among})
                     .annotate(los_source=Value(number, output_field=IntegerField())).values_list(column, "los_source")
                     .order_by())
    if colleague_keys:  # the colleague rows once, tagged with the highest variant each row gives
        co = Q(role=CoRole.CO_COORDINATOR)
        parts.append(_colleague_rows(user, today).filter(family_id__in=among).annotate(los_source=Case(
            When(co & Q(sees_working_notes=True), then=Value(-1 - _COLLEAGUE_LEVEL["working_notes"])),
            When(co, then=Value(-1 - _COLLEAGUE_LEVEL["co_coordinator"])),
            default=Value(-1 - _COLLEAGUE_LEVEL["any"]), output_field=IntegerField(),
        )).values_list("family_id", "los_source").order_by())
    read: dict[tuple, set[int]] = {key: set() for key in keys}
    if parts:
        first, *rest = parts
        for family_id, number in (first.union(*rest, all=True).order_by() if rest else first):
            if number >= 0:
                read[keys[number]].add(family_id)
                continue
            for key in colleague_keys:  # a row of a higher variant gives every lower one
                if -1 - number >= _COLLEAGUE_LEVEL[key[1]]:
                    read[key].add(family_id)
    return {category: set().union(*(read[key] for key, _read in found)) for category, found in wanted.items()}


def _colleague_rows(user: User, today: date) -> QuerySet[CoAssignment]:
    """The user's running assignments as a colleague on a family of a municipality they serve as barnekoordinator
    (or transferred to one): every variant of the colleague relation filters these rows."""
    ids = _municipality_ids_for(user, (Role.BARNEKOORDINATOR,))
    return (CoAssignment.objects.filter(user=user, started__lte=today)
            .filter(Q(ended__isnull=True) | Q(ended__gt=today))
            .filter(Q(family__municipality_id__in=ids)
                    | Q(family_id__in=_active_transfers(today).filter(to_municipality_id__in=ids).values("family_id"))))


#: The variants of the colleague relation by what the row must give: any colleague (0), a co-coordinator (1), a
#: co-coordinator who sees the working notes (2). ``visible_family_ids`` reads the rows once and sorts them by this.
_COLLEAGUE_LEVEL = {"any": 0, "co_coordinator": 1, "working_notes": 2}


def _visible_sources(user: User, category: Category, today: date) -> list[tuple[tuple, Callable[[], QuerySet]]]:
    """The relations that let ``user`` view ``category`` information of a family, each as (a key naming the relation
    and its variant, a function that makes the query of the family ids it gives). Equal keys give equal queries."""
    sources: list[tuple[tuple, Callable[[], QuerySet]]] = []
    if category != Category.WORKING_NOTES and category not in FAMILY_SIDE_HIDDEN:
        sources.append((("guardian",), lambda: FamilyMember.objects.filter(user=user).filter(
            Q(parental_responsibility=True) | Q(daily_care=True), relation__in=list(GUARDIAN_RELATIONS)
        ).values("family_id")))
        if category != Category.SURVEY:  # the young person sees only their own answers, never the family's
            sources.append((("young_person",), lambda: Child.objects.filter(
                user=user, birth_date__lte=_sixteenth_birthday_cutoff(today)).values("family_id")))
    roles = user.active_roles()
    if any(r.role == Role.BARNEKOORDINATOR for r in roles) and category != Category.SURVEY:
        def assigned() -> QuerySet:
            ids = _municipality_ids_for(user, (Role.BARNEKOORDINATOR,))
            return (CoordinatorAssignment.objects.filter(coordinator=user, started__lte=today)
                    .filter(Q(ended__isnull=True) | Q(ended__gt=today))
                    .filter(Q(family__municipality_id__in=ids)
                            | Q(family_id__in=_active_transfers(today).filter(to_municipality_id__in=ids)
                                .values("family_id")))
                    .values("family_id"))
        sources.append((("coordinator",), assigned))
    if any(r.role == Role.BARNEKOORDINATOR for r in roles) and category != Category.ACCESS_LOG:
        if category == Category.WORKING_NOTES:
            variant = "working_notes"
        elif category not in MINUTE_TAKER_VIEW:
            variant = "co_coordinator"
        else:
            variant = "any"

        def colleague() -> QuerySet:
            rows = _colleague_rows(user, today)
            if variant == "working_notes":
                rows = rows.filter(role=CoRole.CO_COORDINATOR, sees_working_notes=True)
            elif variant == "co_coordinator":
                rows = rows.filter(role=CoRole.CO_COORDINATOR)
            return rows.values("family_id")
        sources.append((("colleague", variant), colleague))
    if any(r.role in UNIT_ROLES for r in roles) and category not in UNIT_HIDDEN:
        sources.append((("unit",), lambda: Family.objects.filter(
            municipality_id__in=_municipality_ids_for(user, UNIT_ROLES)).values("pk")))
        sources.append((("unit_transfer",), lambda: _active_transfers(today).filter(
            to_municipality_id__in=_municipality_ids_for(user, UNIT_ROLES)).values("family_id")))
    if any(r.role == Role.SERVICE_CONTACT for r in roles) and category not in NEVER_CONSENTABLE:
        covering = COVERED_BY.get(category, category)
        ids = {c.family_id for c in _active_consents(user)
               if covering == Category.CASE or (covering.value in c.categories
                                                and not (covering == Category.HEALTH and c.given_by_child_id))}
        if ids:
            sources.append((("consent", tuple(sorted(ids))), lambda ids=ids: Family.objects.filter(pk__in=ids)
                            .values("pk")))
    return sources


def decide_municipal_content(user: User | None, municipality_id: int) -> Decision:
    """Whether ``user`` may add and change the municipality's own content that holds no family's data, such as its
    local services and routines in the navigator: caseworkers and the leader of the municipality's own coordinating
    unit. Host agreements give nothing here: each municipality describes its own services."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision(False, "anonymous", "not logged in")
    for role in user.active_roles():
        if role.role in UNIT_ROLES and role.municipality_id == municipality_id:
            return Decision(True, "unit", "coordinating unit of the municipality", role.role)
    return Decision(False, "not_unit", "only the municipality's coordinating unit changes its local content")


def can(user: User | None, action: Action | str, obj: Any, category: Category | str | None = None) -> bool:
    return decide(user, action, obj, category).allowed
