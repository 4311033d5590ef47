"""Tokens: scopes, municipality, revocation and expiry; problem details in the caller's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from los.api.models import ApiToken
from los.api.services import create_token, revoke_token

pytestmark = pytest.mark.django_db


def bearer(text: str, **headers) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", **headers)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == status and body["instance"] == response.wsgi_request.path
    return body


def test_the_secret_is_not_stored(world):
    token, text = create_token(name="Fagsystem", user=world.coordinator, municipality=world.municipality,
                               scopes=["families:read"])
    assert text.startswith("los_") and text not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.digest == ApiToken.digest_of(text)


def test_a_token_needs_a_role_in_its_municipality_and_known_scopes(world):
    with pytest.raises(ValidationError):
        create_token(name="x", user=world.coordinator, municipality=world.other_municipality, scopes=["plans:read"])
    with pytest.raises(ValidationError):
        create_token(name="x", user=world.coordinator, municipality=world.municipality, scopes=["everything"])
    with pytest.raises(ValidationError):
        create_token(name="x", user=world.parent, municipality=world.municipality, scopes=["plans:read"])


def test_wrong_scope_is_403(rich, token_for):
    client = bearer(token_for(scopes=["families:read"]))
    assert client.get(f"/api/families/{rich.family.pk}").status_code == 200
    body = assert_problem(client.get(f"/api/families/{rich.family.pk}/plans", HTTP_ACCEPT_LANGUAGE="en"), 403)
    assert "plans:read" in body["detail"]
    assert_problem(client.post("/api/navigator/evaluate", "{}", content_type="application/json"), 403)
    assert_problem(client.get(f"/api/fhir/Family/{rich.family.pk}/$export"), 403)


def test_other_municipality_is_404(rich, token_for):
    from los.accounts.models import Role
    from los.core import testing as t

    # the coordinator also works in the other municipality, but the token is for Testvik
    t.grant(rich.coordinator, rich.other_municipality, Role.BARNEKOORDINATOR)
    t.assign(rich.foreign_family, rich.coordinator)
    client = bearer(token_for())
    body = assert_problem(client.get(f"/api/families/{rich.foreign_family.pk}"), 404)
    assert body["type"].endswith("not-found")
    assert [f["id"] for f in client.get("/api/families").json()["items"]] == [rich.family.pk]
    # the same user in a browser sees both: the token only narrows
    browser = Client()
    browser.force_login(rich.coordinator)
    assert browser.get(f"/api/families/{rich.foreign_family.pk}").status_code == 200


def test_revoked_token_is_401(rich, world):
    token, text = create_token(name="x", user=world.coordinator, municipality=world.municipality,
                               scopes=["families:read"])
    assert bearer(text).get("/api/families").status_code == 200
    revoke_token(token)
    body = assert_problem(bearer(text, HTTP_ACCEPT_LANGUAGE="en").get("/api/families"), 401)
    assert body["detail"] == "The API token has been revoked."


def test_expired_token_is_401(world):
    token, text = create_token(name="x", user=world.coordinator, municipality=world.municipality,
                               scopes=["families:read"], expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = assert_problem(bearer(text, HTTP_ACCEPT_LANGUAGE="en").get("/api/families"), 401)
    assert body["detail"] == "The API token has expired."


def test_unknown_or_missing_token_is_401(world):
    assert_problem(bearer("los_abc_def").get("/api/families"), 401)
    response = Client().get("/api/families")
    assert_problem(response, 401)
    assert "Bearer" in response["WWW-Authenticate"]


def test_last_used_is_recorded(world):
    token, text = create_token(name="x", user=world.coordinator, municipality=world.municipality,
                               scopes=["families:read"])
    bearer(text).get("/api/families")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_problems_in_norwegian_and_english(rich, token_for):
    client = bearer(token_for(scopes=["families:read"]))
    nb = assert_problem(client.get(f"/api/families/{rich.family.pk}/plans", HTTP_ACCEPT_LANGUAGE="nb"), 403)
    en = assert_problem(client.get(f"/api/families/{rich.family.pk}/plans", HTTP_ACCEPT_LANGUAGE="en"), 403)
    nn = assert_problem(client.get(f"/api/families/{rich.family.pk}/plans", HTTP_ACCEPT_LANGUAGE="nn"), 403)
    assert en["title"] == "Forbidden"
    assert nb["title"] == "Ingen tilgang" and nb["detail"] != en["detail"]
    assert nn["title"] == "Inga tilgang"
    nb404 = assert_problem(client.get("/api/families/999999", HTTP_ACCEPT_LANGUAGE="nb"), 404)
    assert nb404["title"] == "Ikke funnet"


def test_invalid_input_is_422_and_bad_json_is_400(rich, api):
    body = assert_problem(api.get("/api/families?limit=1000", HTTP_ACCEPT_LANGUAGE="en"), 422)
    assert body["errors"][0]["loc"][-1] == "limit"
    assert_problem(api.post("/api/navigator/evaluate", "{not json", content_type="application/json"), 400)


def test_too_many_requests_is_429(rich, api, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LOS_API_RATE = "2/m"
    assert api.get("/api/me").status_code == 200
    assert api.get("/api/me").status_code == 200
    response = api.get("/api/me", HTTP_ACCEPT_LANGUAGE="en")
    assert_problem(response, 429)
    assert "Retry-After" in response
    cache.clear()


def test_server_errors_are_problems(rich, api, monkeypatch):
    from los.api import api as api_module

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api_module, "family_out", boom)
    body = assert_problem(api.get(f"/api/families/{rich.family.pk}", HTTP_ACCEPT_LANGUAGE="en"), 500)
    assert "boom" not in body["detail"]


def test_management_command_creates_lists_and_revokes(world, capsys):
    call_command("api_token", "create", "--name", "Arkiv", "--user", "bk", "--municipality", "Testvik",
                 "--scope", "archive:export", "--scope", "families:read", "--expires", "2099-12-31")
    out = capsys.readouterr().out
    text = out.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert text.startswith(f"los_{token.key_id}_") and token.scopes == ["archive:export", "families:read"]
    assert bearer(text).get("/api/families").status_code == 200
    call_command("api_token", "list")
    assert "Arkiv" in capsys.readouterr().out
    call_command("api_token", "revoke", token.key_id)
    assert bearer(text).get("/api/families").status_code == 401


def test_making_and_revoking_a_token_are_in_the_municipalitys_audit_chain(world, capsys):
    from los.access import audit
    from los.access.models import AuditEvent

    call_command("api_token", "create", "--name", "Arkiv", "--user", "bk", "--municipality", "Testvik",
                 "--scope", "archive:export")
    token = ApiToken.objects.get()
    call_command("api_token", "revoke", token.key_id)
    capsys.readouterr()
    events = list(AuditEvent.objects.filter(object_type="ApiToken", object_id=str(token.pk)).order_by("seq"))
    assert [e.chain for e in events] == [str(world.municipality.pk)] * 2
    assert events[0].reason.startswith(f"API token 'Arkiv' ({token.key_id}) created for bk, scopes archive:export")
    assert events[1].reason.startswith(f"API token 'Arkiv' ({token.key_id}) revoked")
    assert all("[manage.py api_token, OS user " in e.reason for e in events)
    made, _text = create_token(name="Fagsystem", user=world.coordinator, municipality=world.municipality,
                               scopes=["families:read"], created_by=world.admin)
    revoke_token(made, by=world.admin)
    assert list(AuditEvent.objects.filter(object_type="ApiToken", object_id=str(made.pk))
                .values_list("actor__username", flat=True)) == ["admin", "admin"]
    assert list(audit.verify()) == []
