"""``manage.py audit_verify`` finds an edited, a deleted and a reordered event, by exit code and message."""

from contextlib import nullcontext
from unittest.mock import patch

import pytest
from django.core.management import execute_from_command_line

from los.access import audit
from los.access.models import AuditChainHead, AuditEvent


def run_verify(capsys, *args, keep_connection: bool = True):
    """Run the command as from the shell; return (exit code, stdout, stderr).

    As from the shell, except that by default the test's database connection (and its transaction) stays
    open: a command run from the shell closes every connection when it ends. Tests without a transaction
    (``transaction=True``) pass ``keep_connection=False`` and run it exactly as from the shell."""
    code = 0
    with patch("django.core.management.base.connections.close_all") if keep_connection else nullcontext():
        try:
            execute_from_command_line(["manage.py", "audit_verify", *args])
        except SystemExit as exit_:
            code = exit_.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def chain(world):
    """Five events in the municipality's chain and two in another, written the normal way."""
    for i in range(5):
        audit.record(actor=world.coordinator, action="view", object_type="Family", object_id=world.family.pk,
                     municipality_id=world.municipality.pk, family_id=world.family.pk, reason=f"test {i}")
    for _ in range(2):
        audit.record(actor=world.foreign_caseworker, action="view", object_type="Family",
                     object_id=world.foreign_family.pk, municipality_id=world.other_municipality.pk,
                     family_id=world.foreign_family.pk, reason="other chain")
    return str(world.municipality.pk)


def event(chain, seq):
    return AuditEvent.objects.get(chain=chain, seq=seq)


@pytest.mark.django_db
class TestAuditVerifyCommand:
    def test_intact_log_exits_zero_with_a_summary(self, capsys, chain):
        code, out, err = run_verify(capsys)
        assert code == 0, err
        assert "Audit log intact: 3 chains, 9 events" in out

    def test_verbose_lists_each_chain_with_its_head_hash(self, capsys, chain):
        code, out, _err = run_verify(capsys, "-v", "2")
        head = AuditChainHead.objects.get(chain=chain)
        assert code == 0
        assert f"chain {chain}: 5 events, head seq 5, hash {head.hash}" in out

    def test_an_edited_event_is_named(self, capsys, chain):
        edited = event(chain, 3)
        AuditEvent.objects.filter(pk=edited.pk).update(actor_name="Someone Else")
        code, _out, err = run_verify(capsys)
        assert code == 1
        assert f"First broken event: chain {chain}, seq 3, id {edited.pk}: content does not match its hash" in err

    def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(self, capsys, chain):
        edited = event(chain, 3)
        edited.reason = "rewritten"
        edited.hash = audit.compute_hash(edited)
        edited.save(_allow_update=True)
        code, _out, err = run_verify(capsys)
        assert code == 1
        assert f"chain {chain}, seq 4, id {event(chain, 4).pk}: link to the previous event does not match" in err

    def test_a_deleted_event_is_named(self, capsys, chain):
        AuditEvent.objects.filter(chain=chain, seq=2).delete()
        code, _out, err = run_verify(capsys)
        assert code == 1
        assert f"First broken event: chain {chain}, seq 2, id -: event 2 is missing (deleted)" in err

    def test_deleting_the_newest_events_is_found_through_the_chain_head(self, capsys, chain):
        AuditEvent.objects.filter(chain=chain, seq__gte=4).delete()
        code, _out, err = run_verify(capsys)
        assert code == 1
        assert f"chain {chain}, seq 4, id -: the last events of the chain are missing" in err

    def test_reordered_events_are_named(self, capsys, chain):
        two, three = event(chain, 2), event(chain, 3)
        AuditEvent.objects.filter(pk=two.pk).update(seq=1000)
        AuditEvent.objects.filter(pk=three.pk).update(seq=2)
        AuditEvent.objects.filter(pk=two.pk).update(seq=3)
        code, _out, err = run_verify(capsys)
        assert code == 1
        assert f"First broken event: chain {chain}, seq 2, id {three.pk}: events are out of order" in err

    def test_rows_swapped_wholesale_are_found_by_their_storage_order(self, capsys, chain):
        fields = [f.attname for f in AuditEvent._meta.concrete_fields if f.attname != "id"]
        two, three = event(chain, 2), event(chain, 3)
        values_two = {f: getattr(two, f) for f in fields}
        values_three = {f: getattr(three, f) for f in fields}
        AuditEvent.objects.filter(pk=two.pk).update(**{**values_two, "seq": 1000})
        AuditEvent.objects.filter(pk=three.pk).update(**values_two)
        AuditEvent.objects.filter(pk=two.pk).update(**values_three)
        code, _out, err = run_verify(capsys)
        assert code == 1
        assert f"chain {chain}, seq 3, id {two.pk}: events are out of order" in err

    def test_every_broken_chain_is_reported_and_one_chain_can_be_checked_alone(self, capsys, world, chain):
        other = str(world.other_municipality.pk)
        AuditEvent.objects.filter(chain=chain, seq=1).update(reason="x")
        AuditEvent.objects.filter(chain=other, seq=2).update(reason="y")
        code, _out, err = run_verify(capsys)
        assert code == 1
        assert f"BROKEN chain {chain}, seq 1" in err and f"BROKEN chain {other}, seq 2" in err
        assert "broken in 2 of 3 chains" in err
        code, _out, err = run_verify(capsys, "--chain", other)
        assert code == 1 and f"chain {other}, seq 2" in err and f"chain {chain}," not in err

    def test_small_batches_give_the_same_answer(self, capsys, chain):
        code, out, _err = run_verify(capsys, "--batch-size", "2")
        assert code == 0 and "9 events" in out
        AuditEvent.objects.filter(chain=chain, seq=5).update(reason="x")
        code, _out, err = run_verify(capsys, "--batch-size", "2")
        assert code == 1 and f"chain {chain}, seq 5" in err

    def test_the_check_reads_in_batches_not_per_event(self, chain, django_assert_max_num_queries):
        with django_assert_max_num_queries(8):
            assert list(audit.verify(batch_size=1000)) == []


