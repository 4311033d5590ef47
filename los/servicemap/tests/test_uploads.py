"""Uploads are checked by content and size; bad files get clear messages and nothing saved is lost."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from los.access.models import AuditEvent, Category
from los.core import testing as t
from los.servicemap import services
from los.servicemap.models import Document

from .helpers import JPEG, PDF, PNG, docx, odt


def _upload(client, user, entry, name, content, title="Vedtak om avlastning", language="en"):
    client.force_login(user)
    return client.post(reverse("servicemap:document_upload", args=[entry.pk]), {
        "doc-title": title, "doc-kind": "decision", "doc-file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize(("name", "content", "extension"), [
    ("vedtak.pdf", PDF, "pdf"), ("skann.png", PNG, "png"), ("bilde.jpeg", JPEG, "jpg"),
    ("notat.txt", "Vedtak: innvilget avlastning for Mia Sæther.\nMvh kommunen\n".encode(), "txt"),
    ("windows.txt", "Vedtak om støttekontakt\r\n".encode("cp1252"), "txt"),
    ("brev.docx", docx(), "docx"), ("brev.odt", odt(), "odt"),
    ("feil-navn.txt", PDF, "pdf"),  # the content decides, not the name
])
def test_allowed_files_are_stored_outside_the_web_root(client, sm, settings, name, content, extension):
    response = _upload(client, sm.coordinator, sm.entry, name, content)
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.extension == extension and doc.size == len(content)
    assert name not in doc.file.name and doc.file.name.startswith(f"servicemap/{sm.municipality.pk}/")
    assert not str(doc.file.path).startswith(str(settings.STATIC_ROOT))
    with doc.file.open("rb") as handle:
        assert handle.read() == content


def _assert_refused(response, message, title="Vedtak om avlastning"):
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'value="{title}"' in page  # what the user typed is kept
    assert not Document.objects.filter(title=title).exists()


def _existing(sm):
    services.attach_document(sm.entry, sm.coordinator, SimpleUploadedFile("a.pdf", PDF), title="Søknaden",
                             kind="application")


@pytest.mark.parametrize(("name", "content"), [
    ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100),
    ("side.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("bilde.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("regneark.xlsx", docx(content_types=b"<Types>application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml</Types>")),
    ("makro.docm", docx(content_types=b"<Types>application/vnd.ms-word.document.macroEnabled.main+xml "
                                      b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml</Types>")),
    ("arkiv.zip", b"PK\x03\x04" + b"\x00" * 50),
])
def test_wrong_type_is_refused_and_nothing_is_lost(client, sm, name, content):
    _existing(sm)
    response = _upload(client, sm.coordinator, sm.entry, name, content)
    _assert_refused(response, "This kind of file cannot be stored in Los.")
    assert Document.objects.filter(title="Søknaden").exists()


def test_too_large_file_is_refused(client, sm, settings):
    settings.LOS_MAX_UPLOAD_BYTES = 1024
    _existing_small = _upload(client, sm.coordinator, sm.entry, "liten.txt", b"kort", title="Liten")
    assert _existing_small.status_code == 302
    response = _upload(client, sm.coordinator, sm.entry, "stor.pdf", PDF + b"0" * 2048)
    _assert_refused(response, "The file is too large (2.1\xa0KB). The largest file Los can store is 1.0\xa0KB.")
    assert Document.objects.filter(title="Liten").exists()


def test_empty_file_is_refused(client, sm):
    _existing(sm)
    response = _upload(client, sm.coordinator, sm.entry, "tom.pdf", b"")
    _assert_refused(response, "The file is empty. Choose the file again")
    assert Document.objects.filter(title="Søknaden").exists()


def test_zip_bomb_docx_is_refused_by_total_size(client, sm, settings):
    settings.LOS_MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024
    bomb = docx({"word/media/fill.bin": b"\x00" * (6 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    response = _upload(client, sm.coordinator, sm.entry, "bombe.docx", bomb)
    _assert_refused(response, "zip bomb")


def test_zip_bomb_docx_is_refused_by_ratio(client, sm):
    bomb = docx({"word/media/fill.bin": b"\x00" * (3 * 1024 * 1024)})
    response = _upload(client, sm.coordinator, sm.entry, "bombe.docx", bomb)
    _assert_refused(response, "zip bomb")


def test_zip_bomb_with_lying_sizes_is_caught_while_unpacking(client, sm, settings):
    settings.LOS_MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024
    bomb = bytearray(docx({"word/media/fill.bin": b"\x00" * (6 * 1024 * 1024)}))
    # rewrite the declared uncompressed size of every entry in the central directory to 1 byte
    archive = zipfile.ZipFile(io.BytesIO(bytes(bomb)))
    offset = bytes(bomb).find(b"PK\x01\x02")
    for _info in archive.infolist():
        bomb[offset + 24:offset + 28] = (1).to_bytes(4, "little")
        name_len = int.from_bytes(bomb[offset + 28:offset + 30], "little")
        extra_len = int.from_bytes(bomb[offset + 30:offset + 32], "little")
        comment_len = int.from_bytes(bomb[offset + 32:offset + 34], "little")
        offset += 46 + name_len + extra_len + comment_len
    response = _upload(client, sm.coordinator, sm.entry, "bombe.docx", bytes(bomb))
    page = response.content.decode()
    assert response.status_code == 400
    assert "zip bomb" in page or "This kind of file cannot be stored in Los." in page
    assert not Document.objects.exists()


@pytest.mark.parametrize(("language", "empty", "wrong", "large"), [
    ("nb", "Filen er tom.", "Denne filtypen kan ikke lagres i Los.", "Filen er for stor"),
    ("nn", "Fila er tom.", "Denne filtypen kan ikkje lagrast i Los.", "Fila er for stor"),
    ("en", "The file is empty.", "This kind of file cannot be stored in Los.", "The file is too large"),
])
def test_messages_in_three_languages(client, sm, settings, language, empty, wrong, large):
    settings.LOS_MAX_UPLOAD_BYTES = 100
    for content, text in ((b"", empty), (b"MZ\x90\x00" + b"\x00" * 20, wrong), (PDF, large)):
        response = _upload(client, sm.coordinator, sm.entry, "fil.pdf", content, language=language)
        assert response.status_code == 400
        assert text in response.content.decode()
    assert not Document.objects.exists()


def test_empty_file_message_from_the_checker_in_three_languages():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from los.servicemap.uploads import check_upload

    expected = {"nb": "Filen er tom", "nn": "Fila er tom", "en": "The file is empty"}
    for language, text in expected.items():
        with translation.override(language), pytest.raises(ValidationError) as error:
            check_upload(io.BytesIO(b""), 0)
        assert text in error.value.messages[0]


def test_download_only_through_the_policy_as_an_attachment(client, sm):
    services.attach_document(sm.entry, sm.coordinator, SimpleUploadedFile("a.pdf", PDF), title="Vedtak",
                             kind="decision")
    doc = Document.objects.get()
    url = reverse("servicemap:document_download", args=[doc.pk])
    client.force_login(sm.parent)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "Vedtak.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(actor=sm.parent, object_type="Document", action="export").exists()
    client.force_login(sm.foreign_caseworker)
    assert client.get(url).status_code == 404
    t.consent(sm.family, sm.school, categories=[Category.CASE, Category.SERVICES, Category.DOCUMENTS])
    client.force_login(sm.contact)
    assert client.get(url).status_code == 403  # a consent lets a service read, not export


def test_documents_are_listed_only_for_those_who_may_see_documents(client, sm):
    services.attach_document(sm.entry, sm.coordinator, SimpleUploadedFile("a.pdf", PDF), title="Hemmelig vedtak",
                             kind="decision")
    t.consent(sm.family, sm.school, categories=[Category.CASE, Category.SERVICES])
    client.force_login(sm.contact)
    page = client.get(reverse("servicemap:entry_detail", args=[sm.entry.pk])).content.decode()
    assert "Hemmelig vedtak" not in page
    client.force_login(sm.coordinator)
    assert "Hemmelig vedtak" in client.get(reverse("servicemap:entry_detail", args=[sm.entry.pk])).content.decode()


def test_text_is_served_with_its_own_charset():
    from los.servicemap.uploads import check_upload

    assert check_upload(io.BytesIO("Vedtak for Mia Sæther".encode())).content_type == "text/plain; charset=utf-8"
    assert check_upload(io.BytesIO("Vedtak for Mia Sæther".encode("cp1252"))).content_type == \
        "text/plain; charset=windows-1252"


def test_a_document_downloads_under_its_title_and_the_type_found_in_its_content(client, sm):
    """The title is the base name; the extension is the detected type's, whatever the stored row says (rows
    from before, or brought in a family package, are not trusted)."""
    from django.core.files.base import ContentFile

    script = b'var shell = new ActiveXObject("WScript.Shell");\n'
    doc = Document(family=sm.family, municipality=sm.municipality, entry=sm.entry, title="Innkalling.hta",
                   content_type="application/hta", extension="hta", size=len(script), sha256="", uploaded_by=sm.coordinator)
    doc.file.save("upload", ContentFile(script))
    client.force_login(sm.parent)
    response = client.get(reverse("servicemap:document_download", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Innkalling_hta.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8" and response["X-Content-Type-Options"] == "nosniff"


def test_a_file_without_a_title_is_named_after_its_base_name_only(client, sm):
    response = _upload(client, sm.coordinator, sm.entry, "start.bat", b"@echo off\r\necho hei\r\n", title="")
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.title == "start" and doc.extension == "txt"
    client.force_login(sm.parent)
    download = client.get(reverse("servicemap:document_download", args=[doc.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="start.txt"'
