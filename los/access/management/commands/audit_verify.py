"""``manage.py audit_verify``: check every hash chain of the audit log.

Prints one summary line (and, with ``-v 2``, one line per chain with its head hash, which can be kept
outside the database as an anchor). Exits with status 1 when a chain is broken, naming the first
broken event of each broken chain: chain, seq, event id and the problem.

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

from los.access import audit, verify_workers


def verifier():
    """``audit.verify_chains``, or the one named in ``LOS_AUDIT_VERIFIER`` (same signature and results), e.g.
    one that also accepts signed tombstones left by retention."""
    path = getattr(settings, "LOS_AUDIT_VERIFIER", "")
    return import_string(path) if path else audit.verify_chains


def _in_parallel(chains: list[str] | None, batch_size: int, jobs: int) -> Iterator[audit.ChainResult]:
    """The chains checked in ``jobs`` worker processes (``los.access.verify_workers``). A worker that cannot
    start or dies makes the command fail (BrokenProcessPool), never wait for ever."""
    chosen = verifier()
    names = chains if chains is not None else importlib.import_module(chosen.__module__).chain_names()
    database = dict(connections["default"].settings_dict)
    verifier_path = f"{chosen.__module__}.{chosen.__qualname__}"
    with ProcessPoolExecutor(max_workers=min(jobs, max(1, len(names))), mp_context=multiprocessing.get_context("spawn"),
                             initializer=verify_workers.start, initargs=(database, verifier_path)) as pool:
        found = {result.chain: result for results in pool.map(verify_workers.verify_one,
                                                                [(name, batch_size) for name in names])
                 for result in results}
    yield from (found[name] for name in names if name in found)


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log; exit 1 and name the first broken event on a break."

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", dest="chains",
                            help="Check only this chain (a municipality id or 'global'); may be repeated.")
        parser.add_argument("--batch-size", type=int, default=10000, help="Events read per query (default 10000).")
        parser.add_argument("--jobs", type=int, default=1,
                            help="Processes checking chains side by side (default 1; 0: one per CPU core).")

    def handle(self, *args, chains=None, batch_size=10000, jobs=1, **options):
        started = time.monotonic()
        n_chains = n_events = 0
        breaks: list[audit.Break] = []
        jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
        parallel = jobs > 1 and connections["default"].vendor == "postgresql"
        results = (_in_parallel(chains, batch_size, jobs) if parallel
                   else verifier()(batch_size=batch_size, chains=chains))
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
        if breaks:
            first = breaks[0]
            raise CommandError(
                f"The audit log is broken in {len(breaks)} of {n_chains} chains. First broken event: "
                f"chain {first.chain}, seq {first.seq}, "
                f"id {first.event_id if first.event_id is not None else '-'}: {first.problem}",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(
            f"Audit log intact: {n_chains} chains, {n_events} events checked in {seconds:.1f} s."))
