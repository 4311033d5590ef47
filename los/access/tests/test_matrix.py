"""The authorization matrix: every route of the project, every role, families the role may not see.

How it works (and what a new app must do to pass):

1. Every URL pattern in the project is found by walking ``get_resolver()`` recursively, including
   included apps and the API. Each view must carry a ``los_access`` marker (``@access(...)`` from
   ``los.access.guard``; on a class-based view the class, on a django-ninja operation the operation
   function). The only exceptions, listed in ``EXEMPT_NAMESPACES`` / ``EXEMPT_MODULES``, are Django's
   admin (its own staff log-in and permissions), static files and django-ninja's OpenAPI docs.
2. For every ``family`` route, the URL is built for a family the user may not see
   (``world.other_family`` in the same municipality and ``world.foreign_family`` in another, and
   ``world.family`` for roles without a relation to it), for each role of the ``world`` fixture. The
   keyword arguments are built generically:

   - ``family_pk`` / ``family_id`` → that family's pk;
   - ``<model>_pk`` / ``<model>_id`` (e.g. ``consent_pk``, ``meeting_id``) → the pk of an object of that
     family, when a model with that name and a ``family`` field is found among Los's models and the
     family has one; otherwise the family's pk is used (the view must then answer 404 anyway);
   - ``pk`` / ``id`` and other int arguments → the family's pk; uuid → a random uuid; strings → ``"x"``.

   Apps can make the matrix reach their objects by providing ``los/<app>/testing.py`` with
   ``def matrix_objects(family) -> None`` that creates one of each of their family-owned objects; it is
   called for each of the three families before the requests are made.

   The request is a GET (also as an htmx request); a route that only accepts POST (405) is POSTed with an
   empty form. The answer must be 403 or 404, and neither the family's name nor the child's name may
   appear in the body.
3. Every ``family_list``, ``aggregate``, ``authenticated``, ``staff`` and ``public`` route without
   arguments is opened by every role, normally and as an htmx fragment: a family the role may not see is
   never named (lists, counts and search start from ``visible_families``).
4. Every ``family`` route that answers 200 to a GET has written an audit event for that family and user.
"""

from __future__ import annotations

import importlib
import uuid
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

from los.access.guard import ACCESS_KINDS
from los.access.models import AuditEvent, Consent, ConsentMethod
from los.access.policy import Action, decide
from los.accounts.models import Role
from los.core import testing as t

EXEMPT_NAMESPACES = {"admin"}  # Django admin: own staff log-in and model permissions, no family pages for roles
EXEMPT_MODULES = ("django.views.static", "django.contrib.staticfiles", "ninja.openapi")
FAMILY_KWARGS = {"family_pk", "family_id"}
NOT_SHOWN = {403, 404}


@dataclass
class Route:
    route: str
    name: str | None
    callback: object
    converters: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.name or self.route


def _walk(patterns, prefix: str = "", namespace: str = "", converters: dict | None = None) -> list[Route]:
    found: list[Route] = []
    for entry in patterns:
        conv = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            if entry.namespace in EXEMPT_NAMESPACES or getattr(entry, "app_name", None) in EXEMPT_NAMESPACES:
                continue
            ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            found += _walk(entry.url_patterns, prefix + str(entry.pattern), ns, conv)
        elif isinstance(entry, URLPattern):
            module = getattr(entry.callback, "__module__", "") or ""
            if module.startswith(EXEMPT_MODULES):
                continue
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append(Route(prefix + str(entry.pattern), name, entry.callback, conv))
    return found


def marker(callback) -> str | None:
    """The ``los_access`` kind of a view: function, class-based view, or the operations of a ninja path."""
    candidates = [callback, getattr(callback, "view_class", None), getattr(callback, "cls", None),
                  getattr(callback, "__wrapped__", None)]
    for obj in candidates:
        kind = getattr(obj, "los_access", None)
        if kind:
            return kind
    # django-ninja: the URL's callback wraps a PathView whose operations hold the real views
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations:
            kinds = {getattr(op.view_func, "los_access", None) for op in operations}
            if len(kinds) == 1 and None not in kinds:
                return kinds.pop()
            return None
    return None


ROUTES = _walk(get_resolver().url_patterns)
FAMILY_ROUTES = [r for r in ROUTES if marker(r.callback) == "family" and r.converters]
LIST_ROUTES = [r for r in ROUTES if marker(r.callback) in {"family_list", "aggregate", "authenticated", "staff",
                                                           "public"} and not r.converters]


