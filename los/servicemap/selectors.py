"""Queries for the service map. Lists of families start from ``visible_families``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.access.models import Category
from los.access.policy import visible_families
from los.accounts.models import User
from los.core.deadlines import AppealBody, AppealRule
from los.core.models import ServiceProvider
from los.families.models import Family
from los.servicemap import processing
from los.servicemap.models import (
    Appeal,
    AppealStatus,
    Application,
    Decision,
    Delivery,
    EntryState,
    Need,
    NeedRequest,
    NeedStatus,
    Notification,
    Sector,
    ServiceEntry,
)
from los.servicemap.services import ownerless

#: Visual cue per state, so the map is readable without colour: an icon and a pattern name.
STATE_ICONS = {
    EntryState.CONSIDERED: "?",
    EntryState.APPLIED: "→",
    EntryState.GRANTED: "✓",
    EntryState.PARTLY_GRANTED: "◐",
    EntryState.REFUSED: "✕",
    EntryState.APPEALED: "⚖",
    EntryState.ENDED: "■",
}


APPEAL_BODY_LABELS = {
    AppealBody.STATSFORVALTEREN: _("the county governor (statsforvalteren)"),
    AppealBody.NAV_KLAGEINSTANS: _("Nav klageinstans"),
    AppealBody.MUNICIPAL_APPEALS_BOARD: _("the municipality’s appeals board"),
    AppealBody.COUNTY_APPEALS_BOARD: _("the county’s appeals board"),
    AppealBody.SUPERIOR_BODY: _("the body above the one that decided"),
}
APPEAL_RULE_LABELS = {
    AppealRule.FVL: _("3 weeks under the Public Administration Act (forvaltningsloven § 29)"),
    AppealRule.PBRL: _("4 weeks under the Patients’ and Users’ Rights Act (pasient- og brukerrettighetsloven § 7-5)"),
    AppealRule.FTRL: _("6 weeks under the National Insurance Act (folketrygdloven § 21-12)"),
}


def enrich_application(app: Application, today: date) -> Application:
    """Attach what the pages show: waiting time, the appeal deadline and how close it is."""
    entry = app.entry
    app.waiting = None
    if not app.is_decided:
        days, source = processing.expected_days(entry.catalog_id, entry.provider_kind, app.expected_processing_days)
        app.waiting = processing.evaluate(app.sent_on, today, expected=days, source=source,
                                          preliminary_reply_on=app.preliminary_reply_on)
    app.deadline = app.deadline_details() if app.is_decided else None
    app.appeal_body_label = APPEAL_BODY_LABELS.get(app.deadline.appeal_body) if app.deadline else ""
    app.appeal_rule_label = APPEAL_RULE_LABELS.get(app.deadline.rule) if app.deadline else ""
    app.days_to_deadline = (app.appeal_deadline - today).days if app.appeal_deadline else None
    appeals = list(app.appeals.all())
    app.appeal_list = appeals
    app.has_appeal = any(a.status != AppealStatus.WITHDRAWN for a in appeals)
    app.deadline_open = bool(app.appeal_deadline and app.appeal_deadline >= today)
    app.needs_appeal_attention = bool(
        app.decision in (Decision.REFUSED, Decision.PARTLY_GRANTED) and not app.has_appeal and not app.no_appeal
        and app.appeal_deadline and app.appeal_deadline >= today
    )
    return app


def entries_for(family: Family) -> QuerySet[ServiceEntry]:
    return (ServiceEntry.objects.filter(family=family)
            .select_related("provider", "child", "contact_user")
            .prefetch_related(Prefetch("applications", queryset=Application.objects.prefetch_related(
                Prefetch("appeals", queryset=Appeal.objects.order_by("-sent_on", "-id"))))))


def enrich_entry(entry: ServiceEntry, today: date) -> ServiceEntry:
    apps = [enrich_application(app, today) for app in entry.applications.all()]
    for app in apps:
        app.entry = entry
    entry.application_list = apps
    entry.latest_application = apps[0] if apps else None
    entry.icon = STATE_ICONS.get(entry.state, "")
    entry.renewal_is_due = entry.renewal_due(today)
    entry.days_to_end = (entry.period_to - today).days if entry.period_to else None
    return entry


@dataclass
class Attention:
    kind: str  # appeal_deadline, deadline_unknown, long_wait, over_time, preliminary_reply, renewal
    entry: ServiceEntry
    application: Application | None = None
    date: date | None = None
    days: int | None = None
    shortfall: Any = None


@dataclass
class FamilyMap:
    entries: list[ServiceEntry]
    sectors: list[tuple[str, str, list[ServiceEntry]]]
    attention: list[Attention] = field(default_factory=list)
    state_counts: dict[str, int] = field(default_factory=dict)


def family_map(family: Family, today: date | None = None) -> FamilyMap:
    """Everything the family's service map page shows (the caller has authorized the view)."""
    today = today or timezone.localdate()
    # the day of each entry's last delivery is read with the entries: the followed grants' shortfalls are then
    # worked out from these rows (:func:`_followed`) instead of reading the grants again (:func:`family_shortfalls`)
    entries = [enrich_entry(entry, today) for entry in entries_for(family).annotate(last_delivery=Subquery(
        Delivery.objects.filter(entry_id=OuterRef("pk"), amount__gt=0, delivered_on__lte=today)
        .order_by("-delivered_on").values("delivered_on")[:1]))]
    sectors = [(value, label, [e for e in entries if e.sector == value]) for value, label in Sector.choices]
    attention: list[Attention] = []
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.state] = counts.get(entry.state, 0) + 1
        for app in entry.application_list:
            if app.needs_appeal_attention:
                attention.append(Attention("appeal_deadline", entry, app, app.appeal_deadline, app.days_to_deadline))
            elif (app.decision in (Decision.REFUSED, Decision.PARTLY_GRANTED) and not app.appeal_deadline
                  and not app.has_appeal and not app.no_appeal and entry.state != EntryState.ENDED):
                attention.append(Attention("deadline_unknown", entry, app))
            if app.waiting is not None:
                if app.waiting.status == processing.WaitStatus.LONG:
                    attention.append(Attention("long_wait", entry, app, app.sent_on, app.waiting.days_waited))
                elif app.waiting.status == processing.WaitStatus.OVER:
                    attention.append(Attention("over_time", entry, app, app.sent_on, app.waiting.days_waited))
                if app.waiting.preliminary_reply_missing:
                    attention.append(Attention("preliminary_reply", entry, app, app.waiting.preliminary_reply_due))
        if entry.renewal_is_due:
            attention.append(Attention("renewal", entry, None, entry.period_to, entry.days_to_end))
    followed = [entry for entry in entries if _followed(entry, today)]
    for entry in followed:
        entry.family = family  # as read by the caller (a shortfall names its entry's family)
        entry.decided = _decided_on(entry)
    for shortfall in _evaluate_shortfalls(followed, today):
        entry = shortfall.entry
        entry.shortfall = shortfall
        attention.append(Attention("delivery", entry, None, shortfall.start, shortfall.weeks, shortfall))
    order = {"appeal_deadline": 0, "long_wait": 1, "delivery": 2, "renewal": 3, "preliminary_reply": 4,
             "over_time": 5, "deadline_unknown": 6}
    attention.sort(key=lambda a: (order[a.kind], a.date or today))
    return FamilyMap(entries=entries, sectors=sectors, attention=attention, state_counts=counts)


