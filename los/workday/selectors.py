"""What needs doing today, for the barnekoordinator and for the coordinating unit, and finding any family.

Every list starts from the access policy: a section about a kind of information (meetings, the plan, services,
messages, working notes, the referral) reads only the families whose information of that kind the user may see
(``visible_families(user, category)``), so a minute-taker sees the meetings of a family and nothing else of it.
Each section costs a fixed number of queries (a count and the first rows), whatever the number of families: at
national scale a page never loops over families.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from los.access.disclosure import note_shown
from los.access.models import Category
from los.access.policy import prime_families, visible_families, visible_family_ids
from los.accounts.models import Role, User
from los.core.deadlines import add_months, needs_preliminary_reply, preliminary_reply_due
from los.families.models import (
    Child,
    CoAssignment,
    CoordinatorAssignment,
    Family,
    FamilyMember,
    FamilyStatus,
    running_on,
)

#: How many items a section shows before "and N more".
SECTION_LIMIT = 12
#: The default number of weeks without contact that makes a family show up.
CONTACT_WEEKS = 8
MEETING_DAYS = 7
MINUTES_DAYS_BACK = 60
DEADLINE_DAYS = 21
EVALUATION_DAYS = 14
TRANSITION_MONTHS = 6
PAGE_SIZE = 25
#: The information categories the coordinator's sections show.
TODAY_CATEGORIES = (Category.CASE, Category.MEETINGS, Category.PLAN, Category.WORKING_NOTES, Category.MESSAGES,
                    Category.SERVICES, Category.REFERRAL)

URGENCY_ORDER = {"overdue": 0, "today": 1, "soon": 2, "later": 3}


@dataclass
class Item:
    """One thing to do: for which family, what, when, and the page where it is done."""

    family_id: int | None
    text: str
    when: date | None
    urgency: str  # overdue, today, soon, later
    url: str
    action: str
    family: Family | None = None
    #: the information category the item shows of the family (for the audit of what a page showed)
    category: str = Category.CASE

    @property
    def sort_key(self) -> tuple:
        return (URGENCY_ORDER.get(self.urgency, 9), self.when or date.max, self.text)


@dataclass
class Section:
    key: str
    title: str | Promise
    count: int
    items: list[Item] = field(default_factory=list)
    more_url: str = ""
    more_text: str | Promise = ""
    empty_text: str | Promise = ""

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))

    @property
    def urgent(self) -> bool:
        return any(i.urgency in ("overdue", "today") for i in self.items)


@dataclass
class Today:
    sections: list[Section]
    families: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _urgency(day: date | None, today: date, soon_days: int = 7) -> str:
    if day is None:
        return "later"
    if day < today:
        return "overdue"
    if day == today:
        return "today"
    return "soon" if day <= today + timedelta(days=soon_days) else "later"


def _tag(items: list[Item], category: str) -> list[Item]:
    for item in items:
        item.category = category
    return items


def _attach_families(sections: Iterable[Section], user: User | None = None) -> None:
    """One query for the families every item names (their names are read through the redaction step, whose
    question about each family the policy answers from facts read for all of them at once). What each item says is
    noted as shown to the user, by family and category, for the audit events of the page."""
    sections = list(sections)
    ids = {i.family_id for s in sections for i in s.items if i.family_id}
    prime_families(user, ids)
    by_category: dict[str, set[int]] = {}
    for section in sections:
        for item in section.items:
            if item.family_id:
                by_category.setdefault(str(item.category), set()).add(item.family_id)
    for category, family_ids in by_category.items():
        note_shown(family_ids, [Category.CASE, category])
    families = {f.pk: f for f in Family.objects.filter(pk__in=ids).only("pk", "display_name", "reference",
                                                                          "municipality_id", "status")}
    for section in sections:
        for item in section.items:
            item.family = families.get(item.family_id)


#: Up to this many rows a section counts what it read instead of asking the database again.
COUNT_READ = 100


def _counted(qs: QuerySet, limit: int = SECTION_LIMIT) -> tuple[int, list]:
    """How many rows ``qs`` has, and the first ``limit`` of them: one query where there are few."""
    rows = list(qs[:COUNT_READ + 1])
    return (len(rows) if len(rows) <= COUNT_READ else qs.count()), rows[:limit]


# --------------------------------------------------------------------------------------------------
# The barnekoordinator
# --------------------------------------------------------------------------------------------------


def my_family_ids(user: User, today: date | None = None) -> QuerySet:
    """The families the user works on as their barnekoordinator or as a colleague on them (ids, as a subquery)."""
    today = today or timezone.localdate()
    own = CoordinatorAssignment.objects.filter(running_on(today), coordinator=user).values("family_id")
    shared = CoAssignment.objects.filter(running_on(today), user=user).values("family_id")
    return Family.objects.filter(Q(pk__in=own) | Q(pk__in=shared)).values("pk")


class Mine:
    """The barnekoordinator's families for one page: their ids read once, and per information category the ids
    of those the access policy lets the user see (``visible_families``), asked once per category and page. The
    sections then filter by short lists of ids instead of each repeating the policy's subquery."""

    def __init__(self, user: User, today: date) -> None:
        self.user = user
        #: the families the user is the barnekoordinator of, and those they work on as a colleague
        own = (CoordinatorAssignment.objects.filter(running_on(today), coordinator=user)
               .annotate(colleague=Value(False, output_field=BooleanField())).values_list("family_id", "colleague").order_by())
        shared = (CoAssignment.objects.filter(running_on(today), user=user)
                  .annotate(colleague=Value(True, output_field=BooleanField())).values_list("family_id", "colleague").order_by())
        rows = list(own.union(shared, all=True).order_by())
        self.coordinated: list[int] = sorted({family_id for family_id, colleague in rows if not colleague})
        self.ids: list[int] = sorted({family_id for family_id, _colleague in rows})
        self._visible: dict[tuple[str, frozenset[int]], list[int]] = {}
        self._owned: dict[str, list[int]] = {}
        own = frozenset(self.ids)
        for category, ids in visible_family_ids(user, TODAY_CATEGORIES, own).items():
            self._visible[(str(category), own)] = sorted(ids)

    def visible(self, category: str, among: Iterable[int] | None = None) -> list[int]:
        """Ids of the families (the user's own, or ``among``) whose ``category`` information the user may see."""
        among = frozenset(self.ids if among is None else among)
        key = (str(category), among)
        own = (str(category), frozenset(self.ids))
        if key not in self._visible and own in self._visible and among <= own[1]:
            self._visible[key] = [pk for pk in self._visible[own] if pk in among]
        if key not in self._visible:
            self._visible[key] = sorted(visible_family_ids(self.user, [category], among)[Category(category)])
        return self._visible[key]

    def read_owned(self, owned: dict[str, tuple[str, QuerySet]]) -> None:
        """For rows the user owns wherever they are (by name: the category they are in, and their query), the
        families those rows name, all in one query, and the policy's answer about those outside the user's own
        families in one more (only when there are any); ``visible_with(name)`` then answers from it."""
        names = list(owned)
        parts = [qs.order_by().annotate(los_part=Value(number, output_field=IntegerField()))
                 .values_list("family_id", "los_part") for number, (_category, qs) in enumerate(owned.values())]
        first, *rest = parts
        named: dict[str, set[int]] = {name: set() for name in names}
        for family_id, number in (first.union(*rest).order_by() if rest else first.distinct()):
            named[names[number]].add(family_id)
        others = {name: ids - set(self.ids) for name, ids in named.items()}
        elsewhere = set().union(*others.values())
        answers = visible_family_ids(self.user, {owned[name][0] for name in names if others[name]}, elsewhere)
        for name in names:
            category = Category(owned[name][0])
            self._owned[name] = sorted(set(self.visible(category)) | (answers.get(category, set()) & others[name]))

    def visible_with(self, name: str) -> list[int]:
        """The user's own families plus those the rows ``name`` (read by ``read_owned``) name, whose information of
        that category the user may see."""
        return self._owned[name]


