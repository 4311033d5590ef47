"""Request-scoped help for the access policy."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from los.access import audit, disclosure
from los.access.models import AuditAction, Category
from los.access.policy import remembered_facts

logger = logging.getLogger("los.access.disclosure")

#: Requests that do not change anything: the policy's facts cannot change under them (see ``policy``).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PolicyFactsMiddleware:
    """In a GET or HEAD request the access policy reads each fact about a user and a family once.

    A page asks the policy many times about the same family; without this each question costs 3–4 queries.
    Requests that change data are not covered: there every question reads the database afresh.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        with remembered_facts():
            return self.get_response(request)


# --- what a request showed, and its audit events ------------------------------------------------------------

@dataclass
class Ledger:
    """One request's viewer and the audit events of what it showed, written when the response is complete."""

    request: HttpRequest
    viewer: disclosure.Viewer | None = None
    #: allowed views and exports: written after the response, with the categories it actually showed
    pending: list[dict[str, Any]] = field(default_factory=list)
    #: families that already have an event from this request (a change, a refusal)
    recorded: set[int] = field(default_factory=set)

    def viewer_for(self, user: Any) -> disclosure.Viewer:
        if self.viewer is None or self.viewer.user != user:
            self.viewer = disclosure.Viewer(user, strict=bool(getattr(settings, "LOS_DISCLOSURE_STRICT", False)))
        return self.viewer

    def flush(self) -> None:
        """Write the pending events with what was shown, and one event for each family a list showed."""
        shown = self.viewer.shown if self.viewer is not None else {}
        if self.viewer is not None and self.viewer.withheld:
            logger.warning("withheld from %s on %s: %s", getattr(self.viewer.user, "pk", None), self.request.path,
                           ", ".join(f"{label}.{name} ({category})"
                                     for label, name, category in sorted(self.viewer.withheld)))
        events = []
        for kwargs in self.pending:
            family_id = kwargs.get("family_id")
            kwargs["categories"] = {kwargs.get("category") or "", *shown.get(family_id, ())}
            events.append(kwargs)
        covered = {kwargs.get("family_id") for kwargs in self.pending} | self.recorded
        listed = sorted(set(shown) - covered)
        if listed:
            from los.families.models import Family

            known = self.viewer.municipalities
            municipalities = {family_id: known[family_id] for family_id in listed if family_id in known}
            missing = [family_id for family_id in listed if family_id not in known]
            if missing:  # shown without reading a row of theirs (a list built from plain rows)
                municipalities.update(Family.objects.filter(pk__in=missing).values_list("pk", "municipality_id"))
            user = self.viewer.user
            for family_id in listed:
                if family_id not in municipalities:
                    continue
                events.append({
                    "actor": user, "action": AuditAction.VIEW, "object_type": "list", "object_id": "",
                    "municipality_id": municipalities[family_id], "family_id": family_id,
                    "category": Category.CASE, "categories": shown[family_id], "allowed": True,
                    "reason": "shown in a list or overview", "request": self.request,
                })
        self.pending = []
        if events:
            audit.record_many(events)


_ledger: ContextVar[Ledger | None] = ContextVar("los_request_ledger", default=None)


def current_ledger() -> Ledger | None:
    return _ledger.get()


def request_viewer(request: HttpRequest | None = None) -> disclosure.Viewer | None:
    """The viewer a template renders for: the user of ``request``, or of the request being answered now."""
    ledger = _ledger.get()
    if ledger is None:
        return None
    if request is not None and request is not ledger.request:
        user = getattr(request, "user", None)
        return disclosure.Viewer(user, strict=ledger.viewer_for(ledger.request.user).strict) if user else None
    return ledger.viewer_for(ledger.request.user)


class DisclosureMiddleware:
    """Renders every page for the person asking, and writes the request's audit events when it is answered.

    See ``los.access.disclosure``: the views authorise (``guard.authorize``), the templates render through the
    redaction step, and the allowed views' audit events are written here, naming the categories the response
    actually showed; a family that a list or overview showed without being opened gets an event of its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ledger = Ledger(request)
        token = _ledger.set(ledger)
        viewer_token = disclosure._viewer.set(None)
        try:
            return self.get_response(request)
        finally:
            disclosure._viewer.reset(viewer_token)
            _ledger.reset(token)
            ledger.flush()


def disclose_rest_of_request(request: HttpRequest, user: Any) -> None:
    """From here to the end of the request, everything read of family data is for ``user`` (the API's answers,
    which are built in the view rather than in a template). Only for requests that change nothing."""
    ledger = _ledger.get()
    if ledger is None or ledger.request is not request or request.method not in SAFE_METHODS:
        return
    disclosure._viewer.set(ledger.viewer_for(user))
