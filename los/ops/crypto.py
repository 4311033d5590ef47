"""Encryption at rest for backup archives: AES-256-GCM in authenticated frames, streamed.

File layout (see docs/backup.md)::

    header  = b"LOSBACK" + version byte (1) + salt (16 random bytes) + key check (16 bytes)   = 40 bytes
    frame*  = length (4 bytes, big-endian, of the ciphertext with its 16-byte tag) + ciphertext

The data key and the key check are derived from ``LOS_BACKUP_KEY`` and the salt with HKDF-SHA256, so every
archive has its own data key. Frame *n* (from 0) is encrypted with the nonce ``n`` as 11 big-endian bytes
followed by ``0x01`` for the last frame and ``0x00`` otherwise, and the header as associated data. A
changed, removed, reordered or appended frame, a changed header and a cut-off file all fail to decrypt.
The plaintext inside is a zlib stream, so at most one frame (1 MiB) is in memory at a time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import struct
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"LOSBACK"
VERSION = 1
HEADER_SIZE = len(MAGIC) + 1 + 16 + 16
FRAME_PLAINTEXT = 1024 * 1024
TAG_SIZE = 16
MAX_FRAME = FRAME_PLAINTEXT + TAG_SIZE
# A frame of 1 MiB of zlib data can expand a lot; never hand out more than this at once.
MAX_INFLATE = 4 * 1024 * 1024


class BackupKeyError(Exception):
    """LOS_BACKUP_KEY is missing, malformed or not the key the archive was made with."""


class ArchiveError(Exception):
    """The file is not a Los archive, or it was changed, damaged or cut off."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def load_key(value: str | None = None) -> bytes:
    """The 32-byte master key from ``value`` or the ``LOS_BACKUP_KEY`` setting (environment)."""
    raw = (value if value is not None else getattr(settings, "LOS_BACKUP_KEY", "")) or ""
    raw = raw.strip()
    if not raw:
        raise BackupKeyError(
            "LOS_BACKUP_KEY is not set. Backups are encrypted at rest; set LOS_BACKUP_KEY in the environment to "
            "32 random bytes in urlsafe base64 (create one with `python manage.py export_all --generate-key`) and "
            "keep it outside the server, apart from the backups.")
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BackupKeyError("LOS_BACKUP_KEY is not valid urlsafe base64.") from exc
    if len(key) != 32:
        raise BackupKeyError(f"LOS_BACKUP_KEY must be 32 bytes in urlsafe base64; it is {len(key)} bytes.")
    return key


def _derive(key: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(key)


def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class EncryptedWriter:
    """A write-only binary stream: compresses, encrypts and writes frames to ``out``."""

    def __init__(self, out: BinaryIO, key: bytes, frame_size: int = FRAME_PLAINTEXT, level: int = 6) -> None:
        if not 1 <= frame_size <= FRAME_PLAINTEXT:
            raise ValueError("frame_size")
        salt = os.urandom(16)
        self._header = MAGIC + bytes([VERSION]) + salt + _derive(key, salt, b"los-backup v1 key check", 16)
        self._aead = AESGCM(_derive(key, salt, b"los-backup v1 data"))
        self._out = out
        self._frame_size = frame_size
        self._zlib = zlib.compressobj(level)
        self._pending = bytearray()
        self._counter = 0
        self._closed = False
        self.frames = 0
        self.bytes_written = 0
        out.write(self._header)
        self.bytes_written += len(self._header)

    def write(self, data: bytes) -> int:
        self._pending += self._zlib.compress(data)
        while len(self._pending) > self._frame_size:
            chunk = bytes(self._pending[: self._frame_size])
            del self._pending[: self._frame_size]
            self._emit(chunk, final=False)
        return len(data)

    def _emit(self, chunk: bytes, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, final), chunk, self._header)
        self._out.write(struct.pack(">I", len(sealed)))
        self._out.write(sealed)
        self._counter += 1
        self.frames += 1
        self.bytes_written += 4 + len(sealed)

    def close(self) -> None:
        if self._closed:
            return
        self._pending += self._zlib.flush()
        while len(self._pending) > self._frame_size:
            chunk = bytes(self._pending[: self._frame_size])
            del self._pending[: self._frame_size]
            self._emit(chunk, final=False)
        self._emit(bytes(self._pending), final=True)
        self._pending.clear()
        self._closed = True


def _read_exact(src: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = src.read(size - len(data))
        if not part:
            break
        data += part
    return data


def decrypted_chunks(src: BinaryIO, key: bytes) -> Iterator[bytes]:
    """Verify and decrypt ``src`` frame by frame and yield the decompressed plaintext in bounded chunks."""
    header = _read_exact(src, HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise ArchiveError("This file is not a Los backup archive.")
    version = header[len(MAGIC)]
    if version != VERSION:
        raise ArchiveError(f"This archive has format version {version}; this Los reads version {VERSION}.")
    salt, check = header[len(MAGIC) + 1: len(MAGIC) + 17], header[len(MAGIC) + 17:]
    if not hmac.compare_digest(check, _derive(key, salt, b"los-backup v1 key check", 16)):
        raise BackupKeyError("Wrong LOS_BACKUP_KEY: this archive was encrypted with a different key.")
    aead = AESGCM(_derive(key, salt, b"los-backup v1 data"))
    inflate = zlib.decompressobj()
    counter = 0
    while True:
        raw_length = _read_exact(src, 4)
        if len(raw_length) < 4:
            raise ArchiveError("The archive is cut off: it ends before its last frame (an incomplete copy?).")
        (length,) = struct.unpack(">I", raw_length)
        if not TAG_SIZE <= length <= MAX_FRAME:
            raise ArchiveError(f"The archive is damaged or altered: frame {counter} has an impossible length.")
        sealed = _read_exact(src, length)
        if len(sealed) < length:
            raise ArchiveError("The archive is cut off in the middle of a frame (an incomplete copy?).")
        final = False
        try:
            plain = aead.decrypt(_nonce(counter, False), sealed, header)
        except InvalidTag:
            try:
                plain = aead.decrypt(_nonce(counter, True), sealed, header)
                final = True
            except InvalidTag:
                raise ArchiveError(f"The archive has been altered or damaged: frame {counter} (from byte "
                                   f"{src.tell() - length - 4 if hasattr(src, 'tell') else '?'}) fails its "
                                   "integrity check. Do not restore from it.") from None
        data = plain
        while data:
            out = inflate.decompress(data, MAX_INFLATE)
            if out:
                yield out
            data = inflate.unconsumed_tail
        counter += 1
        if final:
            break
    rest = inflate.flush()
    if rest:
        yield rest
    if not inflate.eof:
        raise ArchiveError("The archive's compressed content is incomplete.")
    if src.read(1):
        raise ArchiveError("The archive has data after its last frame; it has been altered.")


def decrypted_lines(src: BinaryIO, key: bytes) -> Iterator[bytes]:
    """The plaintext of ``src`` split into lines (without the newline)."""
    buffer = b""
    for chunk in decrypted_chunks(src, key):
        buffer += chunk
        if b"\n" not in chunk:
            continue
        *lines, buffer = buffer.split(b"\n")
        yield from lines
    if buffer:
        yield buffer
