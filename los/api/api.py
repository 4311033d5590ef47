"""The Los REST API (django-ninja): OpenAPI 3 at ``/api/openapi.json``, docs at ``/api/docs``.

Every operation is marked with ``@access(...)`` (the authorization matrix test reads it), asks the one
access policy through :mod:`los.api.access`, and writes audit events. Errors are problem details
(:mod:`los.api.problems`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Body, NinjaAPI, Path, Query, Router
from ninja.throttling import AuthRateThrottle

from los.access.guard import access
from los.access.models import Category, Consent
from los.access.policy import Action
from los.api import access as api_access
from los.api import schemas as s
from los.api.auth import AUTH
from los.api.models import Scope
from los.api.problems import PROBLEM_CONTENT_TYPE, Problem, ProblemError, install
from los.core.downloads import file_response
from los.families.models import Child, CoordinatorAssignment, Family
from los.meetings.models import Meeting
from los.meetings.selectors import family_actions, is_family_side
from los.plans.models import Goal, Measure, Plan
from los.servicemap.models import Application, ServiceEntry

MAX_ID = 2**31 - 1
MAX_OFFSET = 1_000_000
DEFAULT_RATE = "600/m"
FHIR_CONTENT_TYPE = "application/fhir+json"
ZIP_CONTENT_TYPE = "application/zip"
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem,
                          500: Problem}

DESCRIPTION = """
The REST API of Los, the working system for Norway's barnekoordinator scheme.

**Authentication.** System integrations send `Authorization: Bearer los_…` (a token made with
`manage.py api_token create`). A token acts as one named user, is limited to one municipality and to its
scopes; the one access policy of Los decides every read, and every read is written to the audit log.
A logged-in browser session may use the read API with the user's normal access.

**Pagination.** Lists take `limit` (1–100, default 50) and `offset`, and answer `count`, `limit`, `offset`,
`items`.

**Errors** are RFC 9457 problem details (`application/problem+json`) in the language of
`Accept-Language` (nb, nn, en).

**FHIR.** `GET /api/fhir/Family/{family_id}/$export` answers a FHIR R4 Bundle of the family's coordination
data that the caller may see.

**Calendar.** Each user's meetings are also available as an iCalendar feed (`/moter/kalender/<token>.ics`);
the personal feed address is made on the page `/moter/kalender/` while logged in.

