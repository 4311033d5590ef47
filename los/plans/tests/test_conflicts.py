"""Optimistic locking: two people editing the same thing never silently overwrite each other."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from los.plans import services
from los.plans.models import Goal, Measure, PlanApproval

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _goal_form(goal: Goal, text: str, version: int) -> dict:
    child = goal.family.children.get()
    return {"version": version, "text": text, "whose": f"child:{child.pk}", "category": goal.category}


@pytest.mark.django_db
def test_two_stale_goal_forms_second_gets_the_conflict_page(plan_world):
    w = plan_world
    first, second = Client(), Client()
    first.force_login(w.coordinator)
    second.force_login(w.caseworker)
    url = reverse("plans:goal_edit", args=[w.goal.pk])
    # Both open the form at the same version.
    assert f'value="{w.goal.version}"' in first.get(url).content.decode()
    assert f'value="{w.goal.version}"' in second.get(url).content.decode()
    opened = w.goal.version

    response = first.post(url, _goal_form(w.goal, "Jeg vil spille fotball i friminuttet", opened), **EN)
    assert response.status_code == 302

    response = second.post(url, _goal_form(w.goal, "Jeg vil ha en venn å leke med", opened), **EN)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved a change first" in page
    assert "Jeg vil spille fotball i friminuttet" in page  # theirs, as saved
    assert "Jeg vil ha en venn å leke med" in page  # yours, kept in the comparison and the form
    assert "Saved now (theirs)" in page and "Yours (not saved)" in page
    assert w.coordinator.get_full_name() in page
    goal = Goal.objects.get(pk=w.goal.pk)
    assert goal.text == "Jeg vil spille fotball i friminuttet"  # the first one's data is intact
    # The form now carries the saved version: saving again is a deliberate choice.
    assert f'name="version" value="{goal.version}"' in page

    response = second.post(url, _goal_form(goal, "Jeg vil ha en venn å leke med", goal.version), **EN)
    assert response.status_code == 302
    assert Goal.objects.get(pk=w.goal.pk).text == "Jeg vil ha en venn å leke med"


@pytest.mark.django_db
def test_stale_status_update_inline_shows_both_versions(client, plan_world):
    w = plan_world
    measure = w.school_measure
    opened = measure.version
    services.update_measure_status(measure, by=w.coordinator, version=opened, status="done", note="Ferdig")
    client.force_login(w.contact)
    response = client.post(reverse("plans:measure_status", args=[measure.pk]), {
        f"m{measure.pk}-version": opened, f"m{measure.pk}-status": "in_progress",
        f"m{measure.pk}-note": "Vi har startet"}, HTTP_HX_REQUEST="true", **EN)
    fragment = response.content.decode()
    assert "Someone else saved a change first" in fragment
    assert "Ferdig" in fragment and "Vi har startet" in fragment
    measure = Measure.objects.get(pk=measure.pk)
    assert measure.status == "done" and measure.status_note == "Ferdig"


@pytest.mark.django_db
def test_stale_measure_edit_without_htmx_is_a_409_page(client, plan_world):
    w = plan_world
    measure = w.own_measure
    opened = measure.version
    services.update_measure_status(measure, by=w.coordinator, version=opened, status="in_progress")
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:measure_edit", args=[measure.pk]), {
        "version": opened, "title": "Søke om avlastning hver fjortende dag", "goal": w.goal.pk,
        "owner_person": w.coordinator.pk, "due_date": measure.due_date.isoformat(), "status": "planned"}, **EN)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Søke om avlastning hver fjortende dag" in page and "In progress" in page
    assert Measure.objects.get(pk=measure.pk).title == "Søke om avlastning"


@pytest.mark.django_db
def test_signing_a_changed_clarification_is_refused(client, plan_world):
    w = plan_world
    clarification = services.save_clarification(w.plan, by=w.coordinator, version=0, will_do="Ringe hver måned")
    opened = clarification.version
    services.save_clarification(w.plan, by=w.coordinator, version=opened, will_do="Ringe annenhver uke")
    client.force_login(w.parent)
    response = client.post(reverse("plans:clarification_sign", args=[w.plan.pk]), {"version": opened}, follow=True,
                           **EN)
    assert "was changed after you opened it" in response.content.decode()
    clarification.refresh_from_db()
    assert clarification.family_signed_at is None


@pytest.mark.django_db
def test_changing_the_clarification_removes_the_signatures(plan_world):
    w = plan_world
    c = services.save_clarification(w.plan, by=w.coordinator, version=0, will_do="Ringe hver måned")
    c = services.sign_clarification(c, by=w.parent, version=c.version, as_family=True)
    c = services.sign_clarification(c, by=w.coordinator, version=c.version, as_family=False)
    assert c.is_signed
    c = services.save_clarification(w.plan, by=w.coordinator, version=c.version, will_do="Ringe hver uke")
    assert c.family_signed_at is None and c.coordinator_signed_at is None


@pytest.mark.django_db
def test_approving_a_plan_that_changed_since_it_was_opened_is_refused(client, plan_world):
    w = plan_world
    w.plan.refresh_from_db()
    opened = w.plan.revision
    services.add_goal(w.plan, by=w.coordinator, text="Sove hele natten")
    client.force_login(w.parent)
    response = client.post(reverse("plans:plan_approve", args=[w.plan.pk]), {"revision": opened}, follow=True, **EN)
    assert "The plan has changed since you opened it" in response.content.decode()
    assert not PlanApproval.objects.exists()
