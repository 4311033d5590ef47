"""Retention with a fixed clock: closed cases are deleted (everything that hangs on them, in every app) when
their time has come, and not before; audit events go only with their family, behind signed tombstones, and
the chain still verifies; holds, cross-family links and missing closing dates stop the deletion."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from los.access import audit
from los.access.models import AuditEvent, Consent
from los.accounts.models import User
from los.families.models import Family, FamilyMember, FamilyStatus
from los.ops import chain
from los.ops.graph import concrete_models
from los.ops.models import AuditCheckpoint, AuditTombstone, RetentionHold, RetentionRecord, RetentionRun
from los.ops.retention import apply_retention, collect
from los.ops.tasks import apply_retention_task

OSLO = ZoneInfo("Europe/Oslo")
SEED_DAY = date(2026, 11, 23)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def record_at(moment: datetime, family: Family | None, municipality_id: int | None = None, actor=None):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit.record(actor=actor, action="view", object_type="Family", object_id=family.pk if family else "",
                            municipality_id=municipality_id or (family.municipality_id if family else None),
                            family_id=family.pk if family else None, reason="retention test")


@pytest.fixture
def uploads(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}}}
    settings.LOS_RETENTION_CASE_YEARS = 10
    settings.LOS_RETENTION_AUDIT_YEARS = 10
    settings.LOS_RETENTION_UNLINKED_AUDIT_YEARS = 10


@pytest.fixture
def demo(uploads):
    """The demo municipality, with the rich demo family (every app's data) closed on 1 March 2027."""
    from los.core.demo.seed import build

    ctx = build("demo", seed=3, today=SEED_DAY)
    family = ctx.demo_family
    Family.objects.filter(pk=family.pk).update(status=FamilyStatus.CLOSED, closed_at=at(date(2027, 3, 1)))
    family.refresh_from_db()
    _deposited_and_confirmed()
    return ctx


def _deposited_and_confirmed() -> None:
    """The archive depot has confirmed a deposit of every case file (a case marked Bevares is otherwise kept until
    it is: los.archive.retention, tested in los/archive/tests/test_deposit.py)."""
    from django.apps import apps

    if not apps.is_installed("los.archive"):
        return
    from los.archive.models import CaseFile, Deposit, DepositStatus

    for municipality_id in set(CaseFile.objects.values_list("municipality_id", flat=True)):
        deposit = Deposit.objects.create(municipality_id=municipality_id, period_start=date(2000, 1, 1),
                                         period_end=SEED_DAY, sha256="0" * 64, status=DepositStatus.CONFIRMED,
                                         receipt="test")
        CaseFile.objects.filter(municipality_id=municipality_id).update(deposit=deposit)


def _family_rows() -> dict[str, dict[int, int]]:
    """Rows per table per family, for every table with a family column (whatever apps are installed)."""
    out = {}
    for model in concrete_models():
        names = {f.name for f in model._meta.concrete_fields}
        if "family" in names and model._meta.get_field("family").related_model is Family:
            counts: dict[int, int] = {}
            for family_id in model._base_manager.values_list("family_id", flat=True):
                counts[family_id] = counts.get(family_id, 0) + 1
            out[model._meta.label_lower] = counts
    return out


@pytest.mark.django_db
def test_nothing_is_deleted_before_its_time(demo):
    report = apply_retention(today=date(2030, 1, 1))
    assert report.deleted == [] and report.not_due > 0
    assert Family.objects.filter(pk=demo.demo_family.pk).exists()
    assert report.next_due is not None and report.next_due > "2030-01-01"


@pytest.mark.django_db
def test_dry_run_reports_every_table_and_changes_nothing(demo):
    before = _family_rows()
    out = io.StringIO()
    call_command("apply_retention", dry_run=True, today="2040-01-01", stdout=out)
    text = out.getvalue()
    assert "Retention dry run for 2040-01-01" in text and "Cases would delete:" in text
    assert demo.demo_family.reference in text
    assert _family_rows() == before
    assert not RetentionRun.objects.exists() and not AuditTombstone.objects.exists()
    # the demo family's report lists rows in several apps, found generically
    report = apply_retention(today=date(2040, 1, 1), dry_run=True)
    entry = next(e for e in report.deleted if e.family_id == demo.demo_family.pk)
    apps_reached = {label.split(".")[0] for label in entry.rows}
    assert {"families", "access", "meetings"} <= apps_reached, entry.rows


@pytest.mark.django_db
def test_applying_deletes_closed_cases_in_every_app_and_keeps_the_rest(demo, django_capture_on_commit_callbacks):
    family = demo.demo_family
    active = Family.objects.filter(status=FamilyStatus.ACTIVE).exclude(pk=family.pk).first()
    record_at(at(date(2027, 6, 1)), family)
    record_at(at(date(2027, 6, 2)), active)
    record_at(at(date(2027, 6, 3)), family)
    guardian = User.objects.get(username="forelder")
    closed_ids = set(Family.objects.filter(status__in=[FamilyStatus.CLOSED, FamilyStatus.REFUSED])
                     .values_list("pk", flat=True))
    before = _family_rows()
    documents = [m for m in concrete_models() if any(f.get_internal_type() == "FileField"
                                                      for f in m._meta.local_concrete_fields)
                 and any(f.name == "family" for f in m._meta.concrete_fields)]
    stored = [name for model in documents for f in model._meta.local_concrete_fields
              if f.get_internal_type() == "FileField"
              for name in model._base_manager.filter(family_id=family.pk).values_list(f.attname, flat=True)
              if name]

    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion is committed
        report = apply_retention(today=date(2040, 1, 1))

    deleted = {e.family_id for e in report.deleted}
    assert deleted == closed_ids and not report.blocked
    after = _family_rows()
    for label, counts in before.items():
        for family_id, count in counts.items():
            if family_id is None and label == "access.auditevent":
                continue  # events of no family follow their own rule (test_old_events_without_family_are_pruned...)
            if family_id in deleted:
                assert family_id not in after[label], (label, family_id)
            else:
                assert after[label].get(family_id) == count, (label, family_id)
    assert not Family.objects.filter(pk__in=deleted).exists()
    assert AuditEvent.objects.filter(family_id=active.pk).count() == before["access.auditevent"].get(active.pk)
    assert list(chain.verify()) == []
    assert AuditTombstone.objects.exists() or AuditCheckpoint.objects.exists()
    # the deletion log names the case, not the people
    record = RetentionRecord.objects.get(reference=family.reference, municipality=family.municipality)
    assert record.audit_events >= 2 and record.rows["families.family"] == 1
    assert "Sæther" not in str(record.rows)
    # the guardian's log-in is gone or anonymised; staff keep theirs
    guardian = User.objects.filter(pk=guardian.pk).first()
    assert guardian is None or (not guardian.is_active and guardian.last_name == "" and
                                guardian.username.startswith("slettet-"))
    assert User.objects.get(username="koordinator").is_active
    from django.core.files.storage import default_storage
    assert stored and not any(default_storage.exists(name) for name in stored)
    # and nothing is left to do on the next run
    assert apply_retention(today=date(2040, 1, 1)).deleted == []


@pytest.mark.django_db
def test_audit_events_keep_a_case_until_their_own_time_has_passed(world, uploads):
    closed = world.other_family
    Family.objects.filter(pk=closed.pk).update(status=FamilyStatus.CLOSED, closed_at=at(date(2014, 1, 10)))
    record_at(at(date(2030, 5, 1)), closed)
    report = apply_retention(today=date(2035, 1, 1))
    assert report.deleted == [] and report.next_due == "2040-05-01"
    report = apply_retention(today=date(2040, 5, 1))
    assert [e.family_id for e in report.deleted] == [closed.pk]
    assert list(chain.verify()) == []


@pytest.mark.django_db
def test_a_hold_keeps_the_family(world, uploads):
    closed = world.other_family
    Family.objects.filter(pk=closed.pk).update(status=FamilyStatus.CLOSED, closed_at=at(date(2014, 1, 10)))
    RetentionHold.objects.create(family=closed, reason="Klage til statsforvalteren er ikke avgjort")
    report = apply_retention(today=date(2030, 1, 1))
    assert report.deleted == [] and [e.reason for e in report.held] == ["Klage til statsforvalteren er ikke avgjort"]
    assert Family.objects.filter(pk=closed.pk).exists()
    RetentionHold.objects.filter(family=closed).update(until=date(2029, 12, 31))
    assert [e.family_id for e in apply_retention(today=date(2030, 1, 1)).deleted] == [closed.pk]


@pytest.mark.django_db
def test_a_link_from_another_family_blocks_the_deletion(world, uploads):
    closed = world.other_family
    Family.objects.filter(pk=closed.pk).update(status=FamilyStatus.CLOSED, closed_at=at(date(2014, 1, 10)))
    from los.core import testing as t

    consent = t.consent(world.family, world.school)
    Consent.objects.filter(pk=consent.pk).update(given_by_member=FamilyMember.objects.filter(family=closed).first())
    found = collect(closed)
    assert found.blocked and "access.consent" in found.blocked
    report = apply_retention(today=date(2030, 1, 1))
    assert report.deleted == [] and [e.family_id for e in report.blocked] == [closed.pk]
    assert Family.objects.filter(pk=closed.pk).exists() and Consent.objects.filter(pk=consent.pk).exists()


@pytest.mark.django_db
def test_a_closed_case_without_closing_date_is_left_for_a_person(world, uploads):
    Family.objects.filter(pk=world.other_family.pk).update(status=FamilyStatus.CLOSED, closed_at=None)
    report = apply_retention(today=date(2060, 1, 1))
    assert report.deleted == [] and "closing date" in report.blocked[0].reason


@pytest.mark.django_db
def test_old_events_without_family_are_pruned_into_a_checkpoint_and_the_chain_verifies(world, uploads):
    m = world.municipality.pk
    for day in (date(2014, 1, 1), date(2014, 2, 1), date(2014, 3, 1)):
        record_at(at(day), None, municipality_id=m, actor=world.caseworker)
    record_at(at(date(2014, 4, 1)), world.family)  # a family's event: kept with the family
    record_at(at(date(2014, 5, 1)), None, municipality_id=m)
    record_at(at(date(2020, 1, 1)), None, municipality_id=m)  # too young
    report = apply_retention(today=date(2025, 1, 1))
    assert report.unlinked_audit_events == 4
    assert list(chain.verify()) == []
    checkpoint = AuditCheckpoint.objects.get(chain=str(m))
    assert checkpoint.seq == 3  # seq 1–3 folded; seq 5 stays a tombstone behind the family's event 4
    assert list(AuditTombstone.objects.filter(chain=str(m)).values_list("seq", flat=True)) == [5]
    assert set(AuditEvent.objects.filter(chain=str(m)).values_list("seq", flat=True)) == {4, 6}
    record_at(at(date(2025, 1, 2)), world.family)  # the chain goes on
    assert list(chain.verify()) == []


@pytest.mark.django_db
def test_a_pruned_chain_still_reveals_tampering(world, uploads):
    m = str(world.municipality.pk)
    for day in (date(2014, 1, 1), date(2014, 2, 1)):
        record_at(at(day), None, municipality_id=int(m))
    for day in (date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)):
        record_at(at(day), world.family)
    record_at(at(date(2014, 6, 1)), None, municipality_id=int(m))  # seq 6, old: becomes a tombstone
    record_at(at(date(2020, 4, 1)), world.family)
    apply_retention(today=date(2025, 1, 1))
    assert list(chain.verify()) == []

    AuditEvent.objects.filter(chain=m, seq=4).update(reason="edited afterwards")
    assert [b.seq for b in chain.verify()] == [4]
    AuditEvent.objects.filter(chain=m, seq=4).update(reason="retention test")

    AuditTombstone.objects.filter(chain=m, seq=6).update(signature="0" * 64)
    assert "not signed" in next(chain.verify()).problem
    AuditTombstone.objects.filter(chain=m, seq=6).delete()
    assert next(chain.verify()).seq == 6  # a removed event without its tombstone is a gap

    AuditCheckpoint.objects.filter(chain=m).update(seq=3)
    assert "checkpoint" in next(chain.verify()).problem


