"""The canonical serialization of a table: the same bytes on SQLite and PostgreSQL for the same content.

A row is a JSON array of its column values in the order of the model's own columns
(:func:`los.ops.graph.local_fields`), each value in a database-independent form:

============================  ==================================================================
column                        value
============================  ==================================================================
DateTimeField                 ``"2026-11-23T08:00:00.000000Z"`` (UTC, microseconds) when aware
DateField, TimeField          ISO 8601 (``"2026-11-23"``, ``"08:00:00.000000"``)
DurationField                 whole microseconds (integer)
DecimalField                  string with the field's number of decimals (``"12.50"``)
UUIDField                     ``"0b4e…"`` (canonical text form)
BinaryField                   base64 text
JSONField                     the JSON value itself (objects with sorted keys)
everything else               the value as Python's ``json`` writes it (text, number, true/false, null)
============================  ==================================================================

Rows are written with sorted keys, no spaces and without ASCII escaping, one row a line, sorted by primary
key (integers numerically, anything else by its canonical text). The content hash of a table is the
SHA-256 of ``label\\n`` + the JSON list of column names + ``\\n`` + every row line followed by ``\\n``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Model

from los.ops.graph import local_fields

ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
INTEGER_TYPES = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
                 "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
                 "PositiveSmallIntegerField"}


def _internal_type(field: models.Field) -> str:
    if field.is_relation:
        return _internal_type(field.target_field)
    return field.get_internal_type()


def _datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds") + "Z"
    return value.isoformat(timespec="microseconds")


def encoder_for(field: models.Field) -> Callable[[Any], Any]:
    kind = _internal_type(field)
    if kind == "DateTimeField":
        return lambda v: None if v is None else _datetime(v)
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "TimeField":
        return lambda v: None if v is None else v.isoformat(timespec="microseconds")
    if kind == "DurationField":
        return lambda v: None if v is None else (v.days * 86400 + v.seconds) * 1_000_000 + v.microseconds
    if kind == "DecimalField":
        places = field.decimal_places if not field.is_relation else field.target_field.decimal_places
        return lambda v: None if v is None else f"{Decimal(v):.{places}f}"
    if kind == "UUIDField":
        return lambda v: None if v is None else str(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)))
    if kind == "BinaryField":
        return lambda v: None if v is None else base64.b64encode(bytes(v)).decode("ascii")
    return _plain


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def decoder_for(field: models.Field) -> Callable[[Any], Any]:
    """The inverse of :func:`encoder_for`: a canonical value back to what the model field stores."""
    kind = _internal_type(field)
    if kind in ("DateTimeField", "DateField", "TimeField", "UUIDField"):
        to_python = field.target_field.to_python if field.is_relation else field.to_python
        return lambda v: None if v is None else to_python(v)
    if kind == "DurationField":
        return lambda v: None if v is None else dt.timedelta(microseconds=v)
    if kind == "DecimalField":
        return lambda v: None if v is None else Decimal(v)
    if kind == "BinaryField":
        return lambda v: None if v is None else base64.b64decode(v)
    return lambda v: v


def pk_is_integer(model: type[Model]) -> bool:
    return _internal_type(model._meta.pk) in INTEGER_TYPES


def table_header(model: type[Model]) -> tuple[str, list[str]]:
    return model._meta.label_lower, [f.attname for f in local_fields(model)]


def rows(model: type[Model], using: str = "default", chunk_size: int = 2000) -> Iterator[str]:
    """The canonical row lines of ``model``'s table, sorted by primary key, streamed in chunks."""
    fields = local_fields(model)
    names = [f.attname for f in fields]
    encoders = [encoder_for(f) for f in fields]
    manager = model._base_manager.db_manager(using)
    encode = ENCODER.encode

    def line(values: tuple) -> str:
        return encode([enc(v) for enc, v in zip(encoders, values, strict=True)])

    if pk_is_integer(model):
        for values in manager.order_by("pk").values_list(*names).iterator(chunk_size=chunk_size):
            yield line(values)
        return
    # Text, UUID or other keys: sort by the canonical text in Python, so that the order does not depend on
    # the database's collation. Only the keys are held in memory; rows are fetched in chunks.
    pk_encode = encoder_for(model._meta.pk)
    keys = sorted(manager.values_list("pk", flat=True).iterator(chunk_size=chunk_size),
                  key=lambda k: str(pk_encode(k)))
    pk_index = names.index(model._meta.pk.attname)
    for start in range(0, len(keys), chunk_size):
        chunk = keys[start:start + chunk_size]
        fetched = {values[pk_index]: values for values in manager.filter(pk__in=chunk).values_list(*names)}
        for key in chunk:
            if key in fetched:
                yield line(fetched[key])


class TableDigest:
    """Running SHA-256 and row count of one table's canonical serialization."""

    def __init__(self, label: str, names: list[str]) -> None:
        self.label = label
        self.names = names
        self.rows = 0
        self._hash = hashlib.sha256()
        self._hash.update(f"{label}\n{ENCODER.encode(names)}\n".encode())

    def add(self, row_line: str) -> None:
        self._hash.update(row_line.encode())
        self._hash.update(b"\n")
        self.rows += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def table_digest(model: type[Model], using: str = "default", chunk_size: int = 2000) -> tuple[int, str]:
    """(row count, content hash) of ``model``'s table as it is in the database now."""
    label, names = table_header(model)
    digest = TableDigest(label, names)
    for row_line in rows(model, using, chunk_size):
        digest.add(row_line)
    return digest.rows, digest.hexdigest()