def entry_detail(entry: ServiceEntry, today: date | None = None) -> ServiceEntry:
    today = today or timezone.localdate()
    entry = entries_for(entry.family).get(pk=entry.pk)
    return enrich_entry(entry, today)


def _needs_queryset() -> QuerySet[Need]:
    return Need.objects.select_related("child").prefetch_related(
        Prefetch("requests", queryset=NeedRequest.objects.select_related("provider").order_by("asked_on", "id")))


def ownerless_needs(family: Family) -> list[Need]:
    """The family's open needs that no service has accepted (ikke mitt bord)."""
    return list(ownerless(_needs_queryset().filter(family=family)).order_by("recorded_on", "id"))


def owned_open_needs(family: Family) -> list[Need]:
    ownerless_ids = ownerless(Need.objects.filter(family=family)).values("pk")
    return list(_needs_queryset().filter(family=family, status=NeedStatus.OPEN).exclude(pk__in=ownerless_ids))


def closed_needs(family: Family) -> list[Need]:
    return list(_needs_queryset().filter(family=family).exclude(status=NeedStatus.OPEN).order_by("-closed_on")[:20])


def unowned_needs_for(user: User, municipality_id: int | None = None, never_asked: bool = False) -> QuerySet[Need]:
    """Ownerless needs across the families the user may see the services of (the KE's overview)."""
    families = visible_families(user, Category.SERVICES)
    if municipality_id:
        families = families.filter(municipality_id=municipality_id)
    qs = ownerless(_needs_queryset().filter(family__in=families.values("pk")))
    if never_asked:
        qs = qs.filter(requests__isnull=True)
    return qs.select_related("family", "municipality").order_by("recorded_on", "id")


