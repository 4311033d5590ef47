"""The OpenAPI description and the docs page (local assets only, no inline script)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_openapi_describes_every_area_with_problem_errors(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for expected in ("/api/families", "/api/families/{family_id}/children", "/api/families/{family_id}/plans",
                     "/api/families/{family_id}/plans/{plan_id}/goals",
                     "/api/families/{family_id}/plans/{plan_id}/measures", "/api/families/{family_id}/meetings",
                     "/api/families/{family_id}/actions", "/api/families/{family_id}/services",
                     "/api/families/{family_id}/applications", "/api/families/{family_id}/consents",
                     "/api/navigator/evaluate", "/api/statistics", "/api/fhir/Family/{family_id}/$export",
                     "/api/families/{family_id}/archive"):
        assert expected in paths
    forbidden = schema["paths"]["/api/families"]["get"]["responses"]["403"]
    assert list(forbidden["content"]) == ["application/problem+json"]
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert "/moter/kalender/" in schema["info"]["description"]  # the calendar feed is documented
    assert schema["info"]["x-calendar-feed"] == "/moter/kalender/{token}.ics"


def test_the_docs_page_uses_local_assets_and_lists_the_operations(client):
    response = client.get("/api/docs", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/families/{family_id}/plans" in html and "API documentation" in html
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/static/") for s in sources)  # nothing from the internet
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script (CSP)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "api/docs.js"):
        assert finders.find(asset)


def test_the_docs_page_is_in_norwegian_too(client):
    assert "API-dokumentasjon" in client.get("/api/docs", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
