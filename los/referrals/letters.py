"""Letters: the decision letter (PDF, WeasyPrint) and the draft preliminary reply, in the family's language.

Every letter is rendered inside ``translation.override(family.preferred_language)`` (bokmål, nynorsk or
English), so the family reads it in its own written language whatever language the caseworker uses.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from los.core.deadlines import (
    APPEAL_RULES,
    AppealBody,
    AppealRule,
    preliminary_reply_due,
    resolve_legal_basis,
)
from los.core.models import CoordinatingUnit
from los.families.models import Family
from los.referrals.models import Request, Vedtak

LETTER_LANGUAGES = ("nb", "nn", "en")
#: The letter is archived as it was sent (los.archive journals it): PDF/A-2, level A (tagged, so that screen
#: readers can read it too).
LETTER_PDF_VARIANT = "pdf/a-2a"

APPEAL_BODY_LABELS: dict[str, str | Promise] = {
    AppealBody.STATSFORVALTEREN: _("the county governor (Statsforvalteren)"),
    AppealBody.NAV_KLAGEINSTANS: _("NAV's appeal unit (Nav klageinstans)"),
    AppealBody.MUNICIPAL_APPEALS_BOARD: _("the municipality's appeals board"),
    AppealBody.COUNTY_APPEALS_BOARD: _("the county's appeals board"),
    AppealBody.SUPERIOR_BODY: _("the body immediately above the one that decided"),
}


def letter_language(family: Family) -> str:
    return family.preferred_language if family.preferred_language in LETTER_LANGUAGES else "nb"


def language_name(code: str) -> str:
    """The name of a letter language in the reader's language: "bokmål", "nynorsk", "English"."""
    return str({"nb": pgettext_lazy("letter language", "bokmål"), "nn": pgettext_lazy("letter language", "nynorsk"),
                "en": pgettext_lazy("letter language", "English")}.get(code, code))


def default_rules(language: str) -> str:
    """The standard statement of the rules for a decision on a barnekoordinator, written in ``language`` (the
    letter's), whatever language the caseworker reads Los in: what is filled in on the form is what the letter
    says."""
    with translation.override(language):
        return str(_("Pasient- og brukerrettighetsloven § 2-5 c: a family that has, or is expecting, a child under 18 "
                     "with a serious illness, injury or reduced function, where the child needs long-term and "
                     "composite health and care services and other welfare services, has the right to a "
                     "barnekoordinator. Helse- og omsorgstjenesteloven § 7-2 a says what the barnekoordinator does."))


def unit_of(family: Family) -> CoordinatingUnit | None:
    return family.municipality.coordinating_units.order_by("pk").first()


def appeal_body_label(code: str) -> str:
    return str(APPEAL_BODY_LABELS.get(code, code))


def appeal_law(vedtak: Vedtak) -> str:
    """The citation of the appeal-deadline rule, e.g. "pasient- og brukerrettighetsloven § 7-5"."""
    try:
        return APPEAL_RULES[AppealRule(vedtak.appeal_rule)].law_reference
    except ValueError:
        return ""


def _decision_context(vedtak: Vedtak) -> dict:
    family = vedtak.family
    return {
        "appeal_law": appeal_law(vedtak),
        "decision_law": resolve_legal_basis(vedtak.legal_basis).law_reference,
        "vedtak": vedtak,
        "family": family,
        "municipality": family.municipality,
        "unit": unit_of(family),
        "children": list(family.children.all()),
        "addressees": [m for m in family.members.all() if m.is_guardian],
        "appeal_body": appeal_body_label(vedtak.appeal_body),
        "request": vedtak.request,
        "today": timezone.localdate(),
    }


def decision_html(vedtak: Vedtak) -> str:
    with translation.override(letter_language(vedtak.family)):
        return render_to_string("referrals/letters/decision.html", _decision_context(vedtak))


def decision_pdf(vedtak: Vedtak) -> bytes:
    """The decision letter as PDF/A-2a bytes. No external resources are fetched (the styles are inline)."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    return HTML(string=decision_html(vedtak), base_url=None).write_pdf(pdf_variant=LETTER_PDF_VARIANT)


def proposed_answer_date(request: Request, today: date | None = None) -> date:
    """A suggested date for the answer, for the caseworker to adjust: two weeks after the one-month point
    or after today, whichever is later."""
    today = today or timezone.localdate()
    return max(today, preliminary_reply_due(request.received)) + timedelta(days=14)


def preliminary_reply_draft(request: Request, expected_by: date, caseworker_name: str = "") -> str:
    """The draft foreløpig svar (fvl § 11 a) as plain text in the family's language."""
    family = request.family
    with translation.override(letter_language(family)):
        return render_to_string("referrals/letters/preliminary_reply.txt", {
            "request": request, "family": family, "unit": unit_of(family), "expected_by": expected_by,
            "caseworker_name": caseworker_name, "today": timezone.localdate(),
        }).strip()
