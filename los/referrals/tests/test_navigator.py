"""The assessment attaches the navigator's view of the family (through a small adapter)."""

import json

import pytest
from django.urls import reverse

from los.core import testing as t
from los.core.models import ProviderKind
from los.families.models import Child
from los.referrals import navigator_adapter
from los.referrals.models import Assessment

from .helpers import request_for


@pytest.mark.django_db
def test_profile_is_built_from_the_family(world):
    habu = t.provider(world.municipality, ProviderKind.HABU, "HABU")
    t.consent(world.family, habu)
    Child.objects.filter(family=world.family).update(condition_categories=["neurological", "unknown"])
    profile = navigator_adapter.family_profile(world.family)
    assert profile["child"]["condition_categories"] == ["neurological"]
    assert profile["child"]["services_involved"] == ["habu"]
    assert profile["child"]["age_years"] == 9
    assert profile["family"]["guardians"] == 1 and profile["family"]["language"] == "nb"


@pytest.mark.django_db
def test_caseworker_fetches_the_navigators_view_or_writes_it(client, world, monkeypatch):
    request = request_for(world.family)
    client.force_login(world.caseworker)
    url = reverse("referrals:assessment", args=[request.pk])
    fake = json.dumps({"source": "navigator", "as_of": "2026-11-23",
                       "suggestions": [{"id": "hjelpestonad", "name": "Hjelpestønad", "relevance": "likely"}]})
    monkeypatch.setattr(navigator_adapter, "navigator_available", lambda: True)
    monkeypatch.setattr(navigator_adapter, "navigator_view", lambda family, lang="nb", today=None: fake)
    response = client.post(url, {"fetch_navigator": "1", "navigator_snapshot": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Hjelpestønad" in response.content.decode()
    client.post(url, {"navigator_snapshot": fake})
    assessment = Assessment.objects.get(request=request)
    assert assessment.navigator_source == "engine" and json.loads(assessment.navigator_snapshot)["suggestions"]

    client.post(url, {"navigator_snapshot": "Har grunnstønad; hjelpestønad er søkt.",
                      "version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.navigator_source == "manual"
    assert navigator_adapter.parse_snapshot(assessment.navigator_snapshot) == {
        "note": "Har grunnstønad; hjelpestønad er søkt."}


@pytest.mark.django_db
def test_navigator_view_from_the_real_engine_when_installed(world):
    snapshot = navigator_adapter.navigator_view(world.family)
    assert navigator_adapter.navigator_available()
    data = json.loads(snapshot)
    assert data["source"] == "navigator" and data["suggestions"]
    assert all(s["id"] and s["relevance"] in ("likely", "possible", "in_place") for s in data["suggestions"])