def _open_actions(today: date) -> QuerySet:
    from los.meetings.models import Action, ActionStatus

    return Action.objects.filter(status=ActionStatus.OPEN, due_date__lt=today)


def _open_measures(today: date) -> QuerySet:
    from los.plans.models import OPEN_MEASURE_STATUSES, Measure, PlanStatus

    return Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES, due_date__lt=today, plan__status=PlanStatus.ACTIVE)


def _unread(user: User) -> QuerySet:
    from los.portal.models import MessageRead

    return MessageRead.objects.filter(recipient=user, read_at__isnull=True)


def _read_owned(user: User, today: date, mine: Mine) -> None:
    """What the user owns outside their own families shows too (an action or measure they are responsible for, a
    message to them), where the policy lets them see it: the families those rows name, read once for all three."""
    mine.read_owned({"actions": (Category.MEETINGS, _open_actions(today).filter(owner=user)),
                     "measures": (Category.PLAN, _open_measures(today).filter(owner_person=user)),
                     "messages": (Category.MESSAGES, _unread(user))})


def _overdue(user: User, today: date, mine: Mine) -> Section:
    from los.meetings.models import ContactEntry

    actions = (_open_actions(today).filter(family_id__in=mine.visible_with("actions"))
               .filter(Q(family_id__in=mine.visible(Category.MEETINGS)) | Q(owner=user))
               .select_related("owner_member__family_member", "owner_member__child", "owner_member__user")
               .order_by("due_date", "pk"))
    measures = (_open_measures(today).filter(family_id__in=mine.visible_with("measures"))
                .filter(Q(family_id__in=mine.visible(Category.PLAN)) | Q(owner_person=user))
                .order_by("due_date", "pk"))
    follow_ups = (ContactEntry.objects.filter(follow_up_done_at__isnull=True, follow_up_due__lt=today)
                  .exclude(follow_up="")
                  .filter(Q(family_id__in=mine.visible(Category.WORKING_NOTES))
                          | Q(shared_with_family=True, family_id__in=mine.visible(Category.MESSAGES)))
                  .order_by("follow_up_due", "pk"))
    n_actions, actions = _counted(actions)
    n_measures, measures = _counted(measures)
    n_follow, follow_ups = _counted(follow_ups)
    items = [Item(a.family_id, _("Action: %(title)s (%(owner)s)") % {"title": a.title, "owner": a.owner_member.name},
                  a.due_date, "overdue", reverse("meetings:family_meetings", args=[a.family_id]) + "#actions-heading",
                  _("Follow up the action"), category=Category.MEETINGS) for a in actions]
    items += [Item(m.family_id, _("Plan measure: %(title)s") % {"title": m.title}, m.due_date, "overdue",
                   reverse("plans:measure_status", args=[m.pk]), _("Update the measure"), category=Category.PLAN)
              for m in measures]
    items += [Item(e.family_id, _("Follow-up after a call: %(what)s") % {"what": e.follow_up}, e.follow_up_due,
                   "overdue", reverse("meetings:contact_log", args=[e.family_id]), _("Open the contact log"),
                   category=Category.MESSAGES if e.shared_with_family else Category.WORKING_NOTES)
              for e in follow_ups]
    items.sort(key=lambda i: i.sort_key)
    return Section("overdue", gettext_lazy("Overdue"), n_actions + n_measures + n_follow, items[:SECTION_LIMIT],
                   reverse("meetings:my_actions"), gettext_lazy("See all actions"),
                   gettext_lazy("Nothing is overdue."))


