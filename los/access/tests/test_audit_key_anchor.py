"""The audit chain survives someone who can write to the database but has neither the audit key nor the anchor.

Each attack here passed the earlier verifier (plain SHA-256 chain, head in the same database, no list of the
chains that must exist, no anchor); each must now be reported by ``audit_verify``.
"""

import hashlib
import io
from pathlib import Path
from unittest.mock import patch

import pytest
from django.core.management import call_command, execute_from_command_line

from los.access import anchor, audit, audit_keys
from los.access.audit import GENESIS
from los.access.models import AuditChainHead, AuditEvent
from los.access.tasks import write_audit_anchor


def run(capsys, *args):
    """``manage.py <args>`` as from the shell (keeping the test's connection): (exit code, stdout, stderr)."""
    code = 0
    with patch("django.core.management.base.connections.close_all"):
        try:
            execute_from_command_line(["manage.py", *args])
        except SystemExit as exit_:
            code = exit_.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def add(world, n=1, municipality=None, reason="read"):
    m = municipality or world.municipality
    for _ in range(n):
        audit.record(actor=world.coordinator, action="view", object_type="Family", object_id=world.family.pk,
                     municipality_id=m.pk, family_id=world.family.pk if m == world.municipality else None,
                     reason=reason)


@pytest.fixture
def chain(world):
    """Five events in the municipality's chain and two in another; ``global`` announces both."""
    add(world, 5)
    add(world, 2, world.other_municipality)
    return str(world.municipality.pk)


@pytest.fixture
def anchor_file(tmp_path, settings):
    path = tmp_path / "anchor" / "los-audit-anchor.log"
    settings.LOS_AUDIT_ANCHOR_FILE = str(path)
    return path


def rewrite(chain, from_seq, change=None, key=None):
    """What someone who can write to the database can do without the audit key: change the event at ``from_seq``,
    then recompute it and every later event and the head — with plain SHA-256 and no key id (the earlier scheme),
    or with an HMAC under a key of their own (``key``)."""
    prev = GENESIS
    last = None
    for event in AuditEvent.objects.filter(chain=chain).order_by("seq"):
        if event.seq >= from_seq:
            if change is not None and event.seq == from_seq:
                change(event)
            event.prev_hash = prev
            event.key_id = key.key_id if key else ""
            message = (prev + audit._canonical(event)).encode()
            event.hash = key.hexdigest(message) if key else hashlib.sha256(message).hexdigest()
            event.save(_allow_update=True)
        prev, last = event.hash, event.seq
    AuditChainHead.objects.filter(chain=chain).update(seq=last, hash=prev)


def truncate(chain, keep):
    """Remove the newest events and move the head back to the last one kept: the chain alone looks whole."""
    AuditEvent.objects.filter(chain=chain, seq__gt=keep).delete()
    kept = AuditEvent.objects.get(chain=chain, seq=keep)
    AuditChainHead.objects.filter(chain=chain).update(seq=keep, hash=kept.hash)


def edit_reason(event):
    event.reason = "nothing to see here"


