"""The demo tells one story: every text about the demo family names only the people and schools in its records,
and nothing it still has to do is long overdue."""

import json
import re
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import models

from los.access.models import Consent
from los.accounts.models import StaffRole, User
from los.core.demo import names
from los.core.demo.seed import build
from los.core.models import ProviderKind, ServiceProvider
from los.families.models import Child, CoordinatorAssignment, Family, FamilyMember

TODAY = date(2026, 11, 18)
WORD = re.compile(r"\b[A-ZÆØÅ][a-zæøåé]+\b")
SCHOOL = re.compile(r"\b([A-ZÆØÅ][a-zæøå]+ (?:skole|barneskole|ungdomsskole))\b")
STALE = timedelta(days=60)


def _family_rows(family: Family):
    """Every stored row that belongs to the family (a ``family`` foreign key), with its model."""
    for model in apps.get_models():
        field = next((f for f in model._meta.get_fields() if f.name == "family" and f.is_relation
                      and getattr(f, "related_model", None) is Family), None)
        if field is None or not field.concrete:
            continue
        yield from ((model, row) for row in model.objects.filter(family=family))
    yield Family, family


def _texts(model, row) -> list[tuple[str, str]]:
    out = []
    for field in model._meta.concrete_fields:
        if field.choices or field.is_relation:
            continue
        value = getattr(row, field.attname)
        if isinstance(field, models.JSONField) and value:
            out.append((f"{model.__name__}.{field.name}", json.dumps(value, ensure_ascii=False)))
        elif isinstance(field, (models.CharField, models.TextField)) and value:
            out.append((f"{model.__name__}.{field.name}", str(value)))
    return out


@pytest.mark.django_db
def test_the_demo_family_is_the_same_family_on_every_page():
    ctx = build("demo", seed=2, today=TODAY)
    family = ctx.demo_family
    rows = list(_family_rows(family))
    texts = [t for model, row in rows for t in _texts(model, row)]
    assert len(texts) > 200  # the story, plan, minutes, service map, request and decision are all there

    # the people the family's records know: its child and members, its coordinators, the staff its rows name (who
    # wrote, decided, appointed), the demo log-ins and the contact people of the services it has consented to or
    # has entries with
    people = {c.given_name for c in Child.objects.filter(family=family)}
    people |= {m.given_name for m in FamilyMember.objects.filter(family=family)}
    staff_ids = set(CoordinatorAssignment.objects.filter(family=family).values_list("coordinator_id", flat=True))
    provider_ids = {pk for model, row in rows for pk in [getattr(row, "service_provider_id", None),
                                                         getattr(row, "provider_id", None)] if pk}
    staff_ids |= {getattr(row, f.attname) for model, row in rows for f in model._meta.concrete_fields
                  if f.is_relation and f.related_model is User and getattr(row, f.attname)}  # who did what
    staff_ids |= set(StaffRole.objects.filter(service_provider_id__in=provider_ids).values_list("user_id", flat=True))
    staff_ids |= set(User.objects.filter(username__in=[u for _r, u, _d in ctx.demo_users]).values_list("pk",
                                                                                                        flat=True))
    people |= set(User.objects.filter(pk__in=staff_ids).values_list("first_name", flat=True))

    # a first name is any given name the demo draws from, the demo log-ins' and every staff member's
    first_names = set(names.GIVEN_FEMALE) | set(names.GIVEN_MALE) | set(User.objects.values_list("first_name",
                                                                                                 flat=True))
    first_names -= {"Sys"}
    strangers = {(where, word) for where, text in texts for word in WORD.findall(text)
                 if word in first_names and word not in people}
    assert not strangers, sorted(strangers)[:20]

    child = Child.objects.get(family=family)
    sibling = FamilyMember.objects.get(family=family, relation="sibling")
    everything = " ".join(text for _w, text in texts)
    assert child.given_name in everything and sibling.given_name in everything

    # one school: the one the family's records (its consents) name
    schools = set(ServiceProvider.objects.filter(
        pk__in=Consent.objects.filter(family=family).values("service_provider_id"),
        kind=ProviderKind.SCHOOL).values_list("name", flat=True))
    assert len(schools) == 1
    named = {(where, school) for where, text in texts for school in SCHOOL.findall(text)}
    assert {school for _w, school in named} == schools, sorted(named)


@pytest.mark.django_db
def test_nothing_the_demo_family_has_to_do_is_long_overdue():
    from los.meetings.models import Action, ActionStatus
    from los.plans.models import Measure, MeasureStatus
    from los.referrals.models import HandoverTask
    from los.transitions.models import TaskStatus, TransitionTask

    ctx = build("demo", seed=3, today=TODAY)
    family = ctx.demo_family
    old = TODAY - STALE
    assert Action.objects.filter(family=family, status=ActionStatus.OPEN).exists()
    assert not Action.objects.filter(family=family, status=ActionStatus.OPEN, due_date__lt=old).exists()
    assert Measure.objects.filter(plan__family=family).exists()
    assert not Measure.objects.filter(plan__family=family, due_date__lt=old,
                                      status__in=[MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS]).exists()
    assert not TransitionTask.objects.filter(family=family, status=TaskStatus.OPEN, due_date__lt=old).exists()
    assert not HandoverTask.objects.filter(family=family, done_at__isnull=True, due_on__lt=old).exists()
    # and the other families' meeting actions are not left open for years either
    assert not Action.objects.filter(status=ActionStatus.OPEN, due_date__lt=old - timedelta(days=30)).exists()
