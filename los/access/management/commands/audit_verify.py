"""``manage.py audit_verify``: check every hash chain of the audit log.

Prints one summary line (and, with ``-v 2``, one line per chain with its head hash, which can be kept
outside the database as an anchor). Exits with status 1 when a chain is broken, naming the first
broken event of each broken chain: chain, seq, event id and the problem.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from los.access import audit


def verifier():
    """``audit.verify_chains``, or the one named in ``LOS_AUDIT_VERIFIER`` (same signature and results), e.g.
    one that also accepts signed tombstones left by retention."""
    path = getattr(settings, "LOS_AUDIT_VERIFIER", "")
    return import_string(path) if path else audit.verify_chains


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log; exit 1 and name the first broken event on a break."

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", dest="chains",
                            help="Check only this chain (a municipality id or 'global'); may be repeated.")
        parser.add_argument("--batch-size", type=int, default=10000, help="Events read per query (default 10000).")

    def handle(self, *args, chains=None, batch_size=10000, **options):
        started = time.monotonic()
        n_chains = n_events = 0
        breaks: list[audit.Break] = []
        for result in verifier()(batch_size=batch_size, chains=chains):
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
