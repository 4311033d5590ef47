"""Message attachments: the type comes from the content, never the sender's name or extension.

Before, a text file called ``.hta``, ``.js`` or ``.bat`` passed the content check as plain text and was served
under the sender's name: one double-click away from running on the reader's machine."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from los.portal.models import Message

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
SCRIPT = b'var shell = new ActiveXObject("WScript.Shell");\nshell.Run("calc.exe");\n'


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}}}


def _send(client, world, name: str, content: bytes, body: str = "Se vedlegg"):
    client.force_login(world.parent)
    return client.post(reverse("portal:messages", args=[world.family.pk]),
                       {"body": body, "attachment": SimpleUploadedFile(name, content)}, HTTP_ACCEPT_LANGUAGE="en")


def _download(client, user, message: Message):
    client.force_login(user)
    return client.get(reverse("portal:attachment", args=[message.pk]))


@pytest.mark.parametrize(("name", "served"), [
    ("oppdatering.hta", 'filename="oppdatering.txt"'), ("faktura.pdf.js", 'filename="faktura_pdf.txt"'),
    ("start.bat", 'filename="start.txt"'), ("../../Vedtak 12.03.2025.cmd", 'filename="Vedtak 12_03_2025.txt"'),
])
def test_a_script_named_by_the_sender_downloads_as_plain_text(client, world, name, served):
    assert _send(client, world, name, SCRIPT).status_code == 302
    message = Message.objects.get()
    assert message.attachment_name == served.split('"')[1]  # what the thread shows is what downloads
    response = _download(client, world.coordinator, message)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and served in disposition
    assert name.rsplit(".", 1)[-1] not in disposition.rsplit(".", 1)[-1]
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    page = client.get(reverse("portal:messages", args=[world.family.pk])).content.decode()
    assert served.split('"')[1] in page and name not in page


def test_a_pdf_keeps_the_senders_name_with_the_detected_extension(client, world):
    assert _send(client, world, "Vedtak om avlastning.PDF", PDF).status_code == 302
    response = _download(client, world.coordinator, Message.objects.get())
    assert 'filename="Vedtak om avlastning.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("name", "content"), [
    ("program.exe", b"MZ\x90\x00\x03" + b"\x00" * 100),
    ("side.hta", b"<html><head><hta:application/><script>alert(1)</script></head></html>"),
    ("bilde.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
])
def test_a_file_of_another_type_is_refused_and_the_message_is_kept(client, world, name, content):
    response = _send(client, world, name, content, body="Her er brevet fra NAV")
    page = response.content.decode()
    assert response.status_code == 400 and not Message.objects.exists()
    assert "This kind of file cannot be stored in Los." in page
    assert "Her er brevet fra NAV" in page  # nothing the user typed is lost


def test_existing_attachments_keep_working_under_a_safe_name(client, world):
    """Rows stored before: the sender's name and type are not trusted; the content decides."""
    old_text = Message(family=world.family, municipality=world.municipality, sender=world.parent, body="Gammel",
                       attachment_name="oppdatering.hta", attachment_type="text/plain; charset=utf-8")
    old_text.attachment.save("vedlegg.txt", ContentFile(SCRIPT))
    old_pdf = Message(family=world.family, municipality=world.municipality, sender=world.parent, body="PDF",
                      attachment_name="brev.pdf", attachment_type="application/pdf")
    old_pdf.attachment.save("vedlegg.pdf", ContentFile(PDF))
    unknown = Message(family=world.family, municipality=world.municipality, sender=world.parent, body="Ukjent",
                      attachment_name="program.exe", attachment_type="text/plain")
    unknown.attachment.save("vedlegg.txt", ContentFile(b"MZ\x90\x00" + b"\x00" * 50))
    text = _download(client, world.coordinator, old_text)
    assert 'filename="oppdatering.txt"' in text["Content-Disposition"] and text["Content-Type"].startswith("text/plain")
    pdf = _download(client, world.coordinator, old_pdf)
    assert 'filename="brev.pdf"' in pdf["Content-Disposition"] and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == PDF
    other = _download(client, world.coordinator, unknown)
    assert 'filename="program.bin"' in other["Content-Disposition"]
    assert other["Content-Type"] == "application/octet-stream"
    page = client.get(reverse("portal:messages", args=[world.family.pk])).content.decode()
    assert "oppdatering.txt" in page and "brev.pdf" in page and ".hta" not in page and ".exe" not in page