def fake_verifier(batch_size, chains, **kwargs):
    yield audit.ChainResult("global", 42, 42, "f" * 64, None)


@pytest.mark.django_db
def test_another_verifier_can_be_configured(capsys, settings, chain):
    """For example one that also accepts signed tombstones left by retention (LOS_AUDIT_VERIFIER)."""
    settings.LOS_AUDIT_VERIFIER = "los.access.tests.test_audit_verify.fake_verifier"
    code, out, _err = run_verify(capsys)
    assert code == 0 and "1 chains, 42 events" in out


@pytest.mark.sqlite
@pytest.mark.django_db
def test_jobs_on_sqlite_check_the_chains_one_after_the_other_with_the_same_answer(capsys, chain):
    code, out, err = run_verify(capsys, "--jobs", "2")
    assert code == 0, err
    assert "Audit log intact: 3 chains, 9 events" in out


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_chains_checked_in_parallel_processes_give_the_same_answer(capsys, chain):
    """On PostgreSQL ``--jobs 2`` forks two workers, each with its own connection; a break is named as before."""
    code, out, err = run_verify(capsys, "--jobs", "2", "-v", "2", keep_connection=False)
    assert code == 0, err
    assert "Audit log intact: 3 chains, 9 events" in out
    assert out.index(f"chain {chain}:") < out.index("Audit log intact")
    edited = event(chain, 3)
    AuditEvent.objects.filter(pk=edited.pk).update(actor_name="Someone Else")
    code, _out, err = run_verify(capsys, "--jobs", "2", keep_connection=False)
    assert code == 1
    assert f"First broken event: chain {chain}, seq 3, id {edited.pk}: content does not match its hash" in err
