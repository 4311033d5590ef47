"""The family's timeline: a registry of *timeline sources*, one per kind of thing that happens.

A source is any object with

- ``kind``: what the filter calls it (``"meeting"``, ``"consent"`` ...); several sources may share a kind;
- ``category``: the information category (:class:`los.access.models.Category`) of what it shows; the
  viewer sees a source's events only when the access policy lets them view that category of the family
  (one decision per category, not per row);
- ``kind_label``: the kind's name for people (optional; the built-in kinds have one);
- ``events(family, since, until)``: the family's events between the two dates (both inclusive, either may
  be None), as :class:`TimelineEvent` rows.

Sources are found by importing ``los.<app>.timeline`` for every installed Los app: a module that defines
``timeline_sources() -> Iterable[TimelineSource]`` contributes its sources. For apps that have no such
module yet, the transitions app brings its own sources (:mod:`los.transitions.fallback_sources`), which
step aside as soon as the app provides a ``timeline`` module. This module is the transitions app's own
``timeline`` module, so it also lists the sources for transition plans, handover summaries and moves.

:class:`ModelSource` makes a source from a model in a few lines, for example the existence of messages::

    def timeline_sources():
        return [ModelSource(kind="message", category=Category.MESSAGES, model=Message, when="sent_at",
                            title=lambda m: _("Message from %(name)s") % {"name": m.sender_name})]
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.access.models import Category
from los.core.dates import format_day
from los.families.models import Family

#: Names of the built-in kinds, in the order the filter shows them.
KIND_LABELS: dict[str, Any] = {
    "request": _("Requests"),
    "decision": _("Decisions and appeals"),
    "coordinator": _("Barnekoordinator"),
    "plan": _("Individual plan"),
    "meeting": _("Meetings"),
    "action": _("Actions from meetings"),
    "service": _("Services on the map"),
    "application": _("Applications and decisions on them"),
    "document": _("Documents"),
    "message": _("Messages"),
    "consent": _("Consents"),
    "transition": _("Transitions"),
    "handover": _("Handovers and moves"),
}


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened. ``at`` is aware; ``all_day`` when only the date is known.
    ``staff_only`` hides the event from the family's own side (e.g. the actions of a fagmøte, whose content
    the family does not see; the meeting itself is shown)."""

    at: datetime
    kind: str
    category: str
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""
    all_day: bool = False
    staff_only: bool = False


@runtime_checkable
class TimelineSource(Protocol):
    kind: str
    category: Category | str

    def events(self, family: Family, since: date | None, until: date | None) -> Iterable[TimelineEvent]: ...


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def as_datetime(value: date | datetime) -> tuple[datetime, bool]:
    """(aware datetime, all_day) for a date or datetime value."""
    if isinstance(value, datetime):
        return (value if timezone.is_aware(value) else timezone.make_aware(value)), False
    return start_of(value), True