def providers_for(family: Family) -> QuerySet[ServiceProvider]:
    return ServiceProvider.objects.filter(municipality_id=family.municipality_id).order_by("kind", "name")


def notifications_for(user: User, family: Family | None = None, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).select_related("family", "entry", "actor", "application")
    if family is not None:
        qs = qs.filter(family=family)
    else:
        qs = qs.filter(family__in=visible_families(user, Category.SERVICES).values("pk"))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at")


def family_summary(family: Family, today: date | None = None) -> dict[str, Any]:
    """A short summary for other pages (the family's portal, the family overview): the counts per
    state and what needs attention. The caller must have authorized VIEW of the SERVICES category."""
    data = family_map(family, today)
    return {"state_counts": data.state_counts, "attention": data.attention, "entries": data.entries}


# --------------------------------------------------------------------------------------------------
# Delivery: granted against delivered (los.servicemap.delivery)
# --------------------------------------------------------------------------------------------------

GRANT_STATES = (EntryState.GRANTED, EntryState.PARTLY_GRANTED)


def _decided_on(entry: ServiceEntry) -> date | None:
    """The day the grant was decided (the latest granted application, or an appeal that granted it)."""
    apps = getattr(entry, "application_list", None)
    if apps is None:
        apps = list(entry.applications.all())
    days = [a.decision_on for a in apps if a.decision in (Decision.GRANTED, Decision.PARTLY_GRANTED) and a.decision_on]
    return max(days) if days else None


@dataclass
class DeliveryView:
    """What the service's page shows about delivery."""

    countable: bool
    followed: bool
    months: list
    shortfall: Any
    thresholds: Any
    deliveries: list
    declined: bool
    granted_from: date | None

    @property
    def totals(self) -> tuple[float | None, float]:
        granted = [m.granted for m in self.months if m.granted is not None]
        return (sum(granted) if granted else None), sum(m.delivered for m in self.months)


def delivery_view(entry: ServiceEntry, today: date | None = None) -> DeliveryView:
    today = today or timezone.localdate()
    from los.servicemap import delivery

    decided = _decided_on(entry)
    thresholds = delivery.thresholds_for([entry.municipality_id])[entry.municipality_id]
    rows = list(entry.deliveries.select_related("recorded_by").order_by("-delivered_on", "-id"))
    months = delivery.months(entry, rows, today, decided) if entry.delivery_countable else []
    last = max((d.delivered_on for d in rows if d.delivered_on <= today), default=None)
    return DeliveryView(countable=entry.delivery_countable, followed=delivery.followed(entry, today), months=months,
                        shortfall=delivery.evaluate(entry, rows, today, thresholds, decided, last),
                        thresholds=thresholds, deliveries=rows[:30],
                        declined=bool(entry.declined_on and entry.declined_on <= today),
                        granted_from=delivery.grant_window(entry, decided)[0])


def followed_grants(families: Any, today: date) -> QuerySet[ServiceEntry]:
    """Granted services whose delivery Los follows, in ``families`` (a queryset of families or their ids), with the
    day each was decided and its last delivery."""
    from django.db.models import Max, Q

    from los.servicemap.models import DELIVERY_UNITS

    return (ServiceEntry.objects.filter(family__in=families, state__in=GRANT_STATES, follow_delivery=True,
                                        extent_unit__in=DELIVERY_UNITS, extent_amount__gt=0)
            .exclude(extent_per="")
            .filter(Q(declined_on__isnull=True) | Q(declined_on__gt=today))
            .annotate(decided=Max("applications__decision_on", filter=Q(
                applications__decision__in=[Decision.GRANTED, Decision.PARTLY_GRANTED])),
                      last_delivery=Max("deliveries__delivered_on", filter=Q(deliveries__amount__gt=0,
                                                                             deliveries__delivered_on__lte=today))))


