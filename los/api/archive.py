"""A closed case exported for the municipality's archive: one zip with a documented structure.

Reuses the family's own download (:mod:`los.portal.download`: what the policy lets the exporter see,
serialised) and the plan's PDF template (:mod:`los.plans.pdf`); the PDFs here are PDF/A-3b for long-term
keeping.

    README.txt        what is in the package and how it is organised
    metadata.json     the case: reference, municipality, dates, coordinators, exporter, categories left out,
                      and every object the exporter may see (Django JSON serialisation)
    sammendrag.pdf    a readable summary (PDF/A-3b)
    plan-<id>.pdf     each individual plan (PDF/A-3b), when the exporter may see plans
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from los.access.models import Category
from los.access.policy import Action, decide
from los.accounts.models import User
from los.families.models import Family

PDF_VARIANT = "pdf/a-3b"
FORMAT_VERSION = "1"


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)


def build_archive(family: Family, user: User, lang: str = "nb") -> bytes:
    from los.plans.models import Plan
    from los.plans.pdf import plan_html
    from los.portal.download import collect

    objects, counts, hidden = collect(family, user)
    now = timezone.now()
    with translation.override(lang):
        hidden_labels = [(str(Category(c).label), n) for c, n in sorted(hidden.items())]
        summary_html = render_to_string("portal/download_summary.html", {
            "family": family, "now": now, "story": None,
            "members": list(family.members.all()) if decide(user, Action.VIEW, family).allowed else [],
            "children": list(family.children.all()), "counts": sorted(counts.items()), "hidden": hidden_labels,
        })
        plans = [p for p in Plan.objects.filter(family=family).order_by("created_at", "pk")
                 if decide(user, Action.VIEW, p).allowed]
        readme = "\n".join([
            _("Archive package for the closed case %(reference)s (%(family)s), %(municipality)s.") % {
                "reference": family.reference, "family": family.display_name,
                "municipality": family.municipality.name},
            _("Made %(when)s by %(who)s.") % {"when": timezone.localtime(now).strftime("%d.%m.%Y %H:%M"),
                                              "who": user.get_full_name() or user.username},
            "",
            _("README.txt: this description."),
            _("metadata.json: the case and every object in it, machine-readable (Django JSON format)."),
            _("sammendrag.pdf: a readable summary (PDF/A-3b)."),
            _("plan-<id>.pdf: each individual plan (PDF/A-3b)."),
            "",
            (_("Not included, because the rules for access do not let the exporter see it:") + "\n"
             + "\n".join(f"- {label} ({n})" for label, n in hidden_labels)) if hidden_labels
            else _("Everything about the family is included."),
        ]) + "\n"
    metadata: dict[str, Any] = {
        "format": "los-archive", "format_version": FORMAT_VERSION, "exported_at": now,
        "exported_by": {"username": user.username, "name": user.get_full_name()},
        "case": {
            "family_id": family.pk, "reference": family.reference, "display_name": family.display_name,
            "municipality": {"name": family.municipality.name, "number": family.municipality.number},
            "status": family.status, "created_at": family.created_at, "closed_at": family.closed_at,
            "coordinators": [
                {"name": a.coordinator.get_full_name() or a.coordinator.username, "started": a.started,
                 "ended": a.ended, "end_reason": a.end_reason}
                for a in family.coordinator_assignments.select_related("coordinator").order_by("started")],
        },
        "files": ["README.txt", "metadata.json", "sammendrag.pdf", *[f"plan-{p.pk}.pdf" for p in plans]],
        "categories_left_out": sorted(hidden),
        "object_counts": dict(sorted(counts.items())),
        "objects": objects,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("README.txt", readme)
        package.writestr("metadata.json", json.dumps(metadata, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        package.writestr("sammendrag.pdf", _pdf(summary_html))
        for plan in plans:
            package.writestr(f"plan-{plan.pk}.pdf", _pdf(plan_html(plan)))
    return buffer.getvalue()