def _meetings(user: User, today: date, mine: Mine) -> tuple[Section, Section]:
    from los.meetings.models import Meeting, MeetingStatus, MinutesStatus

    now = timezone.now()
    week_end, back = _start_of(today + timedelta(days=MEETING_DAYS)), now - timedelta(days=MINUTES_DAYS_BACK)
    upcoming_q = Q(status=MeetingStatus.SCHEDULED, ends_at__gte=now, starts_at__lt=week_end)
    unwritten_q = (Q(starts_at__lte=now, starts_at__gte=back) & ~Q(status=MeetingStatus.CANCELLED)
                   & ~Q(minutes__status=MinutesStatus.APPROVED))
    # both lists in one read: the coming week's meetings and those of the last weeks whose minutes are not approved
    meetings = (Meeting.objects.filter(upcoming_q | unwritten_q, family_id__in=mine.visible(Category.MEETINGS))
                .annotate(minutes_state=F("minutes__status")).order_by("starts_at", "pk"))
    rows = list(meetings[:2 * COUNT_READ + 1])
    upcoming = [m for m in rows if m.status == MeetingStatus.SCHEDULED and m.ends_at >= now and m.starts_at < week_end]
    unwritten = [m for m in rows if back <= m.starts_at <= now and m.status != MeetingStatus.CANCELLED
                 and m.minutes_state != MinutesStatus.APPROVED]
    n_upcoming, n_unwritten = len(upcoming), len(unwritten)
    if len(rows) > 2 * COUNT_READ:  # many: each list counted, and its first rows read, on its own
        n_upcoming, upcoming = _counted(meetings.filter(upcoming_q))
        n_unwritten, unwritten = _counted(meetings.filter(unwritten_q))
    upcoming, unwritten = upcoming[:SECTION_LIMIT], unwritten[:SECTION_LIMIT]
    this_week = Section(
        "meetings", gettext_lazy("Meetings this week"), n_upcoming,
        [Item(m.family_id, _("%(kind)s, %(day)s at %(time)s") % {
            "kind": m.get_kind_display(), "day": _weekday(timezone.localtime(m.starts_at).date(), today),
            "time": timezone.localtime(m.starts_at).strftime("%H:%M")},
            timezone.localtime(m.starts_at).date(), _urgency(timezone.localtime(m.starts_at).date(), today),
            reverse("meetings:detail", args=[m.pk]), _("See the agenda")) for m in upcoming],
        empty_text=gettext_lazy("No meetings in the coming seven days."))
    minutes = Section(
        "minutes", gettext_lazy("Minutes not yet written or approved"), n_unwritten,
        [Item(m.family_id, (_("Minutes of the meeting on %(date)s are not approved") if m.minutes_state is not None
                            else _("Minutes of the meeting on %(date)s are not written")) % {
            "date": timezone.localtime(m.starts_at).strftime("%d.%m.%Y")},
            timezone.localtime(m.starts_at).date(),
            "overdue" if timezone.localtime(m.starts_at).date() < today - timedelta(days=7) else "today",
            reverse("meetings:minutes", args=[m.pk]),
            _("Approve the minutes") if m.minutes_state is not None else _("Write the minutes")) for m in unwritten],
        empty_text=gettext_lazy("All minutes are written and approved."))
    return this_week, minutes


