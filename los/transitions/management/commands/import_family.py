"""Import a family package into the receiving municipality:
``manage.py import_family <file> --municipality <number> --by <username> [--confirm]``.

``--by`` must work in the receiving municipality's coordinating unit (caseworker or unit leader). The package's
signature is checked first. Without ``--confirm`` the command only shows what would be imported and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from los.core.management.operator import active_user
from los.core.models import Municipality
from los.transitions import transfer


class Command(BaseCommand):
    help = "Check a family package from another municipality and, with --confirm, import it (docs/family-transfer.md)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--municipality", required=True, help="The receiving municipality's number.")
        parser.add_argument("--by", required=True, help="Username of the person in the coordinating unit.")
        parser.add_argument("--confirm", action="store_true", help="Import it (without: show what would be imported).")

    def handle(self, *args, **options):
        translation.activate("en")
        municipality = Municipality.objects.filter(number=options["municipality"]).first()
        if municipality is None:
            raise CommandError("No such municipality.")
        actor = active_user(options["by"])
        try:
            verified = transfer.open_package(Path(options["path"]).read_bytes())
            plan = transfer.plan_import(verified, by=actor, municipality=municipality)
            if not options["confirm"]:
                self._show(transfer.preview(plan))
                return
            result = transfer.import_package(verified, by=actor, municipality=municipality)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        record = result.record
        self.stdout.write(f"Imported {sum(record.counts.values())} rows from {record.from_municipality_name}: family id "
                          f"{result.family.pk}, case reference {result.family.reference}. "
                          f"{len(record.adjustments)} adjustments recorded.")

    def _show(self, preview: dict) -> None:
        sender = preview["sender"]
        self.stdout.write(f"Signed by {sender['installation']} (key {sender['key_id']}): verified.")
        self.stdout.write(f"From {sender['municipality']} ({sender['number']}), exported by {sender['exported_by']}.")
        self.stdout.write(f"Family: {preview['family']['display_name']} (case {preview['family']['reference']}), "
                          f"children: {', '.join(c['name'] for c in preview['children']) or 'none'}.")
        for category in preview["categories"]:
            kinds = ", ".join(f"{kind} {n}" for kind, n in category["kinds"])
            self.stdout.write(f"  {category['label']}: {kinds}")
        self.stdout.write(f"Files: {preview['files']['count']} ({preview['files']['bytes']} bytes).")
        for line in preview["adjustments"]:
            self.stdout.write(f"  - {line}")
        self.stdout.write("Nothing was imported. Run again with --confirm to import.")
