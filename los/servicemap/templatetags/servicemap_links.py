"""Template tags that show, on the plan and in the minutes, how the service map stands behind them.

- ``{% measure_decision m as md %}``: how a plan measure that needs a decision stands (None when it needs none, or
  the viewer may not see the family's services).
- ``{% flagged_measures family as flagged %}``: the plan's measures whose decision is missing, refused, ended,
  declined or not delivered.
- ``{% agreement_application d as link %}``: the application a meeting's agreement became, with its latest decision
  (``link.entry``, ``link.latest_application``), and whether the viewer may make one (``link.can_create``).

They read the family's rows through the redaction step (they run while the page renders for its viewer) and ask
before they read what the viewer may not see. Each family's links are read once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from los.access import disclosure
from los.access.models import Category
from los.access.policy import Action, can

register = template.Library()


def _cache(context: template.Context, key: str) -> dict:
    request = context.get("request")
    holder = request if request is not None else context.render_context
    store = getattr(holder, "_los_servicemap_links", None) if request is not None else holder.get(
        "_los_servicemap_links")
    if store is None:
        store = {}
        if request is not None:
            request._los_servicemap_links = store
        else:
            holder["_los_servicemap_links"] = store
    return store.setdefault(key, {})


def _sees_services_and_plan(obj: Any) -> bool:
    return disclosure.may_see(obj, Category.SERVICES) and disclosure.may_see(obj, Category.PLAN)


def _decisions_for(context: template.Context, measure: Any) -> dict:
    from los.servicemap.selectors import measure_decisions

    cache = _cache(context, "measures")
    family_id = measure.family_id
    if family_id not in cache:
        cache[family_id] = measure_decisions(measure.family) if _sees_services_and_plan(measure) else {}
    return cache[family_id]


@register.simple_tag(takes_context=True)
def measure_decision(context: template.Context, measure: Any) -> Any:
    if measure is None or getattr(measure, "pk", None) is None:
        return None
    return _decisions_for(context, measure).get(measure.pk)


@register.simple_tag(takes_context=True)
def flagged_measures(context: template.Context, plan: Any) -> list:
    from los.plans.models import OPEN_MEASURE_STATUSES

    if plan is None:
        return []
    probe_measure = plan
    if not _sees_services_and_plan(probe_measure):
        return []
    from los.servicemap.selectors import measure_decisions

    cache = _cache(context, "measures")
    if plan.family_id not in cache:
        cache[plan.family_id] = measure_decisions(plan.family)
    return [view for view in cache[plan.family_id].values()
            if view.flagged and view.measure.plan_id == plan.pk and view.measure.status in OPEN_MEASURE_STATUSES]


@dataclass
class AgreementLink:
    entry: Any = None
    latest_application: Any = None
    can_create: bool = False


@register.simple_tag(takes_context=True)
def agreement_application(context: template.Context, agreement: Any) -> AgreementLink | None:
    from los.servicemap.selectors import agreement_links

    if agreement is None or getattr(agreement, "pk", None) is None:
        return None
    if not disclosure.may_see(agreement, Category.SERVICES):
        return None
    cache = _cache(context, "agreements")
    meeting_id = agreement.meeting_id
    if meeting_id not in cache:
        from los.meetings.models import Decision as Agreement

        ids = list(Agreement.objects.filter(meeting_id=meeting_id).values_list("pk", flat=True))
        cache[meeting_id] = agreement_links(ids)
    link = cache[meeting_id].get(agreement.pk)
    if link is not None:
        return AgreementLink(entry=link.entry, latest_application=link.latest_application)
    allowed = _may_change_services(context, agreement)
    return AgreementLink(can_create=allowed) if allowed else None


def _may_change_services(context: template.Context, row: Any) -> bool:
    """Whether the viewer may change the services of ``row``'s family: asked once per family in a request."""
    cache = _cache(context, "change_services")
    if row.family_id not in cache:
        request = context.get("request")
        user = getattr(request, "user", None)
        cache[row.family_id] = bool(user is not None and can(user, Action.CHANGE, row.family, Category.SERVICES))
    return cache[row.family_id]


@register.simple_tag(takes_context=True)
def may_link_decision(context: template.Context, measure: Any) -> bool:
    """Whether the viewer, who may change the measure (the plan asks that first), may also change the family's
    services, as the page the link opens requires."""
    if measure is None or getattr(measure, "pk", None) is None:
        return False
    return _may_change_services(context, measure)