@pytest.mark.django_db
def test_audit_verify_command_accepts_a_pruned_log(world, uploads, capsys):
    """``manage.py audit_verify`` uses the pruning-aware verifier (LOS_AUDIT_VERIFIER in settings); the
    plain walk of the audit module alone would call the removed events a break."""
    from django.core.management import execute_from_command_line

    m = world.municipality.pk
    record_at(at(date(2014, 1, 1)), world.family)
    record_at(at(date(2014, 2, 1)), None, municipality_id=m)  # old, no family: removed
    record_at(at(date(2024, 1, 1)), world.family)
    apply_retention(today=date(2025, 1, 1))
    assert AuditTombstone.objects.filter(chain=str(m), seq=2).exists()
    assert [b.seq for b in audit.verify()] == [2]
    try:
        execute_from_command_line(["manage.py", "audit_verify"])
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    assert code in (0, None) and "Audit log intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_chain_verify_matches_the_audit_module_on_an_unpruned_log(world):
    for _ in range(3):
        record_at(at(date(2026, 1, 1)), world.family)
    assert list(chain.verify()) == list(audit.verify()) == []
    AuditEvent.objects.filter(seq=2).update(reason="edited")
    assert [(b.chain, b.seq, b.problem) for b in chain.verify()] == [(b.chain, b.seq, b.problem)
                                                                    for b in audit.verify()]


