"""``manage.py audit_anchor``: append the head of every audit chain to the anchor outside the database.

    manage.py audit_anchor                     # to LOS_AUDIT_ANCHOR_FILE
    manage.py audit_anchor --file PATH         # to another file; ``--file -``: to standard output
    manage.py audit_anchor --enqueue           # as a background task (written where the worker runs)
    manage.py audit_anchor --generate-key ID   # print a new LOS_AUDIT_KEY with the key id ID

Meant for a timer (every 15 minutes, say; docs/security.md has a systemd timer and a cron line). Each run
writes one line per chain whose head moved since the file's last line for it (``--all``: every chain), each
line signed with the audit key (``los.access.anchor``). Before writing it announces in ``global`` any chain
that was never announced and seals any chain that ends with events written without the audit key (an
installation upgraded from before keyed chains: run it once after the upgrade).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from los.access import anchor, audit_keys


class Command(BaseCommand):
    help = "Append the head of every audit chain to the anchor file outside the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="Anchor file (default LOS_AUDIT_ANCHOR_FILE); '-' for standard output.")
        parser.add_argument("--all", action="store_true", help="Write every chain, not only those that moved.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the background task instead.")
        parser.add_argument("--generate-key", metavar="KEY_ID", help="Print a new audit key with this id and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            try:
                self.stdout.write(audit_keys.generate(options["generate_key"]))
            except audit_keys.AuditKeyError as exc:
                raise CommandError(str(exc)) from None
            return
        path = options["file"] or settings.LOS_AUDIT_ANCHOR_FILE
        if not path:
            raise CommandError("Set LOS_AUDIT_ANCHOR_FILE (a file outside the database's reach) or give --file.")
        if options["enqueue"]:
            from los.access.tasks import write_audit_anchor

            result = write_audit_anchor.enqueue("" if path == settings.LOS_AUDIT_ANCHOR_FILE else path)
            self.stdout.write(f"Queued the anchor task ({result.id}).")
            return
        try:
            written = anchor.write(path, all_chains=options["all"])
        except OSError as exc:
            raise CommandError(f"Cannot write the anchor file {path}: {exc.strerror}") from None
        if path == "-":
            self.stdout.write("".join(written.lines), ending="")
            return
        for chain in written.announced:
            self.stdout.write(f"Announced chain {chain} in the global chain (it was opened before announcements).")
        for chain in written.sealed:
            self.stdout.write(f"Sealed chain {chain}: it ended with events written without the audit key.")
        self.stdout.write(self.style.SUCCESS(
            f"Anchored {len(written.lines)} of {written.chains} chains to {path}."))