@pytest.mark.django_db
class TestKeyedChain:
    def test_events_are_macs_under_the_configured_key_not_plain_hashes(self, world, settings):
        add(world)
        event = AuditEvent.objects.get(chain=str(world.municipality.pk), seq=1)
        message = (event.prev_hash + audit._canonical(event)).encode()
        assert event.key_id == audit_keys.DEVELOPMENT_KEY_ID
        assert event.hash == audit_keys.current_key().hexdigest(message) != hashlib.sha256(message).hexdigest()
        settings.LOS_AUDIT_KEY = audit_keys.generate("k2027")
        add(world)
        assert AuditEvent.objects.get(chain=str(world.municipality.pk), seq=2).key_id == "k2027"

    def test_hmac_is_standard_hmac_sha256(self):
        import hmac

        key = audit_keys.parse(audit_keys.generate("x"))
        assert key.hexdigest(b"message") == hmac.new(key.secret, b"message", hashlib.sha256).hexdigest()

    def test_an_edit_recomputed_without_the_key_is_found(self, capsys, chain):
        rewrite(chain, 3, edit_reason)
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1
        assert f"chain {chain}, seq 3" in err and "recomputed by someone without the key" in err

    def test_a_chain_recomputed_whole_without_the_key_is_found(self, capsys, chain):
        rewrite(chain, 1, edit_reason)
        broken = [b for b in audit.verify() if b.chain == chain]
        assert [(b.seq, b.kind) for b in broken] == [(1, "unsealed")]
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1 and "written without the audit key" in err

    def test_an_edit_recomputed_under_another_key_is_found(self, capsys, chain):
        forged = audit_keys.AuditKey(audit_keys.DEVELOPMENT_KEY_ID, b"a key the attacker made up, 32 bytes!")
        rewrite(chain, 3, edit_reason, key=forged)
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1 and f"chain {chain}, seq 3" in err and "content does not match its hash" in err

    def test_rotated_keys_verify_with_the_old_key_kept_for_checking(self, world, settings):
        old = audit_keys.generate("k1")
        settings.LOS_AUDIT_KEY = old
        add(world, 2)
        settings.LOS_AUDIT_KEY, settings.LOS_AUDIT_OLD_KEYS = audit_keys.generate("k2"), old
        add(world, 2)
        chain = str(world.municipality.pk)
        assert list(AuditEvent.objects.filter(chain=chain).values_list("key_id", flat=True)) == ["k1"] * 2 + ["k2"] * 2
        assert list(audit.verify()) == []
        settings.LOS_AUDIT_OLD_KEYS = ""
        broken = next(audit.verify())
        assert (broken.chain, broken.seq, broken.kind) == (chain, 1, "unknown_key")

    def test_bulk_appends_are_keyed_and_verify(self, world):
        from django.utils import timezone

        chain = str(world.other_municipality.pk)
        events = [{"at": timezone.now(), "actor_id": None, "actor_name": "", "actor_role": "", "actor_service": "",
                   "municipality_id": world.other_municipality.pk, "family_id": None, "action": "view",
                   "object_type": "Family", "object_id": "1", "category": "", "allowed": True, "reason": f"bulk {i}",
                   "session_ref": "", "ip_address": None, "path": ""} for i in range(30)]
        assert audit.append_many(chain, events, batch_size=7) == 30
        assert set(AuditEvent.objects.filter(chain=chain).values_list("key_id", flat=True)) == {"dev"}
        assert list(audit.verify()) == []


@pytest.mark.django_db
class TestKeySettings:
    def test_a_malformed_key_fails_the_system_check(self, settings):
        settings.LOS_AUDIT_KEY = "no-secret-here"
        assert [e.id for e in audit_keys.check_keys()] == ["los.E001"]
        settings.LOS_AUDIT_KEY = "short:" + "QUFBQQ"
        assert "at least 32 bytes" in audit_keys.check_keys()[0].msg

    def test_production_refuses_the_development_key(self, settings):
        settings.PRODUCTION = True
        assert [e.id for e in audit_keys.check_keys()] == ["los.E002"]
        settings.LOS_AUDIT_KEY = audit_keys.generate("prod-1")
        assert audit_keys.check_keys() == []

    def test_generate_key_prints_a_usable_key(self, capsys):
        code, out, _err = run(capsys, "audit_anchor", "--generate-key", "k2026")
        assert code == 0 and audit_keys.parse(out.strip()).key_id == "k2026"


@pytest.mark.django_db
class TestMissingChain:
    def test_a_chain_deleted_whole_with_its_head_is_found_from_global(self, capsys, world, chain):
        other = str(world.other_municipality.pk)
        AuditEvent.objects.filter(chain=other).delete()
        AuditChainHead.objects.filter(chain=other).delete()
        broken = [b for b in audit.verify()]
        assert [(b.chain, b.kind) for b in broken] == [(other, "missing_chain")]
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1 and f"chain {other}" in err and "the whole chain is missing" in err

    def test_global_is_expected_when_keyed_chains_exist(self, world, chain):
        AuditEvent.objects.filter(chain="global").delete()
        AuditChainHead.objects.filter(chain="global").delete()
        assert [(b.chain, b.kind) for b in audit.verify()] == [("global", "missing_chain")]

    def test_an_empty_log_has_no_chain_to_miss(self, db):
        assert list(audit.verify()) == []


