"""The handover summary as a PDF, made with WeasyPrint in the reader's language.

The PDF is tagged (PDF/UA-1), so that screen readers can read it in order with headings, lists and tables. No
external resources are fetched: the styles are inline. It holds exactly what the page shows the same reader.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from los.transitions.handover import Summary
from los.transitions.models import HandoverSummary

PDF_VARIANT = "pdf/ua-1"


def summary_html(summary: Summary, record: HandoverSummary | None) -> str:
    return render_to_string("transitions/pdf/handover.html", {
        "summary": summary, "record": record, "family": summary.family, "today": timezone.localdate(),
    })


def summary_pdf(summary: Summary, record: HandoverSummary | None) -> bytes:
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    return HTML(string=summary_html(summary, record), base_url=None).write_pdf(pdf_variant=PDF_VARIANT)
