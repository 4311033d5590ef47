"""Small helpers for the referral tests."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

from django.utils import timezone
from pypdf import PdfReader

from los.access.models import ConsentMethod
from los.families.models import Family, FamilyStatus
from los.referrals.models import Request, RequestSource

REASONS = {
    "rules": "Pasient- og brukerrettighetsloven § 2-5 c gir rett til barnekoordinator.",
    "facts": "Mia har cerebral parese og epilepsi og får tjenester fra skole, PPT, fysioterapi og HABU.",
    "considerations": "Behovet for samordning er stort og langvarig; familien bruker mye tid på å koordinere selv.",
}


def request_for(family: Family, days_ago: int = 3, **fields) -> Request:
    received = timezone.localdate() - timedelta(days=days_ago)
    if family.status != FamilyStatus.REQUESTED:
        Family.objects.filter(pk=family.pk).update(status=FamilyStatus.REQUESTED)
        family.refresh_from_db()
    return Request.objects.create(family=family, municipality=family.municipality,
                                  source=fields.pop("source", RequestSource.FAMILY), received=received,
                                  description=fields.pop("description", "Vi trenger hjelp til å samordne."),
                                  consent_method=ConsentMethod.DIGITAL, consent_given_on=received, **fields)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def d(value: str) -> date:
    return date.fromisoformat(value)
