"""Access to services, for the municipality: are applications refused, appealed and reversed, and is what is granted
delivered? Each figure beside the national family survey 2023 (NTNU Samfunnsforskning), so that a municipality
sees where it stands. Aggregated only; small numbers hidden like every other figure (:mod:`los.stats.suppression`).
Each figure is documented in ``docs/statistics.md`` ("Access to services").

A *vedtak* here is a decision on an application for a service or benefit recorded on a family's service map
(``servicemap.Application``), not the decision on a barnekoordinator (``referrals.Vedtak``).
"""

from __future__ import annotations

import statistics as stdlib_statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from los.stats.tables import COUNT, DAYS, PERCENT, Cell, Derived, Row, Table, count_table, small, statistic

OTHER = "other"

#: The national family survey 2023 (NTNU Samfunnsforskning): of the families who applied, the share refused at
#: least once, by service (per cent).
NATIONAL_REFUSED = {"bpa": 75, "omsorgsstonad": 50, "avlastning": 35, "stottekontakt": 35, "grunnstonad": 31,
                    "hjelpestonad": 31, "tilrettelagt_opplaering": 25, "spesialpedagogisk_hjelp": 25}
#: … the share of those refused who appealed.
NATIONAL_APPEALED = 55
#: … the share of appeals that succeeded (a range across services).
NATIONAL_APPEALS_SUCCEED = "63–89"
#: … the share who had a decision that was granted but not followed up (approximate: "just over 60 %", "just
#: under half", "just under 40 %").
NATIONAL_NOT_DELIVERED = {"stottekontakt": 60, "avlastning": 45, "tilrettelagt_opplaering": 40,
                          "spesialpedagogisk_hjelp": 40}
SOURCE = gettext_lazy("National family survey 2023 (NTNU Samfunnsforskning): shares of the families who applied. "
                      "The survey counts families, Los counts decisions; read them as a rough comparison.")

DECIDED = ("granted", "partly_granted", "refused")
SENT_APPEALS = ("sent", "reconsidering", "forwarded", "decided")
OPEN_APPEALS = ("sent", "reconsidering", "forwarded")


def _label(catalog_id: str) -> str:
    from los.servicemap import catalog

    return catalog.label(catalog_id) if catalog_id and catalog_id != OTHER else _("Other services")


@dataclass
class AccessFigures:
    """The counts behind the figures, per catalogue id (``other`` for entries without one)."""

    decisions: dict[str, list[int]] = field(default_factory=dict)  # granted, partly, refused
    appealed: dict[str, list[int]] = field(default_factory=dict)  # appealed, not appealed (of refused or partly)
    outcomes: dict[str, int] = field(default_factory=dict)  # appeal outcome -> count
    delivery: dict[str, list[int]] = field(default_factory=dict)  # as granted, shortfall, declined
    share: dict[str, tuple[float, float, int]] = field(default_factory=dict)  # granted, delivered, grants
    processing: dict[str, list[int]] = field(default_factory=dict)  # days from sent to decision


