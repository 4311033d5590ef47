"""The FHIR export: a valid R4 Bundle with what the caller may see, and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from los.access.models import AuditEvent

pytestmark = pytest.mark.django_db


def export(client, family):
    return client.get(f"/api/fhir/Family/{family.pk}/$export")


def kinds(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def test_the_bundle_is_valid_fhir_r4_with_every_resource(rich, api):
    response = export(api, rich.family)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "collection"
    found = kinds(response.json())
    assert set(found) >= {"Group", "Patient", "CarePlan", "Goal", "CareTeam", "Consent", "EpisodeOfCare", "Task",
                          "Encounter"}
    care_plan = found["CarePlan"][0]
    assert care_plan["id"] == f"plan-{rich.plan.pk}" and care_plan["description"] == rich.plan.what_matters
    assert care_plan["activity"][0]["detail"]["description"] == "Tilrettelagt skoleskyss"
    assert found["Goal"][0]["description"]["text"] == "Barn skal gå på skolen hver dag."
    assert found["Goal"][0]["subject"]["reference"] == f"Patient/child-{rich.child.pk}"
    assert found["Task"][0]["description"] == "Sende søknad om avlastning"
    assert found["Encounter"][0]["status"] == "finished"
    assert found["EpisodeOfCare"][0]["careManager"]["display"] == rich.coordinator.get_full_name()
    assert found["Consent"][0]["provision"]["actor"][0]["reference"]["display"] == "Testvik skole"
    assert len(found["CareTeam"][0]["participant"]) == 3
    assert "meta" not in response.json()


def test_a_service_contact_gets_only_the_categories_the_consent_covers(rich, token_for):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.contact)}")
    response = export(client, rich.family)
    assert response.status_code == 200
    Bundle.model_validate_json(response.content)
    found = kinds(response.json())
    assert "CarePlan" in found and "Encounter" in found  # the consent covers plan and meetings
    assert "Consent" not in found  # the consent register is never shared
    assert {t["code"] for t in response.json()["meta"]["tag"]} == {"consents"}


def test_a_caseworker_does_not_get_what_is_hidden_from_the_unit(rich, token_for):
    from los.access.models import Category

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.caseworker)}")
    response = export(client, rich.family)
    assert response.status_code == 200
    assert Category.WORKING_NOTES.value not in response.content.decode()


def test_no_relation_is_404_and_audited(rich, token_for):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.contact)}")
    assert export(client, rich.other_family).status_code == 404
    assert AuditEvent.objects.filter(family=rich.other_family, actor=rich.contact, allowed=False).exists()


def test_the_export_is_audited(rich, api):
    export(api, rich.family)
    assert AuditEvent.objects.filter(family=rich.family, actor=rich.coordinator, object_type="Family",
                                     path__contains="/fhir/").exists()
