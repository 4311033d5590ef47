"""Queries for the service map. Lists of families start from ``visible_families``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
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


@dataclass
class FamilyMap:
    entries: list[ServiceEntry]
    sectors: list[tuple[str, str, list[ServiceEntry]]]
    attention: list[Attention] = field(default_factory=list)
    state_counts: dict[str, int] = field(default_factory=dict)


def family_map(family: Family, today: date | None = None) -> FamilyMap:
    """Everything the family's service map page shows (the caller has authorized the view)."""
    today = today or timezone.localdate()
    entries = [enrich_entry(entry, today) for entry in entries_for(family)]
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
    order = {"appeal_deadline": 0, "long_wait": 1, "renewal": 2, "preliminary_reply": 3, "over_time": 4,
             "deadline_unknown": 5}
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
