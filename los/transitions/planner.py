"""The transition planner: which transitions lie ahead for a family, and when their plans open.

Transitions computed from the child's date of birth (the Norwegian school system, Opplæringslova and
Barnehageloven):

- *start of kindergarten*: a child who turns one by the end of August has the right to a place from August
  that year (taken as 1 August); a child who turns one in September, October or November from the month they
  turn one (taken as the first birthday); a child born in December from August the year after;
- *school start*: in August of the calendar year the child turns six (taken as 15 August);
- *lower secondary school* (8th grade): in August of the year the child turns 13;
- *upper secondary school*: in August of the year the child turns 16;
- *turning 18*: on the 18th birthday (for a child born on 29 February: 1 March, as in
  :meth:`los.families.models.Child.eighteenth_birthday`). The barnekoordinator ends; an ordinary
  coordinator and adult services take over.

The child's daily setting leaves out transitions already made (a child in primary school has no school
start ahead). A transition plan opens ``TransitionSettings.months_ahead(kind)`` months before the
transition and stays due until the transition day.

Recorded events are transitions too, and open a plan from the day they are recorded until
``event_window_days`` after the event: a recorded move (:class:`~los.access.models.FamilyTransfer`), a new
barnekoordinator (a :class:`~los.families.models.CoordinatorAssignment` that follows an earlier one) and a
new contact person in a service (a member of the coordination group who joins when someone from the same
service has left).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, Value
from django.utils.translation import gettext as _

from los.core import deadlines
from los.core.dates import format_day
from los.families.models import Child, CoordinatorAssignment, Family, Setting
from los.transitions.models import AGE_KINDS, TransitionKind, TransitionSettings

K = TransitionKind
KINDERGARTEN_YEAR_STARTS = (8, 1)
SCHOOL_YEAR_STARTS = (8, 15)
SCHOOL_START_AGE = 6
LOWER_SECONDARY_AGE = 13
UPPER_SECONDARY_AGE = 16
ADULT_AGE = 18

# --- dates --------------------------------------------------------------------------------------------


def kindergarten_start(birth: date) -> date:
    """When the child has the right to a kindergarten place (barnehageloven § 16)."""
    if birth.month <= 8:
        return date(birth.year + 1, *KINDERGARTEN_YEAR_STARTS)
    if birth.month <= 11:
        return date(birth.year + 1, birth.month, birth.day)
    return date(birth.year + 2, *KINDERGARTEN_YEAR_STARTS)


def _august_of_year_turning(birth: date, age: int) -> date:
    return date(birth.year + age, *SCHOOL_YEAR_STARTS)


def school_start(birth: date) -> date:
    """August of the calendar year the child turns six."""
    return _august_of_year_turning(birth, SCHOOL_START_AGE)


def lower_secondary_start(birth: date) -> date:
    """8th grade: August of the calendar year the child turns 13."""
    return _august_of_year_turning(birth, LOWER_SECONDARY_AGE)


def upper_secondary_start(birth: date) -> date:
    """Upper secondary school: August of the calendar year the child turns 16."""
    return _august_of_year_turning(birth, UPPER_SECONDARY_AGE)


def eighteenth_birthday(birth: date) -> date:
    try:
        return birth.replace(year=birth.year + ADULT_AGE)
    except ValueError:  # born 29 February
        return date(birth.year + ADULT_AGE, 3, 1)


AGE_DATES = {
    K.KINDERGARTEN: kindergarten_start,
    K.SCHOOL_START: school_start,
    K.LOWER_SECONDARY: lower_secondary_start,
    K.UPPER_SECONDARY: upper_secondary_start,
    K.TURNING_18: eighteenth_birthday,
}

#: How far along the school system a daily setting is; a transition into a stage the child has reached is
#: behind them. ``None``: unknown (every transition applies by date).
_SETTING_STAGE = {
    Setting.HOME: 0, Setting.KINDERGARTEN: 1, Setting.PRIMARY: 2, Setting.LOWER_SECONDARY: 3,
    Setting.UPPER_SECONDARY: 4, Setting.NONE: None,
}
_KIND_STAGE = {K.KINDERGARTEN: 1, K.SCHOOL_START: 2, K.LOWER_SECONDARY: 3, K.UPPER_SECONDARY: 4}


def applies(kind: str, setting: str) -> bool:
    """Whether a transition still lies ahead for a child in ``setting``."""
    if kind == K.TURNING_18:
        return True
    stage = _SETTING_STAGE.get(setting)
    if kind == K.KINDERGARTEN and setting == Setting.NONE:
        return False
    return stage is None or stage < _KIND_STAGE[kind]


def age_transition_dates(birth: date) -> dict[str, date]:
    """Every age-based transition of a child born on ``birth``, whether it is past or ahead."""
    return {kind: compute(birth) for kind, compute in AGE_DATES.items()}


# --- transitions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One transition ahead. ``child``, ``kind``, ``on`` and ``label`` are the same as in the meetings app's
    agenda helper, so that it can use :func:`los.transitions.selectors.upcoming_transitions` instead."""

    child: Child | None
    kind: str
    on: date
    label: str
    opens_on: date | None = None
    key: str = ""
    family_id: int | None = None
    source_ref: str = field(default="", compare=False)

    @property
    def kind_label(self) -> str:
        try:
            return str(TransitionKind(self.kind).label)
        except ValueError:
            return self.kind

    def is_due_on(self, today: date, window_days: int = 0) -> bool:
        if self.opens_on is None:
            return False
        if self.kind in AGE_KINDS:
            return self.opens_on <= today < self.on
        return self.opens_on <= today <= max(self.on, self.opens_on) + timedelta(days=window_days)


