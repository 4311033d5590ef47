"""Fast bulk inserts for the demo data.

:func:`bulk_insert` is ``Model.objects.bulk_create(objs)`` for prebuilt, unsaved objects, with the same
result (every object gets its primary key), but on PostgreSQL it reserves the ids with one query and
writes the rows with COPY, which is several times faster than multi-row INSERTs bound on the client. On
other databases (SQLite in tests) it is ``bulk_create``. No signals, no ``save()``, no validation: only for
seeding, where the objects are built correctly by the seeder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.db import connections, models
from django.utils.functional import Promise

BATCH = 5000


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How to turn the attribute value into what COPY writes (None: as it is)."""
    from psycopg.types.json import Jsonb

    if isinstance(field, models.JSONField):
        dumps = partial(json.dumps, cls=field.encoder) if field.encoder else json.dumps
        return lambda value: None if value is None else Jsonb(value, dumps=dumps)
    if isinstance(field, models.FileField):
        return lambda value: (value.name or "") if value is not None else ""
    return None


def bulk_insert(model: type[models.Model], objs: Sequence[models.Model], batch_size: int = BATCH,
                using: str = "default") -> Sequence[models.Model]:
    """Insert ``objs`` (unsaved instances of ``model``) and set their primary keys; returns ``objs``."""
    if not objs:
        return objs
    connection = connections[using]
    if connection.vendor != "postgresql" or model._meta.parents:
        return model.objects.using(using).bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields]
    quote = connection.ops.quote_name
    table = meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
                       [table, pk.column, len(objs)])
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
    plan = []
    for field in fields:
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        related = field.is_relation and field.many_to_one
        plan.append((field, field.attname, _converter(field), auto, related))
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            with cursor.cursor.copy(sql) as copy:
                for obj in objs[start:start + batch_size]:
                    row = []
                    for field, attname, convert, auto, related in plan:
                        value = field.pre_save(obj, True) if auto else getattr(obj, attname)
                        if value is None and related:  # a related object saved after it was assigned
                            target = field.get_cached_value(obj, None)
                            if target is not None:
                                if target.pk is None:
                                    raise ValueError(f"{model.__name__}.{field.name}: the related object is unsaved")
                                value = target.pk
                                setattr(obj, attname, value)
                        if convert is not None:
                            value = convert(value)
                        elif isinstance(value, Promise):
                            value = str(value)
                        row.append(value)
                    copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs


def bulk_set(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str],
             batch_size: int = BATCH, using: str = "default") -> int:
    """``bulk_update(objs, fields)`` for saved objects; on PostgreSQL one COPY into a temporary table and one
    ``UPDATE ... FROM`` instead of a CASE expression per batch. Returns the number of objects."""
    if not objs:
        return 0
    connection = connections[using]
    if connection.vendor != "postgresql":
        model.objects.using(using).bulk_update(objs, fields, batch_size=batch_size)
        return len(objs)
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, temp = quote(meta.db_table), quote(f"_bulk_set_{meta.db_table}")
    pk = meta.pk
    plan = [(f, f.attname, _converter(f)) for f in targets]
    with connection.cursor() as cursor:
        columns = ", ".join(quote(c) for c in [pk.column, *(f.column for f in targets)])
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {columns} FROM {table} LIMIT 0")  # noqa: S608
        with cursor.cursor.copy(f"COPY {temp} FROM STDIN") as copy:
            for obj in objs:
                row = [obj.pk]
                for _field, attname, convert in plan:
                    value = getattr(obj, attname)
                    row.append(convert(value) if convert is not None else
                               str(value) if isinstance(value, Promise) else value)
                copy.write_row(row)
        assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in targets)
        cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {temp} AS s "  # noqa: S608 - model names
                       f"WHERE t.{quote(pk.column)} = s.{quote(pk.column)}")
        cursor.execute(f"DROP TABLE {temp}")
    return len(objs)


@contextmanager
def foreign_keys_checked_once(using: str = "default") -> Iterator[None]:
    """Check the foreign keys once at the end of a bulk load instead of once per row (PostgreSQL).

    Use inside the load's transaction: the foreign key constraints of the schema are dropped, and added again
    (which checks every row with one query per constraint) when the block ends without an error. On an error
    nothing is added back here; the rollback of the surrounding transaction restores them.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_checked_once() must run inside a transaction.")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # check what this transaction already wrote now: a table with pending checks cannot be altered
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                       "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                       "WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2")
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are initially deferred


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]],
                batch_size: int = BATCH, using: str = "default") -> int:
    """Insert plain rows (values for ``fields``, by attribute name, e.g. ``family_id``) without building model
    objects, for big tables whose ids nobody needs afterwards. Other fields get their defaults on SQLite and
    their database defaults (or NULL) on PostgreSQL, so name every field without a database default."""
    if not rows:
        return 0
    connection = connections[using]
    if connection.vendor != "postgresql":
        model.objects.using(using).bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows],
                                               batch_size=batch_size)
        return len(rows)
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    targets = [by_attname[name] for name in fields]
    converters = [_converter(f) for f in targets]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in targets)}) FROM STDIN"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            with cursor.cursor.copy(sql) as copy:
                if any(converters):
                    for row in rows[start:start + batch_size]:
                        copy.write_row([c(v) if c is not None else v for c, v in zip(converters, row, strict=True)])
                else:
                    for row in rows[start:start + batch_size]:
                        copy.write_row(row)
    return len(rows)
