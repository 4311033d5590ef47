"""Speed without timings: the number of SQL queries each main page makes stays the same when the data grows.

The pages are opened as the demo users (``seed_demo``'s demo municipality and the Sæther family), once on
the demo data and once after adding a good deal more: families on the coordinator's caseload (with requests,
decisions, meetings, actions, plans), more meetings, actions, goals, measures, comments, services,
applications, group members and consents on the Sæther family itself, and many more audit events. A page
whose count grows with the data loops over rows (an N+1) and would be slow at national scale; the figures
for time and memory are in docs/benchmarks.md (bench/pages.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from los.access import audit
from los.access.models import Category
from los.accounts.models import Role, User
from los.core import testing as t
from los.core.demo.seed import build
from los.core.models import ProviderKind
from los.families.models import FamilyMember, FamilyStatus
from los.meetings import services as meetings
from los.meetings.models import Meeting, MeetingKind, MemberKind
from los.plans import services as plans
from los.plans.services import current_plan
from los.servicemap import services as servicemap
from los.stats.tests.conftest import action, assign, decide, meeting, member, plan, request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The API's rate limit counts in the cache; start with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pages(family_id: int, meeting_id: int) -> list[tuple[str, str, str]]:
    """(label, user, path) for every page measured here and in bench/pages.py."""
    return [
        ("start page (coordinator)", "koordinator", reverse("core:home")),
        ("family page", "koordinator", reverse("families:detail", args=[family_id])),
        ("plan", "koordinator", reverse("plans:family_plan", args=[family_id])),
        ("meeting", "koordinator", reverse("meetings:detail", args=[meeting_id])),
        ("unit dashboard (unit leader)", "leder", reverse("stats:dashboard")),
        ("municipal statistics", "kommunalsjef", reverse("stats:municipal")),
        ("navigator", "koordinator", reverse("navigator:family", args=[family_id])),
        ("API family list", "koordinator", "/api/families"),
    ]


def measure(clients: dict[str, Client], targets: list[tuple[str, str, str]]) -> dict[str, int]:
    counts = {}
    for label, username, path in targets:
        with CaptureQueriesContext(connection) as queries:
            response = clients[username].get(path, HTTP_ACCEPT_LANGUAGE="nb")
        assert response.status_code == 200, (label, response.status_code)
        counts[label] = len(queries)
    return counts


def grow(ctx, family, the_meeting: Meeting, coordinator: User, n: int = 25) -> None:
    """Add a good deal of data around the demo family and the demo coordinator."""
    m = family.municipality
    today = timezone.localdate()
    caseworker = ctx.caseworkers[m.id][0]
    contacts = ctx.contacts[m.id]
    # more families on the coordinator's caseload, each with a request, a decision, a meeting, an action, a plan
    for i in range(n):
        other = t.family(m, f"Familien Vekst{i}", status=FamilyStatus.ACTIVE, child_age=3 + i % 15)
        assign(other, coordinator, 20 + i)
        user, provider = contacts[i % len(contacts)]
        gm = member(other, MemberKind.SERVICE, user=user, provider=provider)
        meeting(other, 10 + i, [(gm, i % 2 == 0)])
        action(other, gm, due_days_ago=i % 20 - 5, done=i % 3 == 0)
        plan(other, 30 + i)
        decide(request(other, 140 + i), "granted", 120 + i, caseworker)
    # more people, services, consents and group members on the demo family itself
    providers = [t.provider(m, kind, f"{kind} vekst {i}") for i, kind in
                 enumerate([ProviderKind.SCHOOL, ProviderKind.HABU, ProviderKind.NAV, ProviderKind.BUP])]
    the_plan = current_plan(family)
    for i, provider in enumerate(providers):
        contact = t.staff(Role.SERVICE_CONTACT, m, f"vekst.kontakt{i}", service_provider=provider)
        t.consent(family, provider, categories=[Category.CASE, Category.PLAN, Category.MEETINGS])
        meetings.add_group_member(family, by=coordinator, kind=MemberKind.SERVICE, user=contact)
    for i in range(3):
        FamilyMember.objects.create(family=family, municipality=m, relation="sibling", given_name=f"Søsken{i}",
                                    family_name="Sæther")
    group = list(family.group_members.filter(left__isnull=True))
    # more goals, measures and comments on the plan
    for i in range(n // 2):
        goal = plans.add_goal(the_plan, by=coordinator, text=f"Mål nummer {i}")
        measure = plans.create_measure(plan=the_plan, by=coordinator, title=f"Tiltak {i}", goal=goal,
                                       owner=coordinator, due_date=today + timedelta(days=10 + i))
        plans.add_comment(measure, by=coordinator, text=f"Kommentar {i}")
        plans.add_evaluation_date(the_plan, by=coordinator, day=today + timedelta(days=60 + i))
    # more meetings, and more actions and decisions on the measured meeting
    for i in range(n // 2):
        day = today + timedelta(days=7 + i)
        meetings.schedule_meeting(family, by=coordinator, kind=MeetingKind.COORDINATION,
                                  starts_at=ctx.aware(day, 10), ends_at=ctx.aware(day, 11), participants=group,
                                  place="Rådhuset")
    owners = [g for g in the_meeting.family.group_members.all() if g.login_id] or [None]
    for i in range(n // 2):
        owner = owners[i % len(owners)]
        meetings.add_action(the_meeting, by=coordinator, title=f"Oppgave {i}", owner_member=owner,
                            due_date=today + timedelta(days=5 + i))
        meetings.add_decision(the_meeting, by=coordinator, text=f"Vedtatt punkt {i}")
    # more services and applications on the service map
    for i, catalog_id in enumerate(["hjelpestonad", "avlastning", "omsorgsstonad", "grunnstonad", "tolk",
                                    "bpa", "stottekontakt", "ledsagerbevis"]):
        entry = servicemap.create_entry(family, coordinator, catalog_id=catalog_id, provider=providers[i % 4],
                                        state="considered")
        servicemap.create_application(entry, coordinator, sent_on=today - timedelta(days=5 + i))
    # many more audit events, about the family and about others
    for i in range(6 * n):
        audit.record(actor=coordinator, action="view", object_type="families.family", object_id=family.pk,
                     municipality_id=m.id, family_id=family.pk if i % 2 else None, category=Category.CASE,
                     reason="test")


def test_query_counts_do_not_grow_with_the_data():
    ctx = build("demo", seed=13, today=timezone.localdate())
    family = ctx.demo_family
    the_meeting = Meeting.objects.filter(family=family).order_by("-starts_at").first()
    assert the_meeting is not None
    meetings.start_minutes(the_meeting, by=User.objects.get(username="koordinator"))  # minutes open before and after
    # one agreement before, many after: the page's shape is the same, only the number of rows grows
    meetings.add_decision(the_meeting, by=User.objects.get(username="koordinator"), text="Vi prøver ny dagsrytme")
    clients = {}
    for username in ("koordinator", "leder", "kommunalsjef"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    targets = pages(family.pk, the_meeting.pk)
    measure(clients, targets)  # warm up: the audit chains' first events, caches, sessions
    before = measure(clients, targets)
    coordinator = User.objects.get(username="koordinator")
    caseload = coordinator.coordinator_assignments.filter(ended__isnull=True).count()
    grow(ctx, family, the_meeting, coordinator)
    assert coordinator.coordinator_assignments.filter(ended__isnull=True).count() >= caseload + 25
    after = measure(clients, targets)
    assert after == before
    # and no page is a query storm to begin with
    assert max(before.values()) < 80, before

    # Known and bounded: the plan page asks the access policy, for each participant with a log-in, whether
    # their consent lets them see the plan. The policy decides for one user at a time (guardian? young person?
    # consents?), so that costs up to three queries per participant (their roles are loaded for all at once);
    # a plan has a handful of participants. A policy that decides for many users at once would remove it.
    the_plan = current_plan(family)
    contacts = list(User.objects.filter(username__startswith="vekst.kontakt"))
    for contact in contacts:
        plans.add_participant(the_plan, by=coordinator, user=contact)
    plan_page = [target for target in targets if target[0] == "plan"]
    with_participants = measure(clients, plan_page)["plan"]
    assert with_participants - after["plan"] <= 3 * len(contacts), (after["plan"], with_participants)
