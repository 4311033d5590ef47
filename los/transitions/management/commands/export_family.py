"""Export a family's record for its recorded move: ``manage.py export_family <family id> --by <username> [--output f]``.

The family must have a recorded move (with a guardian's consent). The export is written to the audit log as a
handover; the file is sensitive and must travel through the municipality's secure channel.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from los.access import audit
from los.access.models import AuditAction, Category
from los.accounts.models import User
from los.families.models import Family
from los.transitions import transfer


class Command(BaseCommand):
    help = "Export a family's record as a documented JSON package (docs/family-transfer.md) for its recorded move."

    def add_arguments(self, parser):
        parser.add_argument("family_id", type=int)
        parser.add_argument("--by", required=True, help="Username of the person responsible (for the audit log).")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        family = Family.objects.filter(pk=options["family_id"]).select_related("municipality").first()
        if family is None:
            raise CommandError("No such family.")
        actor = User.objects.filter(username=options["by"], is_active=True).first()
        if actor is None:
            raise CommandError("No such active user.")
        try:
            package, export = transfer.export_package(family, by=actor)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        audit.record(actor=actor, action=AuditAction.EXPORT, object_type="Family", object_id=family.pk,
                     municipality_id=family.municipality_id, family_id=family.pk, category=Category.CASE,
                     reason="family record exported with manage.py export_family")
        data = transfer.package_bytes(package)
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(data)
            self.stdout.write(f"Exported {export.rows} rows to {options['output']} (SHA-256 {export.sha256}).")
        else:
            self.stdout.write(data.decode())
