"""``manage.py import_all --input FILE``: restore an export_all archive into an empty, migrated database.

Everything happens in one transaction: if anything does not match the archive's manifest (row counts,
content hashes, files, the audit chain), nothing is kept. ``--verify-only`` reads the whole archive and
checks it without touching the database (a restore test for the backup routine).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from los.ops import backup, crypto


class Command(BaseCommand):
    help = "Restore an encrypted backup archive into an empty database (or check it with --verify-only)."

    def add_arguments(self, parser):
        parser.add_argument("--input", "-i", required=True, help="Archive file written by export_all.")
        parser.add_argument("--chunk-size", type=int, default=2000, help="Rows inserted per batch (default 2000).")
        parser.add_argument("--database", default="default")
        parser.add_argument("--verify-only", action="store_true",
                            help="Only decrypt and check the archive against its manifest; write nothing.")

    def handle(self, *args, input=None, chunk_size=2000, database="default", verify_only=False, **options):  # noqa: A002
        try:
            key = crypto.load_key()
        except crypto.BackupKeyError as exc:
            raise CommandError(str(exc)) from exc
        verbose = options["verbosity"] >= 2
        try:
            with open(input, "rb") as src:
                summary = backup.import_all(src, key, using=database, chunk_size=chunk_size, verify_only=verify_only,
                                            progress=self.stdout.write if verbose else backup._quiet)
        except FileNotFoundError as exc:
            raise CommandError(f"No such archive: {input}") from exc
        except (crypto.BackupKeyError, crypto.ArchiveError, backup.RestoreError) as exc:
            raise CommandError(f"{exc}\nNothing was imported." if not verify_only else str(exc)) from exc
        if verify_only:
            self.stdout.write(self.style.SUCCESS(
                f"The archive is intact: {len(summary.tables)} tables ({summary.rows} rows) and "
                f"{len(summary.files)} files match its manifest ({summary.seconds:.1f} s)."))
            return
        self.stdout.write(self.style.SUCCESS(
            f"Imported {len(summary.tables)} tables ({summary.rows} rows) and {len(summary.files)} files in "
            f"{summary.seconds:.1f} s. Row counts, content hashes, files and the audit chain match the manifest."))
