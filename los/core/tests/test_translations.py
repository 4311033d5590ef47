"""Bokmål and nynorsk translations are complete for every string in the product."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

PO_FILES = sorted(
    p for root in (Path(settings.BASE_DIR) / "los", Path(settings.BASE_DIR) / "locale")
    for p in root.rglob("LC_MESSAGES/django.po")
)


def test_every_app_with_strings_has_all_three_languages():
    apps = {p.parents[3] for p in PO_FILES}
    assert apps
    for app in apps:
        for language in ("nb", "nn", "en"):
            assert (app / "locale" / language / "LC_MESSAGES" / "django.po").exists() or app.name == "", (app, language)


@pytest.mark.parametrize("po_path", [p for p in PO_FILES if p.parts[-3] in ("nb", "nn")], ids=str)
def test_norwegian_catalog_is_complete(po_path):
    catalog = polib.pofile(str(po_path))
    missing = [e.msgid for e in catalog if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"{po_path}: {len(missing)} untranslated, e.g. {missing[:5]}"
