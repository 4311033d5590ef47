"""Legal deadlines: appeal deadlines (klagefrister) and the one-month point for a preliminary reply.

All rules live here, as data plus a few small functions, so that the rest of Los never hard-codes a
deadline. Pure Python, no Django: safe to import without settings. Functions return dates and codes;
the UI layer turns codes into translated text.

How a deadline is counted
-------------------------
*Start.* An appeal deadline runs from the day notice of the decision **reached** the party
(forvaltningsloven (fvl) § 29 first paragraph: "tre uker fra det tidspunkt underretning om vedtaket er
kommet fram til vedkommende part"; pasient- og brukerrettighetsloven (pbrl) § 7-5: from when the person
"fikk eller burde ha fått tilstrekkelig kunnskap til å fremme klage"). The law has no fixed postal
presumption (no "letters arrive after N days" rule), so Los does not invent one: callers pass the
actual date the decision reached the family (for digital post, the day it became available in the
mailbox). If that date is unknown, record it as unknown rather than guessing. If the party asks for
reasons under fvl § 24 second paragraph, the deadline is interrupted and a new one runs from the day the
reasons arrive (fvl § 29): call :func:`appeal_deadline` again with that date.

*Length.* Domstolloven § 148 second paragraph: a deadline set in weeks or months ends on the day of the
last week or month that by name or number corresponds to the day it started; if the last month has no
such day, on the last day of that month. So "3 weeks from Tuesday 3 March" ends on Tuesday 24 March,
and "1 month from 31 January" ends on 28 (29) February. The starting day itself is not counted.

*Extension.* Domstolloven § 149 first paragraph: a deadline that ends on a Saturday, a *helgedag*
(Sunday or public holiday) or a day the law treats as a helgedag (1 and 17 May) is extended to the next
*virkedag*. 24 and 31 December are not such days in Norway and do not extend a deadline.

*Court holidays do not apply.* The rettsferie rule in domstolloven § 140 (frozen deadlines at Easter,
in July–mid August and at Christmas) does not apply to administrative appeals (Lovavdelingen
2004/02280, https://www.regjeringen.no/no/dokumenter/-29---forslag-om-endring-av-forvaltnings/id456280/).

*Lodging in time.* An appeal is in time when it has reached the body or has been handed to a postal
operator before the deadline ends (fvl § 30; compare domstolloven § 146). The appeal is sent to the
body that made the decision, which reconsiders it and forwards it to the appeal body (fvl §§ 32–33;
pbrl § 7-2 first paragraph: "Klagen sendes til den som har truffet enkeltvedtaket"); NAV appeals can
be handed in at any NAV office, which forwards them to the unit that decided.

The week/month and weekend rules are those of domstolloven §§ 148–149. Skatteforvaltningsloven § 5-5
and straffeloven § 13 refer to exactly these sections, foreldelsesloven § 29 repeats them, and
municipal and NAV guidance applies them to fvl, pbrl and ftrl deadlines ("same weekday", "moved to the
next working day"). The verbatim text of fvl § 30 itself could not be checked when this was written.

Sources checked when this module was written (stored copies of public pages)
----------------------------------------------------------------------------
- domstolloven ch. 8 (§§ 145–149): https://lovdata.no/dokument/NL/lov/1915-08-13-5/KAPITTEL_10 and the
  wording of § 148 (2) and § 149 (1) as quoted at https://www.advokat-teigstad.no/straffeloven-13/
- fvl § 29 (3 weeks from notice reaching the party), § 24/§ 29 interruption, posting in time:
  https://jusinfo.no/forvaltningsrett/saksbehandling-nar-enkeltvedtak-er-fattet/underretning-av-enkeltvedtak/,
  https://www.narvik.kommune.no/tjenester/helse-og-omsorg/tildelingskontoret/klage-pa-vedtak/
- fvl § 11 a: https://jusinfo.no/forvaltningsrett/saksbehandlingstid-og-forelopig-svar/saksbehandlingstid/
- pbrl § 7-5 (4 weeks): https://www.helsedirektoratet.no/rundskriv/pasient-og-brukerrettighetsloven-med-kommentarer/klage-mv/-7-5-frist-for-klage
- pbrl § 7-2 (appeal to statsforvalteren, sent to the deciding body):
  https://www.helsedirektoratet.no/rundskriv/pasient-og-brukerrettighetsloven-med-kommentarer/klage-mv
- folketrygdloven § 21-12 (6 weeks) and § 21-1 (fvl applies unless ch. 21 says otherwise):
  https://jusinfo.no/trygderett/klage-og-soksmal/klage-og-soksmal/,
  https://www.nav.no/nav.no-ressurser/lenker/regelverk/lovdata/folketrygdloven--21-4
- 1 and 17 May "jamstelt med søndager": https://lovdata.no/dokument/NL/lov/1947-04-26-1
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from los.core.holidays import working_day_on_or_after

__all__ = [
    "APPEAL_RULES",
    "DECISION_BASES",
    "AppealBody",
    "AppealDeadline",
    "AppealRule",
    "AppealRuleSpec",
    "DecisionBasis",
    "UnknownLegalBasis",
    "add_months",
    "add_weeks",
    "appeal_deadline",
    "extend_to_working_day",
    "needs_preliminary_reply",
    "preliminary_reply_due",
    "resolve_legal_basis",
]


# --------------------------------------------------------------------------------------------------
# Calendar arithmetic (domstolloven §§ 148–149)
# --------------------------------------------------------------------------------------------------


def add_weeks(start: date, weeks: int) -> date:
    """The day ``weeks`` weeks after ``start``, on the same weekday (domstolloven § 148 (2))."""
    return start + timedelta(weeks=weeks)


def add_months(start: date, months: int) -> date:
    """The same day number ``months`` months later, clamped to the end of a shorter month.

    Domstolloven § 148 (2): a deadline in months ends on the day with the same number as the starting
    day; if the last month has no such day, on that month's last day. Examples: 15 Jan + 1 = 15 Feb;
    31 Jan + 1 = 28 Feb (29 Feb in a leap year); 31 Mar + 1 = 30 Apr; 31 Dec + 1 = 31 Jan next year.
    ``months`` may be negative.
    """
    month_index = start.year * 12 + (start.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def extend_to_working_day(last_day: date) -> date:
    """Domstolloven § 149 (1): a deadline ending on a Saturday, Sunday, public holiday or 1/17 May
    moves to the next working day; otherwise it stays."""
    return working_day_on_or_after(last_day)


# --------------------------------------------------------------------------------------------------
# Appeal rules (data)
# --------------------------------------------------------------------------------------------------


class AppealRule(StrEnum):
    """The appeal-deadline rule a decision falls under."""

    FVL = "FVL"  #: forvaltningsloven § 29: 3 weeks (the general rule)
    PBRL = "PBRL"  #: pasient- og brukerrettighetsloven § 7-5: 4 weeks, appeal to statsforvalteren
    FTRL = "FTRL"  #: folketrygdloven § 21-12: 6 weeks, NAV


class AppealBody(StrEnum):
    """Who decides the appeal (klageinstans). Codes; the UI translates them."""

    #: Statsforvalteren (the county governor, formerly Fylkesmannen).
    STATSFORVALTEREN = "statsforvalteren"
    #: Nav klageinstans (the appeal unit of the Norwegian Labour and Welfare Administration).
    NAV_KLAGEINSTANS = "nav_klageinstans"
    #: The municipality's own appeals board (fvl § 28 second paragraph).
    MUNICIPAL_APPEALS_BOARD = "municipal_appeals_board"
    #: The county's own appeals board (fvl § 28 second paragraph).
    COUNTY_APPEALS_BOARD = "county_appeals_board"
    #: The body immediately superior to the one that decided (fvl § 28 first paragraph); for
    #: municipal decisions usually the municipal appeals board unless a special law says otherwise.
    SUPERIOR_BODY = "superior_body"


@dataclass(frozen=True, slots=True)
class AppealRuleSpec:
    """One appeal-deadline rule: its length and where it comes from."""

    rule: AppealRule
    weeks: int
    law_reference: str  #: legal citation (Norwegian short form), not UI text
    default_appeal_body: AppealBody
    source: str


APPEAL_RULES: dict[AppealRule, AppealRuleSpec] = {spec.rule: spec for spec in (
    AppealRuleSpec(
        rule=AppealRule.FVL,
        weeks=3,
        law_reference="forvaltningsloven § 29",
        default_appeal_body=AppealBody.SUPERIOR_BODY,
        source=(
            "fvl § 29 first paragraph (three weeks from notice reaching the party), § 28 (appeal body), "
            "§ 30 (in time when posted), § 32 (sent to the deciding body); "
            "https://jusinfo.no/forvaltningsrett/saksbehandling-nar-enkeltvedtak-er-fattet/"
            "underretning-av-enkeltvedtak/"
        ),
    ),
    AppealRuleSpec(
        rule=AppealRule.PBRL,
        weeks=4,
        law_reference="pasient- og brukerrettighetsloven § 7-5",
        default_appeal_body=AppealBody.STATSFORVALTEREN,
        source=(
            "pbrl § 7-5 (four weeks), § 7-2 (appeal to the statsforvalter, sent to the deciding body); "
            "Helsedirektoratet's circular on pbrl § 7-5: https://www.helsedirektoratet.no/rundskriv/"
            "pasient-og-brukerrettighetsloven-med-kommentarer/klage-mv/-7-5-frist-for-klage"
        ),
    ),
    AppealRuleSpec(
        rule=AppealRule.FTRL,
        weeks=6,
        law_reference="folketrygdloven § 21-12",
        default_appeal_body=AppealBody.NAV_KLAGEINSTANS,
        source=(
            "ftrl § 21-12 (six weeks; appeal to the nearest superior body, in practice Nav klageinstans), "
            "§ 21-1 (forvaltningsloven applies otherwise); "
            "https://jusinfo.no/trygderett/klage-og-soksmal/klage-og-soksmal/"
        ),
    ),
)}


@dataclass(frozen=True, slots=True)
class DecisionBasis:
    """A legal basis a decision (vedtak) can be made under, and the appeal rule that follows from it."""

    key: str  #: canonical key, e.g. ``"pbrl-2-5-c"``
    law_reference: str  #: the decision's own legal basis (citation), e.g. "pbrl. § 2-5 c"
    subject: str  #: short English description for developers and logs (not UI text)
    rule: AppealRule
    appeal_body: AppealBody
    source: str
    #: True for whole-chapter/whole-law keys: "ftrl-9-10" is then found through "ftrl-9".
    covers_subsections: bool = False


_PBRL_SOURCE = (
    "pbrl § 7-2 first paragraph: breaches of chapter 2 can be appealed to the statsforvalter; "
    "deadline pbrl § 7-5 (Helsedirektoratet's circular on pbrl chapter 7)"
)
_OMSORGSSTONAD_SOURCE = (
    "Sivilombudet on omsorgsstønad (Statsforvalteren i Agder case): appeals handled under pbrl chapter 7 "
    "and fvl chapter VI, prepared by the municipality and decided by the statsforvalter"
)
_FTRL_SOURCE = "ftrl § 21-12: decisions under folketrygdloven, six-week deadline, appeal within NAV"


def _pbrl(key: str, law_reference: str, subject: str, source: str = _PBRL_SOURCE) -> DecisionBasis:
    """A right under pbrl chapter 2 (or its counterpart in hol): pbrl § 7-5, appeal to the statsforvalter."""
    return DecisionBasis(key=key, law_reference=law_reference, subject=subject, rule=AppealRule.PBRL,
                         appeal_body=AppealBody.STATSFORVALTEREN, source=source)


def _ftrl(key: str, law_reference: str, subject: str, covers_subsections: bool = False) -> DecisionBasis:
    """A benefit under folketrygdloven: ftrl § 21-12, appeal within NAV."""
    return DecisionBasis(key=key, law_reference=law_reference, subject=subject, rule=AppealRule.FTRL,
                         appeal_body=AppealBody.NAV_KLAGEINSTANS, source=_FTRL_SOURCE,
                         covers_subsections=covers_subsections)


def _fvl(key: str, law_reference: str, subject: str, appeal_body: AppealBody, source: str,
         covers_subsections: bool = False) -> DecisionBasis:
    """A decision under an act with no appeal rule of its own: fvl § 29, to the appeal body the act names."""
    return DecisionBasis(key=key, law_reference=law_reference, subject=subject, rule=AppealRule.FVL,
                         appeal_body=appeal_body, source=source, covers_subsections=covers_subsections)


#: Decision bases Los knows, keyed by canonical key. Keys are normalised with :func:`_normalise`
#: (lower case, ``§`` and spaces removed, segments joined by ``-``; æ/ø/å folded to ae/o/a).
_BASES: tuple[DecisionBasis, ...] = (
    # --- health and care services: pbrl chapter 2 rights -> pbrl § 7-2 / § 7-5 ----------------------
    _pbrl("pbrl-2-5-c", "pasient- og brukerrettighetsloven § 2-5 c",
          "right to a barnekoordinator (child coordinator)",
          _PBRL_SOURCE + "; municipal pages (Ålesund, Inderøy) refer refusals of a barnekoordinator to pbrl § 7-2"),
    _pbrl("pbrl-2-5-b", "pasient- og brukerrettighetsloven § 2-5 b", "right to a coordinator"),
    _pbrl("pbrl-2-5", "pasient- og brukerrettighetsloven § 2-5", "right to an individual plan (individuell plan)"),
    _pbrl("pbrl-2-1-d", "pasient- og brukerrettighetsloven § 2-1 d, jf. helse- og omsorgstjenesteloven § 3-8",
          "user-controlled personal assistance (BPA)",
          _PBRL_SOURCE + "; the right to BPA is pbrl § 2-1 d, in force 1 January 2015 (Helsedirektoratet's "
          "commentary: https://helsedirektoratet.no/rundskriv/pasient-og-brukerrettighetsloven-med-kommentarer/"
          "rett-til-helse-og-omsorgstjenester-og-transport-/rett-til-brukerstyrt-personlig-assistanse)"),
    _pbrl("pbrl-2-8", "pasient- og brukerrettighetsloven § 2-8, jf. helse- og omsorgstjenesteloven § 3-6",
          "respite care (avlastning) and care allowance (omsorgsstønad) for heavy care work",
          _PBRL_SOURCE + "; " + _OMSORGSSTONAD_SOURCE),
    _pbrl("hol-3-6", "helse- og omsorgstjenesteloven § 3-6, jf. pasient- og brukerrettighetsloven § 2-8",
          "respite care (avlastning) and care allowance (omsorgsstønad) for heavy care work",
          _PBRL_SOURCE + "; " + _OMSORGSSTONAD_SOURCE),
    _pbrl("hol-3-2", "helse- og omsorgstjenesteloven § 3-2, jf. pasient- og brukerrettighetsloven § 2-1 a",
          "municipal health and care services (e.g. home nursing, personal assistance)"),
    # --- NAV: folketrygdloven -> ftrl § 21-12 -------------------------------------------------------
    _ftrl("ftrl-6-3", "folketrygdloven § 6-3", "basic benefit (grunnstønad)"),
    _ftrl("ftrl-6-4", "folketrygdloven § 6-4", "attendance benefit (hjelpestønad)"),
    _ftrl("ftrl-9", "folketrygdloven kapittel 9",
          "benefits for caring for a sick child (omsorgspenger, pleiepenger, opplæringspenger)",
          covers_subsections=True),
    _ftrl("ftrl-10", "folketrygdloven kapittel 10",
          "assistive devices and other benefits to improve function (hjelpemidler m.m.)", covers_subsections=True),
    # --- other welfare services: the general rule, fvl § 29 -----------------------------------------
    _fvl("barnehageloven", "barnehageloven",
         "kindergarten decisions (special-needs support, adaptation for disability)",
         AppealBody.STATSFORVALTEREN,
         "Udir, Spesialpedagogisk hjelp 7.6 Klageadgang: statsforvalteren is the appeal body, deadline "
         "three weeks under fvl § 29 (https://www.udir.no/laring-og-trivsel/spesialpedagogikk/"
         "spesialpedagogisk-hjelp/Spesialpedagogisk-hjelp/Fase-4-Vedtaksfasen/klageadgang/)",
         covers_subsections=True),
    _fvl("opplaeringslova", "opplæringslova",
         "school decisions (individually adapted education, school transport, assistance)",
         AppealBody.STATSFORVALTEREN,
         "Prop. 57 L (2022–2023) ch. 59: the statsforvalter is the appeal body for a range of "
         "decisions under opplæringslova; the act sets no special deadline, so fvl § 29 applies",
         covers_subsections=True),
    _fvl("tt", "fylkeskommunens regler for TT-ordningen",
         "county door-to-door transport for people with disabilities (TT card)",
         AppealBody.COUNTY_APPEALS_BOARD,
         "TT is not a statutory right; granting it is an enkeltvedtak (Sivilombudet, 'Klageadgangen i "
         "sak om TT-kort'); with no special rule fvl § 29 applies, appeal body per fvl § 28 second "
         "paragraph (the county's appeals board) - assumption, check the county's own rules"),
    _fvl("parking", "forskrift om parkeringstillatelse for forflytningshemmede",
         "disabled parking permit",
         AppealBody.MUNICIPAL_APPEALS_BOARD,
         "municipal pages (Farsund, Skiptvet, Sandnes): three weeks, the municipality's appeals board "
         "(https://www.farsund.kommune.no/parkeringstillatelse-for-forflytningshemmede.544281.no.html)"),
)

DECISION_BASES: dict[str, DecisionBasis] = {basis.key: basis for basis in _BASES}

#: Alternative spellings accepted by :func:`resolve_legal_basis` (normalised form -> canonical key).
_ALIASES: dict[str, str] = {
    "barnekoordinator": "pbrl-2-5-c",
    "pasrl-2-5-c": "pbrl-2-5-c",
    "pasientrettighetsloven-2-5-c": "pbrl-2-5-c",
    "individuell-plan": "pbrl-2-5",
    "bpa": "pbrl-2-1-d",
    "brukerstyrt-personlig-assistanse": "pbrl-2-1-d",
    "hol-3-8": "pbrl-2-1-d",
    "pasient-og-brukerrettighetsloven-2-1-d": "pbrl-2-1-d",
    "helse-og-omsorgstjenesteloven-3-8": "pbrl-2-1-d",
    "avlastning": "hol-3-6",
    "omsorgsstonad": "hol-3-6",
    "hol-3-6-1": "hol-3-6",
    "grunnstonad": "ftrl-6-3",
    "hjelpestonad": "ftrl-6-4",
    "barnehagelova": "barnehageloven",
    "bhgl": "barnehageloven",
    "opplaeringsloven": "opplaeringslova",
    "oppll": "opplaeringslova",
    "tilrettelagt-transport": "tt",
    "tt-kort": "tt",
    "parkering": "parking",
    "parkeringstillatelse": "parking",
}

#: Citations of the deadline rules themselves, accepted like the rule codes.
_RULE_CITATIONS: dict[str, str] = {
    "fvl-29": "FVL",
    "forvaltningsloven-29": "FVL",
    "pbrl-7-5": "PBRL",
    "pasient-og-brukerrettighetsloven-7-5": "PBRL",
    "ftrl-21-12": "FTRL",
    "folketrygdloven-21-12": "FTRL",
}

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def _normalise(text: str) -> str:
    """``"Pbrl. § 2-5 c"`` and ``"pbrl §2-5c"`` -> ``"pbrl-2-5-c"``."""
    folded = text.strip().lower().translate(_FOLD).replace("§", " ")
    folded = re.sub(r"(?<=\d)(?=[a-z])", " ", folded)  # "2-5c" -> "2-5 c"
    return "-".join(part for part in re.split(r"[\s._/-]+", folded) if part)


class UnknownLegalBasis(LookupError):  # noqa: N818 - name fixed by the API contract
    """Raised when Los has no appeal rule for a legal basis. Never guess a deadline instead."""

    def __init__(self, legal_basis: str) -> None:
        super().__init__(f"No appeal rule is registered for legal basis {legal_basis!r}.")
        self.legal_basis = legal_basis


def resolve_legal_basis(legal_basis: str) -> DecisionBasis:
    """Find the registered :class:`DecisionBasis` for ``legal_basis``.

    Accepts a canonical key (``"pbrl-2-5-c"``), a citation-like spelling (``"pbrl § 2-5 c"``), an
    alias (``"barnekoordinator"``) or a rule code (``"FVL"``, ``"PBRL"``, ``"FTRL"``, or the rule's own
    citation such as ``"fvl § 29"``; these give the rule's default appeal body). Keys marked ``covers_subsections`` also match longer references
    (``"ftrl § 9-10"`` -> ``ftrl-9``). Raises :class:`UnknownLegalBasis` otherwise.
    """
    key = _normalise(legal_basis)
    if not key:
        raise UnknownLegalBasis(legal_basis)
    upper = _RULE_CITATIONS.get(key, key.upper())
    if upper in AppealRule.__members__:
        spec = APPEAL_RULES[AppealRule(upper)]
        return DecisionBasis(
            key=upper,
            law_reference=spec.law_reference,
            subject="general rule",
            rule=spec.rule,
            appeal_body=spec.default_appeal_body,
            source=spec.source,
        )
    key = _ALIASES.get(key, key)
    if key in DECISION_BASES:
        return DECISION_BASES[key]
    parts = key.split("-")
    for length in range(len(parts) - 1, 0, -1):
        candidate = DECISION_BASES.get("-".join(parts[:length]))
        if candidate is not None and candidate.covers_subsections:
            return candidate
    raise UnknownLegalBasis(legal_basis)


# --------------------------------------------------------------------------------------------------
# Appeal deadline
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AppealDeadline:
    """The computed appeal deadline for one decision."""

    deadline: date  #: last day to lodge the appeal (already moved past weekends and holidays)
    nominal_deadline: date  #: the same-weekday date before the domstolloven § 149 extension
    weeks: int
    rule: AppealRule
    law_reference: str  #: the deadline rule, e.g. "pasient- og brukerrettighetsloven § 7-5"
    appeal_body: AppealBody  #: who decides the appeal; the appeal is *sent* to the deciding body
    legal_basis: str  #: canonical key of the decision's legal basis
    decision_law_reference: str  #: the decision's own legal basis, e.g. "… § 2-5 c"
    source: str  #: where the rule comes from

    @property
    def extended(self) -> bool:
        """True when the deadline was moved because it ended on a non-working day."""
        return self.deadline != self.nominal_deadline


def appeal_deadline(decision_received: date, legal_basis: str) -> AppealDeadline:
    """Compute the appeal deadline for a decision made under ``legal_basis``.

    ``decision_received`` is the day the decision reached the party (see the module docstring: no
    postal-delay presumption is added). The deadline is ``weeks`` weeks later on the same weekday
    (domstolloven § 148 (2)), moved to the next working day if that is a Saturday, Sunday, public
    holiday or 1/17 May (domstolloven § 149 (1)). The appeal is in time if it is posted or delivered
    no later than that day.

    Raises :class:`UnknownLegalBasis` if Los has no rule for ``legal_basis``.
    """
    basis = resolve_legal_basis(legal_basis)
    spec = APPEAL_RULES[basis.rule]
    nominal = add_weeks(decision_received, spec.weeks)
    return AppealDeadline(
        deadline=extend_to_working_day(nominal),
        nominal_deadline=nominal,
        weeks=spec.weeks,
        rule=spec.rule,
        law_reference=spec.law_reference,
        appeal_body=basis.appeal_body,
        legal_basis=basis.key,
        decision_law_reference=basis.law_reference,
        source=f"{spec.source}; {basis.source}" if basis.source != spec.source else spec.source,
    )


# --------------------------------------------------------------------------------------------------
# Preliminary reply (fvl § 11 a)
# --------------------------------------------------------------------------------------------------

#: Default warning period before the one-month point, in days.
PRELIMINARY_REPLY_WARNING_DAYS = 7


def preliminary_reply_due(received: date) -> date:
    """The one-month point of fvl § 11 a third paragraph for a request received on ``received``.

    Fvl § 11 a: the body must decide "uten ugrunnet opphold"; if a request will take
    disproportionately long, it must send a preliminary reply (foreløpig svar) "snarest mulig",
    explaining why and when an answer can be expected; and in cases about an enkeltvedtak a
    preliminary reply *must* be sent if the request cannot be answered within one month of receipt.

    "One month" is counted as in domstolloven § 148 (2): the same day number in the next month,
    or that month's last day if it is shorter (31 January -> 28/29 February). The date is **not**
    moved past weekends or holidays: it is a duty of the administration, not a party's deadline, and
    flagging earlier is the safe side.
    """
    return add_months(received, 1)


def needs_preliminary_reply(
    received: date,
    today: date,
    decided: bool,
    *,
    warn_days: int = PRELIMINARY_REPLY_WARNING_DAYS,
    preliminary_reply_sent: bool = False,
) -> bool:
    """True when a request still needs a preliminary reply under fvl § 11 a.

    Flags an undecided request from ``warn_days`` days before the one-month point
    (:func:`preliminary_reply_due`) and stays flagged after it has passed. Never flags a request that
    is decided or already has a preliminary reply.
    """
    if warn_days < 0:
        raise ValueError("warn_days must not be negative.")
    if decided or preliminary_reply_sent:
        return False
    return today >= preliminary_reply_due(received) - timedelta(days=warn_days)
