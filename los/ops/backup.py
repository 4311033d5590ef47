"""Backup and restore of the whole installation: every table Django knows, and the uploaded files.

``export_all`` streams one encrypted archive (:mod:`los.ops.crypto`) whose plaintext is JSON lines
(docs/backup.md): a header (format, migration state, tables in dependency order, deferred columns), then per
table a ``table`` line, one canonical row line per row (:mod:`los.ops.canonical`) and an ``end`` line with
the row count and content hash, then the files, then the manifest with every count and hash.

``import_all`` restores into an empty, migrated database of the same migration state, in one transaction:
rows go in batches in dependency order, deferred foreign keys are filled in afterwards, sequences are reset,
and before the commit every table's row count and content hash, every file's hash and the audit chain are
checked against the manifest. Anything that does not match rolls the whole import back.
"""

from __future__ import annotations

import base64
import hashlib
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import django
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from los.ops import canonical, chain
from los.ops.canonical import ENCODER, TableDigest, table_header
from los.ops.crypto import ArchiveError, EncryptedWriter, decrypted_lines
from los.ops.graph import Plan, concrete_models, dependency_order, local_fields

FORMAT = "los-backup"
FORMAT_VERSION = 1
#: Tables that ``migrate`` and ``flush`` fill by themselves (post_migrate); an import replaces their rows
#: with the archive's so that every id the other tables point to stays the same.
REGENERATED = ("auth.permission", "contenttypes.contenttype")
FILE_CHUNK = 192 * 1024

Progress = Callable[[str], None]


class RestoreError(Exception):
    """The database or the archive is not fit for a restore, or the restored content does not match."""


def _quiet(_message: str) -> None:
    pass


def migration_state(using: str = "default") -> dict[str, list[str]]:
    """The applied migrations per app, as recorded in ``django_migrations``."""
    state: dict[str, list[str]] = defaultdict(list)
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        state[app_label].append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def included_models(using: str = "default") -> list[type[Model]]:
    return concrete_models(using, exclude=set(getattr(settings, "LOS_BACKUP_EXCLUDE", [])))


def missing_tables(models: list[type[Model]], using: str = "default") -> list[str]:
    """Models whose table is not in the database (migrations not applied)."""
    with connections[using].cursor() as cursor:
        existing = set(connections[using].introspection.table_names(cursor))
    return [m._meta.label_lower for m in models if m._meta.db_table not in existing]


def storage_files(storage: Storage) -> list[str]:
    """Every file in ``storage`` (relative names with ``/``), sorted."""
    names: list[str] = []
    stack = [""]
    while stack:
        directory = stack.pop()
        try:
            dirs, files = storage.listdir(directory)
        except (FileNotFoundError, NotADirectoryError):
            continue
        prefix = f"{directory}/" if directory else ""
        names.extend(prefix + name for name in files)
        stack.extend(prefix + name for name in dirs)
    return sorted(names)


def _files_digest(entries: dict[str, dict]) -> str:
    digest = hashlib.sha256()
    for name in sorted(entries):
        digest.update(f"{name}\0{entries[name]['sha256']}\n".encode())
    return digest.hexdigest()


@dataclass
class Summary:
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    bytes: int = 0
    frames: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.tables.values())


# --- export -----------------------------------------------------------------------------------------------


