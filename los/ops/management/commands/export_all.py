"""``manage.py export_all --output FILE``: an encrypted backup of every table and every uploaded file.

The archive format is described in docs/backup.md. The key comes from ``LOS_BACKUP_KEY`` in the environment;
without it the command refuses to run. ``--generate-key`` prints a new key and exits.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from los.ops import backup, crypto


class Command(BaseCommand):
    help = "Write an encrypted backup archive of the whole database and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Archive file to write ('-' is not allowed: the file is "
                                                   "written next to its final name and renamed when complete).")
        parser.add_argument("--chunk-size", type=int, default=2000, help="Rows read per query (default 2000).")
        parser.add_argument("--database", default="default")
        parser.add_argument("--generate-key", action="store_true",
                            help="Print a new random LOS_BACKUP_KEY and exit.")

    def handle(self, *args, output=None, chunk_size=2000, database="default", generate_key=False, **options):
        if generate_key:
            self.stdout.write(crypto.generate_key())
            return
        if not output:
            raise CommandError("Give the archive file with --output FILE.")
        try:
            key = crypto.load_key()
        except crypto.BackupKeyError as exc:
            raise CommandError(str(exc)) from exc
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} already exists; export_all never overwrites an archive.")
        partial = target.with_name(target.name + ".partial")
        verbose = options["verbosity"] >= 2
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                summary = backup.export_all(out, key, using=database, chunk_size=chunk_size,
                                            progress=self.stdout.write if verbose else backup._quiet)
                out.flush()
                os.fsync(out.fileno())
            partial.rename(target)
        except backup.RestoreError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(self.style.SUCCESS(
            f"Exported {len(summary.tables)} tables ({summary.rows} rows) and {len(summary.files)} files to "
            f"{target} ({summary.bytes} bytes, {summary.frames} encrypted frames) in {summary.seconds:.1f} s."))