def _followed(entry: ServiceEntry, today: date) -> bool:
    """Whether ``entry`` is one of :func:`followed_grants` (the same conditions, on a row already read)."""
    from los.servicemap.models import DELIVERY_UNITS

    return bool(entry.state in GRANT_STATES and entry.follow_delivery and entry.extent_unit in DELIVERY_UNITS
                and entry.extent_amount is not None and entry.extent_amount > 0 and entry.extent_per != ""
                and (entry.declined_on is None or entry.declined_on > today))


def shortfalls_of(entries: QuerySet[ServiceEntry], today: date) -> list:
    """The shortfall of each followed grant in ``entries`` (from :func:`followed_grants`), in three queries."""
    return _evaluate_shortfalls(list(entries.select_related("provider", "family")), today)


def _evaluate_shortfalls(rows: list[ServiceEntry], today: date) -> list:
    """The shortfalls of followed grants ``rows`` (each with ``decided`` and ``last_delivery``), most pressing first:
    their deliveries of the last half year and their municipalities' thresholds are read in two queries."""
    from datetime import timedelta

    from los.servicemap import delivery

    if not rows:
        return []
    since = today - timedelta(days=delivery.QUARTER_DAYS + 7 * 27)
    by_entry: dict[int, list] = {}
    for d in Delivery.objects.filter(entry__in=[e.pk for e in rows], delivered_on__gte=since,
                                     delivered_on__lte=today).only("entry_id", "delivered_on", "amount"):
        by_entry.setdefault(d.entry_id, []).append(d)
    thresholds = delivery.thresholds_for({e.municipality_id for e in rows})
    out = []
    for entry in rows:
        found = delivery.evaluate(entry, by_entry.get(entry.pk, []), today, thresholds[entry.municipality_id],
                                  entry.decided, entry.last_delivery)
        if found is not None:
            out.append(found)
    out.sort(key=lambda s: (0 if s.kind == delivery.NOTHING else 1, s.last_delivery or date.min, s.entry.pk))
    return out


def coordinated_families(user: User, category: str, today: date | None = None) -> QuerySet[Family]:
    """The families ``user`` is the barnekoordinator of today and may see ``category`` information of."""
    from django.db.models import Q

    from los.families.models import CoordinatorAssignment

    today = today or timezone.localdate()
    mine = (CoordinatorAssignment.objects.filter(coordinator=user, started__lte=today)
            .filter(Q(ended__isnull=True) | Q(ended__gt=today)).values("family_id"))
    return visible_families(user, category).filter(pk__in=mine)


def delivery_shortfalls(user: User, today: date | None = None, families: list[int] | None = None) -> list:
    """Granted services not delivered as granted, in the families ``user`` coordinates (for the coordinator's
    "today" page): each a :class:`los.servicemap.delivery.Shortfall` with its entry (and the entry's
    ``family_id``). A fixed number of queries, whatever the number of families. ``families``: the ids of those
    families whose services the policy lets ``user`` see, where the caller has already asked it."""
    today = today or timezone.localdate()
    if families is None:
        families = coordinated_families(user, Category.SERVICES, today).values("pk")
    return shortfalls_of(followed_grants(families, today), today)


def family_shortfalls(family: Family, today: date | None = None) -> dict[int, Any]:
    """The family's shortfalls by entry id (the caller has authorized VIEW of the family's services)."""
    today = today or timezone.localdate()
    return {s.entry.pk: s for s in shortfalls_of(followed_grants([family.pk], today), today)}


# --------------------------------------------------------------------------------------------------
# The plan tied to decisions
# --------------------------------------------------------------------------------------------------

NO_ENTRY, NO_DECISION, REFUSED, ENDED, NOT_DELIVERED, DECLINED, GRANTED_OK = (
    "no_entry", "no_decision", "refused", "ended", "not_delivered", "declined", "granted")