def export_all(out: BinaryIO, key: bytes, *, using: str = "default", chunk_size: int = 2000,
               frame_size: int | None = None, storage: Storage | None = None,
               progress: Progress = _quiet) -> Summary:
    """Write the encrypted archive of database ``using`` and ``storage`` (default: uploads) to ``out``."""
    started = time.monotonic()
    storage = storage or default_storage
    models = included_models(using)
    missing = missing_tables(models, using)
    if missing:
        raise RestoreError(f"These models have no table in the database: {', '.join(missing)}. Run "
                           "`manage.py migrate` first (or list them in LOS_BACKUP_EXCLUDE).")
    plan = dependency_order(models)
    writer = EncryptedWriter(out, key, **({"frame_size": frame_size} if frame_size else {}))
    summary = Summary()

    def emit(record: dict) -> None:
        writer.write((ENCODER.encode(record) + "\n").encode())

    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and not _outer_atomic_started(using):
            # One consistent snapshot of every table, without blocking the people working in Los.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        emit(_header(plan, using))
        for model in plan.order:
            label, names = table_header(model)
            emit({"t": "table", "model": label, "fields": names})
            digest = TableDigest(label, names)
            for line in canonical.rows(model, using, chunk_size):
                writer.write(line.encode() + b"\n")
                digest.add(line)
            emit({"t": "end", "model": label, "rows": digest.rows, "sha256": digest.hexdigest()})
            summary.tables[label] = {"rows": digest.rows, "sha256": digest.hexdigest()}
            progress(f"{label}: {digest.rows} rows")
    for name in storage_files(storage):
        entry = _export_file(storage, name, emit)
        summary.files[name] = entry
    if summary.files:
        progress(f"files: {len(summary.files)} ({sum(f['size'] for f in summary.files.values())} bytes)")
    summary.manifest = {
        "t": "manifest", "format": FORMAT, "format_version": FORMAT_VERSION,
        "tables": summary.tables,
        "files": {"count": len(summary.files), "bytes": sum(f["size"] for f in summary.files.values()),
                  "sha256": _files_digest(summary.files), "entries": summary.files},
        "audit_chain": _chain_heads(using),
    }
    emit(summary.manifest)
    writer.close()
    summary.frames, summary.bytes = writer.frames, writer.bytes_written
    summary.seconds = time.monotonic() - started
    return summary


def _outer_atomic_started(using: str) -> bool:
    """True when the atomic block we are in is nested (tests, callers): SET TRANSACTION would fail."""
    return len(connections[using].atomic_blocks) > 1


def _header(plan: Plan, using: str) -> dict:
    return {
        "t": "header", "format": FORMAT, "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(), "django": django.get_version(),
        "database": connections[using].vendor, "migrations": migration_state(using),
        "tables": [dict(zip(("model", "fields"), table_header(m), strict=True)) for m in plan.order],
        "deferred": {m._meta.label_lower: [f.attname for f in fks] for m, fks in plan.deferred.items()},
        "self_bound": sorted(m._meta.label_lower for m in plan.self_bound),
    }


def _chain_heads(using: str) -> dict[str, dict]:
    from los.access.models import AuditChainHead

    return {h.chain: {"seq": h.seq, "hash": h.hash}
            for h in AuditChainHead.objects.using(using).order_by("chain")}