def _day(value: date) -> str:
    return format_day(value, "short")


def label_for(kind: str, child: Child | None, on: date, extra: str = "") -> str:
    name = child.given_name if child is not None else ""
    if kind == K.KINDERGARTEN:
        return _("%(name)s can start kindergarten from %(date)s") % {"name": name, "date": _day(on)}
    if kind == K.SCHOOL_START:
        return _("%(name)s starts school in August %(year)s") % {"name": name, "year": on.year}
    if kind == K.LOWER_SECONDARY:
        return _("%(name)s starts lower secondary school (8th grade) in August %(year)s") % {
            "name": name, "year": on.year}
    if kind == K.UPPER_SECONDARY:
        return _("%(name)s starts upper secondary school in August %(year)s") % {"name": name, "year": on.year}
    if kind == K.TURNING_18:
        return _("%(name)s turns 18 on %(date)s: plan the handover to adult services") % {
            "name": name, "date": _day(on)}
    if kind == K.MOVE:
        return _("The family moves to %(municipality)s on %(date)s") % {"municipality": extra, "date": _day(on)}
    if kind == K.MOVED_IN:
        return _("The family moved here from %(municipality)s") % {"municipality": extra}
    if kind == K.NEW_COORDINATOR:
        return _("New barnekoordinator from %(date)s: %(name)s") % {"date": _day(on), "name": extra}
    if kind == K.NEW_CONTACT:
        return _("New contact person at %(service)s from %(date)s") % {"service": extra, "date": _day(on)}
    if kind == "birth":
        return _("Expected birth: plan the start together with the hospital")
    return str(kind)


def age_key(kind: str, child_id: int, on: date) -> str:
    return f"{kind}:{child_id}:{on.isoformat()}"


def child_transitions(child: Child, settings: TransitionSettings) -> list[Transition]:
    """The age-based transitions still ahead of the child's setting, with the day each plan opens."""
    if child.birth_date is None:
        return []
    found = []
    for kind, on in age_transition_dates(child.birth_date).items():
        if not applies(kind, child.setting):
            continue
        opens = deadlines.add_months(on, -settings.months_ahead(kind))
        found.append(Transition(child, kind, on, label_for(kind, child, on), opens, age_key(kind, child.pk, on),
                                child.family_id))
    return found


def _settings_for(municipality_ids: Iterable[int]) -> dict[int, TransitionSettings]:
    ids = set(municipality_ids)
    found = {s.municipality_id: s for s in TransitionSettings.objects.filter(municipality_id__in=ids)}
    return {m: found.get(m) or TransitionSettings(municipality_id=m) for m in ids}


def _group_member_model():
    try:
        return apps.get_model("meetings", "GroupMember")
    except LookupError:  # the meetings app is not installed
        return None


