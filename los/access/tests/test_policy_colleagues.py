"""Rule 3b: a colleague who shares the work on a family (a co-coordinator or a minute-taker) sees and does exactly
their part, and ``visible_families`` stays the same answer as ``decide``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from los.access.models import Category
from los.access.policy import NO_RELATION_BASES, Action, decide, visible_families
from los.accounts.models import Role
from los.core import testing as t
from los.families.models import CoAssignment, CoRole

pytestmark = pytest.mark.django_db


def colleague(world, role: str, username: str, **fields) -> object:
    user = t.staff(Role.BARNEKOORDINATOR, world.municipality, username)
    CoAssignment.objects.create(family=world.family, municipality=world.municipality, user=user, role=role,
                                added_by=world.coordinator, **fields)
    return user


@pytest.fixture
def co(world):
    return colleague(world, CoRole.CO_COORDINATOR, "medkoordinator")


@pytest.fixture
def scribe(world):
    return colleague(world, CoRole.MINUTE_TAKER, "referent")


def test_a_co_coordinator_works_on_the_case_as_the_coordinator_does(world, co):
    for category in (Category.CASE, Category.PLAN, Category.MEETINGS, Category.SERVICES, Category.HEALTH,
                     Category.STORY, Category.MESSAGES, Category.REFERRAL, Category.DRAFT, Category.CONSENTS):
        assert decide(co, Action.VIEW, world.family, category).allowed, category
        assert decide(co, Action.CHANGE, world.family, category).allowed, category
    assert decide(co, Action.EXPORT, world.family, Category.PLAN).allowed
    assert decide(co, Action.VIEW, world.family).basis == "co_coordinator"


def test_a_co_coordinator_never_gives_consent_nor_reads_the_access_log(world, co):
    assert not decide(co, Action.SHARE, world.family).allowed
    refused = decide(co, Action.VIEW, world.family, Category.ACCESS_LOG)
    assert not refused.allowed and refused.basis not in NO_RELATION_BASES  # a relation: 403, not 404


def test_working_notes_only_when_the_coordinator_says_so(world, co):
    assert not decide(co, Action.VIEW, world.family, Category.WORKING_NOTES).allowed
    assert world.family not in visible_families(co, Category.WORKING_NOTES)
    CoAssignment.objects.filter(user=co).update(sees_working_notes=True)
    assert decide(co, Action.VIEW, world.family, Category.WORKING_NOTES).allowed
    assert decide(co, Action.CHANGE, world.family, Category.WORKING_NOTES).allowed
    assert list(visible_families(co, Category.WORKING_NOTES)) == [world.family]


def test_a_minute_taker_sees_the_meetings_and_the_plan_and_changes_only_the_meetings(world, scribe):
    for category in (Category.CASE, Category.MEETINGS, Category.PROFESSIONAL, Category.DRAFT, Category.PLAN):
        assert decide(scribe, Action.VIEW, world.family, category).allowed, category
    for category in (Category.MEETINGS, Category.PROFESSIONAL, Category.DRAFT):
        assert decide(scribe, Action.CHANGE, world.family, category).allowed, category
    assert not decide(scribe, Action.CHANGE, world.family, Category.PLAN).allowed
    assert not decide(scribe, Action.CHANGE, world.family, Category.CASE).allowed
    assert not decide(scribe, Action.EXPORT, world.family, Category.MEETINGS).allowed


def test_a_minute_taker_sees_nothing_else(world, scribe):
    for category in (Category.HEALTH, Category.STORY, Category.SERVICES, Category.MESSAGES, Category.CONTACT,
                     Category.WORKING_NOTES, Category.REFERRAL, Category.CONSENTS, Category.ACCESS_LOG,
                     Category.DOCUMENTS):
        verdict = decide(scribe, Action.VIEW, world.family, category)
        assert not verdict.allowed, category
        assert verdict.basis not in NO_RELATION_BASES, category
        assert world.family not in visible_families(scribe, category), category


def test_the_part_ends_with_the_assignment(world, co, scribe):
    CoAssignment.objects.update(ended=timezone.localdate())
    for person in (co, scribe):
        assert not decide(person, Action.VIEW, world.family).allowed
        assert decide(person, Action.VIEW, world.family).basis in NO_RELATION_BASES
        assert not visible_families(person).exists()


def test_a_part_not_yet_started_gives_nothing(world, co):
    CoAssignment.objects.update(started=timezone.localdate() + timedelta(days=3))
    assert not decide(co, Action.VIEW, world.family).allowed
    assert not visible_families(co).exists()


def test_a_colleague_without_an_active_coordinator_role_gets_nothing(world, co):
    co.staff_roles.update(active=False)
    co._active_roles = None
    assert not decide(co, Action.VIEW, world.family).allowed
    assert not visible_families(co).exists()


def test_a_named_caseworker_is_not_a_colleague_on_the_family(world):
    """Rule 3b is for barnekoordinators; the unit's own rule decides for a caseworker (no working notes)."""
    CoAssignment.objects.create(family=world.family, municipality=world.municipality, user=world.caseworker,
                                role=CoRole.CO_COORDINATOR, sees_working_notes=True)
    assert decide(world.caseworker, Action.VIEW, world.family).basis == "unit"
    assert not decide(world.caseworker, Action.VIEW, world.family, Category.WORKING_NOTES).allowed