def _export_file(storage: Storage, name: str, emit: Callable[[dict], None]) -> dict:
    digest = hashlib.sha256()
    size = 0
    emit({"t": "file", "name": name})
    with storage.open(name, "rb") as handle:
        while True:
            chunk = handle.read(FILE_CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            emit({"t": "data", "b64": base64.b64encode(chunk).decode("ascii")})
    entry = {"size": size, "sha256": digest.hexdigest()}
    emit({"t": "end_file", "name": name, **entry})
    return entry


# --- import -----------------------------------------------------------------------------------------------


def _records(src: BinaryIO, key: bytes) -> Iterator[tuple[bytes, Any]]:
    for line in decrypted_lines(src, key):
        if not line:
            continue
        yield line, json.loads(line)


def read_header(records: Iterator[tuple[bytes, Any]]) -> dict:
    try:
        _line, header = next(records)
    except StopIteration:
        raise ArchiveError("The archive is empty.") from None
    if not isinstance(header, dict) or header.get("t") != "header" or header.get("format") != FORMAT:
        raise ArchiveError("The archive does not start with a Los backup header.")
    if header.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(f"The archive has content format {header.get('format_version')}; this Los reads "
                           f"format {FORMAT_VERSION}.")
    return header


def compare_migrations(archived: dict[str, list[str]], current: dict[str, list[str]]) -> list[str]:
    """Differences between two migration states, as readable lines (empty when they are the same)."""
    problems = []
    for app in sorted(set(archived) | set(current)):
        missing = sorted(set(archived.get(app, [])) - set(current.get(app, [])))
        extra = sorted(set(current.get(app, [])) - set(archived.get(app, [])))
        if missing:
            problems.append(f"{app}: the archive has migrations this database lacks: {', '.join(missing)}")
        if extra:
            problems.append(f"{app}: this database has migrations the archive lacks: {', '.join(extra)}")
    return problems


def non_empty_tables(models: list[type[Model]], using: str = "default") -> list[str]:
    return [m._meta.label_lower for m in models
            if m._meta.label_lower not in REGENERATED and m._base_manager.using(using).exists()]


class _TableLoader:
    """Inserts one table's rows in batches, with deferred foreign keys written as NULL first.

    Rows go in with ``COPY`` on PostgreSQL and one prepared ``INSERT`` with ``executemany`` elsewhere (no model
    instances, no ``save()``, no signals, ``auto_now`` left alone): the values are the archive's, prepared
    for the database by each field's ``get_db_prep_save``.
    """

    def __init__(self, model: type[Model], names: list[str], deferred: list[str], using: str, chunk_size: int,
                 write: bool) -> None:
        self.model = model
        self.using = using
        self.write = write
        fields = local_fields(model)
        if [f.attname for f in fields] != names:
            raise RestoreError(f"{model._meta.label_lower}: the archive's columns {names} differ from this "
                               f"database's {[f.attname for f in fields]}.")
        self.fields = fields
        self.names = names
        self.decoders = [canonical.decoder_for(f) for f in fields]
        self.deferred_idx = [names.index(n) for n in deferred]
        self.pk_idx = names.index(model._meta.pk.attname)
        self.deferred_values: dict[str, list[tuple[Any, Any]]] = {n: [] for n in deferred}
        self.connection = connections[using]
        quote = self.connection.ops.quote_name
        # Identifiers come from the model's metadata (quoted by the backend); every value is a bound parameter.
        self.sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(fields))})")
        self.copy_sql = (f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                         "FROM STDIN") if self.connection.vendor == "postgresql" else ""
        self.batch_size = chunk_size
        self.batch: list[list[Any]] = []
        self.digest = TableDigest(*table_header(model))

    def add(self, line: bytes, values: list) -> None:
        self.digest.add(line.decode())
        if not self.write:
            return
        decoded = [dec(v) for dec, v in zip(self.decoders, values, strict=True)]
        for idx in self.deferred_idx:
            if decoded[idx] is not None:
                self.deferred_values[self.names[idx]].append((decoded[self.pk_idx], decoded[idx]))
                decoded[idx] = None
        connection = self.connection
        self.batch.append([None if v is None else f.get_db_prep_save(v, connection)
                           for f, v in zip(self.fields, decoded, strict=True)])
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            with self.connection.cursor() as cursor:
                if self.copy_sql:
                    # PostgreSQL: COPY is several times faster than INSERT for the same rows and checks.
                    with cursor.cursor.copy(self.copy_sql) as copy:
                        for row in self.batch:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.sql, self.batch)
            self.batch = []

    def fill_deferred(self) -> None:
        by_attname = {f.attname: f for f in self.fields}
        manager = self.model._base_manager.db_manager(self.using)
        for attname, pairs in self.deferred_values.items():
            objs = []
            for pk, value in pairs:
                obj = self.model(pk=pk)
                setattr(obj, attname, value)
                objs.append(obj)
            if objs:
                manager.bulk_update(objs, [by_attname[attname].name], batch_size=500)