@pytest.mark.django_db
def test_the_task_and_the_command_run_the_same_rules(world, uploads):
    Family.objects.filter(pk=world.other_family.pk).update(status=FamilyStatus.CLOSED,
                                                            closed_at=at(date(2014, 1, 10)))
    result = apply_retention_task.call(today="2030-01-01", dry_run=True)
    assert [e["family_id"] for e in result["deleted"]] == [world.other_family.pk]
    assert Family.objects.filter(pk=world.other_family.pk).exists()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("apply_retention", today="1.1.2030")
    out = io.StringIO()
    call_command("apply_retention", today="2030-01-01", stdout=out)
    assert "Cases deleted: 1" in out.getvalue()
    assert not Family.objects.filter(pk=world.other_family.pk).exists()
    run = RetentionRun.objects.get()
    assert run.today == date(2030, 1, 1) and run.report["deleted"][0]["family_id"] == world.other_family.pk


def test_add_years_handles_29_february():
    from los.ops.retention import add_years

    assert add_years(date(2024, 2, 29), 10) == date(2034, 2, 28)
    assert add_years(date(2024, 3, 1), -1) == date(2023, 3, 1)
    assert add_years(date(2026, 1, 1), 10) - timedelta(days=1) == date(2035, 12, 31)


@pytest.mark.django_db
def test_a_pruned_log_verifies_against_its_anchor_and_a_truncation_still_shows(world, uploads, tmp_path, settings):
    """Retention's tombstones and checkpoints do not disturb the anchor; the announcement of a chain is never
    pruned, so a chain deleted whole is still missed; cutting off the newest event is still found."""
    from los.access.models import AuditChainHead

    m = str(world.municipality.pk)
    for day in (date(2014, 1, 1), date(2014, 2, 1)):
        record_at(at(day), None, municipality_id=int(m))
    record_at(at(date(2020, 1, 1)), world.family)
    record_at(at(date(2014, 6, 1)), None, municipality_id=int(m))  # seq 4, old: becomes a tombstone
    record_at(at(date(2020, 4, 1)), world.family)
    settings.LOS_AUDIT_ANCHOR_FILE = str(tmp_path / "anchor.log")
    call_command("audit_anchor", stdout=io.StringIO())
    apply_retention(today=date(2025, 1, 1))
    assert AuditCheckpoint.objects.get(chain=m).seq == 2
    assert list(AuditTombstone.objects.filter(chain=m).values_list("seq", flat=True)) == [4]
    assert AuditEvent.objects.filter(chain="global", object_type=audit.CHAIN_OPENED, object_id=m).exists()
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit log intact" in out.getvalue() and "anchor lines" in out.getvalue()

    AuditEvent.objects.filter(chain=m, seq=5).delete()
    tombstone = AuditTombstone.objects.get(chain=m, seq=4)
    AuditChainHead.objects.filter(chain=m).update(seq=4, hash=tombstone.hash)
    assert list(chain.verify()) == []  # the database alone cannot tell
    with pytest.raises(CommandError, match=r"truncated"):
        call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())

    AuditEvent.objects.filter(chain=m).delete()
    AuditTombstone.objects.filter(chain=m).delete()
    AuditCheckpoint.objects.filter(chain=m).delete()
    AuditChainHead.objects.filter(chain=m).delete()
    assert [(b.chain, b.kind) for b in chain.verify()] == [(m, "missing_chain")]
