"""Checks for uploaded documents (application and decision letters).

A file is accepted only when its *content* is one of the allowed types, whatever its name says:

- PDF (``%PDF-`` in the first kilobyte), PNG (the 8-byte PNG signature), JPEG (``FF D8 FF``);
- Word (.docx) and OpenDocument text (.odt): ZIP archives whose parts say what they are
  (``[Content_Types].xml`` with the WordprocessingML main part and no macros, or a ``mimetype``
  entry of ``application/vnd.oasis.opendocument.text``). Archives are checked for *zip bombs*:
  too many entries, a total uncompressed size above ``LOS_MAX_UNCOMPRESSED_BYTES`` or a
  compression ratio above ``LOS_MAX_COMPRESSION_RATIO``, measured by actually inflating the entries
  (with a cap) rather than trusting the sizes the archive declares; encrypted entries are refused;
- plain text: UTF-8 (or Windows-1252) without control characters, and not HTML, SVG or XML.

Empty files and files larger than ``settings.LOS_MAX_UPLOAD_BYTES`` are refused. Every refusal is a
:class:`django.core.exceptions.ValidationError` with a message for the person who uploaded.

Every upload in Los goes through :func:`check_upload` (service-map documents, message attachments, the files
in a family package from another municipality), and every download of an uploaded file through
:func:`download_response`: the type is detected from the stored content again, and the file is served under a
name Los makes — a safe base name and the extension of the detected type, never the extension the sender
gave (a ``.hta``, ``.js`` or ``.bat`` that is plain text downloads as ``.txt``) — as an attachment, with the
detected content type, ``X-Content-Type-Options: nosniff``, a sandboxing CSP and ``no-store``. A stored file
that is not one of the allowed types (from before these checks) is served as ``application/octet-stream``
with the extension ``.bin``.

Why not a magic-number library (python-magic, puremagic, filetype)? They name a type from the first bytes;
the allow-list here needs more than that (a Word file must not carry macros, a ZIP must not be a bomb, text
must not be HTML or SVG), and every type a library would add is one Los refuses.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ZIP_ENTRIES = 2000
DEFAULT_MAX_UNCOMPRESSED = 100 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
#: Below this uncompressed size a high ratio is harmless (tiny XML parts compress very well).
RATIO_FLOOR = 2 * 1024 * 1024

PDF, PNG, JPEG, TEXT, DOCX, ODT = "pdf", "png", "jpeg", "text", "docx", "odt"
CONTENT_TYPES = {
    PDF: "application/pdf",
    PNG: "image/png",
    JPEG: "image/jpeg",
    TEXT: "text/plain",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ODT: "application/vnd.oasis.opendocument.text",
}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", TEXT: "txt", DOCX: "docx", ODT: "odt"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body", b"<iframe")


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "LOS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def allowed_types_text() -> str:
    return _("PDF, PNG, JPEG, plain text, Word (.docx) or OpenDocument text (.odt)")


def empty_message() -> str:
    return _("The file is empty. Choose the file again, or check that it was saved properly.")


def _wrong_type() -> ValidationError:
    return ValidationError(
        _("This kind of file cannot be stored in Los. Upload a %(types)s file.") % {"types": allowed_types_text()},
        code="wrong_type",
    )


def _read_head(fileobj: IO[bytes], size: int = 4096) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(size)
    fileobj.seek(0)
    return head


def _bomb() -> ValidationError:
    return ValidationError(
        _("The file is a packed document that would unpack to far more than it looks like (a “zip bomb”). "
          "Save it again from your word processor, or as PDF, and upload that."),
        code="zip_bomb",
    )


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError,
               KeyError, RuntimeError)


def _check_zip(fileobj: IO[bytes], size: int) -> str:
    """DOCX or ODT, or raise. Inflates the entries with a cap to catch zip bombs."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            kind = _inspect_zip(archive, size)
    except ValidationError:
        raise
    except _ZIP_ERRORS as exc:  # broken, lying or unsupported archives are not documents we take
        raise _wrong_type() from exc
    fileobj.seek(0)
    return kind


