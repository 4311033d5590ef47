"""The archive package of a closed case."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from pypdf import PdfReader

from los.access.models import AuditEvent
from los.families.models import FamilyStatus

pytestmark = pytest.mark.django_db


def close(family):
    from django.utils import timezone

    family.status = FamilyStatus.CLOSED
    family.closed_at = timezone.now()
    family.save(update_fields=["status", "closed_at"])


def test_only_a_closed_case_is_exported(rich, api):
    response = api.get(f"/api/families/{rich.family.pk}/archive", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Only a closed case can be exported for the archive."


def test_the_package_is_documented_and_audited(rich, api):
    close(rich.family)
    response = api.get(f"/api/families/{rich.family.pk}/archive")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    package = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(package.namelist())
    assert {"README.txt", "metadata.json", "sammendrag.pdf", f"plan-{rich.plan.pk}.pdf"} == names
    metadata = json.loads(package.read("metadata.json"))
    assert metadata["case"]["reference"] == rich.family.reference
    assert metadata["case"]["status"] == "closed"
    assert sorted(metadata["files"]) == sorted(names)
    assert any(o["model"] == "plans.plan" for o in metadata["objects"])
    readme = package.read("README.txt").decode()
    assert rich.family.reference in readme and "metadata.json" in readme
    plan_pdf = PdfReader(io.BytesIO(package.read(f"plan-{rich.plan.pk}.pdf")))
    assert "skoleskyss" in "".join(page.extract_text() for page in plan_pdf.pages)
    xmp = PdfReader(io.BytesIO(package.read("sammendrag.pdf"))).xmp_metadata
    assert xmp is not None and xmp.get_element("", "http://www.aiim.org/pdfa/ns/id/", "part")  # PDF/A
    assert AuditEvent.objects.filter(family=rich.family, actor=rich.coordinator, action="export",
                                     allowed=True).exists()


def test_roles_that_may_not_export_are_refused(rich, token_for):
    close(rich.family)
    # a service contact may view under consent, but never export
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(rich.contact)}")
    assert client.get(f"/api/families/{rich.family.pk}/archive").status_code == 403
    assert AuditEvent.objects.filter(family=rich.family, actor=rich.contact, action="denied").exists()
    # without the scope
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(scopes=['families:read'])}")
    assert client.get(f"/api/families/{rich.family.pk}/archive").status_code == 403
