"""The today page: everything that needs the coordinator (and the unit), each kind counted, one click to act, and
nothing the user may not see."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from los.accounts.models import Role
from los.core import testing as t
from los.families.models import CoAssignment, CoRole, FamilyStatus
from los.workday import selectors

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def counts(html: str, kind: str = "coordinator") -> dict[str, int]:
    """The counts in the today page's menu: {section key: count}."""
    return {key: int(n) for key, n in re.findall(
        rf'href="#today-{kind}-(\w+)">[^<]*</a> <span class="ds-tag"[^>]*><span class="ds-sr-only">[^<]*</span>(\d+)',
        html)}


def test_the_coordinators_start_page_is_what_needs_them_today(client, busy):
    client.force_login(busy.coordinator)
    html = client.get(reverse("core:home"), **EN).content.decode()
    found = counts(html)
    assert found["overdue"] == 2  # the action and the follow-up after a call
    assert found["meetings"] == 1 and found["minutes"] == 1 and found["messages"] == 1
    assert found["deadlines"] == 1 and found["evaluations"] == 1 and found["approval"] == 1
    assert "Søke om avlastning" in html and "Ringe PPT" in html
    # one click to act
    assert f'href="{reverse("meetings:minutes", args=[busy.past_meeting.pk])}"' in html
    assert f'href="{reverse("portal:messages", args=[busy.family.pk])}"' in html
    assert f'href="{reverse("meetings:detail", args=[busy.upcoming.pk])}"' in html
    # the old table of families whose status and coordinator columns were the same in every row is gone
    assert "Families where I am the barnekoordinator" not in html


def test_the_most_urgent_kinds_come_first(client, busy):
    client.force_login(busy.coordinator)
    html = client.get(reverse("core:home"), **EN).content.decode()
    order = [html.index(f'id="today-coordinator-{key}"') for key in
             ("overdue", "meetings", "minutes", "messages", "deadlines", "evaluations", "silent", "transitions")]
    assert order == sorted(order)


def test_nothing_of_another_family_and_nothing_the_colleague_may_not_see(client, busy):
    scribe = t.staff(Role.BARNEKOORDINATOR, busy.municipality, "referent")
    CoAssignment.objects.create(family=busy.family, municipality=busy.municipality, user=scribe,
                                role=CoRole.MINUTE_TAKER)
    client.force_login(scribe)
    html = client.get(reverse("core:home"), **EN).content.decode()
    found = counts(html)
    assert found["meetings"] == 1 and found["minutes"] == 1  # the meetings are theirs to write
    assert found["messages"] == 0 and found["deadlines"] == 0  # messages and services are not
    assert "Ringe PPT" not in html  # the coordinator's working notes
    assert found["overdue"] == 1  # the meeting action, not the plan nor the call


def test_the_unit_sees_the_queue_decisions_waiting_families_and_coordinators_over_capacity(client, world):
    from los.referrals import services
    from los.referrals.tests.helpers import REASONS, request_for

    old = request_for(t.family(world.municipality, "Familien Gammel", status=FamilyStatus.REQUESTED), days_ago=25)
    waiting = t.family(world.municipality, "Familien Venter", status=FamilyStatus.REQUESTED)
    services.make_decision(request_for(waiting), world.caseworker, "granted", **REASONS)
    for i in range(20):  # the coordinator (60 %, capacity 15) gets 21 families
        t.assign(t.family(world.municipality, f"Familien Mange{i}"), world.coordinator)
    client.force_login(world.caseworker)
    html = client.get(reverse("core:home"), **EN).content.decode()
    found = counts(html, "unit")
    assert found["queue"] == 1 and found["decisions"] == 1 and found["waiting"] == 1 and found["capacity"] == 1
    assert f'href="{reverse("referrals:preliminary_reply", args=[old.pk])}"' in html
    assert f'href="{reverse("referrals:appoint", args=[waiting.pk])}"' in html
    assert "follows 21 families against a capacity of 15" in html
    assert "Familien Utenbys" not in html


def test_a_fixed_number_of_queries_whatever_the_caseload(client, busy):
    client.force_login(busy.coordinator)
    url = reverse("core:home")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(15):
        family = t.family(busy.municipality, f"Familien Vekst{i}")
        t.assign(family, busy.coordinator)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before), (len(before), len(after))
    assert len(before) <= 45, len(before)  # the policy asked once per relation, each section read once


def test_a_service_contact_sees_their_own_actions(client, busy):
    from los.meetings.models import Action

    Action.objects.filter(pk=busy.action.pk).update(owner=busy.contact)
    client.force_login(busy.contact)
    html = client.get(reverse("core:home"), **EN).content.decode()
    assert "Søke om avlastning" in html and "Kan du ringe meg?" not in html


def test_selectors_leave_out_families_the_user_no_longer_works_on(busy):
    busy.family.coordinator_assignments.update(ended=timezone.localdate())
    day = selectors.coordinator_today(busy.coordinator)
    assert day.total == 0


def test_each_family_the_page_shows_gets_its_audit_event_in_its_municipalitys_chain(client, busy):
    from los.access.models import AuditEvent

    client.force_login(busy.coordinator)
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("workday:today"), **EN)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    listed = [e for e in events if e.object_type == "list"]
    assert [(e.family_id, e.municipality_id, e.chain) for e in listed] == [
        (busy.family.pk, busy.municipality.pk, str(busy.municipality.pk))]
    assert {"case", "meetings", "plan", "messages", "services"} <= set(listed[0].categories.split(","))
    # the families' municipalities come from the rows the page showed, not from a second read of the families
    reads = [q["sql"] for q in queries.captured_queries
             if q["sql"].startswith("SELECT") and q["sql"].split(" FROM ", 1)[1].startswith('"families_family"')]
    assert len(reads) == 1, reads


def test_with_many_meetings_each_list_is_counted_and_read_on_its_own(client, busy, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_READ", 0)  # as if the coordinator's meetings were too many to read at once
    client.force_login(busy.coordinator)
    html = client.get(reverse("core:home"), **EN).content.decode()
    found = counts(html)
    assert found["meetings"] == 1 and found["minutes"] == 1
    assert f'href="{reverse("meetings:detail", args=[busy.upcoming.pk])}"' in html
    assert f'href="{reverse("meetings:minutes", args=[busy.past_meeting.pk])}"' in html
    assert "Approve the minutes" in html  # the past meeting's minutes are started, not approved