def import_all(src: BinaryIO, key: bytes, *, using: str = "default", chunk_size: int = 2000,
               storage: Storage | None = None, verify_only: bool = False,
               progress: Progress = _quiet) -> Summary:
    """Restore the archive ``src`` into the empty database ``using`` (or, with ``verify_only``, only read
    it through and check every frame, table and file against its manifest)."""
    started = time.monotonic()
    storage = storage or default_storage
    records = _records(src, key)
    header = read_header(records)
    models = {m._meta.label_lower: m for m in concrete_models(using)}
    archived_labels = [t["model"] for t in header["tables"]]
    unknown = [label for label in archived_labels if label not in models]
    if unknown:
        raise RestoreError(f"The archive has tables this installation does not have: {', '.join(unknown)}.")
    missing = [] if verify_only else missing_tables([models[label] for label in archived_labels], using)
    if missing:
        raise RestoreError(f"These tables are not in the database: {', '.join(missing)}. Run `manage.py migrate` "
                           "to the archive's migration state first.")
    if not verify_only:
        problems = compare_migrations(header["migrations"], migration_state(using))
        if problems:
            raise RestoreError("The database is not at the archive's migration state; restore into a database "
                               "migrated to exactly the archive's state (then migrate forward):\n  "
                               + "\n  ".join(problems))
        busy = non_empty_tables([models[label] for label in archived_labels], using)
        if busy:
            raise RestoreError("The database is not empty; import_all restores only into an empty, migrated "
                               "database (for example after `manage.py flush`). Tables with rows: "
                               + ", ".join(busy[:10]) + (" …" if len(busy) > 10 else ""))
    summary = Summary()
    if verify_only:
        _read_through(records, header, models, storage, using, chunk_size, summary, progress, write=False)
    else:
        connection = connections[using]
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for label in REGENERATED:
                if label in archived_labels:
                    models[label]._base_manager.using(using).all().delete()
            loaders = _read_through(records, header, models, storage, using, chunk_size, summary, progress,
                                    write=True)
            for loader in loaders:
                loader.fill_deferred()
            _reset_sequences([models[label] for label in archived_labels], using)
            _verify_restored(summary, models, storage, using, progress)
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
    summary.seconds = time.monotonic() - started
    return summary


def _read_through(records, header, models, storage, using, chunk_size, summary, progress, write) -> list:
    deferred = header.get("deferred", {})
    self_bound = set(header.get("self_bound", []))
    connection = connections[using]
    expected = [t["model"] for t in header["tables"]]
    seen: list[str] = []
    loaders: list[_TableLoader] = []
    loader: _TableLoader | None = None
    upload = None
    for line, record in records:
        if isinstance(record, list):
            if loader is None:
                raise ArchiveError("The archive has a row outside a table.")
            loader.add(line, record)
            continue
        kind = record.get("t")
        if kind == "table":
            label = record["model"]
            if label not in models or len(seen) >= len(expected) or expected[len(seen)] != label:
                raise ArchiveError(f"The archive's table {label} is not where its header says.")
            loader = _TableLoader(models[label], record["fields"], deferred.get(label, []), using, chunk_size,
                                  write)
            if write and label in self_bound and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        elif kind == "end":
            if loader is None or record["model"] != loader.digest.label:
                raise ArchiveError("The archive has a table end without its start.")
            loader.flush()
            if write and record["model"] in self_bound and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if (loader.digest.rows, loader.digest.hexdigest()) != (record["rows"], record["sha256"]):
                raise ArchiveError(f"{record['model']}: the rows in the archive do not match the table's hash.")
            summary.tables[record["model"]] = {"rows": loader.digest.rows, "sha256": loader.digest.hexdigest()}
            progress(f"{record['model']}: {loader.digest.rows} rows")
            seen.append(record["model"])
            loaders.append(loader)
            loader = None
        elif kind == "file":
            upload = _Upload(record["name"])
        elif kind == "data":
            if upload is None:
                raise ArchiveError("The archive has file data outside a file.")
            upload.write(base64.b64decode(record["b64"]))
        elif kind == "end_file":
            if upload is None or upload.name != record["name"]:
                raise ArchiveError("The archive has a file end without its start.")
            upload.finish(record, storage, write)
            summary.files[upload.name] = {"size": upload.size, "sha256": upload.sha256}
            upload = None
        elif kind == "manifest":
            summary.manifest = record
        else:
            raise ArchiveError(f"The archive has an unknown record type {kind!r}.")
    if not summary.manifest:
        raise ArchiveError("The archive has no manifest at its end; it is incomplete.")
    if seen != expected:
        raise ArchiveError("The archive lacks some of the tables its header lists.")
    if summary.files:
        progress(f"files: {len(summary.files)}")
    _compare_with_manifest(summary.tables, summary.files, summary.manifest, "in the archive")
    return loaders


