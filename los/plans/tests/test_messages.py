"""Bad input gets a clear message in the user's language (bokmål, nynorsk, English), the form keeps
what the user typed, and nothing already saved is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from los.plans import services
from los.plans.models import EvaluationDate, Goal, Measure

MESSAGES = {
    "goal_text": {"nb": "Skriv målet med familiens egne ord.", "nn": "Skriv målet med familien sine eigne ord.",
                  "en": "Write the goal, in the family&#x27;s own words."},
    "dates": {"nb": "Fristen er før starten. Sjekk datoene.", "nn": "Fristen er før starten. Sjekk datoane.",
              "en": "The due date is before the start. Check the dates."},
    "stopped": {"nb": "Skriv hvorfor tiltaket er stoppet, slik at familien vet det.",
                "nn": "Skriv kvifor tiltaket er stoppa, slik at familien veit det.",
                "en": "Say why the measure is stopped, so that the family knows."},
    "result": {"nb": "Skriv om målet ble nådd, delvis nådd eller ikke nådd.",
               "nn": "Skriv om målet vart nådd, delvis nådd eller ikkje nådd.",
               "en": "Say whether this goal was reached, partly reached or not reached."},
    "summary": {"nb": "Sjekk det du skrev", "nn": "Sjekk det du skreiv", "en": "Check what you wrote"},
    "no_consent": {"nb": "kan ikke se denne planen", "nn": "kan ikkje sjå denne planen",
                   "en": "cannot see this plan"},
}
LANGUAGES = ["nb", "nn", "en"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_empty_goal(client, plan_world, language):
    w = plan_world
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:goal_create", args=[w.plan.pk]),
                           {"text": "  ", "whose": "family", "category": "school"}, HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 400
    assert MESSAGES["goal_text"][language] in page and MESSAGES["summary"][language] in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_text_error"' in page
    assert Goal.objects.filter(plan=w.plan).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_measure_due_before_start_keeps_what_was_typed(client, plan_world, language):
    w = plan_world
    today = timezone.localdate()
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:measure_create", args=[w.plan.pk]), {
        "title": "Søke om grunnstønad", "goal": w.goal.pk, "owner_person": w.coordinator.pk,
        "start": (today + timedelta(days=20)).isoformat(), "due_date": (today + timedelta(days=10)).isoformat()},
        HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 400
    assert MESSAGES["dates"][language] in page
    assert 'value="Søke om grunnstønad"' in page
    assert not Measure.objects.filter(title="Søke om grunnstønad").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_stopping_a_measure_needs_a_reason(client, plan_world, language):
    w = plan_world
    m = w.school_measure
    client.force_login(w.contact)
    response = client.post(reverse("plans:measure_status", args=[m.pk]), {
        f"m{m.pk}-version": m.version, f"m{m.pk}-status": "stopped", f"m{m.pk}-note": ""},
        HTTP_ACCEPT_LANGUAGE=language, HTTP_HX_REQUEST="true")
    assert MESSAGES["stopped"][language] in response.content.decode()
    assert Measure.objects.get(pk=m.pk).status == "planned"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_evaluation_needs_a_result_for_every_goal(client, plan_world, language):
    w = plan_world
    today = timezone.localdate()
    occasion = EvaluationDate.objects.create(plan=w.plan, family=w.family, municipality=w.municipality, date=today)
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:evaluation_record", args=[occasion.pk]), {
        "version": occasion.version, "held_on": today.isoformat(), f"family_view_{w.goal.pk}": "Det går bedre"},
        HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 400
    assert MESSAGES["result"][language] in page and "Det går bedre" in page
    occasion.refresh_from_db()
    assert occasion.held_on is None


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_owner_without_consent_is_refused_with_a_reason(plan_world, language):
    w = plan_world
    with translation.override(language), pytest.raises(ValidationError) as error:
        services.create_measure(plan=w.plan, by=w.coordinator, title="Utredning", owner=w.habu_contact,
                                due_date=timezone.localdate() + timedelta(days=30))
    assert MESSAGES["no_consent"][language] in " ".join(error.value.messages)


@pytest.mark.django_db
def test_malformed_ids_and_dates_are_not_a_500(client, plan_world):
    w = plan_world
    client.force_login(w.coordinator)
    response = client.post(reverse("plans:measure_create", args=[w.plan.pk]), {
        "title": "X", "goal": "abc", "owner_person": "999999", "due_date": "not a date"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose one of the goals in this plan." in page and "Choose a person from the list." in page
    assert "Write the date as dd.mm.yyyy." in page
    assert client.post(reverse("plans:plan_approve", args=[w.plan.pk]), {"revision": "x"}).status_code == 302
    assert client.get(reverse("plans:versions", args=[w.plan.pk]), {"fra": "x", "til": "1"}).status_code == 200