def test_the_walk_finds_the_known_routes():
    names = {r.name for r in ROUTES}
    assert {"core:home", "families:detail", "access:family_consents", "access:family_access_log",
            "accounts:login"} <= names
    assert any(r.name == "access:withdraw_consent" for r in FAMILY_ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_every_route_carries_an_access_marker(route):
    kind = marker(route.callback)
    assert kind in ACCESS_KINDS, (
        f"{route.route} ({route.name}) has no los_access marker: decorate the view with "
        "@access('public'|'authenticated'|'family'|'family_list'|'aggregate'|'staff') from los.access.guard")


# --- the world, with objects ---------------------------------------------------------------------


def _family_models() -> dict[str, type[models.Model]]:
    """Los models that belong to a family, by lower-case model name."""
    found = {}
    for model in apps.get_models():
        if model.__module__.startswith("los.") and any(f.name == "family" for f in model._meta.get_fields()):
            found[model._meta.model_name] = model
    return found


FAMILY_MODELS = _family_models()


def _model_for(kwarg: str) -> type[models.Model] | None:
    stem = kwarg.rsplit("_", 1)[0].replace("_", "").lower()
    if stem in FAMILY_MODELS:
        return FAMILY_MODELS[stem]
    matches = [m for name, m in FAMILY_MODELS.items() if name.endswith(stem)]
    return matches[0] if len(matches) == 1 else None


def url_for(route: Route, family) -> str:
    kwargs = {}
    for name, converter in route.converters.items():
        if name in FAMILY_KWARGS:
            value = family.pk
        elif isinstance(converter, UUIDConverter):
            value = uuid.uuid4()
        elif isinstance(converter, IntConverter):
            model = _model_for(name) if name.endswith(("_pk", "_id")) else None
            obj = model._default_manager.filter(family=family).order_by("pk").first() if model else None
            value = obj.pk if obj is not None else family.pk
        else:
            value = "x"
        kwargs[name] = value
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = "/" + route.route
    for name, value in kwargs.items():
        path = path.replace(f"<{name}>", str(value))
        for prefix in ("int", "str", "slug", "uuid", "path"):
            path = path.replace(f"<{prefix}:{name}>", str(value))
    return path


def _call_app_hooks(families) -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("los."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.testing")
        except ModuleNotFoundError:
            continue
        hook = getattr(module, "matrix_objects", None)
        if hook is not None:
            for family in families:
                hook(family)


@pytest.fixture
def matrix(world):
    """The world fixture plus a unit leader, a young person, a consent to the school for the family, and
    one consent per family (to a service without users) so that consent routes have real objects."""
    world.unit_leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    t.consent(world.family, world.school, categories=["case", "plan"])
    for family in (world.family, world.other_family, world.foreign_family):
        provider = t.provider(family.municipality, name=f"Tjeneste uten brukere {family.pk}")
        Consent.objects.create(family=family, municipality=family.municipality, service_provider=provider,
                               categories=["case"], valid_from=timezone.now(),
                               valid_to=timezone.now() + timezone.timedelta(days=30), method=ConsentMethod.PAPER,
                               text_shown="Samtykke på papir", given_by_member=family.members.first())
    _call_app_hooks([world.family, world.other_family, world.foreign_family])
    world.people = {
        "guardian": world.parent, "barnekoordinator": world.coordinator, "caseworker": world.caseworker,
        "unit_leader": world.unit_leader, "service_contact": world.contact, "municipal_leader": world.leader,
        "system_admin": world.admin, "foreign_caseworker": world.foreign_caseworker,
    }
    world.families = [world.family, world.other_family, world.foreign_family]
    return world


def secrets_of(family) -> list[str]:
    return [family.display_name, *(f"{c.given_name} {c.family_name}" for c in family.children.all())]


@pytest.mark.django_db
@pytest.mark.parametrize("route", FAMILY_ROUTES, ids=lambda r: r.id)
def test_family_routes_never_show_a_family_the_user_may_not_see(route, matrix):
    checked = 0
    for role, person in matrix.people.items():
        client = Client()
        client.force_login(person)
        for family in matrix.families:
            if decide(person, Action.VIEW, family).allowed:
                continue
            url = url_for(route, family)
            responses = [client.get(url)]
            if responses[0].status_code == 405:  # a POST-only route: post an empty form instead
                responses = [client.post(url, {}), client.post(url, {}, HTTP_HX_REQUEST="true")]
            else:  # the same page as an htmx fragment
                responses.append(client.get(url, HTTP_HX_REQUEST="true"))
            for response in responses:
                assert response.status_code in NOT_SHOWN, (role, family.display_name, url, response.status_code)
                body = response.content.decode(errors="ignore")
                for secret in secrets_of(family):
                    assert secret not in body, (role, url, secret)
            checked += 1
    assert checked >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.id)
def test_lists_and_overviews_never_name_a_family_the_user_may_not_see(route, matrix):
    for role, person in matrix.people.items():
        client = Client()
        client.force_login(person)
        hidden = [f for f in matrix.families if not decide(person, Action.VIEW, f).allowed]
        url = url_for(route, matrix.family)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            if response.status_code in (301, 302, 405):
                continue
            body = response.content.decode(errors="ignore")
            for family in hidden:
                for secret in secrets_of(family):
                    assert secret not in body, (role, url, secret)


@pytest.mark.django_db
@pytest.mark.parametrize("route", FAMILY_ROUTES, ids=lambda r: r.id)
def test_family_routes_write_an_audit_event_when_they_show_something(route, matrix):
    for role, person in matrix.people.items():
        if not decide(person, Action.VIEW, matrix.family).allowed:
            continue
        client = Client()
        client.force_login(person)
        url = url_for(route, matrix.family)
        before = AuditEvent.objects.filter(family=matrix.family, actor=person).count()
        response = client.get(url)
        if response.status_code == 200:
            after = AuditEvent.objects.filter(family=matrix.family, actor=person).count()
            assert after > before, f"{url} answered 200 to {role} without writing an audit event"


@pytest.mark.django_db
def test_some_family_pages_are_actually_shown_to_those_with_a_right(matrix):
    """Guard against a matrix that passes because everything is refused."""
    shown = 0
    for route in FAMILY_ROUTES:
        for person in (matrix.parent, matrix.coordinator):
            client = Client()
            client.force_login(person)
            if client.get(url_for(route, matrix.family)).status_code == 200:
                shown += 1
    assert shown >= 6