@pytest.mark.django_db
class TestAnchor:
    def test_audit_anchor_appends_a_signed_line_for_each_chain_that_moved(self, capsys, world, chain, anchor_file):
        code, out, _err = run(capsys, "audit_anchor")
        assert code == 0 and "Anchored 3 of 3 chains" in out
        lines = anchor_file.read_text().splitlines()
        assert [line.split("\t")[1:3] for line in lines] == [[chain, "5"], [str(world.other_municipality.pk), "2"],
                                                             ["global", "2"]]
        head = AuditChainHead.objects.get(chain=chain)
        assert lines[0].split("\t")[3] == head.hash and lines[0].split("\t")[4] == "dev"
        code, out, _err = run(capsys, "audit_anchor")
        assert "Anchored 0 of 3 chains" in out and len(anchor_file.read_text().splitlines()) == 3
        add(world)
        run(capsys, "audit_anchor")
        assert anchor_file.read_text().splitlines()[-1].split("\t")[1:3] == [chain, "6"]

    def test_an_intact_log_verifies_against_its_anchor(self, capsys, chain, anchor_file):
        run(capsys, "audit_anchor")
        code, out, err = run(capsys, "audit_verify")
        assert code == 0, err
        assert "Audit log intact: 3 chains, 9 events" in out and "against 3 anchor lines" in out

    def test_a_tail_cut_off_with_the_head_moved_back_is_found(self, capsys, chain, anchor_file):
        run(capsys, "audit_anchor")
        truncate(chain, 3)
        assert list(audit.verify()) == []  # the database alone cannot tell
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1
        assert f"chain {chain}, seq 4" in err and "the anchor saw it at seq 5" in err and "(truncated)" in err

    def test_a_truncation_between_two_anchor_runs_is_found_in_the_anchor(self, capsys, chain, anchor_file):
        run(capsys, "audit_anchor")
        truncate(chain, 3)
        run(capsys, "audit_anchor")
        found = anchor.read([anchor_file])
        assert [(p.chain, p.kind) for p in found.problems] == [(chain, "truncated")]
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1 and "cut short between the two" in err

    def test_a_chain_deleted_whole_is_found_through_the_anchor(self, capsys, world, chain, anchor_file):
        run(capsys, "audit_anchor")
        other = str(world.other_municipality.pk)
        AuditEvent.objects.filter(chain=other).delete()
        AuditChainHead.objects.filter(chain=other).delete()
        # and the announcement in global removed too, with global recomputed (it would break global otherwise)
        AuditEvent.objects.filter(chain="global", object_id=other).delete()
        rewrite("global", 1)
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1
        assert f"chain {other}, seq 1, event id unknown: the whole chain is missing" in err
        assert "the anchor saw it at seq 2" in err

    def test_a_chain_whose_hash_at_the_anchored_seq_changed_is_found(self, capsys, chain, anchor_file):
        run(capsys, "audit_anchor")
        rewrite(chain, 1, edit_reason)
        broken = next(b for b in audit.verify(anchors=anchor.read([anchor_file]).anchors) if b.chain == chain)
        assert (broken.seq, broken.kind) == (5, "recomputed") and "anchored on" in broken.problem
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1 and f"chain {chain}, seq 5" in err and "rewritten (recomputed)" in err

    def test_an_altered_anchor_line_is_reported(self, capsys, chain, anchor_file):
        run(capsys, "audit_anchor")
        lines = anchor_file.read_text().splitlines()
        fields = lines[0].split("\t")
        fields[2] = "3"  # someone makes the anchor agree with a truncated chain
        anchor_file.write_text("\n".join(["\t".join(fields), *lines[1:]]) + "\n")
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1 and "line 1 of the anchor file" in err and "does not match its HMAC" in err

    def test_no_anchor_is_said_plainly_and_no_anchor_leaves_it_out(self, capsys, chain, settings, anchor_file):
        settings.LOS_AUDIT_ANCHOR_FILE = ""
        code, out, _err = run(capsys, "audit_verify")
        assert code == 0 and "without an anchor" in out
        settings.LOS_AUDIT_ANCHOR_FILE = str(anchor_file)
        code, _out, err = run(capsys, "audit_verify")
        assert code == 1 and "cannot be read" in err
        code, out, _err = run(capsys, "audit_verify", "--no-anchor")
        assert code == 0

    def test_the_anchor_task_writes_like_the_command(self, chain, anchor_file):
        result = write_audit_anchor.call()
        assert result["lines"] == 3 and len(Path(anchor_file).read_text().splitlines()) == 3

    def test_file_dash_prints_the_lines(self, capsys, chain):
        code, out, _err = run(capsys, "audit_anchor", "--file", "-")
        assert code == 0 and len(out.splitlines()) == 3 and all(len(x.split("\t")) == 6 for x in out.splitlines())


