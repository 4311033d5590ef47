"""Expected processing time (saksbehandlingstid) per kind of application, and the waiting flags.

Each application shows how many days it has waited against the time that kind of application is
expected to take, and is flagged when it waits longer than expected and, beyond
``LONG_WAIT_FACTOR`` times the expected time, *unreasonably long* so that the coordinator acts
(asks the agency, helps the family complain about slow processing, contacts the ombudsman).

The expected time comes from, in this order:

1. the application itself (``Application.expected_processing_days``: the agency's own estimate, for
   example from its preliminary reply, foreløpig svar);
2. ``settings.LOS_SERVICEMAP_PROCESSING_DAYS``: an optional dict that overrides the defaults below,
   keyed by catalogue id (``"hjelpestonad"``) or by ``"provider:<kind>"`` (``"provider:nav"``);
3. :data:`DEFAULT_DAYS_BY_CATALOG_ID` for the entry's navigator catalogue id;
4. :data:`DEFAULT_DAYS_BY_PROVIDER_KIND` for the kind of the entry's service provider;
5. :data:`FALLBACK_DAYS`: one month, the point at which forvaltningsloven § 11 a requires a
   preliminary reply for a decision that is not made.

The defaults are starting points, not promises from the agencies:

- NAV: the county tables of expected processing time published by NAV ("Saksbehandlingstider i
  NAV", nav.no) gave 4–8 months for grunn- og hjelpestønad, 6–13 weeks for assistive devices in the
  home, about 1 month for pleiepenger, opplæringspenger and omsorgspenger and 3–7 months for car
  grants. The defaults use the lower end, so that a long wait is flagged rather than hidden.
- Municipal services (avlastning, omsorgsstønad, BPA, støttekontakt): the one-month point of fvl
  § 11 a plus the home visit and assessment most municipalities make: 6 weeks.
- PPT's expert assessment for special needs education: 3 months, the target most municipalities set.
- Referrals to HABU/BUP: the referral is assessed within 10 working days; the defaults allow 60 days
  until the first appointment.

Counting the days waited is plain elapsed time, not a legal deadline; the legal duty to send a
preliminary reply is checked with :func:`los.core.deadlines.needs_preliminary_reply`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from los.core.deadlines import needs_preliminary_reply, preliminary_reply_due

FALLBACK_DAYS = 30
DEFAULT_LONG_WAIT_FACTOR = 1.5

DEFAULT_DAYS_BY_CATALOG_ID: dict[str, int] = {
    "barnekoordinator": 30,
    "individuell_plan": 30,
    "koordinator": 30,
    "grunnstonad": 120,
    "hjelpestonad": 120,
    "omsorgspenger_utvidet": 30,
    "pleiepenger": 30,
    "opplaeringspenger": 30,
    "hjelpemidler": 63,
    "bilstonad": 180,
    "avlastning": 42,
    "omsorgsstonad": 42,
    "pararendeopplaering": 42,
    "bpa": 42,
    "stottekontakt": 42,
    "parkeringstillatelse": 28,
    "ledsagerbevis": 28,
    "barnehage_prioritet": 60,
    "spesialpedagogisk_hjelp": 90,
    "tilrettelegging_barnehage": 60,
    "tilrettelagt_opplaering": 90,
    "ppt": 90,
    "skoleskyss": 42,
    "tt_ordning": 42,
    "habu": 60,
    "bup": 60,
}

DEFAULT_DAYS_BY_PROVIDER_KIND: dict[str, int] = {
    "nav": 90,
    "allocation": 42,
    "avlastning": 42,
    "home_care": 42,
    "ppt": 90,
    "habu": 60,
    "bup": 60,
    "hospital": 60,
    "kindergarten": 42,
    "school": 42,
}


def long_wait_factor() -> float:
    return float(getattr(settings, "LOS_SERVICEMAP_LONG_WAIT_FACTOR", DEFAULT_LONG_WAIT_FACTOR))


def expected_days(catalog_id: str = "", provider_kind: str = "", own: int | None = None) -> tuple[int, str]:
    """The expected processing time in days and where it came from.

    The source is one of ``"application"``, ``"setting"``, ``"catalog"``, ``"provider"``, ``"default"``.
    """
    if own:
        return own, "application"
    overrides: dict = getattr(settings, "LOS_SERVICEMAP_PROCESSING_DAYS", {}) or {}
    if catalog_id and catalog_id in overrides:
        return int(overrides[catalog_id]), "setting"
    if provider_kind and f"provider:{provider_kind}" in overrides:
        return int(overrides[f"provider:{provider_kind}"]), "setting"
    if catalog_id in DEFAULT_DAYS_BY_CATALOG_ID:
        return DEFAULT_DAYS_BY_CATALOG_ID[catalog_id], "catalog"
    if provider_kind in DEFAULT_DAYS_BY_PROVIDER_KIND:
        return DEFAULT_DAYS_BY_PROVIDER_KIND[provider_kind], "provider"
    return FALLBACK_DAYS, "default"


class WaitStatus:
    WITHIN = "within"  # waiting, within the expected time
    OVER = "over"  # longer than expected
    LONG = "long"  # unreasonably long: act


@dataclass(frozen=True)
class Waiting:
    """How long an undecided application has waited."""

    days_waited: int
    expected_days: int
    expected_source: str
    status: str
    preliminary_reply_missing: bool
    preliminary_reply_due: date

    @property
    def days_over(self) -> int:
        return max(0, self.days_waited - self.expected_days)

    @property
    def flagged(self) -> bool:
        return self.status == WaitStatus.LONG

    @property
    def long_after(self) -> float:
        """Days after which the wait is unreasonably long (the status becomes ``LONG``)."""
        return self.expected_days * long_wait_factor()

    @property
    def meter(self) -> dict[str, float]:
        """The bounds of a ``<meter>`` whose colour says what the text says: within the expected time in the
        good region, longer than expected in the middle one, unreasonably long in the bad one (optimum 0, low =
        the expected days, high = the days after which the wait is unreasonably long)."""
        high = self.long_after
        return {"min": 0, "low": self.expected_days, "high": high,
                "max": max(float(self.days_waited), high * 1.25, 1.0), "value": self.days_waited}

    @property
    def percent(self) -> int:
        """Share of the expected time used, for a progress bar (capped at 100)."""
        return min(100, round(100 * self.days_waited / self.expected_days)) if self.expected_days else 100


def evaluate(sent_on: date, today: date, *, expected: int, source: str = "default",
             preliminary_reply_on: date | None = None) -> Waiting:
    """The waiting status of an application sent on ``sent_on`` that has no decision yet."""
    days = max(0, (today - sent_on).days)
    if days > expected * long_wait_factor():
        status = WaitStatus.LONG
    elif days > expected:
        status = WaitStatus.OVER
    else:
        status = WaitStatus.WITHIN
    return Waiting(
        days_waited=days, expected_days=expected, expected_source=source, status=status,
        preliminary_reply_missing=needs_preliminary_reply(
            sent_on, today, decided=False, preliminary_reply_sent=preliminary_reply_on is not None),
        preliminary_reply_due=preliminary_reply_due(sent_on),
    )
