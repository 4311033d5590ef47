"""Round trip: objects made through the apps' services read back through the API, field by field."""

from __future__ import annotations

import pytest

from los.access.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_families_list_is_a_page_with_the_count(rich, api):
    body = api.get("/api/families").json()
    assert body["count"] == 1 and body["limit"] == 50 and body["offset"] == 0
    family = body["items"][0]
    assert family["id"] == rich.family.pk
    assert family["display_name"] == "Familien Berg"
    assert family["reference"] == rich.family.reference
    assert family["municipality"] == "Testvik"
    assert family["coordinator"] == rich.coordinator.get_full_name()


def test_family_and_children(rich, api):
    family = api.get(f"/api/families/{rich.family.pk}").json()
    assert (family["id"], family["status"]) == (rich.family.pk, rich.family.status)
    children = api.get(f"/api/families/{rich.family.pk}/children").json()
    assert children["count"] == 1
    child = children["items"][0]
    assert child["given_name"] == rich.child.given_name
    assert child["birth_date"] == rich.child.birth_date.isoformat()
    assert child["condition_categories"] == ["autism"]


def test_plan_goals_and_measures(rich, api):
    base = f"/api/families/{rich.family.pk}/plans"
    plans = api.get(base).json()
    assert [p["id"] for p in plans["items"]] == [rich.plan.pk]
    plan = api.get(f"{base}/{rich.plan.pk}").json()
    assert plan["what_matters"] == "At Barn har det trygt på skolen."
    goals = api.get(f"{base}/{rich.plan.pk}/goals").json()["items"]
    assert [(g["id"], g["text"], g["child_id"]) for g in goals] == [
        (rich.goal.pk, "Barn skal gå på skolen hver dag.", rich.child.pk)]
    measures = api.get(f"{base}/{rich.plan.pk}/measures").json()["items"]
    assert len(measures) == 1
    m = measures[0]
    assert (m["id"], m["title"], m["goal_id"], m["description"]) == (
        rich.measure.pk, "Tilrettelagt skoleskyss", rich.goal.pk, "Drosje to dager i uka.")
    assert m["due_date"] == rich.measure.due_date.isoformat()
    assert "Testvik skole" in m["owner"]


def test_a_plan_of_another_family_is_not_found_under_this_family(rich, api):
    from los.plans import services as plans

    other_plan = plans.create_plan(rich.other_family, by=rich.caseworker,
                                   consent_given_by=rich.other_family.members.get())
    response = api.get(f"/api/families/{rich.family.pk}/plans/{other_plan.pk}")
    assert response.status_code == 404


def test_meetings_and_actions(rich, api):
    meetings = api.get(f"/api/families/{rich.family.pk}/meetings").json()["items"]
    assert [(m["id"], m["place"], m["status"]) for m in meetings] == [
        (rich.meeting.pk, "Testvik skole, møterom 2", "held")]
    actions = api.get(f"/api/families/{rich.family.pk}/actions").json()["items"]
    assert [(a["id"], a["title"], a["meeting_id"]) for a in actions] == [
        (rich.action.pk, "Sende søknad om avlastning", rich.meeting.pk)]
    assert actions[0]["due_date"] == rich.action.due_date.isoformat()


def test_services_and_applications(rich, api):
    services = api.get(f"/api/families/{rich.family.pk}/services").json()["items"]
    assert [(s["id"], s["catalog_id"], s["provider"]) for s in services] == [
        (rich.entry.pk, "hjelpestonad", "NAV Testvik")]
    applications = api.get(f"/api/families/{rich.family.pk}/applications").json()["items"]
    assert [(a["id"], a["service_id"], a["sent_on"]) for a in applications] == [
        (rich.application.pk, rich.entry.pk, rich.application.sent_on.isoformat())]


def test_consents(rich, api):
    consents = api.get(f"/api/families/{rich.family.pk}/consents").json()["items"]
    assert len(consents) == 1
    c = consents[0]
    assert (c["id"], c["service"], c["status"]) == (rich.consent.pk, "Testvik skole", "active")
    assert c["categories"] == ["case", "plan", "meetings"]