def _weekday(day: date, today: date) -> str:
    if day == today:
        return _("today")
    if day == today + timedelta(days=1):
        return _("tomorrow")
    from django.utils.formats import date_format

    return date_format(day, "l j. F")


def _messages(user: User, today: date, mine: Mine) -> Section:
    unread = (_unread(user).filter(family_id__in=mine.visible_with("messages"))
              .values("family_id").annotate(n=Count("pk"), first=Min("message__sent_at")).order_by("first"))
    rows = list(unread[:SECTION_LIMIT])
    total = sum(r["n"] for r in unread) if len(rows) == SECTION_LIMIT else sum(r["n"] for r in rows)
    return Section("messages", gettext_lazy("Unread messages"), total, [
        Item(r["family_id"], ngettext("%(n)s unread message", "%(n)s unread messages", r["n"]) % {"n": r["n"]},
             timezone.localtime(r["first"]).date(), "today", reverse("portal:messages", args=[r["family_id"]]),
             _("Read and answer")) for r in rows], empty_text=gettext_lazy("No unread messages."))


def _deadlines(user: User, today: date, mine: Mine) -> Section:
    from los.servicemap.models import Application, Decision, EntryState, ServiceEntry

    families = mine.visible(Category.SERVICES)
    appeals = (Application.objects.filter(family__in=families, decision__in=[Decision.REFUSED, Decision.PARTLY_GRANTED],
                                          no_appeal=False, appeal_deadline__gte=today,
                                          appeal_deadline__lte=today + timedelta(days=DEADLINE_DAYS))
               .exclude(appeals__isnull=False).select_related("entry").order_by("appeal_deadline", "pk"))
    n_appeals, appeals = _counted(appeals)
    longest = max(12, int(getattr(settings, "LOS_RENEWAL_NOTICE_MONTHS", 3)))
    candidates = list(ServiceEntry.objects.filter(
        family__in=families, state__in=[EntryState.GRANTED, EntryState.PARTLY_GRANTED], period_to__gte=today,
        period_to__lte=add_months(today, longest)).order_by("period_to", "pk")[:200])
    renewals = [e for e in candidates if e.renewal_due(today)]
    items = [Item(a.family_id, _("Appeal deadline: %(name)s") % {"name": a.entry.name}, a.appeal_deadline,
                  _urgency(a.appeal_deadline, today, 7), reverse("servicemap:family_map", args=[a.family_id]),
                  _("Help the family appeal")) for a in appeals]
    items += [Item(e.family_id, _("Apply for renewal: %(name)s ends %(date)s") % {
        "name": e.name, "date": e.period_to.strftime("%d.%m.%Y")}, e.period_to, "soon",
        reverse("servicemap:family_map", args=[e.family_id]), _("Help the family apply")) for e in renewals]
    items.sort(key=lambda i: i.sort_key)
    return Section("deadlines", gettext_lazy("Appeal and renewal deadlines"), n_appeals + len(renewals),
                   items[:SECTION_LIMIT], empty_text=gettext_lazy("No appeal or renewal deadline is near."))


