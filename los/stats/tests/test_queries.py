"""Speed: every statistics page is computed in the database. The number of queries a page makes is the
same with the demo municipality as it is with 60 more families in it (with coordinators, meetings, plans,
requests, decisions and appeals): nothing is looped over per family."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from los.accounts.models import User
from los.core import testing as t
from los.core.demo.seed import build
from los.families.models import FamilyStatus
from los.meetings.models import MemberKind
from los.referrals.models import Appeal, AppealStatus, Appointment, Outcome, RequestStatus

from .conftest import action, assign, decide, meeting, member, plan, request

pytestmark = pytest.mark.django_db

PAGES = [
    ("leder", "stats:dashboard", {}),
    ("leder", "stats:unit_download", {"format": "xlsx"}),
    ("leder", "stats:queue", {}),
    ("leder", "stats:without_contact", {"uker": 4}),
    ("leder", "stats:municipal", {}),
    ("kommunalsjef", "stats:municipal", {}),
    ("kommunalsjef", "stats:municipal_download", {"format": "csv"}),
    ("kommunalsjef", "stats:export", {}),
    ("kommunalsjef", "stats:export_download", {"format": "xlsx"}),
]


def grow(ctx, n: int = 60) -> None:
    """Add ``n`` families to the demo municipality, with everything the figures count."""
    m = ctx.municipalities[0]
    coordinators = ctx.coordinators[m.id]
    caseworker = ctx.caseworkers[m.id][0]
    contacts = ctx.contacts[m.id]
    for i in range(n):
        kind = i % 4
        if kind == 0:  # active, with a coordinator, a meeting, actions and a plan
            family = t.family(m, f"Familien Vekst{i}", status=FamilyStatus.ACTIVE)
            assignment = assign(family, coordinators[i % len(coordinators)], 100 + i)
            user, provider = contacts[i % len(contacts)]
            gm = member(family, MemberKind.SERVICE, user=user, provider=provider)
            meeting(family, 30 + i, [(gm, i % 3 != 0)])
            action(family, gm, due_days_ago=i % 20 - 5, done=i % 2 == 0)
            plan(family, 70 + i)
            vedtak = decide(request(family, 140 + i), Outcome.GRANTED, 120 + i, caseworker)
            Appointment.objects.create(family=family, municipality=m, assignment=assignment, vedtak=vedtak)
        elif kind == 1:  # waiting for a decision
            request(t.family(m, f"Familien Vekst{i}", status=FamilyStatus.REQUESTED), i, RequestStatus.RECEIVED)
        elif kind == 2:  # granted, waiting
            family = t.family(m, f"Familien Vekst{i}", status=FamilyStatus.WAITING)
            decide(request(family, 50 + i), Outcome.GRANTED, 20 + i, caseworker)
        else:  # refused and appealed
            family = t.family(m, f"Familien Vekst{i}", status=FamilyStatus.REFUSED)
            vedtak = decide(request(family, 60 + i), Outcome.REFUSED, 30 + i, caseworker)
            Appeal.objects.create(vedtak=vedtak, family=family, municipality=m, received=vedtak.decision_date,
                                  grounds="Uenig.", registered_by=caseworker, status=AppealStatus.RECEIVED)


def count_queries(client, username: str, name: str, params: dict) -> int:
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
    assert response.status_code == 200, (name, response.status_code)
    return len(queries)


def test_query_counts_do_not_grow_with_the_number_of_families(client):
    ctx = build("demo", seed=11, today=timezone.localdate())
    for username, name, params in PAGES:  # warm up: the audit chains' first events, caches
        count_queries(client, username, name, params)
    before = {(u, n): count_queries(client, u, n, p) for u, n, p in PAGES}
    families = ctx.municipalities[0].families.count()
    grow(ctx)
    assert ctx.municipalities[0].families.count() == families + 60
    after = {(u, n): count_queries(client, u, n, p) for u, n, p in PAGES}
    assert after == before
    # and the figures are cheap: a bounded number of queries per page
    assert max(before.values()) < 80, before
