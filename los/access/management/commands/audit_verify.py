"""``manage.py audit_verify``: check every hash chain of the audit log, and the chains against their anchor.

Checks every chain that exists or must exist: every chain announced in ``global`` when it was opened, ``global``
itself, and every chain the anchor names (``LOS_AUDIT_ANCHOR_FILE``, or ``--anchor`` files; ``--no-anchor`` to
leave it out, e.g. right after restoring an older backup). Reports, per chain, the first problem: an event
edited, deleted or out of order; content recomputed without the audit key; the chain cut short (its head moved
back, or it ends before its anchored seq: truncated); a whole chain missing; a hash at an anchored seq that is
not the anchored one (recomputed). A line of the anchor file that is altered, or that shows a truncation between
two runs, is reported too.

Prints one summary line (and, with ``-v 2``, one line per chain with its head hash). Exits with status 1 on any
problem, naming the first broken event of each broken chain: chain, seq, event id and the problem.

The chains are independent (one per municipality), so ``--jobs N`` checks them in N processes side by
side on PostgreSQL, each started afresh with its own database connection (``--jobs 0``: one per CPU core).
The result is the same. On SQLite (one embedded file, the demo) the chains are always checked one after the other.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.module_loading import import_string

from los.access import anchor, audit, verify_workers


def verifier():
    """``audit.verify_chains``, or the one named in ``LOS_AUDIT_VERIFIER`` (same signature and results), e.g.
    one that also accepts signed tombstones left by retention."""
    path = getattr(settings, "LOS_AUDIT_VERIFIER", "")
    return import_string(path) if path else audit.verify_chains


def _chain_lists():
    """``expected_chains`` and ``chain_names`` of the verifier's module (the audit module's when it has none)."""
    module = importlib.import_module(verifier().__module__)
    return (getattr(module, "expected_chains", audit.expected_chains),
            getattr(module, "chain_names", audit.chain_names))


def _in_parallel(names: list[str], batch_size: int, jobs: int, anchors: dict[str, audit.Anchor],
                 expected: dict[str, str]) -> Iterator[audit.ChainResult]:
    """The chains checked in ``jobs`` worker processes (``los.access.verify_workers``). A worker that cannot
    start or dies makes the command fail (BrokenProcessPool), never wait for ever."""
    chosen = verifier()
    database = dict(connections["default"].settings_dict)
    verifier_path = f"{chosen.__module__}.{chosen.__qualname__}"
    jobs_list = [(name, batch_size, anchors.get(name), expected.get(name, "")) for name in names]
    with ProcessPoolExecutor(max_workers=min(jobs, max(1, len(names))), mp_context=multiprocessing.get_context("spawn"),
                             initializer=verify_workers.start,
                             initargs=(database, verifier_path, (settings.LOS_AUDIT_KEY, settings.LOS_AUDIT_OLD_KEYS))) as pool:
        found = {result.chain: result for results in pool.map(verify_workers.verify_one, jobs_list)
                 for result in results}
    yield from (found[name] for name in names if name in found)


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log against their anchor; exit 1 and name each problem."

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", dest="chains",
                            help="Check only this chain (a municipality id or 'global'); may be repeated.")
        parser.add_argument("--batch-size", type=int, default=10000, help="Events read per query (default 10000).")
        parser.add_argument("--jobs", type=int, default=1,
                            help="Processes checking chains side by side (default 1; 0: one per CPU core).")
        parser.add_argument("--anchor", action="append", dest="anchor_files", metavar="PATH",
                            help="Anchor file to check against (default LOS_AUDIT_ANCHOR_FILE); may be repeated, "
                                 "older files first.")
        parser.add_argument("--no-anchor", action="store_true",
                            help="Do not compare with the anchor (e.g. just after restoring an older backup).")

    def handle(self, *args, chains=None, batch_size=10000, jobs=1, anchor_files=None, no_anchor=False, **options):
        started = time.monotonic()
        n_chains = n_events = 0
        breaks: list[audit.Break] = []
        paths = [] if no_anchor else (anchor_files or ([settings.LOS_AUDIT_ANCHOR_FILE]
                                                       if settings.LOS_AUDIT_ANCHOR_FILE else []))
        anchored = anchor.read(paths)
        for problem in anchored.problems:
            breaks.append(problem)
            self.stderr.write(f"BROKEN {problem}")
        expected_chains, chain_names = _chain_lists()
        expected = expected_chains(anchored.anchors)
        names = chains if chains else chain_names(anchored.anchors)
        jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
        parallel = jobs > 1 and connections["default"].vendor == "postgresql"
        results = (_in_parallel(names, batch_size, jobs, anchored.anchors, expected) if parallel
                   else verifier()(batch_size=batch_size, chains=names, anchors=anchored.anchors, expected=expected))
        for result in results:
            n_chains += 1
            n_events += result.events
            if result.broken is not None:
                breaks.append(result.broken)
                self.stderr.write(f"BROKEN {result.broken}")
            elif options["verbosity"] >= 2:
                self.stdout.write(f"chain {result.chain}: {result.events} events, head seq {result.head_seq}, "
                                  f"hash {result.head_hash}")
        seconds = time.monotonic() - started
        if paths:
            note = f"against {anchored.lines} anchor lines ({len(anchored.anchors)} chains) in {', '.join(paths)}"
        else:
            note = ("without an anchor: set LOS_AUDIT_ANCHOR_FILE and run `manage.py audit_anchor` on a timer, or a "
                    "chain cut short or rewritten whole in the database cannot be found")
        if breaks:
            first = breaks[0]
            broken_chains = len({b.chain for b in breaks})
            raise CommandError(
                f"The audit log is broken in {broken_chains} of {n_chains} chains (checked {note}). First broken event: "
                f"chain {first.chain}, seq {first.seq}, "
                f"id {first.event_id if first.event_id is not None else '-'}: {first.problem}",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(
            f"Audit log intact: {n_chains} chains, {n_events} events checked in {seconds:.1f} s, {note}."))
