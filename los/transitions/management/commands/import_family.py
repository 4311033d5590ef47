"""Import a family package into the receiving municipality:
``manage.py import_family <file> --municipality <number> --by <username>``.

``--by`` must work in the receiving municipality's coordinating unit (caseworker or unit leader).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from los.accounts.models import User
from los.core.models import Municipality
from los.transitions import transfer


class Command(BaseCommand):
    help = "Import a family's record from another municipality's package (docs/family-transfer.md)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--municipality", required=True, help="The receiving municipality's number.")
        parser.add_argument("--by", required=True, help="Username of the person in the coordinating unit.")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(number=options["municipality"]).first()
        if municipality is None:
            raise CommandError("No such municipality.")
        actor = User.objects.filter(username=options["by"], is_active=True).first()
        if actor is None:
            raise CommandError("No such active user.")
        try:
            package = transfer.parse(Path(options["path"]).read_bytes())
            result = transfer.import_package(package, by=actor, municipality=municipality)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        record = result.record
        self.stdout.write(f"Imported {sum(record.counts.values())} rows from {record.from_municipality_name}: family id "
                          f"{result.family.pk}, case reference {result.family.reference}. "
                          f"{len(record.adjustments)} adjustments recorded.")
