"""Small helpers for the service map tests."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from los.core.dates import format_day
from los.servicemap import catalog, services

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def docx(extra: dict[str, bytes] | None = None, content_types: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    types = content_types or (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.document.main+xml"/></Types>')
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", b"<w:document><w:body><w:p>Vedtak</w:p></w:body></w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<office:document-content>Vedtak</office:document-content>")
    return buffer.getvalue()


def formatted(day: date, style: str = "weekday", language: str = "en") -> str:
    """A date as the pages write it (los.core.dates)."""
    return format_day(day, style, language)


def application(entry, actor, sent_on: date, **fields):
    return services.create_application(entry, actor, sent_on=sent_on, **fields)


def decide(app, actor, decision: str, received: date | None, legal_basis: str | None = None, **fields):
    """Record a decision as the form sends it: with the catalogue's usual legal basis (which the form offers)
    unless ``legal_basis`` is given ("" for a decision recorded without its basis)."""
    app.refresh_from_db()
    if legal_basis is None:
        legal_basis = catalog.usual_legal_basis(app.entry.catalog_id)
    return services.record_decision(app, actor, app.version, decision=decision, decision_received_on=received,
                                    legal_basis=legal_basis, **fields)
