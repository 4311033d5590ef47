"""Export a family's record for the move the family confirmed:
``manage.py export_family <family id> --by <username> [--output file]``.

The family must have confirmed the move (in its portal, or on paper recorded by its barnekoordinator), and ``--by``
must be the family's barnekoordinator or work in its coordinating unit. The package is signed with this
installation's key (LOS_TRANSFER_SIGNING_KEY) and contains what ``--by`` may see of the family. The export is written
to the audit log as a handover; the file is sensitive and must travel through the municipality's secure channel.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from los.core.management.operator import active_user
from los.families.models import Family
from los.transitions import transfer


class Command(BaseCommand):
    help = "Export a family's record as a signed JSON package (docs/family-transfer.md) for its confirmed move."

    def add_arguments(self, parser):
        parser.add_argument("family_id", type=int)
        parser.add_argument("--by", required=True, help="Username of the person responsible (for the audit log).")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        family = Family.objects.filter(pk=options["family_id"]).select_related("municipality").first()
        if family is None:
            raise CommandError("No such family.")
        actor = active_user(options["by"])
        try:
            data, export = transfer.export_package(family, by=actor)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(data)
            self.stdout.write(f"Exported {export.rows} rows to {options['output']} (package {export.package_id}, "
                              f"SHA-256 {export.sha256}).")
        else:
            self.stdout.write(data.decode())