See `docs/api.md` for more.
"""


class RateThrottle(AuthRateThrottle):
    """Per token or user; the rate is read from ``settings.LOS_API_RATE`` on every request (default 600/m)."""

    def __init__(self) -> None:
        super().__init__(DEFAULT_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "LOS_API_RATE", DEFAULT_RATE)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class LosAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if str(code).isdigit() and int(code) >= 400 and "application/json" in content:
                        answer["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
                    elif str(code) == "200" and "fhir" in operation.get("tags", []):
                        answer["content"] = {FHIR_CONTENT_TYPE: content["application/json"]}
                    elif str(code) == "200" and "archive" in operation.get("tags", []):
                        answer["content"] = {ZIP_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}
        return schema


api = LosAPI(
    title="Los API", version="1.0.0", description=DESCRIPTION, auth=AUTH, throttle=[RateThrottle()],
    docs_url=None, urls_namespace="api",
    openapi_extra={"info": {"x-calendar-feed": "/moter/kalender/{token}.ics"}},
)
install(api)


def paged(items: Sequence[Any] | Any, limit: int, offset: int, serialize: Callable[[Any], dict]) -> dict:
    count = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    return {"count": count, "limit": limit, "offset": offset,
            "items": [serialize(item) for item in items[offset:offset + limit]]}


def _limit() -> Any:
    return Query(50, ge=1, le=100, description="How many items to answer (1–100).")


def _offset() -> Any:
    return Query(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


def _id(description: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=description)


PROFILE_BODY = Body(..., description="A family situation profile (the navigator's profile.schema.json).")
AS_OF = Query(None, description="Evaluate the rules in force on this day.")
LANG = Query(None, pattern="^(nb|nn|en)$", description="nb, nn or en (default: the profile's language).")
PERIOD_START = Query(None, description="First day (default: a year ago).")
PERIOD_END = Query(None, description="Last day (default: today).")
REPORTING_PERIOD = Query(None, max_length=7, description=(
    "A whole calendar period that has ended: `2025` (year), `2025-Q3` (quarter) or `2025-07` (month). Protected "
    "figures (small numbers hidden) are given only for the one kind of period the installation uses "
    "(LOS_STATS_PROTECTED_PERIOD, quarters by default) and never for a free start and end; the default is the "
    "newest period of that kind."))
MUNICIPALITY_NUMBER = Query(None, max_length=4, description=(
    "The municipality's number. Protected figures are given for one municipality at a time (default: the first "
    "the caller may see); figures for the unit's own municipalities add up every one the caller may see."))


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- serialisers ---------------------------------------------------------------------------------


def family_out(family: Family) -> dict:
    assignments = getattr(family, "active_assignments", None)
    if assignments is None:
        assignments = list(_active_assignments().filter(family=family))
    return {
        "id": family.pk, "reference": family.reference, "display_name": family.display_name,
        "status": family.status, "municipality": family.municipality.name,
        "municipality_number": family.municipality.number, "preferred_language": family.preferred_language,
        "created_at": family.created_at, "closed_at": family.closed_at,
        "coordinator": _name(assignments[0].coordinator) if assignments else None,
    }


def _active_assignments() -> Any:
    today = timezone.localdate()
    return (CoordinatorAssignment.objects.filter(started__lte=today)
            .filter(Q(ended__isnull=True) | Q(ended__gt=today)).select_related("coordinator"))


def plan_out(plan: Plan) -> dict:
    return {"id": plan.pk, "family_id": plan.family_id, "status": plan.status, "what_matters": plan.what_matters,
            "revision": plan.revision, "created_at": plan.created_at, "updated_at": plan.updated_at,
            "closed_at": plan.closed_at}


def goal_out(goal: Goal) -> dict:
    return {"id": goal.pk, "plan_id": goal.plan_id, "text": goal.text, "whose": goal.whose,
            "category": goal.category, "child_id": goal.child_id, "archived": goal.archived}


def measure_out(measure: Measure) -> dict:
    return {"id": measure.pk, "plan_id": measure.plan_id, "goal_id": measure.goal_id, "title": measure.title,
            "description": measure.description, "status": measure.status, "owner": measure.owner_label,
            "start": measure.start, "due_date": measure.due_date}


def meeting_out(meeting: Meeting) -> dict:
    return {"id": meeting.pk, "family_id": meeting.family_id, "kind": meeting.kind, "status": meeting.status,
            "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "place": meeting.place}


def action_out(action: Any) -> dict:
    owner = ", ".join(x for x in (_name(action.owner) if action.owner_id else "",
                                  action.service_provider.name if action.service_provider_id else "") if x)
    return {"id": action.pk, "family_id": action.family_id, "meeting_id": action.meeting_id, "title": action.title,
            "status": action.status, "due_date": action.due_date, "owner": owner, "done_at": action.done_at}


def service_out(entry: ServiceEntry) -> dict:
    return {"id": entry.pk, "family_id": entry.family_id, "child_id": entry.child_id, "name": entry.name,
            "catalog_id": entry.catalog_id,
            "provider": entry.provider.name if entry.provider_id else entry.provider_name,
            "sector": entry.sector, "state": entry.state, "period_from": entry.period_from,
            "period_to": entry.period_to}


def application_out(app: Application) -> dict:
    return {"id": app.pk, "family_id": app.family_id, "service_id": app.entry_id, "sent_on": app.sent_on,
            "decision": app.decision, "decision_on": app.decision_on, "appeal_deadline": app.appeal_deadline}


def consent_out(consent: Consent) -> dict:
    return {"id": consent.pk, "family_id": consent.family_id,
            "service": consent.service_provider.name if consent.service_provider_id else None,
            "person": _name(consent.person) if consent.person_id else None,
            "categories": list(consent.categories or []), "purpose": consent.purpose, "method": consent.method,
            "valid_from": consent.valid_from, "valid_to": consent.valid_to, "withdrawn_at": consent.withdrawn_at,
            "status": consent.status}


def _visible_items(request: HttpRequest, objects: Iterable[Any]) -> list[Any]:
    return [obj for obj in objects if api_access.may(request, obj)]


# --- who am I ------------------------------------------------------------------------------------

router = Router()


@router.get("/me", response={200: s.Me, **ERRORS}, tags=["auth"], summary="Who the caller is")
@access("authenticated")
def me(request: HttpRequest) -> dict:
    who = api_access.caller(request)
    return {"username": who.user.username, "name": _name(who.user), "roles": sorted(who.user.role_names()),
            "token": who.token.name if who.token else None,
            "municipality": who.token.municipality.name if who.token else None,
            "scopes": list(who.token.scopes) if who.token else None}


# --- families and children -----------------------------------------------------------------------


@router.get("/families", response={200: s.page_of(s.FamilyOut), **ERRORS}, tags=["families"],
            summary="Families the caller may see")
@access("family_list")
def list_families(request: HttpRequest, limit: int = _limit(), offset: int = _offset()) -> dict:
    api_access.require_scope(request, Scope.FAMILIES_READ)
    families = (api_access.visible(request, Category.CASE).select_related("municipality")
                .prefetch_related(Prefetch("coordinator_assignments", queryset=_active_assignments(),
                                           to_attr="active_assignments"))
                .order_by("display_name", "pk"))
    api_access.record_list(request, "Family")
    return paged(families, limit, offset, family_out)


@router.get("/families/{family_id}", response={200: s.FamilyOut, **ERRORS}, tags=["families"],
            summary="One family")
@access("family")
def get_family(request: HttpRequest, family_id: int = _id("The family's id.")) -> dict:
    return family_out(api_access.family_for(request, family_id, Scope.FAMILIES_READ))


@router.get("/families/{family_id}/children", response={200: s.page_of(s.ChildOut), **ERRORS},
            tags=["families"], summary="The family's children")
@access("family")
def list_children(request: HttpRequest, family_id: int = _id("The family's id."), limit: int = _limit(),
                  offset: int = _offset()) -> dict:
    family = api_access.family_for(request, family_id, Scope.FAMILIES_READ)

    def child_out(child: Child) -> dict:
        health = api_access.may(request, child, Category.HEALTH)
        return {"id": child.pk, "family_id": child.family_id, "given_name": child.given_name,
                "family_name": child.family_name, "birth_date": child.birth_date,
                "expected_birth_date": child.expected_birth_date, "setting": child.setting,
                "condition_categories": list(child.condition_categories or []) if health else None}

    return paged(list(family.children.order_by("birth_date", "pk")), limit, offset, child_out)


# --- plans ---------------------------------------------------------------------------------------


def _plan(request: HttpRequest, family_id: int, plan_id: int) -> Plan:
    family = api_access.family_for(request, family_id, Scope.PLANS_READ, Category.PLAN)
    plan = Plan.objects.filter(pk=plan_id, family=family).select_related("family").first()
    if plan is None:
        raise ProblemError(404)
    api_access.check(request, Action.VIEW, plan)
    return plan


@router.get("/families/{family_id}/plans", response={200: s.page_of(s.PlanOut), **ERRORS}, tags=["plans"],
            summary="The family's individual plans")
@access("family")
def list_plans(request: HttpRequest, family_id: int = _id("The family's id."), limit: int = _limit(),
               offset: int = _offset()) -> dict:
    family = api_access.family_for(request, family_id, Scope.PLANS_READ, Category.PLAN)
    plans = _visible_items(request, Plan.objects.filter(family=family).order_by("-created_at", "-pk"))
    return paged(plans, limit, offset, plan_out)


@router.get("/families/{family_id}/plans/{plan_id}", response={200: s.PlanOut, **ERRORS},
            tags=["plans"], summary="One individual plan")
@access("family")
def get_plan(request: HttpRequest, family_id: int = _id("The family's id."),
             plan_id: int = _id("The plan's id.")) -> dict:
    return plan_out(_plan(request, family_id, plan_id))


@router.get("/families/{family_id}/plans/{plan_id}/goals", response={200: s.page_of(s.GoalOut), **ERRORS},
            tags=["plans"], summary="The plan's goals")
@access("family")
def list_goals(request: HttpRequest, family_id: int = _id("The family's id."),
               plan_id: int = _id("The plan's id."), limit: int = _limit(), offset: int = _offset()) -> dict:
    plan = _plan(request, family_id, plan_id)
    return paged(_visible_items(request, plan.goals.select_related("family", "child")), limit, offset, goal_out)


@router.get("/families/{family_id}/plans/{plan_id}/measures",
            response={200: s.page_of(s.MeasureOut), **ERRORS}, tags=["plans"], summary="The plan's measures (tiltak)")
@access("family")
def list_measures(request: HttpRequest, family_id: int = _id("The family's id."),
                  plan_id: int = _id("The plan's id."), limit: int = _limit(), offset: int = _offset()) -> dict:
    plan = _plan(request, family_id, plan_id)
    measures = plan.measures.select_related("family", "owner_person", "owner_provider").order_by("due_date", "pk")
    return paged(_visible_items(request, measures), limit, offset, measure_out)


# --- meetings and actions ------------------------------------------------------------------------


@router.get("/families/{family_id}/meetings", response={200: s.page_of(s.MeetingOut), **ERRORS},
            tags=["meetings"], summary="The family's meetings")
@access("family")
def list_meetings(request: HttpRequest, family_id: int = _id("The family's id."), limit: int = _limit(),
                  offset: int = _offset()) -> dict:
    family = api_access.family_for(request, family_id, Scope.MEETINGS_READ, Category.MEETINGS)
    meetings = Meeting.objects.filter(family=family).select_related("family").order_by("-starts_at", "-pk")
    return paged(_visible_items(request, meetings), limit, offset, meeting_out)


@router.get("/families/{family_id}/actions", response={200: s.page_of(s.ActionOut), **ERRORS},
            tags=["meetings"], summary="The family's actions from meetings")
@access("family")
def list_actions(request: HttpRequest, family_id: int = _id("The family's id."), limit: int = _limit(),
                 offset: int = _offset()) -> dict:
    family = api_access.family_for(request, family_id, Scope.MEETINGS_READ, Category.MEETINGS)
    decision = api_access.decide_quietly(request, family, Category.MEETINGS)
    actions = family_actions(family, family_side=is_family_side(decision), status=None)
    return paged(_visible_items(request, actions), limit, offset, action_out)


# --- services and applications -------------------------------------------------------------------


@router.get("/families/{family_id}/services", response={200: s.page_of(s.ServiceOut), **ERRORS},
            tags=["services"], summary="The family's services (the service map)")
@access("family")
def list_services(request: HttpRequest, family_id: int = _id("The family's id."), limit: int = _limit(),
                  offset: int = _offset()) -> dict:
    family = api_access.family_for(request, family_id, Scope.SERVICES_READ, Category.SERVICES)
    entries = ServiceEntry.objects.filter(family=family).select_related("family", "provider", "child")
    return paged(_visible_items(request, entries.order_by("pk")), limit, offset, service_out)


@router.get("/families/{family_id}/applications", response={200: s.page_of(s.ApplicationOut), **ERRORS},
            tags=["services"], summary="The family's applications and decisions")
@access("family")
def list_applications(request: HttpRequest, family_id: int = _id("The family's id."), limit: int = _limit(),
                      offset: int = _offset()) -> dict:
    family = api_access.family_for(request, family_id, Scope.SERVICES_READ, Category.SERVICES)
    apps = Application.objects.filter(family=family).select_related("family", "entry").order_by("-sent_on", "-pk")
    return paged(_visible_items(request, apps), limit, offset, application_out)


# --- consents ------------------------------------------------------------------------------------


@router.get("/families/{family_id}/consents", response={200: s.page_of(s.ConsentOut), **ERRORS},
            tags=["consents"], summary="The family's consent register")
@access("family")
def list_consents(request: HttpRequest, family_id: int = _id("The family's id."), limit: int = _limit(),
                  offset: int = _offset()) -> dict:
    family = api_access.family_for(request, family_id, Scope.CONSENTS_READ, Category.CONSENTS)
    consents = Consent.objects.filter(family=family).select_related("family", "service_provider", "person")
    return paged(_visible_items(request, consents.order_by("-valid_from", "-pk")), limit, offset, consent_out)


# --- navigator -----------------------------------------------------------------------------------


@router.post("/navigator/evaluate", response={200: s.NavigatorOut, **ERRORS}, tags=["navigator"],
             summary="Evaluate a family situation profile",
             description="The body is a family situation profile (the navigator's profile.schema.json). The answer "
                         "is the same JSON object as `manage.py navigator --format json`.")
@access("authenticated")
def navigator_evaluate(request: HttpRequest, profile: dict[str, Any] = PROFILE_BODY, as_of: date | None = AS_OF,
                       lang: str | None = LANG) -> dict:
    from los.navigator.engine import ProfileError, evaluate, profile_language

    api_access.require_scope(request, Scope.NAVIGATOR_EVALUATE)
    if as_of is not None and not (date(1900, 1, 1) <= as_of <= date(2200, 12, 31)):
        raise ProblemError(422, _("The date is out of range."))
    try:
        language = lang or profile_language(profile)
        if language not in ("nb", "nn", "en"):
            language = "nb"
        return evaluate(profile, as_of=as_of, lang=language).to_dict()
    except ProfileError as exc:
        raise ProblemError(422, _("The profile does not match the schema at %(path)s: %(detail)s")
                         % {"path": exc.path, "detail": exc.detail}, slug="invalid-profile") from None


# --- statistics ----------------------------------------------------------------------------------


@router.get("/statistics", response={200: s.StatisticsOut, **ERRORS}, tags=["statistics"],
            summary="The municipality's statistics (aggregates only)")
@access("aggregate")
def statistics(request: HttpRequest, start: date | None = PERIOD_START, end: date | None = PERIOD_END,
               period: str | None = REPORTING_PERIOD, municipality: str | None = MUNICIPALITY_NUMBER) -> dict:
    from los.access import audit
    from los.access.models import AuditAction
    from los.stats import figures, periods, selectors

    api_access.require_scope(request, Scope.STATS_READ)
    who = api_access.caller(request)
    municipalities = selectors.leader_municipalities(who.user)
    if who.token is not None:
        municipalities = [m for m in municipalities if m.pk == who.token.municipality_id]
    if not municipalities:
        raise ProblemError(403, _("Statistics are for leaders of the municipality and the coordinating unit."))
    if municipality is not None:
        municipalities = [m for m in municipalities if m.number == municipality]
        if not municipalities:
            raise ProblemError(404, _("You have no statistics for a municipality with that number."))
    today = timezone.localdate()
    protect = selectors.must_protect(who.user, [m.pk for m in municipalities])
    now = None
    if protect:
        # one municipality and one whole period that has ended: free periods and sums could be subtracted
        kind = periods.protected_kind()
        if start is not None or end is not None:
            raise ProblemError(422, _("Figures with small numbers hidden are given for whole periods only: use "
                                      "period=%(example)s instead of start and end.")
                               % {"example": periods.example_key(kind)}, slug="fixed-period")
        reporting = periods.last_completed(kind, today)
        if period is not None:
            reporting = periods.parse(period, kind, today)
            if reporting is None:
                raise ProblemError(422, _("Give a whole period that has ended, written as %(example)s.")
                                   % {"example": periods.example_key(kind)}, slug="fixed-period")
        municipalities = municipalities[:1]
        chosen = reporting.as_period()
        now = selectors.protected_now_figures(municipalities[0], today)
    else:
        chosen = selectors.Period.default(today)
        if period is not None:
            found = next((p for kind in periods.KINDS if (p := periods.parse(period, kind, today)) is not None), None)
            if found is None:
                raise ProblemError(422, _("The period is not valid."))
            chosen = found.as_period()
        elif start is not None or end is not None:
            chosen = selectors.Period(start=start or chosen.start, end=min(end or today, today))
            if not date(2000, 1, 1) <= chosen.start <= chosen.end:
                raise ProblemError(422, _("The period is not valid."))
    ids = [m.pk for m in municipalities]
    page = figures.municipal_page(ids, chosen, today, translation.get_language() or "nb", protect=protect,
                                  now=now)
    for municipality_id in ids:
        audit.record(actor=who.user, action=AuditAction.VIEW, object_type="stats_municipal",
                     municipality_id=municipality_id, reason="municipality statistics" + who.via, request=request)

    def cell(c: Any) -> dict:
        value = None if c.hidden else c.value
        if value is not None and not isinstance(value, int | float | str):
            value = str(value)
        return {"value": value, "hidden": c.hidden}

    return {
        "municipalities": [m.name for m in municipalities], "period_start": chosen.start,
        "period_end": chosen.end,
        "protected": page.protected,
        "tables": [{"id": t.id, "title": str(t.title), "columns": [str(c) for c in t.columns],
                    "rows": [{"key": r.key, "label": str(r.label), "total": r.is_total,
                              "cells": [cell(c) for c in r.cells]} for r in t.rows],
                    "protected": t.protected, "available": t.available} for t in page.tables],
    }


api.add_router("/", router)


def openapi_url() -> str:
    return reverse("api:openapi-json")


# --- FHIR ----------------------------------------------------------------------------------------

fhir_router = Router()


@fhir_router.get("/Family/{family_id}/$export", response={200: dict[str, Any], **ERRORS}, tags=["fhir"],
                 summary="The family's coordination data as a FHIR R4 Bundle",
                 description="CarePlan, Goal, CareTeam, Consent, EpisodeOfCare, Task and Encounter (and the Group and "
                             "Patient they refer to), only what the caller may see. Categories left out are listed in "
                             "the Bundle's meta.tag.")
@access("family")
def fhir_export(request: HttpRequest, family_id: int = _id("The family's id.")) -> HttpResponse:
    import json

    from los.api.fhir import build_bundle

    family = api_access.family_for(request, family_id, Scope.FHIR_READ)
    bundle, _left_out = build_bundle(family, api_access.caller(request).user)
    return HttpResponse(json.dumps(bundle, ensure_ascii=False), content_type=FHIR_CONTENT_TYPE)


@fhir_router.get("/Family/{family_id}/AuditEvent", response={200: dict[str, Any], **ERRORS}, tags=["fhir"],
                 summary="Who has looked at the family's data, as FHIR AuditEvent resources",
                 description="The family's access log, newest first, one AuditEvent per event and child, following "
                             "HL7 Norway's AuditEvent guide (no-domain-Trustframework-Auditevent) for events by staff. "
                             "Only for the family and its barnekoordinator; never for the coordinating unit or "
                             "services. The header X-Total-Count gives the number of access events in all.")
@access("family")
def fhir_audit_events(request: HttpRequest, family_id: int = _id("The family's id."),
                      limit: int = Query(200, ge=1, le=1000, description="How many access events (1–1000)."),
                      offset: int = _offset()) -> HttpResponse:
    import json

    from los.access.selectors import health_hidden_from_guardians
    from los.api.fhir_audit import build_bundle

    family = api_access.family_for(request, family_id, Scope.FHIR_READ, Category.ACCESS_LOG, Action.EXPORT)
    decision = api_access.decide_quietly(request, family, Category.ACCESS_LOG)
    hide_health = decision.basis == "guardian" and health_hidden_from_guardians(family)
    bundle, total = build_bundle(family, hide_health, limit=limit, offset=offset)
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False), content_type=FHIR_CONTENT_TYPE)
    response["X-Total-Count"] = str(total)
    return response


api.add_router("/fhir", fhir_router)


# --- archive -------------------------------------------------------------------------------------

archive_router = Router()


@archive_router.get("/families/{family_id}/archive", response={200: str, 409: Problem, **ERRORS},
                    tags=["archive"], summary="A closed case as an archive package (zip)",
                    description="README.txt, metadata.json, a PDF/A-3b summary and the plans as PDF/A-3b. Only for "
                                "closed cases (409 otherwise) and for those the policy lets export.")
@access("family")
def archive_export(request: HttpRequest, family_id: int = _id("The family's id.")) -> HttpResponse:
    from los.api.archive import build_archive
    from los.families.models import FamilyStatus

    family = api_access.family_for(request, family_id, Scope.ARCHIVE_EXPORT, Category.CASE, Action.EXPORT)
    if family.status != FamilyStatus.CLOSED:
        raise ProblemError(409, _("Only a closed case can be exported for the archive."), slug="case-not-closed")
    package = build_archive(family, api_access.caller(request).user, translation.get_language() or "nb")
    return file_response(package, ZIP_CONTENT_TYPE, f"arkiv-{family.pk}.zip", cache_control="")


api.add_router("/", archive_router)


# --- the archive interface: registry entries for the municipality's sak/arkiv system (los.archive) ----------

from los.archive.api import router as archive_journal_router  # noqa: E402 - the archive app's router, added here

api.add_router("/archive/v1", archive_journal_router)