class _Upload:
    def __init__(self, name: str) -> None:
        if not name or name.startswith("/") or ".." in name.split("/"):
            raise ArchiveError(f"The archive has a file with an unsafe name: {name!r}.")
        self.name = name
        self.size = 0
        self._hash = hashlib.sha256()
        self._tmp = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed in finish

    def write(self, data: bytes) -> None:
        self._hash.update(data)
        self.size += len(data)
        self._tmp.write(data)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def finish(self, record: dict, storage: Storage, write: bool) -> None:
        try:
            if (self.size, self.sha256) != (record["size"], record["sha256"]):
                raise ArchiveError(f"The file {self.name} in the archive does not match its hash.")
            if not write:
                return
            if storage.exists(self.name):
                if _storage_sha256(storage, self.name) == self.sha256:
                    return
                raise RestoreError(f"The uploads folder already has a different file {self.name}; restore into "
                                   "an empty uploads folder.")
            self._tmp.seek(0)
            saved = storage.save(self.name, File(self._tmp, name=self.name))
            if saved != self.name:
                raise RestoreError(f"The file {self.name} was stored as {saved}.")
        finally:
            self._tmp.close()


def _storage_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(FILE_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _compare_with_manifest(tables: dict, files: dict, manifest: dict, where: str) -> None:
    problems = []
    for label, expected in manifest.get("tables", {}).items():
        got = tables.get(label)
        if got is None:
            problems.append(f"{label}: missing")
        elif got["rows"] != expected["rows"]:
            problems.append(f"{label}: {got['rows']} rows, the manifest says {expected['rows']}")
        elif got["sha256"] != expected["sha256"]:
            problems.append(f"{label}: content hash differs from the manifest")
    for label in set(tables) - set(manifest.get("tables", {})):
        problems.append(f"{label}: not in the manifest")
    entries = manifest.get("files", {}).get("entries", {})
    for name, expected in entries.items():
        got = files.get(name)
        if got is None or got["sha256"] != expected["sha256"]:
            problems.append(f"file {name}: missing or different")
    if len(files) != len(entries):
        problems.append(f"{len(files)} files, the manifest says {len(entries)}")
    if problems:
        raise ArchiveError(f"The content {where} does not match the manifest:\n  " + "\n  ".join(problems[:20]))


def _reset_sequences(models: list[type[Model]], using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _verify_restored(summary: Summary, models: dict, storage: Storage, using: str, progress: Progress) -> None:
    """Recompute every table's count and hash from the database, every file's hash from storage, and walk
    the audit chain; raise (and so roll back) on any difference."""
    restored = {}
    for label in summary.manifest["tables"]:
        count, digest = canonical.table_digest(models[label], using)
        restored[label] = {"rows": count, "sha256": digest}
    files = {name: {"size": storage.size(name), "sha256": _storage_sha256(storage, name)}
             for name in summary.manifest.get("files", {}).get("entries", {})}
    try:
        _compare_with_manifest(restored, files, summary.manifest, "restored to the database")
    except ArchiveError as exc:
        raise RestoreError(str(exc)) from exc
    breaks = list(chain.verify(using=using))
    if breaks:
        raise RestoreError("The restored audit log does not verify: " + "; ".join(str(b) for b in breaks[:5]))
    progress(f"verified: {len(restored)} tables, {len(files)} files and the audit chain match the manifest")
