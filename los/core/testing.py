"""Factories for tests. Every person is synthetic; fødselsnummer are generated and valid."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from los.access.models import Category, Consent, ConsentMethod
from los.accounts.models import PositionType, Role, RoleStatus, StaffRole, User
from los.core.models import CoordinatingUnit, Municipality, ProviderKind, ProviderLevel, ServiceProvider
from los.families.models import Child, CoordinatorAssignment, Family, FamilyMember, FamilyStatus

PASSWORD = "test-password-123"  # noqa: S105
_counter = itertools.count(1)
_rng = random.Random(4711)


def municipality(name: str = "Testvik", number: str | None = None, population: int = 12000) -> Municipality:
    m = Municipality.objects.create(name=name, number=number or f"{9100 + next(_counter) % 800:04d}",
                                    population=population)
    CoordinatingUnit.objects.create(municipality=m, name=f"Koordinerende enhet {name}")
    return m


def provider(m: Municipality, kind: str = ProviderKind.SCHOOL, name: str | None = None) -> ServiceProvider:
    return ServiceProvider.objects.create(municipality=m, kind=kind, name=name or f"{kind} {m.name}",
                                          level=ProviderLevel.MUNICIPAL)


def user(username: str | None = None, **extra) -> User:
    username = username or f"user{next(_counter)}"
    u = User.objects.create_user(username=username, password=PASSWORD, first_name=extra.pop("first_name", "Test"),
                                 last_name=extra.pop("last_name", username.title()), **extra)
    return u


def staff(role: str, m: Municipality, username: str | None = None, service_provider: ServiceProvider | None = None,
          **role_fields) -> User:
    u = user(username)
    if role == Role.SERVICE_CONTACT and service_provider is None:
        service_provider = provider(m)
    if role == Role.BARNEKOORDINATOR:
        role_fields.setdefault("position_type", PositionType.DEDICATED)
        role_fields.setdefault("position_share", 60)
    grant(u, m, role, service_provider=service_provider, coordinating_unit=m.coordinating_units.first(),
          **role_fields)
    return u


def grant(u: User, m: Municipality, role: str, **fields) -> StaffRole:
    """A role in force, as if requested and approved by two other people (the role services do that, with audit
    events, in the product)."""
    fields.setdefault("active", True)
    fields.setdefault("status", RoleStatus.APPROVED if fields["active"] else RoleStatus.PENDING)
    return StaffRole.objects.create(user=u, municipality=m, role=role, **fields)


def family(m: Municipality, name: str = "Familien Test", status: str = FamilyStatus.ACTIVE,
           child_age: int | None = 9, guardian_user: User | None = None, **fields) -> Family:
    f = Family.objects.create(municipality=m, reference=f"T/{next(_counter)}", display_name=name, status=status,
                              **fields)
    if child_age is not None:
        if child_age >= 0:
            birth = timezone.localdate() - timedelta(days=child_age * 365 + 100)
            from los.core import fnr
            Child.objects.create(family=f, municipality=m, given_name="Barn", family_name=name.split()[-1],
                                 birth_date=birth, fodselsnummer=fnr.generate(birth, _rng))
        else:
            Child.objects.create(family=f, municipality=m, given_name="Ventet", family_name=name.split()[-1],
                                 expected_birth_date=timezone.localdate() + timedelta(days=90))
    FamilyMember.objects.create(family=f, municipality=m, relation="mother", given_name="Mor",
                                family_name=name.split()[-1], parental_responsibility=True, daily_care=True,
                                may_consent=True, user=guardian_user)
    return f


def assign(f: Family, coordinator: User, started: date | None = None) -> CoordinatorAssignment:
    return CoordinatorAssignment.objects.create(family=f, municipality=f.municipality, coordinator=coordinator,
                                                started=started or timezone.localdate() - timedelta(days=30))


def consent(f: Family, service_provider: ServiceProvider | None = None, person: User | None = None,
            categories: list[str] | None = None, days: int = 365) -> Consent:
    now = timezone.now()
    return Consent.objects.create(
        family=f, municipality=f.municipality, service_provider=service_provider, person=person,
        categories=categories or [Category.CASE, Category.PLAN, Category.MEETINGS],
        valid_from=now - timedelta(days=1), valid_to=now + timedelta(days=days), method=ConsentMethod.DIGITAL,
        text_shown="Test consent text", given_by_member=f.members.filter(may_consent=True).first(),
    )


def page_and_queries(client: Any, url: str) -> tuple[str, list[dict]]:
    """A page as its second request sees it (the first makes the session and the audit chain's first event), with
    the queries that second request made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return page, queries.captured_queries