def _plans(user: User, today: date, mine: Mine) -> tuple[Section, Section]:
    from los.plans.models import EvaluationDate, Plan, PlanApproval, PlanStatus

    families = mine.visible(Category.PLAN)
    evaluations = (EvaluationDate.objects.filter(family__in=families, held_on__isnull=True,
                                                 date__lte=today + timedelta(days=EVALUATION_DAYS),
                                                 plan__status=PlanStatus.ACTIVE).order_by("date", "pk"))
    n_eval, evaluations = _counted(evaluations)
    due = Section("evaluations", gettext_lazy("Evaluations due"), n_eval, [
        Item(e.family_id, (_("Evaluation of the plan was due %(date)s") if e.date < today
                           else _("Evaluation of the plan on %(date)s")) % {"date": e.date.strftime("%d.%m.%Y")},
             e.date, _urgency(e.date, today), reverse("plans:evaluation_record", args=[e.pk]),
             _("Record the evaluation")) for e in evaluations],
        empty_text=gettext_lazy("No evaluation is due in the next two weeks."))
    waiting = (Plan.objects.filter(family__in=families, status=PlanStatus.ACTIVE, revision__gt=0)
               .exclude(Exists(PlanApproval.objects.filter(plan=OuterRef("pk"),
                                                           plan_version__number=OuterRef("revision"))))
               .order_by("updated_at", "pk"))
    n_wait, waiting = _counted(waiting)
    approval = Section("approval", gettext_lazy("Plans waiting for the family's approval"), n_wait, [
        Item(p.family_id, _("The plan changed on %(date)s and is not approved by the family yet") % {
            "date": timezone.localtime(p.updated_at).strftime("%d.%m.%Y")}, timezone.localtime(p.updated_at).date(),
            "later", reverse("plans:family_plan", args=[p.family_id]), _("Go through the plan with the family"))
        for p in waiting], empty_text=gettext_lazy("Every plan is approved in its latest version."))
    return due, approval


def _silent(user: User, today: date, mine: Mine, weeks: int) -> Section:
    from los.stats.selectors import active_assignments, without_contact

    own = active_assignments(today).filter(coordinator=user, family_id__in=mine.visible(Category.CASE, mine.coordinated))
    silent = without_contact(own, today, weeks).order_by("started", "pk")
    n, rows = _counted(silent)
    period = ngettext("%(n)s week", "%(n)s weeks", weeks) % {"n": weeks}
    return Section("silent", ngettext("Families without contact in %(n)s week", "Families without contact in %(n)s weeks",
                                      weeks) % {"n": weeks}, n, [
        Item(a.family_id, _("No meeting, call, message or plan change in %(period)s") % {"period": period}, None,
             "soon", reverse("meetings:contact_log", args=[a.family_id]), _("Call the family and write it down"))
        for a in rows], empty_text=gettext_lazy("You have been in touch with every family."))


def _transitions(user: User, today: date, mine: Mine) -> Section:
    from los.referrals.selectors import turning_18
    from los.transitions.models import PlanStatus, TransitionPlan

    horizon = add_months(today, TRANSITION_MONTHS)
    plans = (TransitionPlan.objects.filter(family_id__in=mine.visible(Category.PLAN), status=PlanStatus.OPEN,
                                           transition_date__gte=today, transition_date__lte=horizon)
             .order_by("transition_date", "pk"))
    n_plans, plans = _counted(plans)
    planned = {p.family_id for p in plans if p.kind == "turning_18"}
    adults = [w for w in turning_18(Family.objects.filter(pk__in=mine.visible(Category.CASE)), today)
              if w.months == 6 and w.family.pk not in planned]
    items = [Item(p.family_id, f"{p.get_kind_display()}: {p.transition_date:%d.%m.%Y}",
                  p.transition_date, _urgency(p.transition_date, today, 30),
                  reverse("transitions:plan", args=[p.pk]), _("Open the transition plan"), category=Category.PLAN)
             for p in plans]
    items += [Item(w.family.pk, _("%(name)s turns 18 on %(date)s") % {
        "name": w.child.given_name, "date": w.eighteenth.strftime("%d.%m.%Y")}, w.eighteenth, "soon",
        reverse("referrals:family_case", args=[w.family.pk]), _("Plan the transition to adult services"))
        for w in adults]
    items.sort(key=lambda i: i.sort_key)
    return Section("transitions", gettext_lazy("Transitions coming up"), n_plans + len(adults), items[:SECTION_LIMIT],
                   reverse("transitions:overview"), gettext_lazy("See all transitions"),
                   gettext_lazy("No transition in the next six months."))