def test_no_crossing_of_municipality_lines(world):
    foreign = t.staff(Role.BARNEKOORDINATOR, world.other_municipality, "fremmed")
    CoAssignment.objects.create(family=world.family, municipality=world.municipality, user=foreign,
                                role=CoRole.CO_COORDINATOR)
    assert not decide(foreign, Action.VIEW, world.family).allowed
    assert not visible_families(foreign).exists()


def test_colleagues_at_the_co_coordinators_workplace_inherit_nothing(world, co):
    workmate = t.staff(Role.BARNEKOORDINATOR, world.municipality, "arbeidskamerat")
    assert not decide(workmate, Action.VIEW, world.family).allowed
    assert not visible_families(workmate).exists()


def test_a_minute_taker_who_also_works_in_the_unit_keeps_the_units_access(world, scribe):
    t.grant(scribe, world.municipality, Role.CASEWORKER)
    scribe._active_roles = None
    scribe.__dict__.pop("_los_municipality_cache", None)
    assert decide(scribe, Action.VIEW, world.family, Category.SERVICES).allowed
    assert decide(scribe, Action.VIEW, world.family, Category.MEETINGS).basis == "minute_taker"


def test_visible_families_matches_decide_for_colleagues(world, co, scribe):
    CoAssignment.objects.create(family=world.other_family, municipality=world.municipality, user=co,
                                role=CoRole.MINUTE_TAKER)
    CoAssignment.objects.create(family=world.foreign_family, municipality=world.other_municipality, user=scribe,
                                role=CoRole.CO_COORDINATOR)
    families = [world.family, world.other_family, world.foreign_family]
    for person in (co, scribe):
        for category in Category:
            listed = set(visible_families(person, category))
            allowed = {f for f in families if decide(person, Action.VIEW, f, category).allowed}
            assert listed == allowed, (person, category)


def test_primed_families_are_decided_without_queries_and_as_without_priming(world, co):
    """A list page asks about many families for one user: ``prime_families`` reads the facts for all at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from los.access.policy import prime_families, remembered_facts

    t.consent(world.other_family, world.school, categories=["plan"])
    families = [world.family, world.other_family, world.foreign_family]
    people = [world.parent, world.coordinator, world.caseworker, world.contact, co, world.leader]
    for category in (Category.CASE, Category.PLAN, Category.WORKING_NOTES):
        expected = [[decide(p, Action.VIEW, f, category) for f in families] for p in people]
        for p in people:
            p.active_roles()
            p.__dict__.pop("_los_municipality_cache", None)
        with remembered_facts():
            for p in people:
                prime_families(p, [f.pk for f in families])
            for p in people:  # the municipalities each serves are read once per person
                decide(p, Action.VIEW, world.family, Category.CASE)
            with CaptureQueriesContext(connection) as captured:
                answers = [[decide(p, Action.VIEW, f, category) for f in families] for p in people]
        assert answers == expected, category
        assert len(captured) <= 2, [q["sql"] for q in captured]  # moves to the serving municipalities only


def test_the_answer_for_many_categories_at_once_is_the_answer_per_category(world, co, scribe):
    """``visible_family_ids`` (one query for a page that asks about a few families in many categories) gives, for
    every kind of user and every category, exactly the families ``visible_families`` gives among those asked."""
    from los.access.policy import visible_family_ids
    from los.families.models import Family

    CoAssignment.objects.filter(user=co).update(sees_working_notes=True)
    t.assign(world.other_family, scribe)
    t.consent(world.family, world.school, categories=[Category.PLAN, Category.HEALTH])
    asked = list(Family.objects.values_list("pk", flat=True))
    users = [world.coordinator, co, scribe, world.caseworker, world.leader, world.contact, world.parent,
             world.foreign_caseworker, world.admin]
    for user in users:
        answer = visible_family_ids(user, list(Category), asked)
        for category in Category:
            expected = set(visible_families(user, category).values_list("pk", flat=True))
            assert answer[category] == expected, (user.username, category)
    some = [world.family.pk]
    assert visible_family_ids(world.coordinator, [Category.PLAN], some) == {Category.PLAN: {world.family.pk}}
    assert visible_family_ids(world.coordinator, [Category.PLAN], [world.other_family.pk]) == {Category.PLAN: set()}
