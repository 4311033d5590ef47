"""No lost updates and no half-done actions, with real concurrent writers and a real lost connection.

The two-writer test needs a database that lets two connections write at once, so it belongs to the
PostgreSQL run (marker ``postgresql``; ``.ci/run`` runs the whole suite on PostgreSQL). The connection
test runs on both databases: on PostgreSQL the server really terminates the connection in the middle of
the action; on SQLite, which has no server, the driver's error is raised at the same point.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from los.access.audit import CHAIN_OPENED
from los.access.models import AuditEvent
from los.families.models import Family, FamilyStatus
from los.plans import services as plan_services
from los.plans.models import Goal
from los.referrals import services as referral_services
from los.referrals.models import Request, RequestStatus, Vedtak
from los.referrals.tests.helpers import request_for

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _post_together(posts: list[tuple[Client, str, dict]]) -> list:
    """Send the posts from separate threads (each with its own database connection) at the same moment."""
    barrier = threading.Barrier(len(posts))
    results: list = [None] * len(posts)

    def run(index: int, client: Client, url: str, data: dict) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = client.post(url, data, **EN)
        except Exception as error:  # reported by the assertions below, never swallowed
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_one_saves_the_other_sees_both_versions(world):
    w = world
    mother = w.family.members.get()
    plan = plan_services.create_plan(w.family, by=w.coordinator, consent_given_by=mother,
                                     what_matters="At Ida skal ha det godt")
    goal = plan_services.add_goal(plan, by=w.coordinator, text="Jeg vil være med i friminuttene",
                                  category="friends")
    child = w.family.children.get()
    url = reverse("plans:goal_edit", args=[goal.pk])
    coordinator, caseworker = Client(), Client()
    coordinator.force_login(w.coordinator)
    caseworker.force_login(w.caseworker)
    for round_no in range(5):
        opened = Goal.objects.get(pk=goal.pk).version
        texts = (f"Runde {round_no}: koordinatorens tekst", f"Runde {round_no}: saksbehandlerens tekst")
        results = _post_together([
            (coordinator, url, {"version": opened, "text": texts[0], "whose": f"child:{child.pk}",
                                "category": "friends"}),
            (caseworker, url, {"version": opened, "text": texts[1], "whose": f"child:{child.pk}",
                               "category": "friends"}),
        ])
        assert all(not isinstance(r, Exception) for r in results), results
        statuses = sorted(r.status_code for r in results)
        assert statuses == [302, 409], statuses  # never two saves of the same version
        winner = next(i for i, r in enumerate(results) if r.status_code == 302)
        loser_page = results[1 - winner].content.decode()
        assert "Someone else saved a change first" in loser_page
        assert texts[winner] in loser_page and texts[1 - winner] in loser_page  # theirs and yours, side by side
        saved = Goal.objects.get(pk=goal.pk)
        assert saved.text == texts[winner] and saved.version == opened + 1


def _kill_connection_now() -> None:
    """Make the current database connection die as if the server had gone away."""
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        pid = connection.connection.info.backend_pid
        with psycopg.connect(**{k: v for k, v in params.items() if k in (
                "dbname", "user", "password", "host", "port")}, autocommit=True) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    else:
        raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_in_the_middle_of_a_decision_leaves_nothing_half_done(world, monkeypatch):
    request = request_for(world.family)
    family_status = Family.objects.get(pk=world.family.pk).status
    # the events of the decision (not the announcement of the municipality's new chain in ``global``)
    events = AuditEvent.objects.exclude(object_type=CHAIN_OPENED)
    audit_before = events.count()
    real_audit = referral_services._audit
    calls = {"n": 0}

    def audit_then_die(*args, **kwargs):
        calls["n"] += 1
        real_audit(*args, **kwargs)
        if calls["n"] == 1:  # the decision row, its letter and the status change are written: now die
            _kill_connection_now()
            with connection.cursor() as cursor:  # the next statement in the transaction meets the dead link
                cursor.execute("SELECT 1")

    monkeypatch.setattr(referral_services, "_audit", audit_then_die)
    with pytest.raises(OperationalError):
        referral_services.make_decision(
            request, world.caseworker, "granted", rules="pbrl § 2-5 c", facts="Barnet har CP og epilepsi.",
            considerations="Familien har mange tjenester som må samordnes.",
            notified_on=timezone.localdate() + timedelta(days=1))
    connection.close()  # Django opens a fresh connection on the next query, as it does for a new request

    assert calls["n"] == 1
    assert not Vedtak.objects.filter(request=request).exists()
    assert Request.objects.get(pk=request.pk).status == RequestStatus.RECEIVED
    assert Family.objects.get(pk=world.family.pk).status == family_status == FamilyStatus.REQUESTED
    assert events.count() == audit_before  # no audit event for a decision that never happened

    # the caseworker simply tries again, and the decision is made whole
    monkeypatch.setattr(referral_services, "_audit", real_audit)
    vedtak = referral_services.make_decision(
        Request.objects.get(pk=request.pk), world.caseworker, "granted", rules="pbrl § 2-5 c",
        facts="Barnet har CP og epilepsi.", considerations="Familien har mange tjenester som må samordnes.")
    assert vedtak.letter and Request.objects.get(pk=request.pk).status == RequestStatus.DECIDED
    # the decision, its archived letter, and the letter's entry in the case file's journal: each once
    assert sorted(events.order_by("pk").values_list("object_type", flat=True)[audit_before:]) == [
        "RegistryEntry", "Vedtak", "Vedtak"]