def _handovers(user: User, today: date, mine: Mine) -> Section:
    from los.referrals.models import HandoverTask

    tasks = (HandoverTask.objects.filter(to_assignment__coordinator=user, done_at__isnull=True,
                                         family_id__in=mine.visible(Category.REFERRAL)).order_by("due_on", "pk"))
    n, tasks = _counted(tasks)
    return Section("handovers", gettext_lazy("Handovers to finish"), n, [
        Item(t.family_id, _("Handover to you, by %(date)s") % {"date": t.due_on.strftime("%d.%m.%Y")}, t.due_on,
             _urgency(t.due_on, today), reverse("referrals:handover", args=[t.pk]), _("Read the case summary"))
        for t in tasks], empty_text=gettext_lazy("No handover waits for you."))


def coordinator_today(user: User, today: date | None = None, weeks: int = CONTACT_WEEKS) -> Today:
    """Everything that needs the barnekoordinator, across their families, the most urgent kinds first."""
    today = today or timezone.localdate()
    mine = Mine(user, today)
    _read_owned(user, today, mine)
    overdue = _overdue(user, today, mine)
    this_week, minutes = _meetings(user, today, mine)
    evaluations, approval = _plans(user, today, mine)
    messages, deadlines, handovers = (_messages(user, today, mine), _deadlines(user, today, mine),
                                      _handovers(user, today, mine))
    for section, category in ((this_week, Category.MEETINGS), (minutes, Category.MEETINGS),
                              (messages, Category.MESSAGES), (deadlines, Category.SERVICES),
                              (handovers, Category.REFERRAL), (evaluations, Category.PLAN), (approval, Category.PLAN)):
        _tag(section.items, category)
    sections = [overdue, this_week, minutes, messages, deadlines, handovers, evaluations, approval,
                _silent(user, today, mine, weeks), _transitions(user, today, mine)]
    _attach_families(sections, user)
    from los.servicemap import selectors as servicemap  # the service map's flags

    services = set(mine.visible(Category.SERVICES, mine.coordinated))
    extra = {
        "delivery_shortfalls": servicemap.delivery_shortfalls(user, today, sorted(services)),
        "measures_without_decision": servicemap.measures_without_decision(
            user, today, [pk for pk in mine.visible(Category.PLAN, mine.coordinated) if pk in services]),
    }
    return Today(sections=sections, families=len(mine.visible(Category.CASE)), extra=extra)


# --------------------------------------------------------------------------------------------------
# The coordinating unit (caseworkers and the unit leader)
# --------------------------------------------------------------------------------------------------


