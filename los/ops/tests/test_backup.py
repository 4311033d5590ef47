"""Backup and restore: a seeded demo database goes out through export_all and comes back through import_all
into an empty database with identical row counts and content hashes per table, the same uploaded files and
an intact audit chain. A wrong key, a missing key and a tampered or cut-off archive are refused clearly.

A second empty database inside pytest: the test exports, empties the same test database with
``manage.py flush`` (a ``transaction=True`` test, so the flush is real) and imports into it.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from los.access import audit
from los.access.models import AuditEvent
from los.core.models import Municipality
from los.families.models import Family
from los.ops import backup, canonical, crypto
from los.ops.graph import concrete_models

KEY = crypto.generate_key()


@pytest.fixture
def uploads(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}}}
    settings.LOS_BACKUP_KEY = KEY
    return tmp_path / "uploads"


def _digests() -> dict[str, tuple[int, str]]:
    return {m._meta.label_lower: canonical.table_digest(m) for m in backup.included_models()}


def _seed() -> None:
    from los.core.demo.seed import build

    ctx = build("demo", seed=5, today=date(2026, 11, 23))
    family = ctx.demo_family
    for action in ("view", "change", "export"):
        audit.record(actor=None, action=action, object_type="Family", object_id=family.pk,
                     municipality_id=family.municipality_id, family_id=family.pk, reason="backup test")
    audit.record(actor=None, action="login", object_type="User", reason="backup test, no municipality")
    default_storage.save("dokumenter/2026/brev.pdf", ContentFile(b"%PDF-1.7\n" + bytes(range(256)) * 900))
    default_storage.save("notat.txt", ContentFile("Notat med æøå\n".encode()))


@pytest.mark.django_db(transaction=True)
def test_round_trip_into_an_empty_database_is_identical(uploads, tmp_path):
    _seed()
    before = _digests()
    files_before = {n: default_storage.open(n).read() for n in backup.storage_files(default_storage)}
    assert before["families.family"][0] > 50 and before["access.auditevent"][0] >= 4
    archive = tmp_path / "los.backup"
    out = io.StringIO()
    call_command("export_all", output=str(archive), stdout=out)
    assert "Exported" in out.getvalue() and archive.stat().st_mode & 0o777 == 0o600
    plain = archive.read_bytes()
    assert b"S\xc3\xa6ther" not in plain and b"Familien" not in plain  # encrypted at rest

    call_command("flush", interactive=False, verbosity=0)
    for name in files_before:
        default_storage.delete(name)
    assert not Family.objects.exists()

    out = io.StringIO()
    call_command("import_all", input=str(archive), stdout=out)
    assert "audit chain match the manifest" in out.getvalue()
    after = _digests()
    assert after == before
    assert {n: default_storage.open(n).read() for n in backup.storage_files(default_storage)} == files_before
    assert list(audit.verify()) == []
    # the sequences continue after the restored ids
    biggest = max(Municipality.objects.values_list("pk", flat=True))
    assert Municipality.objects.create(number="9998", name="Ny", population=10).pk > biggest
    event = audit.record(actor=None, action="view", object_type="Family", reason="after restore",
                         municipality_id=Family.objects.first().municipality_id)
    assert event.pk > max(AuditEvent.objects.exclude(pk=event.pk).values_list("pk", flat=True))
    assert list(audit.verify()) == []


@pytest.mark.django_db(transaction=True)
def test_import_refuses_a_database_with_data(uploads, tmp_path):
    _seed()
    archive = tmp_path / "los.backup"
    call_command("export_all", output=str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_all", input=str(archive), stdout=io.StringIO())


@pytest.mark.django_db
def test_export_refuses_without_a_key(settings, tmp_path):
    settings.LOS_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="LOS_BACKUP_KEY is not set"):
        call_command("export_all", output=str(tmp_path / "x.backup"))
    settings.LOS_BACKUP_KEY = "c2hvcnQ"  # "short"
    with pytest.raises(CommandError, match="must be 32 bytes"):
        call_command("export_all", output=str(tmp_path / "x.backup"))
    assert not (tmp_path / "x.backup").exists()


def test_generate_key_prints_a_usable_key():
    out = io.StringIO()
    call_command("export_all", generate_key=True, stdout=out)
    assert len(crypto.load_key(out.getvalue().strip())) == 32


@pytest.fixture
def small_archive(uploads, world, tmp_path):
    """An archive of the test world, in a database that keeps its rows (so the import has to refuse early)."""
    audit.record(actor=world.coordinator, action="view", object_type="Family", object_id=world.family.pk,
                 municipality_id=world.municipality.pk, family_id=world.family.pk, reason="test")
    buffer = io.BytesIO()
    backup.export_all(buffer, crypto.load_key(KEY), frame_size=4096)
    return buffer.getvalue()


@pytest.mark.django_db
def test_wrong_key_fails_with_a_clear_message(small_archive, tmp_path, settings):
    path = tmp_path / "a.backup"
    path.write_bytes(small_archive)
    settings.LOS_BACKUP_KEY = crypto.generate_key()
    with pytest.raises(CommandError, match="Wrong LOS_BACKUP_KEY"):
        call_command("import_all", input=str(path), verify_only=True)


@pytest.mark.django_db
def test_verify_only_reads_an_intact_archive(small_archive, tmp_path):
    path = tmp_path / "a.backup"
    path.write_bytes(small_archive)
    out = io.StringIO()
    call_command("import_all", input=str(path), verify_only=True, stdout=out)
    assert "The archive is intact" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["flip_middle", "flip_header", "cut_off", "drop_frame", "append"])
def test_tampered_or_damaged_archive_is_detected(small_archive, tmp_path, damage):
    data = bytearray(small_archive)
    assert len(data) > 3 * 4096  # several frames
    if damage == "flip_middle":
        data[len(data) // 2] ^= 0x01
    elif damage == "flip_header":
        data[10] ^= 0x80
    elif damage == "cut_off":
        del data[len(data) - 100:]
    elif damage == "drop_frame":
        start = crypto.HEADER_SIZE
        length = int.from_bytes(data[start:start + 4], "big")
        del data[start:start + 4 + length]
    else:
        data += b"\x00\x00\x00\x20" + b"x" * 32
    path = tmp_path / "a.backup"
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError) as error:
        call_command("import_all", input=str(path), verify_only=True)
    message = str(error.value)
    assert any(word in message for word in ("altered", "damaged", "cut off", "Wrong LOS_BACKUP_KEY")), message


@pytest.mark.django_db
def test_tampering_fails_before_anything_is_kept(uploads, tmp_path, world):
    """A damaged archive stops the import and the transaction leaves the database as it was."""
    buffer = io.BytesIO()
    backup.export_all(buffer, crypto.load_key(KEY), frame_size=4096)
    data = bytearray(buffer.getvalue())
    data[-200] ^= 0x01
    with pytest.raises(crypto.ArchiveError):
        backup.import_all(io.BytesIO(bytes(data)), crypto.load_key(KEY), verify_only=True)


def test_migration_states_are_compared():
    assert backup.compare_migrations({"a": ["0001"]}, {"a": ["0001"]}) == []
    problems = backup.compare_migrations({"a": ["0001", "0002"]}, {"a": ["0001"], "b": ["0001"]})
    assert problems == ["a: the archive has migrations this database lacks: 0002",
                        "b: this database has migrations the archive lacks: 0001"]


@pytest.mark.django_db
def test_every_table_is_in_the_archive_in_dependency_order(small_archive):
    records = backup._records(io.BytesIO(small_archive), crypto.load_key(KEY))
    header = backup.read_header(records)
    labels = [t["model"] for t in header["tables"]]
    expected = {m._meta.label_lower for m in concrete_models()} - {"sessions.session"}
    assert set(labels) == expected  # generic: whatever apps are installed
    position = {label: i for i, label in enumerate(labels)}
    deferred = {(label, name) for label, names in header["deferred"].items() for name in names}
    for model in concrete_models():
        label = model._meta.label_lower
        if label not in position:
            continue
        for fk in [f for f in model._meta.local_concrete_fields if f.is_relation]:
            to = fk.remote_field.model._meta.concrete_model._meta.label_lower
            if to != label and to in position and (label, fk.attname) not in deferred:
                assert position[to] < position[label], (label, fk.name, to)
    assert header["migrations"]["ops"] == ["0001_initial"]