def test_pagination_limit_and_offset(rich, api):
    from los.core import testing as t

    for n in range(3):
        t.assign(t.family(rich.municipality, f"Familien Nr{n}"), rich.coordinator)
    first = api.get("/api/families?limit=2&offset=0").json()
    second = api.get("/api/families?limit=2&offset=2").json()
    assert first["count"] == second["count"] == 4
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    assert {f["id"] for f in first["items"]}.isdisjoint({f["id"] for f in second["items"]})


def test_a_service_contact_sees_only_what_the_consent_covers(rich, token_for):
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.contact)}")
    families = client.get("/api/families").json()
    assert [f["id"] for f in families["items"]] == [rich.family.pk]
    assert client.get(f"/api/families/{rich.family.pk}/plans").status_code == 200
    # services are not covered by the school's consent; the consent register never is
    assert client.get(f"/api/families/{rich.family.pk}/services").status_code == 403
    assert client.get(f"/api/families/{rich.family.pk}/consents").status_code == 403
    # health information (condition categories) is not covered either
    child = client.get(f"/api/families/{rich.family.pk}/children").json()["items"][0]
    assert child["condition_categories"] is None


def test_reads_are_audited_with_the_token_named(rich, api):
    before = AuditEvent.objects.count()
    api.get(f"/api/families/{rich.family.pk}/plans/{rich.plan.pk}/goals")
    events = AuditEvent.objects.filter(family=rich.family, actor=rich.coordinator).order_by("-seq")[:2]
    assert AuditEvent.objects.count() > before
    assert {e.object_type for e in events} == {"Family", "Plan"}
    assert all(e.allowed and e.action == "view" and "API token 'Test'" in e.reason for e in events)
    assert all(e.path.startswith("/api/") for e in events)


def test_refused_reads_are_audited_too(rich, token_for):
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.caseworker)}")
    assert client.get(f"/api/families/{rich.family.pk}/consents").status_code == 200
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.contact)}")
    client.get(f"/api/families/{rich.other_family.pk}")
    event = AuditEvent.objects.filter(family=rich.other_family, actor=rich.contact).get()
    assert (event.allowed, event.action) == (False, "denied")


def test_list_reads_are_audited(rich, api):
    api.get("/api/families")
    assert AuditEvent.objects.filter(actor=rich.coordinator, object_type="Family", family__isnull=True).exists()


def test_browser_session_reads_with_the_users_normal_access(rich, client):
    client.force_login(rich.parent)
    assert client.get(f"/api/families/{rich.family.pk}/plans").status_code == 200
    assert client.get(f"/api/families/{rich.other_family.pk}").status_code == 404
    body = client.get("/api/families").json()
    assert [f["id"] for f in body["items"]] == [rich.family.pk]


def test_navigator_evaluation_answers_the_contract(rich, api):
    import json

    # The contract's worked examples beside the repository (../shared), or the navigator's copies of them.
    from los.core.paths import REPO_DIR, shared_path
    from los.navigator.engine import evaluate

    examples = sorted(shared_path("navigator", "examples").glob("*.json")) or sorted(
        (REPO_DIR / "los" / "navigator" / "tests" / "profiles").glob("example-*.json"))
    profile_path = next(p for p in examples if not p.name.endswith(".expected.json"))
    profile = json.loads(profile_path.read_text(encoding="utf-8"))
    response = api.post("/api/navigator/evaluate?as_of=2026-01-15&lang=nb", json.dumps(profile),
                        content_type="application/json")
    assert response.status_code == 200, response.content
    from datetime import date
    assert response.json() == evaluate(profile, as_of=date(2026, 1, 15), lang="nb").to_dict()


def test_navigator_rejects_a_profile_that_does_not_match_the_schema(api):
    response = api.post("/api/navigator/evaluate", '{"family": 3}', content_type="application/json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "schema at child" in response.json()["detail"]


def test_statistics_are_aggregates_for_leaders_only(rich, token_for):
    from django.test import Client

    leader = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.leader, scopes=['stats:read'])}")
    response = leader.get("/api/statistics")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["municipalities"] == ["Testvik"] and body["protected"] is True
    assert body["tables"] and "Familien Berg" not in response.content.decode()
    coordinator = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.coordinator, scopes=['stats:read'])}")
    assert coordinator.get("/api/statistics").status_code == 403


def test_me_names_the_token(rich, api):
    body = api.get("/api/me").json()
    assert body["username"] == "bk" and body["token"] == "Test" and body["municipality"] == "Testvik"
