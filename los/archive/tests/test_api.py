"""The archive interface: the receiving archive system fetches the registry entries waiting for transfer, with their
documents, and reports back; the access policy, the token's scope and municipality decide; everything is audited."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.cache import cache
from django.test import Client

from los.access.models import AuditEvent
from los.api.models import Scope
from los.api.services import create_token
from los.archive.models import RegistryEntry

BASE = "/api/archive/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _client(world, user, scopes=(Scope.ARCHIVE_JOURNAL,), municipality=None) -> Client:
    _token, text = create_token(name="Sak/arkiv", user=user, municipality=municipality or world.municipality,
                                scopes=list(scopes))
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_the_archive_system_fetches_waiting_entries_with_documents_and_confirms_them(decided):
    w = decided
    client = _client(w, w.caseworker)
    answer = client.get(f"{BASE}/entries")
    assert answer.status_code == 200, answer.content
    page = answer.json()
    assert page["count"] == 3
    first = page["items"][0]
    assert first["format"] == "los-noark5-journalpost" and first["format_version"] == "1.0"
    assert first["entry_type"] == "Inngående dokument" and first["case_file"]["status"] == "Under behandling"
    assert first["screening_basis"] == "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
    document = first["documents"][0]
    pdf = client.get(document["url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)
    assert hashlib.sha256(body).hexdigest() == document["checksum"] and len(body) == document["size"]

    entry_url = f"{BASE}/entries/{first['system_id']}/transfer"
    sent = client.post(entry_url, json.dumps({"status": "sent"}), content_type="application/json")
    assert sent.status_code == 200 and sent.json()["transfer"]["status"] == "sent"
    confirmed = client.post(entry_url, json.dumps({"status": "confirmed", "reference": "2026/1234-1"}),
                            content_type="application/json")
    assert confirmed.json()["transfer"] == {**confirmed.json()["transfer"], "status": "confirmed",
                                            "reference": "2026/1234-1"}
    assert client.get(f"{BASE}/entries").json()["count"] == 2  # no longer pending
    assert client.get(f"{BASE}/entries?status=confirmed").json()["count"] == 1
    again = client.post(entry_url, json.dumps({"status": "failed", "message": "x"}), content_type="application/json")
    assert again.status_code == 409
    assert AuditEvent.objects.filter(object_type="RegistryEntry", reason__contains="confirmed").exists()


@pytest.mark.django_db
def test_a_failure_needs_a_message_and_is_offered_again(decided):
    w = decided
    client = _client(w, w.caseworker)
    entry = RegistryEntry.objects.filter(family=w.family).order_by("journal_sequence").first()
    url = f"{BASE}/entries/{entry.system_id}/transfer"
    refused = client.post(url, json.dumps({"status": "failed"}), content_type="application/json")
    assert refused.status_code == 422 and "why" in refused.json()["detail"]
    client.post(url, json.dumps({"status": "failed", "message": "Arkivdel mangler"}), content_type="application/json")
    pending = client.get(f"{BASE}/entries").json()
    assert any(i["system_id"] == str(entry.system_id) and i["transfer"]["message"] == "Arkivdel mangler"
               for i in pending["items"])


@pytest.mark.django_db
def test_scope_municipality_and_the_policy_decide(decided):
    w = decided
    entry = RegistryEntry.objects.filter(family=w.family).first()
    assert _client(w, w.caseworker, scopes=[Scope.FAMILIES_READ]).get(f"{BASE}/entries").status_code == 403
    foreign = _client(w, w.foreign_caseworker, municipality=w.other_municipality)
    assert foreign.get(f"{BASE}/entries").json()["count"] == 0
    assert foreign.get(f"{BASE}/entries/{entry.system_id}").status_code == 404
    contact = _client(w, w.contact)
    assert contact.get(f"{BASE}/entries").json()["count"] == 0
    assert contact.get(f"{BASE}/entries/{entry.system_id}").status_code == 404
    coordinator = _client(w, w.coordinator)  # sees the family's entries, but the unit runs the transfer
    assert coordinator.get(f"{BASE}/entries/{entry.system_id}").status_code == 200
    answer = coordinator.post(f"{BASE}/entries/{entry.system_id}/transfer",
                              json.dumps({"status": "confirmed", "reference": "x"}), content_type="application/json")
    assert answer.status_code == 403


@pytest.mark.django_db
def test_the_openapi_description_documents_the_interface(client):
    schema = client.get("/api/openapi.json").json()
    assert f"{BASE}/entries" in schema["paths"]
    assert "post" in schema["paths"][f"{BASE}/entries/{{system_id}}/transfer"]
    fields = schema["components"]["schemas"]["EntryOut"]["properties"]
    assert "journalposttype (M082)" in fields["entry_type"]["description"]