def access_figures(municipality_ids: Sequence[int], period, today: date) -> AccessFigures:
    """Count decisions, appeals and deliveries in the municipalities for ``period`` (a ``selectors.Period``); what
    stands "now" (open appeals, grants delivered or not) is taken on the period's last day up to today."""
    from los.servicemap import delivery
    from los.servicemap.models import Appeal, Application, ServiceEntry
    from los.servicemap.selectors import followed_grants, shortfalls_of

    ids = list(municipality_ids)
    out = AccessFigures()
    last = min(period.end, today)
    decided = (Application.objects.filter(municipality_id__in=ids, decision__in=DECIDED)
               .annotate(day=Coalesce("decision_on", "decision_received_on"),
                         appealed=Exists(Appeal.objects.filter(application=OuterRef("pk"),
                                                               status__in=SENT_APPEALS)))
               .filter(day__gte=period.start, day__lte=last))
    column = {"granted": 0, "partly_granted": 1, "refused": 2}
    counted = (decided.values("entry__catalog_id", "decision")
               .annotate(n=Count("pk"), n_appealed=Count("pk", filter=Q(appealed=True))).order_by())
    for row in counted:
        key = row["entry__catalog_id"] or OTHER
        out.decisions.setdefault(key, [0, 0, 0])[column[row["decision"]]] += row["n"]
        if row["decision"] != "granted":
            pair = out.appealed.setdefault(key, [0, 0])
            pair[0] += row["n_appealed"]
            pair[1] += row["n"] - row["n_appealed"]
    timed = (decided.filter(sent_on__isnull=False, day__gte=F("sent_on"))
             .annotate(days=ExpressionWrapper(F("day") - F("sent_on"), output_field=DurationField()))
             .values_list("entry__catalog_id", "days"))
    for catalog_id, days in timed:
        out.processing.setdefault(catalog_id or OTHER, []).append(days.days if hasattr(days, "days") else int(days))
    closed = Appeal.objects.filter(municipality_id__in=ids, outcome_on__gte=period.start, outcome_on__lte=last)
    for outcome in closed.exclude(outcome="pending").values_list("outcome", flat=True):
        out.outcomes[outcome] = out.outcomes.get(outcome, 0) + 1
    # "open" and the delivery figures are taken at the end of the period (never a live "now"), so that two
    # requests a day apart cannot be subtracted to single out one family
    out.outcomes["open"] = (Appeal.objects.filter(municipality_id__in=ids, sent_on__lte=last)
                            .exclude(status__in=("preparing", "withdrawn"))
                            .filter(Q(outcome_on__isnull=True) | Q(outcome_on__gt=last)).count())

    from los.families.models import Family

    families = Family.objects.filter(municipality_id__in=ids).values("pk")
    followed = followed_grants(families, last)
    short = {s.entry.pk for s in shortfalls_of(followed, last)}
    for entry_id, catalog_id in followed.values_list("pk", "catalog_id"):
        out.delivery.setdefault(catalog_id or OTHER, [0, 0, 0])[1 if entry_id in short else 0] += 1
    declined = ServiceEntry.objects.filter(municipality_id__in=ids, state__in=("granted", "partly_granted"),
                                           declined_on__isnull=False, declined_on__lte=last)
    for catalog_id in declined.values_list("catalog_id", flat=True):
        out.delivery.setdefault(catalog_id or OTHER, [0, 0, 0])[2] += 1

    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for entry in followed.prefetch_related("deliveries"):
        grant_from, grant_to = delivery.grant_window(entry, entry.decided)
        granted = delivery.granted_between(entry.extent_amount, entry.extent_per, grant_from, grant_to,
                                           period.start, last)
        if not granted:
            continue
        row = sums[entry.catalog_id or OTHER]
        row[0] += granted
        row[1] += delivery.delivered_between(entry.deliveries.all(), period.start, last)
        row[2] += 1
    out.share = {k: (v[0], v[1], int(v[2])) for k, v in sums.items()}
    return out


def _ordered(keys: Iterable[str]) -> list[str]:
    """Alphabetical by label, never by numbers that may be hidden."""
    return sorted(keys, key=lambda k: (k == OTHER, _label(k)))


def _national(table: dict[str, int]):
    return lambda key: table.get(key)


def decisions_table(f: AccessFigures, protect: bool) -> Table:
    return count_table(
        id="service_decisions", title=_("Refusals, by service"),
        caption=_("Decisions on applications for services and benefits in the period, by service, beside the share "
                  "refused in the national family survey"),
        row_header=_("Service"), columns=[_("Granted"), _("Partly granted"), _("Refused")],
        total_column_label=_("Decisions"), protect=protect, total_label=_("All services"),
        rows=[(k, _label(k), f.decisions[k]) for k in _ordered(f.decisions)],
        derived=[Derived(_("Share refused"), 2, "total")],
        reference=[(_("Refused, national survey"), _national(NATIONAL_REFUSED), PERCENT)],
        notes=[SOURCE, _("A partly granted decision can be appealed too; it is not counted as refused.")],
    )


def appeals_table(f: AccessFigures, protect: bool) -> Table:
    return count_table(
        id="service_appeals", title=_("Appeals, by service"),
        caption=_("Decisions in the period that refused or only partly granted an application, by whether the family "
                  "has appealed"),
        row_header=_("Service"), columns=[_("Appealed"), _("Not appealed")], total_column_label=_("Refused or partly"),
        protect=protect, total_label=_("All services"),
        rows=[(k, _label(k), f.appealed[k]) for k in _ordered(f.appealed)],
        derived=[Derived(_("Share appealed"), 0, "total")],
        reference=[(_("Appealed, national survey"), lambda key: NATIONAL_APPEALED if key == "total" else None,
                    PERCENT)],
        notes=[SOURCE, _("An appeal still being written is not counted as appealed.")],
    )


OUTCOMES = [("granted", gettext_lazy("Granted after the appeal")),
            ("partly_granted", gettext_lazy("Partly granted after the appeal")),
            ("sent_back", gettext_lazy("Set aside, to be decided again")),
            ("refused", gettext_lazy("Not upheld: still refused"))]


