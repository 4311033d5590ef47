"""Compile every .po file in Los to .mo with polib (no GNU gettext needed on the machine)."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the translations (.po → .mo) of all Los apps."
    requires_system_checks = []

    def handle(self, *args, **options):
        roots = [Path(settings.BASE_DIR) / "los", *map(Path, settings.LOCALE_PATHS)]
        count = 0
        for root in roots:
            for po_path in root.rglob("LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"compiled {count} translation files")
