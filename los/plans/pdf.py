"""The plan as a PDF in the family's written language (bokmål, nynorsk or English), made with WeasyPrint.

The PDF is tagged (PDF/UA-1, WeasyPrint's ``pdf_variant="pdf/ua-1"``), so that screen readers can read it
in order with headings, lists and tables. No external resources are fetched: the styles are inline.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from los.plans import selectors
from los.plans.models import Plan

PDF_LANGUAGES = ("nb", "nn", "en")
PDF_VARIANT = "pdf/ua-1"


def pdf_language(plan: Plan) -> str:
    language = plan.family.preferred_language
    return language if language in PDF_LANGUAGES else "nb"


def plan_html(plan: Plan) -> str:
    language = pdf_language(plan)
    context = selectors.plan_page(plan)
    with translation.override(language):
        return render_to_string("plans/pdf/plan.html", {
            **context, "plan": plan, "family": plan.family, "language": language,
            "children": list(plan.family.children.all()), "today": timezone.localdate(),
            "coordinators": [p for p in context["participants"] if p.kind == "coordinator"],
        })


def plan_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    return HTML(string=plan_html(plan), base_url=None).write_pdf(pdf_variant=PDF_VARIANT)


def filename(plan: Plan) -> str:
    name = plan.family.display_name.translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O",
                                                              "Å": "A"}))
    return f"individuell-plan-{slugify(name)}-v{plan.revision}.pdf"
