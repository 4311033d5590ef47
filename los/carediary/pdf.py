"""The care diary as a dated PDF attachment (WeasyPrint), in the language the family chooses.

It is rendered for the person asking (the project's template engine puts the redaction step on every template
rendered in a request), tagged PDF/UA-1 like the plan, and fetches nothing: the styles are inline. Los only makes
the file; the family attaches it to its application or appeal and sends it through the agency's own channel.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from los.carediary import forms, selectors
from los.carediary.models import CareDiary
from los.families.models import Child

PDF_VARIANT = "pdf/ua-1"


def attachment_html(request: HttpRequest | None, diary: CareDiary, *, start: date, end: date, purpose: str,
                    use: str, language: str, include_notes: bool) -> str:
    summary = selectors.summary(diary, start, end)
    with translation.override(language):
        purposes = dict(forms.PURPOSES)
        return render_to_string("carediary/pdf/attachment.html", {
            "diary": diary, "child": diary.child, "family": diary.family, "summary": summary, "language": language,
            "purpose": purpose, "purpose_label": purposes.get(purpose, ""), "use": use,
            "include_notes": include_notes, "made_on": timezone.localdate(), "made_at": timezone.localtime(),
            "notes": [d for d in summary.days if d.note] if include_notes else [],
        }, request=request)


def attachment_pdf(request: HttpRequest | None, diary: CareDiary, **options) -> bytes:
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    return HTML(string=attachment_html(request, diary, **options), base_url=None).write_pdf(pdf_variant=PDF_VARIANT)


def filename(child: Child, start: date, end: date) -> str:
    name = child.given_name.translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"}))
    return f"pleiedagbok-{slugify(name) or 'barn'}-{start.isoformat()}-{end.isoformat()}.pdf"
