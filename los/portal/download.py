"""The family's data as a download (GDPR access and portability).

A zip with ``sammendrag.pdf`` (a readable summary), ``data.json`` (every object of the family in every
app, found generically: every model with a ``family`` foreign key, serialised with Django's
serializers) and ``LESMEG.txt`` (README: what is in it and which information categories the policy
leaves out for the person downloading, e.g. the coordinator's working notes).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from los.access import disclosure
from los.access.classification import FAMILY_DATA
from los.access.models import Category
from los.access.policy import Action, decide, resolve
from los.accounts.models import User
from los.families.models import Family
from los.portal import selectors


def collect(family: Family, user: User) -> tuple[list[dict[str, Any]], Counter, dict[str, list[int]]]:
    """(the objects the user may see, as the redaction step gives them, count per model label, what was left out
    per category: [whole records, single fields of records that are included])."""
    included: list[dict[str, Any]] = []
    counts: Counter = Counter()
    hidden: dict[str, list[int]] = {}
    with disclosure.disclosing_to(user) as viewer:
        for model, objects in selectors.family_objects(family).items():
            for obj in objects:
                values = disclosure.visible_values(obj, viewer)
                if values is None:
                    hidden.setdefault(str(resolve(obj)[1]), [0, 0])[0] += 1
                    continue
                for name in disclosure.withheld_fields(obj, viewer):
                    category = str(FAMILY_DATA[model._meta.label].field_category(name))
                    hidden.setdefault(category, [0, 0])[1] += 1
                included.append({"model": model._meta.label_lower, "pk": obj.pk,
                                 "fields": {k: v for k, v in values.items() if k != "id"}})
                counts[model._meta.label] += 1
    return included, counts, hidden


def _left_out(records: int, fields: int) -> str:
    parts = []
    if records:
        parts.append(ngettext("%(n)d record", "%(n)d records", records) % {"n": records})
    if fields:
        parts.append(ngettext("%(n)d field", "%(n)d fields", fields) % {"n": fields})
    return ", ".join(parts)


def build_zip(family: Family, user: User, lang: str = "nb") -> bytes:
    from weasyprint import HTML

    objects, counts, hidden = collect(family, user)
    now = timezone.now()
    survey = selectors._optional("los.survey.selectors")
    with translation.override(lang):
        hidden_labels = [(str(Category(c).label), _left_out(records, fields))
                         for c, (records, fields) in sorted(hidden.items())]
        # the family's answers to the questionnaire are kept apart from the family (no family key): found here
        # through the family's own invitations, which the policy has just let this user see
        answers = survey.answers_for_download(family, user) if survey is not None else []
        context = {
            "family": family, "now": now, "story": selectors.story_for(family)
            if decide(user, Action.VIEW, family, Category.STORY).allowed else None,
            "members": list(family.members.all()) if decide(user, Action.VIEW, family).allowed else [],
            "children": list(family.children.all()),
            "counts": sorted(counts.items()), "hidden": hidden_labels, "survey_answers": answers,
        }
        with disclosure.disclosing_to(user):
            html = render_to_string("portal/download_summary.html", context)
        pdf = HTML(string=html).write_pdf()
        readme_lines = [
            _("Data about %(family)s in Los, downloaded %(when)s.") % {
                "family": family.display_name, "when": timezone.localtime(now).strftime("%d.%m.%Y %H:%M")},
            "",
            _("sammendrag.pdf: a readable summary."),
            _("data.json: every object about the family, machine-readable (Django JSON format)."),
        ]
        if answers:
            readme_lines.append(_("survey_answers in data.json: your answers to the questionnaire (they are stored "
                                  "without your family's name, and only your family's pages can find them)."))
        readme_lines.append("")
        if hidden_labels:
            readme_lines.append(_("Not included, because the rules for access do not let you see it:"))
            readme_lines += [f"- {label}: {what}" for label, what in hidden_labels]
        else:
            readme_lines.append(_("Everything about the family is included."))
        readme = "\n".join(str(line) for line in readme_lines) + "\n"
    payload = {
        "family": family.pk, "exported_at": now, "exported_by": user.username,
        "hidden_categories": sorted(hidden), "objects": objects, "survey_answers": answers,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LESMEG.txt", readme)
        archive.writestr("sammendrag.pdf", pdf)
        archive.writestr("data.json", json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    return buffer.getvalue()