def url_or_blank(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


class ModelSource:
    """A timeline source over one model: the family's rows, dated by the field ``when`` (a date or datetime).

    ``title``, ``detail``, ``url`` and ``actor`` are callables taking a row; ``filter`` is an extra
    ``Q`` (or a dict of lookups); ``staff_only`` a callable saying whether a row is hidden from the family.
    """

    def __init__(self, *, kind: str, category: Category | str, model: type[models.Model], when: str,
                 title: Callable[[Any], str], detail: Callable[[Any], str] | None = None,
                 url: Callable[[Any], str] | None = None, actor: Callable[[Any], str] | None = None,
                 filter: Any = None, select_related: Iterable[str] = (),
                 staff_only: Callable[[Any], bool] | None = None, family_field: str = "family",
                 kind_label: Any = None, limit: int = 2000) -> None:
        self.kind = kind
        self.category = Category(category)
        self.model = model
        self.when = when
        self.title = title
        self.detail = detail
        self.url = url
        self.actor = actor
        self.filter = filter
        self.select_related = tuple(select_related)
        self.staff_only = staff_only
        self.family_field = family_field
        self.kind_label = kind_label or KIND_LABELS.get(kind, kind)
        self.limit = limit

    def __repr__(self) -> str:
        return f"<ModelSource {self.kind} {self.model._meta.label_lower}.{self.when}>"

    def queryset(self, family: Family, since: date | None, until: date | None) -> models.QuerySet:
        field = self.model._meta.get_field(self.when)
        is_datetime = isinstance(field, models.DateTimeField)
        qs = self.model._default_manager.filter(**{self.family_field: family, f"{self.when}__isnull": False})
        if since is not None:
            qs = qs.filter(**{f"{self.when}__gte": start_of(since) if is_datetime else since})
        if until is not None:
            qs = qs.filter(**{f"{self.when}__lt": start_of(until + timedelta(days=1)) if is_datetime
                              else until + timedelta(days=1)})
        if isinstance(self.filter, dict):
            qs = qs.filter(**self.filter)
        elif self.filter is not None:
            qs = qs.filter(self.filter)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs.order_by(f"-{self.when}")[: self.limit]

    def events(self, family: Family, since: date | None, until: date | None) -> Iterable[TimelineEvent]:
        for row in self.queryset(family, since, until):
            at, all_day = as_datetime(getattr(row, self.when))
            yield TimelineEvent(
                at=at, kind=self.kind, category=self.category.value, title=str(self.title(row)),
                detail=str(self.detail(row)) if self.detail else "", url=self.url(row) if self.url else "",
                actor=self.actor(row) if self.actor else "", all_day=all_day,
                staff_only=bool(self.staff_only(row)) if self.staff_only else False,
            )


# --- the registry ---------------------------------------------------------------------------------------

_registered: list[Any] = []


def register(source: Any) -> Any:
    """Add a source at run time (tests, plug-ins). Returns the source."""
    if not isinstance(source, TimelineSource):
        raise TypeError(f"{source!r} is not a timeline source (kind, category, events())")
    _registered.append(source)
    return source


def unregister(source: Any) -> None:
    if source in _registered:
        _registered.remove(source)


@lru_cache(maxsize=1)
def _discovered() -> tuple[Any, ...]:
    from los.transitions import fallback_sources

    found: list[Any] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("los."):
            continue
        module_name = f"{config.name}.timeline"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            module = None
        provider = getattr(module, "timeline_sources", None) if module is not None else None
        if callable(provider):
            found.extend(provider())
        elif config.label in fallback_sources.FALLBACKS:
            found.extend(fallback_sources.FALLBACKS[config.label]())
    return tuple(s for s in found if isinstance(s, TimelineSource))


def sources() -> list[Any]:
    """Every timeline source: those the apps provide (or the fallbacks) and those registered at run time."""
    return [*_discovered(), *_registered]


def reset() -> None:
    _discovered.cache_clear()


def kind_label(kind: str, found: Iterable[Any] = ()) -> str:
    if kind in KIND_LABELS:
        return str(KIND_LABELS[kind])
    for source in found:
        if source.kind == kind and getattr(source, "kind_label", None):
            return str(source.kind_label)
    return kind


def kinds(found: Iterable[Any]) -> list[tuple[str, str]]:
    """(kind, label) for the kinds of ``found``, built-in kinds first in their order."""
    found = list(found)
    present = {s.kind for s in found}
    ordered = [k for k in KIND_LABELS if k in present] + sorted(present - set(KIND_LABELS))
    return [(k, kind_label(k, found)) for k in ordered]


# --- this app's own sources -----------------------------------------------------------------------------


def timeline_sources() -> list[Any]:
    """Transition plans, handover summaries, and the family's record handed over or received."""
    from los.transitions.models import FamilyExport, FamilyImport, HandoverSummary, PlanStatus, TransitionPlan

    def plan_url(plan: TransitionPlan) -> str:
        return url_or_blank("transitions:plan", plan.pk)

    return [
        ModelSource(
            kind="transition", category=Category.PLAN, model=TransitionPlan, when="created_at",
            title=lambda p: _("Transition plan opened: %(title)s") % {"title": p.title},
            detail=lambda p: _("The transition is on %(date)s.") % {"date": format_day(p.transition_date)},
            url=plan_url, actor=lambda p: person_name(p.opened_by) if p.opened_by_id else str(_("Los, on time")),
            select_related=("child", "opened_by")),
        ModelSource(
            kind="transition", category=Category.PLAN, model=TransitionPlan, when="closed_on",
            title=lambda p: (_("Transition plan done: %(title)s") if p.status == PlanStatus.DONE
                             else _("Transition plan closed as not needed: %(title)s")) % {"title": p.title},
            url=plan_url, actor=lambda p: person_name(p.closed_by), select_related=("child", "closed_by")),
        ModelSource(
            kind="handover", category=Category.CONSENTS, model=HandoverSummary, when="created_at",
            title=lambda s: _("Handover summary shared with %(receiver)s") % {"receiver": s.receiver_name},
            detail=lambda s: str(s.get_receiver_kind_display()),
            url=lambda s: url_or_blank("transitions:handover", s.pk), actor=lambda s: person_name(s.created_by),
            select_related=("receiver_user", "receiver_provider", "created_by")),
        ModelSource(
            kind="handover", category=Category.CONSENTS, model=FamilyExport, when="exported_at",
            title=lambda e: _("The family's record was handed over to %(municipality)s")
            % {"municipality": e.to_municipality_name},
            actor=lambda e: person_name(e.exported_by), select_related=("exported_by",)),
        ModelSource(
            kind="handover", category=Category.CONSENTS, model=FamilyImport, when="imported_at",
            title=lambda i: _("The family's record was received from %(municipality)s")
            % {"municipality": i.from_municipality_name},
            url=lambda i: url_or_blank("transitions:summary", i.family_id),
            actor=lambda i: person_name(i.imported_by), select_related=("imported_by",)),
    ]