def unit_today(user: User, today: date | None = None, weeks: int = CONTACT_WEEKS) -> Today:
    """The queue, decisions due, appeals, families waiting for a coordinator, coordinators over capacity,
    handovers not done and families without contact, for the user's coordinating unit(s)."""
    from los.referrals import selectors as referrals
    from los.referrals.models import OPEN_REQUEST_STATUSES, Appeal, AppealStatus, HandoverTask, Request

    today = today or timezone.localdate()
    ids = referrals.unit_municipality_ids(user)
    families = visible_families(user, Category.REFERRAL).filter(municipality_id__in=ids).values("pk")

    requests = (Request.objects.filter(family__in=families, status__in=OPEN_REQUEST_STATUSES)
                .order_by("received", "pk"))
    n_requests = requests.count()
    flagged_q = requests.filter(preliminary_reply_sent_on__isnull=True,
                                received__lte=today - timedelta(days=21))
    n_flagged, flagged = _counted(flagged_q)
    queue = Section("queue", gettext_lazy("Requests needing a preliminary reply"), n_flagged, [
        Item(r.family_id, _("Received %(date)s, %(days)s days ago: the family must have an answer or a preliminary "
                            "reply by %(due)s") % {"date": r.received.strftime("%d.%m.%Y"),
                                                   "days": r.age_days(today),
                                                   "due": preliminary_reply_due(r.received).strftime("%d.%m.%Y")},
             preliminary_reply_due(r.received), _urgency(preliminary_reply_due(r.received), today),
             reverse("referrals:preliminary_reply", args=[r.pk]), _("Write the preliminary reply"))
        for r in flagged if needs_preliminary_reply(r.received, today, decided=False, preliminary_reply_sent=False)],
        reverse("referrals:queue"), gettext_lazy("See the whole queue"),
        gettext_lazy("No request needs a preliminary reply now."))

    due_q = requests.annotate(has_assessment=Exists(Request.objects.filter(pk=OuterRef("pk"), assessment__isnull=False)))
    n_due, due_rows = _counted(due_q)
    decisions = Section("decisions", gettext_lazy("Decisions to make"), n_due, sorted([
        Item(r.family_id, (_("Assessed; decide by %(date)s") if r.has_assessment else _("Not assessed yet; answer by "
                                                                                        "%(date)s")) % {
            "date": _answer_by(r).strftime("%d.%m.%Y")}, _answer_by(r), _urgency(_answer_by(r), today, 14),
            reverse("referrals:decision" if r.has_assessment else "referrals:assessment", args=[r.pk]),
            _("Make the decision") if r.has_assessment else _("Assess"))
        for r in due_rows], key=lambda i: i.sort_key), reverse("referrals:queue"), gettext_lazy("See the whole queue"),
        gettext_lazy("No request waits for a decision."))

    appeals_q = (Appeal.objects.filter(family__in=families, status__in=(AppealStatus.RECEIVED, AppealStatus.SENT))
                 .order_by("received", "pk"))
    n_appeals, appeal_rows = _counted(appeals_q)
    appeals = Section("appeals", gettext_lazy("Appeals"), n_appeals, [
        Item(a.family_id, (_("Appeal received %(date)s: reassess it") if a.status == AppealStatus.RECEIVED
                           else _("Appeal sent to the county governor %(date)s: record the outcome")) % {
            "date": (a.received if a.status == AppealStatus.RECEIVED else a.sent_on or a.received).strftime("%d.%m.%Y")},
            a.received, "today" if a.status == AppealStatus.RECEIVED else "later",
            reverse("referrals:appeal", args=[a.pk]), _("Open the appeal")) for a in appeal_rows],
        empty_text=gettext_lazy("No appeal is being handled."))

    waiting_rows = referrals.waiting_for_appointment(user, today)
    waiting = Section("waiting", gettext_lazy("Families waiting for a barnekoordinator"), len(waiting_rows), [
        Item(family.pk, ngettext("Granted %(days)s day ago", "Granted %(days)s days ago", days) % {"days": days},
             vedtak.decision_date if vedtak else None, "overdue" if days > 30 else "today",
             reverse("referrals:appoint", args=[family.pk]), _("Appoint a barnekoordinator"))
        for family, vedtak, days in waiting_rows[:SECTION_LIMIT]],
        empty_text=gettext_lazy("No family is waiting for a barnekoordinator."))

    people = referrals.unit_coordinators(user, today)
    over = sorted((p for p in people if p.load > p.capacity), key=lambda p: -p.load / max(1, p.capacity))
    capacity = Section("capacity", gettext_lazy("Barnekoordinators over capacity"), len(over), [
        Item(None, _("%(name)s follows %(load)s families against a capacity of %(capacity)s") % {
            "name": p.name, "load": p.load, "capacity": p.capacity}, None, "soon",
            f"{reverse('referrals:bulk_handover')}?fra={p.user.pk}", _("Move families to others"))
        for p in over[:SECTION_LIMIT]], reverse("stats:dashboard") + "#section-load",
        gettext_lazy("See load against capacity"), gettext_lazy("No barnekoordinator is over capacity."))

    handovers_q = (HandoverTask.objects.filter(family__in=families, done_at__isnull=True,
                                               due_on__lte=today + timedelta(days=7))
                   .select_related("to_assignment__coordinator").order_by("due_on", "pk"))
    n_handovers, handover_rows = _counted(handovers_q)
    handovers = Section("handovers", gettext_lazy("Handovers not done"), n_handovers, [
        Item(t.family_id, _("To %(name)s, by %(date)s") % {
            "name": t.to_assignment.coordinator.get_full_name(), "date": t.due_on.strftime("%d.%m.%Y")},
            t.due_on, _urgency(t.due_on, today), reverse("referrals:handover", args=[t.pk]), _("Open the handover"))
        for t in handover_rows], empty_text=gettext_lazy("No handover is late or due this week."))

    from los.stats.selectors import active_assignments, without_contact

    meetings_families = visible_families(user, Category.MEETINGS).filter(municipality_id__in=ids).values("pk")
    n_silent = (without_contact(active_assignments(today).filter(family__in=meetings_families), today, weeks)
                .values("family_id").distinct().count())
    silent = Section("silent", ngettext("Families without contact in %(n)s week",
                                        "Families without contact in %(n)s weeks", weeks) % {"n": weeks}, n_silent,
                     [], f"{reverse('stats:without_contact')}?uker={weeks}", gettext_lazy("See the families"),
                     gettext_lazy("Every family with a barnekoordinator has had contact."))

    for section in (queue, decisions, appeals, waiting, handovers):
        _tag(section.items, Category.REFERRAL)
    sections = [queue, decisions, appeals, waiting, capacity, handovers, silent]
    _attach_families(sections, user)
    return Today(sections=sections, extra={"open_requests": n_requests, "coordinators": people})