FLAGGED = {NO_ENTRY, NO_DECISION, REFUSED, ENDED, NOT_DELIVERED, DECLINED}
DECISION_LABELS = {
    NO_ENTRY: _("Needs a decision, but no application is on the service map"),
    NO_DECISION: _("Needs a decision: none yet"),
    REFUSED: _("The decision it needs was refused"),
    ENDED: _("The decision it needs has ended"),
    NOT_DELIVERED: _("Granted, but not delivered as granted"),
    DECLINED: _("Granted, but the family declined it"),
    GRANTED_OK: _("Granted"),
}


@dataclass
class MeasureDecisionView:
    """How a plan measure that needs a decision stands."""

    measure: Any
    link: Any
    entry: ServiceEntry | None
    status: str
    shortfall: Any = None

    @property
    def flagged(self) -> bool:
        return self.status in FLAGGED

    @property
    def label(self) -> str:
        return str(DECISION_LABELS[self.status])

    @property
    def family_id(self) -> int:
        return self.link.family_id


def _measure_status(entry: ServiceEntry | None, shortfall: Any, today: date) -> str:
    if entry is None:
        return NO_ENTRY
    if entry.state == EntryState.REFUSED:
        return REFUSED
    if entry.state == EntryState.ENDED or (entry.is_active_grant and entry.period_to and entry.period_to < today):
        return ENDED
    if entry.is_active_grant:
        if entry.declined_on and entry.declined_on <= today:
            return DECLINED
        return NOT_DELIVERED if shortfall is not None else GRANTED_OK
    return NO_DECISION


def _measure_views(links: list, today: date) -> list[MeasureDecisionView]:
    entries = [link.entry for link in links if link.entry is not None]
    shortfalls: dict[int, Any] = {}
    if entries:
        ids = [e.pk for e in entries]
        shortfalls = {s.entry.pk: s for s in shortfalls_of(
            followed_grants(Family.objects.filter(pk__in={e.family_id for e in entries}), today)
            .filter(pk__in=ids), today)}
    views = []
    for link in links:
        shortfall = shortfalls.get(link.entry_id) if link.entry_id else None
        views.append(MeasureDecisionView(measure=link.measure, link=link, entry=link.entry,
                                         status=_measure_status(link.entry, shortfall, today), shortfall=shortfall))
    return views


def measure_decisions(family: Family, today: date | None = None) -> dict[int, MeasureDecisionView]:
    """Each of the family's plan measures that needs a decision, by measure id, with how it stands (the caller has
    authorized VIEW of the plan and of the services)."""
    from los.servicemap.models import MeasureDecision

    today = today or timezone.localdate()
    links = list(MeasureDecision.objects.filter(family=family).select_related("measure", "entry"))
    return {view.measure.pk: view for view in _measure_views(links, today)}


def measures_without_decision(user: User, today: date | None = None,
                              families: list[int] | None = None) -> list[MeasureDecisionView]:
    """Open plan measures that need a decision and have none, or whose decision is refused, ended, declined or not
    delivered, in the families ``user`` coordinates (for the coordinator's "today" page). A fixed number of
    queries. ``families``: the ids of those families whose plan and services the policy lets ``user`` see, where
    the caller has already asked it."""
    from los.plans.models import OPEN_MEASURE_STATUSES, PlanStatus
    from los.servicemap.models import MeasureDecision

    today = today or timezone.localdate()
    if families is None:
        families = coordinated_families(user, Category.PLAN, today).filter(
            pk__in=visible_families(user, Category.SERVICES).values("pk")).values("pk")
    links = list(MeasureDecision.objects.filter(family_id__in=families, measure__status__in=OPEN_MEASURE_STATUSES,
                                                measure__plan__status=PlanStatus.ACTIVE)
                 .select_related("measure", "entry", "family").order_by("measure__due_date", "pk"))
    return [view for view in _measure_views(links, today) if view.flagged]


def agreement_links(agreement_ids: list[int]) -> dict[int, Any]:
    """The service-map entry each agreement (``meetings.Decision``) became, with its latest decision."""
    from los.servicemap.models import AgreementApplication

    rows = AgreementApplication.objects.filter(agreement_id__in=agreement_ids).select_related("entry").prefetch_related(
        Prefetch("entry__applications", queryset=Application.objects.order_by("-sent_on", "-id")))
    out = {}
    for link in rows:
        apps = list(link.entry.applications.all())
        link.latest_application = apps[0] if apps else None
        out[link.agreement_id] = link
    return out
