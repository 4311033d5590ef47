"""The languages Los is written in, as it names them: bokmål (nb), nynorsk (nn) and English (en)."""

from __future__ import annotations

from django.utils.translation import get_language

LANGUAGE_CODES = ("nb", "nn", "en")


def page_language() -> str:
    """nb, nn or en: the language the page is shown in (bokmål when the active language is none of them)."""
    code = (get_language() or "nb").lower().split("-")[0]
    return code if code in LANGUAGE_CODES else "nb"