def _inspect_zip(archive: zipfile.ZipFile, size: int) -> str:
    max_total = int(getattr(settings, "LOS_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED))
    max_ratio = float(getattr(settings, "LOS_MAX_COMPRESSION_RATIO", DEFAULT_MAX_RATIO))
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _bomb()
    declared = sum(info.file_size for info in infos)
    if declared > max_total or (declared > RATIO_FLOOR and declared / max(size, 1) > max_ratio):
        raise _bomb()
    if any(info.flag_bits & 0x1 for info in infos):
        raise ValidationError(_("The document is password protected. Upload it without a password."),
                              code="encrypted")
    names = {info.filename for info in infos}
    kind = ""
    if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE and "content.xml" in names:
        kind = ODT
    elif "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")
        if DOCX_MAIN in types and b"macroEnabled" not in types and "word/document.xml" in names:
            kind = DOCX
    if not kind:
        raise _wrong_type()
    # Do not trust the declared sizes: inflate everything (checking each CRC), stop at the limits.
    total = 0
    for info in infos:
        with archive.open(info) as member:
            while chunk := member.read(64 * 1024):
                total += len(chunk)
                if total > max_total or (total > RATIO_FLOOR and total / max(size, 1) > max_ratio):
                    raise _bomb()
    return kind


def _plain_text_charset(fileobj: IO[bytes]) -> str:
    """``"utf-8"`` or ``"windows-1252"`` for plain text, ``""`` for anything else."""
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    if b"\x00" in data:
        return ""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    charset = "utf-8"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        charset = "windows-1252"
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return ""
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text) or "\x7f" in text:
        return ""
    start = text.lstrip()[:200].lower().encode("utf-8", "ignore")
    return "" if start.startswith(_MARKUP_STARTS) else charset


def check_upload(fileobj: IO[bytes], size: int | None = None) -> CheckedFile:
    """Check an uploaded file; return what it is or raise ValidationError with a clear message."""
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(0)
    return _check(fileobj, size, max_upload_bytes())


def _check(fileobj: IO[bytes], size: int, limit: int) -> CheckedFile:
    if size == 0:
        raise ValidationError(empty_message(), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The largest file Los can store is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    head = _read_head(fileobj)
    if b"%PDF-" in head[:1024]:
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"PK\x03\x04"):
        kind = _check_zip(fileobj, size)
    else:
        charset = _plain_text_charset(fileobj)
        if not charset:
            raise _wrong_type()
        kind = TEXT
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(1024 * 1024):
        digest.update(chunk)
    fileobj.seek(0)
    content_type = f"text/plain; charset={charset}" if kind == TEXT else CONTENT_TYPES[kind]
    return CheckedFile(kind=kind, content_type=content_type, extension=EXTENSIONS[kind], size=size,
                       sha256=digest.hexdigest())


# --------------------------------------------------------------------------------------------------
# Names and downloads
# --------------------------------------------------------------------------------------------------

UNKNOWN_TYPE = "application/octet-stream"
UNKNOWN_EXTENSION = "bin"
MAX_BASE_NAME = 80


def safe_base_name(name: str, fallback: str, *, file_name: bool = True) -> str:
    """A base name that is safe in a ``Content-Disposition`` and on every file system: the last part of
    ``name`` without its extension (``file_name=False``: a title, which has none), letters, digits, spaces, ``-`` and ``_`` only (every other character
    becomes ``_``, other dots included, so that no second extension survives), at most 80 characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0] if file_name and "." in name.lstrip(".") else name
    safe = "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in stem)
    safe = " ".join(safe.split()).strip(" _-")[:MAX_BASE_NAME].strip(" _-")
    return safe or fallback


def download_name(base: str, checked: CheckedFile | None) -> str:
    """The name a file is stored and served under: the safe base name and the detected type's extension."""
    return f"{base}.{checked.extension if checked is not None else UNKNOWN_EXTENSION}"


def detect_stored(fileobj: IO[bytes]) -> CheckedFile | None:
    """What a stored file is, from its content (the checks of :func:`check_upload` without the size limit,
    which may have changed since it was stored); None when it is not one of the allowed types."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    try:
        return _check(fileobj, size, max(size, 1))
    except ValidationError:
        return None


def download_response(field: FieldFile, base_name: str) -> FileResponse:
    """Serve an uploaded file as a download, under a name built from its detected type (see the module doc)."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    checked = detect_stored(handle)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=download_name(base_name, checked),
                            content_type=checked.content_type if checked is not None else UNKNOWN_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