def _answer_by(request: Any) -> date:
    return request.preliminary_reply_expected_by or preliminary_reply_due(request.received)


# --------------------------------------------------------------------------------------------------
# Service contacts: their own actions and measures
# --------------------------------------------------------------------------------------------------


def contact_today(user: User, today: date | None = None) -> Today:
    from los.meetings.models import Action, ActionStatus
    from los.plans.models import OPEN_MEASURE_STATUSES, Measure, PlanStatus

    today = today or timezone.localdate()
    soon = today + timedelta(days=7)
    actions = (Action.objects.filter(owner=user, status=ActionStatus.OPEN, due_date__lte=soon,
                                     family__in=visible_families(user, Category.MEETINGS).values("pk"))
               .order_by("due_date", "pk"))
    measures = (Measure.objects.filter(owner_person=user, status__in=OPEN_MEASURE_STATUSES, due_date__lte=soon,
                                       plan__status=PlanStatus.ACTIVE,
                                       family__in=visible_families(user, Category.PLAN).values("pk"))
                .order_by("due_date", "pk"))
    n_actions, actions = _counted(actions)
    n_measures, measures = _counted(measures)
    items = _tag([Item(a.family_id, _("Action: %(title)s") % {"title": a.title}, a.due_date,
                       _urgency(a.due_date, today), reverse("meetings:my_actions"), _("Mark as done"))
                  for a in actions], Category.MEETINGS)
    items += _tag([Item(m.family_id, _("Plan measure: %(title)s") % {"title": m.title}, m.due_date,
                        _urgency(m.due_date, today), reverse("plans:measure_status", args=[m.pk]),
                        _("Update the measure")) for m in measures], Category.PLAN)
    items.sort(key=lambda i: i.sort_key)
    section = Section("mine", gettext_lazy("Your actions and measures due this week"), n_actions + n_measures,
                      items[:SECTION_LIMIT], reverse("meetings:my_actions"), gettext_lazy("See all your actions"),
                      gettext_lazy("Nothing of yours is due this week."))
    _attach_families([section], user)
    return Today(sections=[section])


# --------------------------------------------------------------------------------------------------
# Finding any family
# --------------------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{2})(\d{2})(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{2})(\d{2})(\d{2})$"), ("d", "m", "yy")),
)


def parse_day(text: str, today: date | None = None) -> date | None:
    """A date of birth as people type it: 14.03.2015, 14/3/2015, 2015-03-14, 14032015 or 140315."""
    text = text.strip()
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
        if "yy" in parts:
            year = 2000 + parts["yy"]
            if year > (today or timezone.localdate()).year:
                year -= 100
            parts["y"] = year
        try:
            return date(parts["y"], parts["m"], parts["d"])
        except ValueError:
            return None
    return None


def find_families(user: User, query: str = "", *, status: str = "", mine: bool = False,
                  today: date | None = None) -> QuerySet[Family]:
    """Families the user may open, found by the family's name, a child's or a family member's name, the case
    number or a child's date of birth. Every word must match (``"Emil Berg"``). Starts from ``visible_families``."""
    qs = visible_families(user)
    query = " ".join(query.split())[:100]
    if query:
        day = parse_day(query, today)
        if day is not None:
            qs = qs.filter(pk__in=Child.objects.filter(Q(birth_date=day) | Q(expected_birth_date=day))
                           .values("family_id"))
        else:
            for word in query.split(" "):
                children = Child.objects.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
                members = FamilyMember.objects.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
                qs = qs.filter(Q(display_name__icontains=word) | Q(reference__icontains=word)
                               | Q(pk__in=children.values("family_id")) | Q(pk__in=members.values("family_id")))
    if status in FamilyStatus.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(pk__in=my_family_ids(user, today))
    today = today or timezone.localdate()
    return (qs.select_related("municipality").prefetch_related(
        Prefetch("children", queryset=Child.objects.order_by("birth_date")),
        Prefetch("coordinator_assignments",
                 queryset=CoordinatorAssignment.objects.filter(started__lte=today)
                 .filter(Q(ended__isnull=True) | Q(ended__gt=today)).select_related("coordinator"),
                 to_attr="active_assignments"))
            .order_by("display_name", "pk"))


def finds_roles(user: User) -> bool:
    return bool(user.role_names() & {Role.BARNEKOORDINATOR, Role.CASEWORKER, Role.UNIT_LEADER, Role.SERVICE_CONTACT})