def outcomes_table(f: AccessFigures, protect: bool) -> Table:
    decided = [f.outcomes.get(k, 0) for k, _label in OUTCOMES]
    table = count_table(
        id="appeal_outcomes", title=_("Appeal outcomes"),
        caption=_("Appeals decided in the period, by outcome"), row_header=_("Outcome"), columns=[_("Appeals")],
        row_totals=False, protect=protect, total_label=_("All appeals decided"),
        rows=[(k, label, [n]) for (k, label), n in zip(OUTCOMES, decided, strict=True)],
        derived=[Derived(_("Share"), 0, "column_total")],
        notes=[_("In the national family survey 2023, %(range)s %% of appeals succeeded, depending on the service.")
               % {"range": NATIONAL_APPEALS_SUCCEED},
               _("Appeals still open at the end of the period: %(n)s.") % {"n": _hidden_or(f.outcomes.get("open", 0), protect)}],
    )
    succeeded = _sum(table, ["granted", "partly_granted"])
    total = table.cell("total", 0)
    table.rows.append(Row("succeeded", _("Succeeded (granted or partly granted)"), [
        succeeded, _share(succeeded, total)]))
    return table


def _hidden_or(n: int, protect: bool) -> str:
    return ":" if small(n, protect).hidden else str(n)


def _sum(table: Table, keys: list[str]) -> Cell:
    cells = [table.cell(k, 0) for k in keys]
    if any(c is None or c.hidden for c in cells):
        return Cell(None, COUNT, hidden=True)
    return Cell(sum(c.value or 0 for c in cells))


def _share(part: Cell, whole: Cell | None) -> Cell:
    if whole is None or part.hidden or whole.hidden:
        return Cell(None, PERCENT, hidden=True)
    if not whole.value:
        return Cell(None, PERCENT)
    return Cell(part.value / whole.value * 100, PERCENT)


def delivery_table(f: AccessFigures, protect: bool) -> Table:
    return count_table(
        id="not_delivered", title=_("Granted but not delivered, by service"),
        caption=_("Granted services with an extent (hours, nights, visits) that Los follows now, by whether they are "
                  "delivered as granted, beside the national family survey"),
        row_header=_("Service"), columns=[_("Delivered as granted"), _("Not delivered as granted"),
                                          _("Declined by the family")],
        total_column_label=_("Granted"), protect=protect, total_label=_("All services"),
        rows=[(k, _label(k), f.delivery[k]) for k in _ordered(f.delivery)],
        derived=[Derived(_("Share not delivered"), 1, "total")],
        reference=[(_("Not followed up, national survey"), _national(NATIONAL_NOT_DELIVERED), PERCENT)],
        notes=[SOURCE, _("Not delivered as granted: nothing recorded as delivered for the municipality's number of "
                         "weeks, or less than its share of the granted extent in the last quarter.")],
    )


def share_table(f: AccessFigures, protect: bool) -> Table:
    rows = []
    for key in _ordered(f.share):
        granted, delivered, n = f.share[key]
        rows.append(Row(key, _label(key), [small(n, protect),
                                           statistic(delivered / granted * 100 if granted else None, n, protect,
                                                     PERCENT)]))
    return Table(id="delivery_share", title=_("Delivered as a share of granted, by service"),
                 caption=_("What was recorded as delivered in the period as a share of what was granted, by service"),
                 row_header=_("Service"), columns=[_("Grants"), _("Share delivered")], rows=rows, protected=protect,
                 notes=[_("Hidden where fewer than five grants are counted.")])


def processing_table(f: AccessFigures, protect: bool) -> Table:
    rows = []
    for key in _ordered(f.processing):
        days = f.processing[key]
        rows.append(Row(key, _label(key), [small(len(days), protect),
                                           statistic(float(stdlib_statistics.median(days)), len(days), protect,
                                                     DAYS)]))
    return Table(id="processing_time", title=_("Processing time, by service"),
                 caption=_("Median days from the application was sent to the decision, for decisions in the period"),
                 row_header=_("Service"), columns=[_("Decisions"), _("Median days")], rows=rows, protected=protect,
                 notes=[_("Hidden where fewer than five decisions are counted.")])


def tables(municipality_ids: Sequence[int], period, today: date, protect: bool) -> list[Table]:
    f = access_figures(municipality_ids, period, today)
    return [decisions_table(f, protect), appeals_table(f, protect), outcomes_table(f, protect),
            delivery_table(f, protect), share_table(f, protect), processing_table(f, protect)]