def recorded_transitions(family_ids: Iterable[int], since: date) -> dict[int, list[Transition]]:
    """Transitions from recorded events on or after ``since`` (moves, new coordinators, new contacts)."""
    ids = list(family_ids)
    out: dict[int, list[Transition]] = defaultdict(list)
    if not ids:
        return out
    from los.access.models import FamilyTransfer

    member_model = _group_member_model()
    # which families have any recorded event of each kind, in one query: most have none, and then none of the
    # three is read (each is read below only for the families that have one)
    moves = FamilyTransfer.objects.filter(cancelled_at__isnull=True, date__gte=since)
    starts = CoordinatorAssignment.objects.filter(started__gte=since).filter(Q(ended__isnull=True) | Q(ended__gt=since))
    joins = (member_model.objects.filter(kind="service", joined__gte=since, service_provider__isnull=False)
             if member_model is not None else None)
    flags = list(Family.objects.filter(pk__in=ids).order_by().annotate(
        moved=Exists(moves.filter(family_id=OuterRef("pk"))),
        started=Exists(starts.filter(family_id=OuterRef("pk"))),
        joined=Exists(joins.filter(family_id=OuterRef("pk"))) if joins is not None else Value(False),
    ).values_list("pk", "moved", "started", "joined"))
    moved_ids = [pk for pk, moved, _started, _joined in flags if moved]
    started_ids = [pk for pk, _moved, started, _joined in flags if started]
    joined_ids = [pk for pk, _moved, _started, joined in flags if joined]
    for transfer in (moves.filter(family_id__in=moved_ids).select_related("to_municipality") if moved_ids else []):
        recorded = transfer.created_at.date()
        out[transfer.family_id].append(Transition(
            None, K.MOVE, transfer.date, label_for(K.MOVE, None, transfer.date, transfer.to_municipality.name),
            min(recorded, transfer.date), f"move:{transfer.pk}", transfer.family_id, f"transfer:{transfer.pk}"))
    changes = list(starts.filter(family_id__in=started_ids).select_related("coordinator")) if started_ids else []
    earlier: dict[int, list[date]] = defaultdict(list)
    for fid, ended in (CoordinatorAssignment.objects.filter(family_id__in={a.family_id for a in changes},
                                                             ended__isnull=False).values_list("family_id", "ended")):
        earlier[fid].append(ended)
    for assignment in changes:
        if not any(ended <= assignment.started for ended in earlier.get(assignment.family_id, [])):
            continue  # the family's first barnekoordinator is an appointment, not a change
        name = assignment.coordinator.get_full_name() or assignment.coordinator.username
        out[assignment.family_id].append(Transition(
            None, K.NEW_COORDINATOR, assignment.started,
            label_for(K.NEW_COORDINATOR, None, assignment.started, name), assignment.started,
            f"new_coordinator:{assignment.pk}", assignment.family_id, f"assignment:{assignment.pk}"))
    if joins is not None and joined_ids:
        joined = list(joins.filter(family_id__in=joined_ids).select_related("service_provider"))
        if joined:
            left = defaultdict(list)
            for fid, provider_id, day in (member_model.objects.filter(
                    family_id__in=ids, kind="service", left__isnull=False,
                    service_provider_id__in={m.service_provider_id for m in joined})
                    .values_list("family_id", "service_provider_id", "left")):
                left[(fid, provider_id)].append(day)
            for member in joined:
                days = left.get((member.family_id, member.service_provider_id), [])
                if not any(abs((member.joined - day).days) <= 90 for day in days):
                    continue  # a first contact at that service, not a new one
                out[member.family_id].append(Transition(
                    None, K.NEW_CONTACT, member.joined,
                    label_for(K.NEW_CONTACT, None, member.joined, member.service_provider.name), member.joined,
                    f"new_contact:{member.pk}", member.family_id, f"group_member:{member.pk}"))
    return out


def family_transitions(family: Family, today: date, horizon_months: int = 36) -> list[Transition]:
    """Every transition ahead for the family within ``horizon_months`` (and recorded events not long past),
    with the day its plan opens, soonest first."""
    settings = TransitionSettings.for_municipality(family.municipality_id)
    end = deadlines.add_months(today, horizon_months)
    found = [t for child in family.children.all() for t in child_transitions(child, settings)
             if today <= t.on <= end]
    window = timedelta(days=settings.event_window_days)
    found += [t for t in recorded_transitions([family.pk], today - window).get(family.pk, []) if t.on <= end]
    return sorted(found, key=lambda t: (t.on, t.kind))


def due_transitions(families: Iterable[Family], today: date) -> list[Transition]:
    """The transitions whose plans are due to be open on ``today`` for ``families`` (opened or not)."""
    families = list(families)
    if not families:
        return []
    by_id = {f.pk: f for f in families}
    settings = _settings_for(f.municipality_id for f in families)
    due: list[Transition] = []
    for child in Child.objects.filter(family_id__in=list(by_id), birth_date__isnull=False).order_by("family_id", "pk"):
        family = by_id[child.family_id]
        due += [t for t in child_transitions(child, settings[family.municipality_id]) if t.is_due_on(today)]
    longest = max(s.event_window_days for s in settings.values())
    for family_id, found in recorded_transitions(list(by_id), today - timedelta(days=longest)).items():
        window = settings[by_id[family_id].municipality_id].event_window_days
        due += [t for t in found if t.is_due_on(today, window)]
    return due
