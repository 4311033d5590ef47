"""Who sees and changes the plan: every page asks the access policy, per role."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver, reverse

from los.access.models import AuditEvent
from los.plans.models import Measure

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _plan_url(w) -> str:
    return reverse("plans:family_plan", args=[w.family.pk])


@pytest.mark.django_db
def test_every_plans_route_is_marked():
    resolver = get_resolver()
    patterns = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "plans"][0].url_patterns
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        expected = {"family_list"} if pattern.name == "my_measures" else {"family"}
        assert getattr(pattern.callback, "los_access", None) in expected, pattern.name


@pytest.mark.django_db
def test_service_contact_without_consent_gets_404_and_a_denied_audit_event(client, plan_world):
    w = plan_world
    client.force_login(w.habu_contact)
    assert client.get(_plan_url(w)).status_code == 404
    assert client.get(reverse("plans:versions", args=[w.plan.pk])).status_code == 404
    assert client.get(reverse("plans:plan_pdf", args=[w.plan.pk])).status_code == 404
    assert AuditEvent.objects.filter(actor=w.habu_contact, allowed=False, action="denied").exists()


@pytest.mark.django_db
def test_service_contact_with_consent_sees_the_plan_and_updates_only_own_measures(client, plan_world):
    w = plan_world
    client.force_login(w.contact)
    page = client.get(_plan_url(w), **EN).content.decode()
    assert "Tilrettelegge friminutt" in page and "Søke om avlastning" in page
    assert page.count("Update the status") == 1  # only the school's own measure
    assert "Add a goal" not in page and "Change the goal" not in page
    # Own measure: allowed. Someone else's: refused, nothing changes.
    own, other = w.school_measure, w.own_measure
    response = client.post(reverse("plans:measure_status", args=[own.pk]), {
        f"m{own.pk}-version": own.version, f"m{own.pk}-status": "done"})
    assert response.status_code == 302
    response = client.post(reverse("plans:measure_status", args=[other.pk]), {
        f"m{other.pk}-version": other.version, f"m{other.pk}-status": "done"})
    assert response.status_code == 403
    assert Measure.objects.get(pk=other.pk).status == "planned"
    assert client.get(reverse("plans:measure_edit", args=[own.pk])).status_code == 403
    assert client.get(reverse("plans:goal_create", args=[w.plan.pk])).status_code == 403
    # The PDF is an export: the consent lets the service read, not export.
    assert client.get(reverse("plans:plan_pdf", args=[w.plan.pk])).status_code == 403


@pytest.mark.django_db
def test_service_contact_loses_the_plan_when_consent_is_withdrawn(client, plan_world):
    from django.utils import timezone

    w = plan_world
    client.force_login(w.contact)
    assert "Tilrettelegge friminutt" in client.get(reverse("plans:my_measures"), **EN).content.decode()
    w.consent.withdrawn_at = timezone.now()
    w.consent.save(update_fields=["withdrawn_at"])
    assert client.get(_plan_url(w)).status_code == 404
    assert "Tilrettelegge friminutt" not in client.get(reverse("plans:my_measures"), **EN).content.decode()


@pytest.mark.django_db
def test_consent_without_the_plan_category_does_not_show_the_plan(client, plan_world):
    from los.core import testing as t

    w = plan_world
    t.consent(w.family, w.habu, categories=["case", "meetings"])
    client.force_login(w.habu_contact)
    assert client.get(_plan_url(w)).status_code == 403


@pytest.mark.django_db
def test_caseworker_sees_and_changes_the_plan(client, plan_world):
    w = plan_world
    client.force_login(w.caseworker)
    page = client.get(_plan_url(w), **EN).content.decode()
    assert "Tilrettelegge friminutt" in page and "Add a goal" in page
    assert client.get(reverse("plans:goal_edit", args=[w.goal.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leader", "admin", "foreign_caseworker"])
def test_leaders_admins_and_other_municipalities_see_nothing(client, plan_world, who):
    w = plan_world
    client.force_login(getattr(w, who))
    assert client.get(_plan_url(w)).status_code == 404
    assert client.get(reverse("plans:versions", args=[w.plan.pk])).status_code == 404
    page = client.get(reverse("plans:my_measures"), **EN).content.decode()
    assert "Tilrettelegge friminutt" not in page and "Familien Berg" not in page


@pytest.mark.django_db
def test_family_reads_comments_and_approves_but_does_not_edit(client, plan_world):
    w = plan_world
    client.force_login(w.parent)
    page = client.get(_plan_url(w), **EN).content.decode()
    assert "Add the comment" in page and "Approve version" in page
    assert "Add a goal" not in page and "Update the status" not in page
    assert client.get(reverse("plans:goal_edit", args=[w.goal.pk])).status_code == 403
    assert client.get(reverse("plans:plan_pdf", args=[w.plan.pk])).status_code == 200


@pytest.mark.django_db
def test_other_family_is_not_found(client, plan_world):
    w = plan_world
    from los.core import testing as t

    stranger = t.user("fremmed")
    client.force_login(stranger)
    assert client.get(_plan_url(w)).status_code == 404
