"""The status form of a measure is fetched when its section is opened, and works without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from los.plans.models import Measure

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.django_db
def test_the_plan_page_links_to_the_status_form_instead_of_carrying_one_per_measure(client, plan_world):
    w = plan_world
    client.force_login(w.contact)
    page = client.get(reverse("plans:family_plan", args=[w.family.pk]), **EN).content.decode()
    status_url = reverse("plans:measure_status", args=[w.school_measure.pk])
    assert "Update the status" in page
    assert f'hx-get="{status_url}"' in page and f'href="{status_url}"' in page
    assert f'name="m{w.school_measure.pk}-status"' not in page
    # the contact may update only the measure they own
    assert reverse("plans:measure_status", args=[w.own_measure.pk]) not in page


@pytest.mark.django_db
def test_opening_the_section_fetches_the_form_with_the_current_values(client, plan_world):
    w = plan_world
    client.force_login(w.contact)
    url = reverse("plans:measure_status", args=[w.school_measure.pk])
    fragment = client.get(url, **EN, **HTMX).content.decode()
    assert fragment.lstrip().startswith("<form") and "<html" not in fragment
    assert f'name="m{w.school_measure.pk}-status"' in fragment and "Save the status" in fragment
    assert f'name="m{w.school_measure.pk}-version" value="{w.school_measure.version}"' in fragment
    assert f'hx-target="#measure-{w.school_measure.pk}"' in fragment


@pytest.mark.django_db
def test_without_javascript_the_link_opens_the_form_as_a_page_and_saves(client, plan_world):
    w = plan_world
    client.force_login(w.contact)
    url = reverse("plans:measure_status", args=[w.school_measure.pk])
    page = client.get(url, **EN).content.decode()
    assert "<html" in page and "Save the status" in page
    response = client.post(url, {f"m{w.school_measure.pk}-version": w.school_measure.version,
                                 f"m{w.school_measure.pk}-status": "in_progress",
                                 f"m{w.school_measure.pk}-note": "Startet"}, **EN)
    assert response.status_code == 302
    assert Measure.objects.get(pk=w.school_measure.pk).status == "in_progress"


@pytest.mark.django_db
def test_someone_without_the_right_cannot_fetch_the_form(client, plan_world):
    w = plan_world
    client.force_login(w.habu_contact)
    response = client.get(reverse("plans:measure_status", args=[w.school_measure.pk]), **EN, **HTMX)
    assert response.status_code in (403, 404)
    assert "Save the status" not in response.content.decode()