@pytest.mark.django_db
class TestUpgradeFromUnkeyedChains:
    """An installation upgraded from before keyed chains: its events keep their plain SHA-256 hash and no key id."""

    def test_old_events_verify_once_audit_anchor_has_sealed_the_chain(self, capsys, world, chain, anchor_file):
        for name in (chain, str(world.other_municipality.pk), "global"):
            rewrite(name, 1)  # the log as the earlier version wrote it
        AuditEvent.objects.filter(chain="global").delete()  # which announced nothing
        AuditChainHead.objects.filter(chain="global").delete()
        assert {(b.chain, b.kind) for b in audit.verify()} == {(chain, "unsealed"),
                                                               (str(world.other_municipality.pk), "unsealed")}
        code, out, _err = run(capsys, "audit_anchor")
        assert code == 0 and f"Sealed chain {chain}" in out and f"Announced chain {chain}" in out
        assert list(audit.verify()) == []
        seal = AuditEvent.objects.get(chain=chain, seq=6)
        assert seal.key_id == "dev" and seal.object_type == audit.CHAIN_OPENED
        add(world)
        assert list(audit.verify()) == []
        # an old event edited and the old part recomputed: the seal's link no longer matches
        rewrite_old = AuditEvent.objects.get(chain=chain, seq=2)
        edit_reason(rewrite_old)
        prev = AuditEvent.objects.get(chain=chain, seq=1).hash
        for event in AuditEvent.objects.filter(chain=chain, seq__gte=2, seq__lte=5).order_by("seq"):
            if event.seq == 2:
                event.reason = rewrite_old.reason
            event.prev_hash = prev
            event.hash = hashlib.sha256((prev + audit._canonical(event)).encode()).hexdigest()
            event.save(_allow_update=True)
            prev = event.hash
        broken = next(audit.verify())
        assert (broken.chain, broken.seq) == (chain, 6)

    def test_sealing_is_idempotent(self, chain, anchor_file):
        call_command("audit_anchor", stdout=io.StringIO())
        count = AuditEvent.objects.count()
        call_command("audit_anchor", stdout=io.StringIO())
        assert AuditEvent.objects.count() == count


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_check_against_the_anchor_with_the_parents_key(capsys, world, tmp_path, settings):
    """``--jobs 2`` on PostgreSQL: the workers get the anchor and the audit keys of the parent process."""
    from los.access.tests.test_audit_verify import run_verify

    settings.LOS_AUDIT_KEY = audit_keys.generate("k-parallel")
    add(world, 5)
    add(world, 2, world.other_municipality)
    chain = str(world.municipality.pk)
    settings.LOS_AUDIT_ANCHOR_FILE = str(tmp_path / "anchor.log")
    call_command("audit_anchor", stdout=io.StringIO())
    code, out, err = run_verify(capsys, "--jobs", "2", keep_connection=False)
    assert code == 0, err
    assert "Audit log intact: 3 chains, 9 events" in out
    truncate(chain, 3)
    code, _out, err = run_verify(capsys, "--jobs", "2", keep_connection=False)
    assert code == 1 and f"chain {chain}, seq 4" in err and "(truncated)" in err
