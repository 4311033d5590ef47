"""The statistics pages as data: summary sentences, key figures, and sections of tables with charts.

Views render these; the CSV and XLSX downloads write the same :class:`~los.stats.tables.Table` objects,
so a download holds exactly the numbers on the page (hidden ones hidden).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from los.accounts.models import PositionType, User
from los.core.models import ProviderKind
from los.families.models import ConditionCategory
from los.referrals.criteria import LEGAL_LABELS
from los.referrals.models import REFERRAL_CATEGORY
from los.stats import national, selectors, services_access
from los.stats.charts import Series, bar_chart
from los.stats.formatting import number
from los.stats.tables import (
    COUNT,
    DAYS,
    DECIMAL,
    PERCENT,
    TEXT,
    Cell,
    Derived,
    Row,
    Table,
    count_table,
    figures_table,
    small,
    statistic,
    unavailable,
)

Label = str | Promise
MAX_CHART_ROWS = 30


@dataclass
class Figure:
    table: Table
    chart: SafeString | None = None
    show_table: bool = False  # the table in full under the chart (not folded away)


@dataclass
class Section:
    id: str
    title: Label
    intro: Label = ""
    figures: list[Figure] = field(default_factory=list)
    links: list[tuple[str, Label]] = field(default_factory=list)


@dataclass
class Page:
    summary: list[str]
    key: Table
    sections: list[Section]
    protected: bool = False
    now_on: date | None = None  # the day the figures "now" are from, when not today (a snapshot)

    @property
    def tables(self) -> list[Table]:
        return [self.key] + [f.table for s in self.sections for f in s.figures]


# --------------------------------------------------------------------------------------------------
# Charts from tables
# --------------------------------------------------------------------------------------------------


def chart_for(table: Table, columns: Sequence[int], *, names: Sequence[str] | None = None,
              percent: bool = False, limit: int = MAX_CHART_ROWS, title: str | None = None) -> SafeString | None:
    """A bar chart of some columns of a table's body rows (hidden cells say "hidden")."""
    rows = table.body_rows[:limit]
    if not rows or not table.available:
        return None
    series = [Series(name=str(names[k]) if names else str(table.columns[c]),
                     values=[r.cells[c].number for r in rows]) for k, c in enumerate(columns)]
    if not any(v for s in series for v in s.values):  # nothing to draw: all zero or hidden
        return None

    def fmt(value: float) -> str:
        return number(value, PERCENT if percent else COUNT)

    return bar_chart(chart_id=f"chart-{table.id}", title=title or str(table.title), labels=[str(r.label) for r in rows],
                     series=series, value_format=fmt, max_value=100 if percent else None)


def _percent(numerator: Cell, denominator: Cell) -> Cell:
    if numerator.hidden or denominator.hidden:
        return Cell(None, PERCENT, hidden=True)
    if not denominator.value:
        return Cell(None, PERCENT)
    return Cell(numerator.value / denominator.value * 100, PERCENT)


# --------------------------------------------------------------------------------------------------
# Tables shared by the unit dashboard and the municipal statistics
# --------------------------------------------------------------------------------------------------


def coverage_table(cover: selectors.Coverage, protect: bool) -> Table:
    return count_table(
        id="coverage", title=_("Families with and without a barnekoordinator"),
        caption=_("Families now, by whether they have a barnekoordinator"),
        row_header=_("Families"), columns=[_("Number of families")], row_totals=False, col_totals=True,
        protect=protect, total_label=_("All families with a barnekoordinator or a need for one"),
        rows=[("with_coordinator", _("Have a barnekoordinator"), [cover.with_coordinator]),
              ("granted_waiting", _("Granted, waiting for a barnekoordinator"), [cover.granted_waiting]),
              ("refused_appealed", _("Refused, but the family has appealed"), [cover.refused_appealed]),
              ("request_pending", _("Asked, waiting for a decision"), [cover.request_pending])],
        derived=[Derived(_("Share"), 0, "column_total")],
    )


def changes_table(changes: dict[int, int], protect: bool) -> Table:
    buckets = [("0", _("No change"), changes.get(0, 0)), ("1", _("1 change"), changes.get(1, 0)),
               ("2", _("2 changes"), changes.get(2, 0)),
               ("3+", _("3 changes or more"), sum(n for k, n in changes.items() if k >= 3))]
    return count_table(
        id="changes", title=_("Changes of barnekoordinator"),
        caption=_("Families that have a barnekoordinator now, by how many times their coordinator has changed"),
        row_header=_("Changes of coordinator"), columns=[_("Number of families")], row_totals=False,
        col_totals=True, protect=protect, rows=[(k, label, [n]) for k, label, n in buckets],
        derived=[Derived(_("Share"), 0, "column_total")],
    )


# --------------------------------------------------------------------------------------------------
# The coordinating unit's dashboard
# --------------------------------------------------------------------------------------------------


def _position_label(position_type: str) -> str:
    return str(PositionType(position_type).label) if position_type in PositionType.values else "–"


def _position_short(p: selectors.CoordinatorFigures) -> str:
    if p.position_type == PositionType.DEDICATED:
        return _("dedicated, %(share)s %%") % {"share": p.position_share or 100}
    if p.position_share:
        return _("extra function, %(share)s %%") % {"share": p.position_share}
    return _("extra function")


def load_table(people: list[selectors.CoordinatorFigures], norms_note: str) -> Table:
    """Load against capacity: each coordinator's families now and how many they can follow, the fullest first."""
    columns: list[Label] = [_("Position"), _("Families"), _("Capacity"), _("Load")]
    rows = []
    for p in sorted(people, key=lambda p: (-p.load_percent, p.name)):
        label = p.name if not p.over_capacity else _("%(name)s – over capacity") % {"name": p.name}
        rows.append(Row(key=str(p.user_id), label=label, cells=[
            Cell(_position_short(p), TEXT), Cell(p.families), Cell(p.capacity), Cell(p.load_percent, PERCENT)]))
    if people:
        families, capacity = sum(p.families for p in people), sum(p.capacity for p in people)
        rows.append(Row(key="total", label=_("All barnekoordinators"), is_total=True, cells=[
            Cell("", TEXT), Cell(families), Cell(capacity),
            Cell(families / capacity * 100 if capacity else None, PERCENT)]))
    return Table(
        id="load", title=_("Load against capacity"), row_header=_("Barnekoordinator"), columns=columns, rows=rows,
        caption=_("Each barnekoordinator's families now against how many they can follow, the fullest first"),
        notes=[_("Capacity = share of the position / 10 × the unit's norm of families per 10 % of a position. "
                 "Load 100 % is full; over 100 % is more families than the position allows."), norms_note],
    )


def load_chart(table: Table) -> SafeString | None:
    rows = table.body_rows[:MAX_CHART_ROWS]
    if not rows:
        return None
    return bar_chart(chart_id="chart-load", title=str(table.title), labels=[str(r.label) for r in rows],
                     series=[Series(name=str(_("Families now")), values=[r.cells[1].number for r in rows]),
                             Series(name=str(_("Capacity")), values=[r.cells[2].number for r in rows])],
                     value_format=lambda v: number(v, COUNT))


def coordinators_table(people: list[selectors.CoordinatorFigures], weeks: int) -> Table:
    columns: list[Label] = [
        _("Families"), _("Overdue actions"), _("Overdue plan measures"), _("Missed evaluations"),
        ngettext("Without contact in %(n)s week", "Without contact in %(n)s weeks", weeks) % {"n": weeks},
    ]
    rows = []
    for p in people:
        rows.append(Row(key=str(p.user_id), label=p.name, cells=[
            Cell(p.families), Cell(p.overdue_actions), Cell(p.overdue_measures), Cell(p.missed_evaluations),
            Cell(p.without_contact),
        ]))
    if people:
        rows.append(Row(key="total", label=_("All barnekoordinators"), is_total=True, cells=[
            Cell(sum(p.families for p in people)), Cell(sum(p.overdue_actions for p in people)),
            Cell(sum(p.overdue_measures for p in people)), Cell(sum(p.missed_evaluations for p in people)),
            Cell(sum(p.without_contact for p in people)),
        ]))
    return Table(
        id="coordinators", title=_("What is overdue in each coordinator's families"), row_header=_("Barnekoordinator"),
        columns=columns, rows=rows, caption=_("Each barnekoordinator's families now, and what is overdue in those families"),
        notes=[_("Contact means a held coordination group meeting, a call or conversation in the coordinator's "
                 "contact log, a message or a change to the individual plan.")] + ([] if selectors.messages_counted()
                                                                                  else [
                     _("Messages are not counted yet: Los has no register of messages between the family and the "
                       "coordinator.")]),
    )


def norms_note(municipality_ids: Sequence[int]) -> str:
    """Which norm the capacities use, in words."""
    from los.referrals.selectors import capacity_norms, families_per_10_percent

    norms = capacity_norms(municipality_ids)
    default = families_per_10_percent()
    values = sorted({norms.get(m, default) for m in municipality_ids}) or [default]
    text = ", ".join(number(v, DECIMAL) for v in values)
    if not norms:
        return _("Norm: %(n)s families per 10 %% of a position (the default of Los; the unit leader can set the "
                 "unit's own).") % {"n": text}
    return _("Norm: %(n)s families per 10 %% of a position (set by the coordinating unit).") % {"n": text}


def queue_table(queue: selectors.QueueFigures) -> Table:
    return count_table(
        id="queue_age", title=_("Requests waiting for a decision"),
        caption=_("Open requests for a barnekoordinator, by how long the family has waited"),
        row_header=_("Waited"), columns=[_("Requests")], row_totals=False, col_totals=True,
        rows=[("under_2_weeks", _("Less than 2 weeks"), [queue.under_two_weeks]),
              ("to_1_month", _("2 weeks to 1 month"), [queue.two_weeks_to_month]),
              ("1_2_months", _("1 to 2 months"), [queue.one_to_two_months]),
              ("over_2_months", _("More than 2 months"), [queue.over_two_months])],
        notes=[ngettext("%(n)s request has waited more than a month without a preliminary reply (fvl § 11 a).",
                        "%(n)s requests have waited more than a month without a preliminary reply (fvl § 11 a).",
                        queue.over_month_no_reply) % {"n": queue.over_month_no_reply}],
    )


def unit_summary(queue: selectors.QueueFigures, cover: selectors.Coverage, totals: selectors.UnitTotals,
                 weeks: int, people: Sequence[selectors.CoordinatorFigures] = ()) -> list[str]:
    out: list[str] = []
    over = sorted((p for p in people if p.over_capacity), key=lambda p: -p.load_percent)
    if over:
        names = "; ".join(_("%(name)s (%(families)s families, capacity %(capacity)s)") % {
            "name": p.name, "families": p.families, "capacity": p.capacity} for p in over[:5])
        out.append(ngettext("%(n)s barnekoordinator follows more families than their capacity: %(names)s.",
                            "%(n)s barnekoordinators follow more families than their capacity: %(names)s.",
                            len(over)) % {"n": len(over), "names": names})
    if queue.total:
        waiting = ngettext("%(n)s family is waiting for a decision", "%(n)s families are waiting for a decision",
                           queue.total) % {"n": queue.total}
        longer = ngettext("%(n)s has waited more than a month", "%(n)s have waited more than a month",
                          queue.over_month) % {"n": queue.over_month}
        out.append(f"{waiting}; {longer}.")
    else:
        out.append(_("No family is waiting for a decision."))
    if cover.granted_waiting:
        text = ngettext("%(n)s family has been granted a barnekoordinator and is still waiting for one.",
                        "%(n)s families have been granted a barnekoordinator and are still waiting for one.",
                        cover.granted_waiting) % {"n": cover.granted_waiting}
        if cover.longest_wait_days is not None:
            text += " " + ngettext("The longest wait so far is %(d)s day.", "The longest wait so far is %(d)s days.",
                                   cover.longest_wait_days) % {"d": cover.longest_wait_days}
        out.append(text)
    if totals.without_contact:
        period = ngettext("%(w)s week", "%(w)s weeks", weeks) % {"w": weeks}
        n = totals.without_contact
        if selectors.messages_counted():
            text = ngettext("%(n)s family has had no meeting, call, message or plan change in %(period)s.",
                            "%(n)s families have had no meeting, call, message or plan change in %(period)s.", n)
        else:
            text = ngettext("%(n)s family has had no meeting, call or plan change in %(period)s.",
                            "%(n)s families have had no meeting, call or plan change in %(period)s.", n)
        out.append(text % {"n": n, "period": period})
    if totals.overdue_actions or totals.overdue_measures:
        actions = ngettext("%(n)s action from a meeting", "%(n)s actions from meetings",
                           totals.overdue_actions) % {"n": totals.overdue_actions}
        measures = ngettext("%(n)s plan measure", "%(n)s plan measures",
                            totals.overdue_measures) % {"n": totals.overdue_measures}
        out.append(_("Overdue now: %(actions)s and %(measures)s.") % {"actions": actions, "measures": measures})
    return out


def unit_page(user: User | None, municipality_ids: Sequence[int], today: date, weeks: int) -> Page:
    """The coordinating unit's dashboard. Counts start from the families the user may open; with no user, from
    every family of the municipalities, which is what the coordinating unit serving them all may open
    (``los.stats.precomputed`` works the figures out once for everyone in the unit)."""
    if user is None:
        families = referral_families = selectors.municipality_families(municipality_ids)
    else:
        families = selectors.unit_families(user, municipality_ids)
        referral_families = selectors.unit_families(user, municipality_ids, REFERRAL_CATEGORY)
    queue = selectors.queue_figures(referral_families, today)
    cover = selectors.coverage(families, today)
    changes = selectors.coordinator_changes(families, today)
    people = selectors.coordinator_figures(municipality_ids, today, weeks)
    totals = selectors.unit_totals(families, today, weeks)

    key = figures_table(
        id="key", title=_("Key figures"), caption=_("Key figures now"), row_header=_("Figure"),
        value_header=_("Number"), figures=[
            ("over_capacity", _("Barnekoordinators over capacity"), Cell(sum(1 for p in people if p.over_capacity))),
            ("waiting_decision", _("Families waiting for a decision"), Cell(queue.total)),
            ("waited_month", _("… of them waited more than a month"), Cell(queue.over_month)),
            ("granted_waiting", _("Granted, waiting for a barnekoordinator"), Cell(cover.granted_waiting)),
            ("with_coordinator", _("Families with a barnekoordinator"), Cell(cover.with_coordinator)),
            ("without_contact", ngettext("Families without contact in %(n)s week",
                                         "Families without contact in %(n)s weeks", weeks) % {"n": weeks},
             Cell(totals.without_contact)),
            ("overdue_actions", _("Overdue actions from meetings"), Cell(totals.overdue_actions)),
            ("overdue_measures", _("Overdue plan measures"), Cell(totals.overdue_measures)),
            ("missed_evaluations", _("Missed evaluations of plans"), Cell(totals.missed_evaluations)),
        ])
    coordinators = coordinators_table(people, weeks)
    load = load_table(people, norms_note(municipality_ids))
    queue_t = queue_table(queue)
    cover_t = coverage_table(cover, protect=False)
    changes_t = changes_table(changes, protect=False)
    return Page(
        summary=unit_summary(queue, cover, totals, weeks, people),
        key=key,
        sections=[
            Section(id="load", title=_("Load against capacity"),
                    intro=_("How many families each barnekoordinator follows now, against how many their share of a "
                            "position allows. Those over capacity come first."),
                    figures=[Figure(load, load_chart(load) if people else None, show_table=True)],
                    links=[(reverse("referrals:bulk_handover"), _("Move families from one coordinator to others"))]),
            Section(id="coordinators", title=_("Barnekoordinators and their families"),
                    intro=_("The families each coordinator follows now, with what is overdue in those families."),
                    figures=[Figure(coordinators, show_table=True)],
                    links=[(reverse("stats:without_contact") + f"?uker={weeks}",
                            ngettext("See the families without contact in %(n)s week",
                                     "See the families without contact in %(n)s weeks", weeks) % {"n": weeks})]),
            Section(id="queue", title=_("Waiting for a decision"),
                    intro=_("A request must be answered without undue delay; after one month the family must get a "
                            "preliminary reply (forvaltningsloven § 11 a)."),
                    figures=[Figure(queue_t, chart_for(queue_t, [0]))],
                    links=[(reverse("stats:queue"), _("See the request queue with each request's age"))]),
            Section(id="coverage", title=_("Who has a barnekoordinator"),
                    intro=_("Families with a barnekoordinator, and families with a need and none: granted and "
                            "waiting, refused but appealed, or waiting for a decision."),
                    figures=[Figure(cover_t, chart_for(cover_t, [0]))]),
            Section(id="changes", title=_("Changes of barnekoordinator"),
                    intro=_("Every change means a handover, and a risk that the family must tell its story again."),
                    figures=[Figure(changes_t, chart_for(changes_t, [0]))]),
        ],
    )


# --------------------------------------------------------------------------------------------------
# The municipality's statistics (aggregated only)
# --------------------------------------------------------------------------------------------------


def _kind_label(kind: str) -> str:
    return str(ProviderKind(kind).label) if kind in ProviderKind.values else kind


def _kind_rows(data: dict[str, tuple[int, int]], rate: Callable[[tuple[int, int]], float], protect: bool):
    kinds = [k for k in ProviderKind.values if k in data] + sorted(k for k in data if k not in ProviderKind.values)
    if not protect:  # the hardest first; never sorted by numbers that may be hidden
        kinds.sort(key=lambda k: (-rate(data[k]), _kind_label(k)))
    return [(k, _kind_label(k), list(data[k])) for k in kinds]


def _second_share(pair: tuple[int, int]) -> float:
    """The second count's share of the two (absent of recorded, not done of due)."""
    return pair[1] / sum(pair) if sum(pair) else 0.0


def _by_service(counts: dict[str, tuple[int, int]], protect: bool, *, derived: Derived, **table: Any) -> Table:
    """Two counts per kind of service with their sum; the kinds with the largest share of the second count first."""
    return count_table(row_header=_("Service"), rows=_kind_rows(counts, _second_share, protect), protect=protect,
                       total_label=_("All services"), derived=[derived], **table)


def services_tables(attendance: dict[str, tuple[int, int]], actions: dict[str, tuple[int, int]],
                    protect: bool) -> tuple[Table, Table]:
    attend = _by_service(
        attendance, protect, id="attendance", title=_("Absence from meetings, by service"),
        caption=_("Invited service contacts at meetings held in the period, by kind of service"),
        columns=[_("Present"), _("Absent")], total_column_label=_("Recorded"),
        derived=Derived(_("Absence rate"), 1, "total"))
    done = _by_service(
        actions, protect, id="actions", title=_("Actions done, by service"),
        caption=_("Actions from meetings owned by a service that fell due in the period, by kind of service"),
        columns=[_("Done"), _("Not done")], total_column_label=_("Due"),
        derived=Derived(_("Completion rate"), 0, "total"))
    return attend, done


def decisions_table(figures: selectors.RequestFigures, protect: bool) -> Table:
    return count_table(
        id="decisions", title=_("Decisions"), caption=_("Decisions on requests for a barnekoordinator in the period"),
        row_header=_("Decisions"), columns=[_("Granted"), _("Refused")], col_totals=False, protect=protect,
        rows=[("decisions", _("Decisions in the period"), [figures.granted, figures.refused])],
        derived=[Derived(_("Share granted"), 0, "total")],
    )


def condition_table(figures: selectors.RequestFigures, protect: bool) -> Table:
    return count_table(
        id="by_condition", title=_("Decisions by the child's condition"),
        caption=_("Decisions in the period by the child's condition category"), row_header=_("Condition category"),
        columns=[_("Granted"), _("Refused")], col_totals=False, protect=protect,
        rows=[(value, label, list(figures.by_condition[value])) for value, label in ConditionCategory.choices
              if value in figures.by_condition],
        derived=[Derived(_("Share granted"), 0, "total")],
        notes=[_("A child can have more than one condition category, and a family more than one child, so a "
                 "decision can count in more than one row; the rows have no common total.")],
    )


def criterion_table(rows: list[selectors.CriterionCounts], protect: bool) -> Table:
    return count_table(
        id="by_criterion", title=_("Decisions by criterion"),
        caption=_("How each criterion was assessed in the period's decisions, and what was decided"),
        row_header=_("Criterion"),
        columns=[_("Met, granted"), _("Met, refused"), _("Not met, granted"), _("Not met, refused"),
                 _("Unclear or not assessed")],
        col_totals=False, protect=protect, total_column_label=_("Decisions"),
        rows=[(r.legal_key or f"local-{i}", _criterion_label(r), r.as_list()) for i, r in enumerate(rows)],
    )


def _criterion_label(row: selectors.CriterionCounts) -> str:
    if row.legal_key:
        return str(LEGAL_LABELS.get(row.legal_key, row.label))
    return row.label or _("The municipalities' own criteria (together)")


BANDS = [("1-4", gettext_lazy("1–4 families"), 1, 4), ("5-10", gettext_lazy("5–10 families"), 5, 10),
         ("11-40", gettext_lazy("11–40 families"), 11, 40), ("over-40", gettext_lazy("More than 40 families"), 41, None)]


def caseload_tables(loads: selectors.Caseloads, protect: bool) -> tuple[Table, Table]:
    bands = count_table(
        id="caseload", title=_("Families per barnekoordinator"),
        caption=_("Barnekoordinators with at least one family, by number of families, beside the national survey"),
        row_header=_("Families now"), columns=[_("Barnekoordinators")], row_totals=False, col_totals=True,
        protect=protect, total_label=_("All with at least one family"),
        rows=[(key, label, [loads.band(low, high)]) for key, label, low, high in BANDS],
        derived=[Derived(_("Share here"), 0, "column_total")],
        reference=[(_("National survey 2025"), lambda key: 100 if key == "total" else national.CASELOAD_BANDS[key],
                    PERCENT)],
        notes=[national.SOURCE, ngettext("%(n)s barnekoordinator has no family now and is not counted here.",
                                         "%(n)s barnekoordinators have no family now and are not counted here.",
                                         loads.band(0, 0)) % {"n": loads.band(0, 0)}],
    )
    total = bands.row("total").cells[0] if bands.row("total") else Cell(0)
    over_10 = _sum_cells(bands.cell("11-40", 0), bands.cell("over-40", 0))
    mean, n = loads.mean()
    dedicated, n_dedicated = loads.mean(PositionType.DEDICATED)
    extra, n_extra = loads.mean(PositionType.EXTRA_FUNCTION)
    compare = Table(
        id="caseload_compare", title=_("Caseloads compared with the national survey"),
        caption=_("Caseloads here and in the national survey of barnekoordinators 2025"), row_header=_("Figure"),
        columns=[_("Here"), _("National survey 2025")], protected=protect,
        rows=[
            Row("over_10", _("Share with more than 10 families"),
                [_percent(over_10, total), Cell(national.MORE_THAN_10, PERCENT)]),
            Row("over_40", _("Share with more than 40 families"),
                [_percent(bands.cell("over-40", 0), total), Cell(national.MORE_THAN_40, PERCENT)]),
            Row("mean", _("Families per barnekoordinator, mean"),
                [statistic(mean, n, protect, DECIMAL), Cell(national.MEAN_FAMILIES, DECIMAL)]),
            Row("mean_dedicated", _("… in a dedicated position"),
                [statistic(dedicated, n_dedicated, protect, DECIMAL), Cell(national.MEAN_DEDICATED, DECIMAL)]),
            Row("mean_extra", _("… as an extra function"),
                [statistic(extra, n_extra, protect, DECIMAL), Cell(national.MEAN_EXTRA_FUNCTION, DECIMAL)]),
        ],
        notes=[national.SOURCE, _("The means count barnekoordinators with at least one family.")],
    )
    return bands, compare


def _sum_cells(*cells: Cell | None) -> Cell:
    if any(c is None or c.hidden for c in cells):
        return Cell(None, COUNT, hidden=True)
    return Cell(sum(c.value or 0 for c in cells))


def navigator_table(gaps: list[tuple[str, str, int]] | None, protect: bool) -> Table:
    title = _("Rights and services likely missing")
    if gaps is None:
        return unavailable("navigator_gaps", title, _("No data yet: the navigator is not installed."))
    rows = [(entry_id, name, [n]) for entry_id, name, n in gaps]
    if protect:  # never ordered by numbers that may be hidden
        rows.sort(key=lambda r: str(r[1]))
    return count_table(
        id="navigator_gaps", title=title, row_header=_("Right or service"), columns=[_("Families")],
        caption=_("Open cases where the navigator finds a right or service likely, but it is neither in place nor "
                  "applied for"), row_totals=False, col_totals=False, protect=protect, rows=rows,
        notes=[_("A family can miss more than one, so the rows have no common total. The navigator is a guide: "
                 "the services decide.")],
    )


def transitions_table(t: selectors.Transitions, protect: bool) -> Table:
    return count_table(
        id="transitions", title=_("Transitions coming up"),
        caption=_("Children in families with a barnekoordinator (or granted one), by transition in the next 12 "
                  "months"),
        row_header=_("Transition"), columns=[_("Within 6 months"), _("In 6–12 months")],
        total_column_label=_("Next 12 months"), protect=protect, total_label=_("All transitions"),
        rows=[("turning_18", _("Turns 18: the barnekoordinator ends"), list(t.turning_18)),
              ("school_start", _("Starts school"), list(t.school_start)),
              ("lower_secondary", _("Starts lower secondary school"), list(t.lower_secondary)),
              ("upper_secondary", _("Starts upper secondary school"), list(t.upper_secondary))],
    )


def municipal_summary(key: Table, compare: Table, cover: Table) -> list[str]:
    """Plain-language sentences, from the (possibly protected) tables: a hidden figure is left out."""
    out: list[str] = []

    def value(table: Table, row: str, column: int = 0) -> float | None:
        cell = table.cell(row, column)
        return cell.number if cell is not None else None

    received, decided = value(key, "received"), value(key, "decisions")
    if received is not None and decided is not None:
        out.append(_("In the period %(r)s requests came in and %(d)s decisions were made.")
                   % {"r": number(received), "d": number(decided)})
    share = value(key, "share_granted")
    if share is not None:
        out.append(_("%(p)s of the decisions granted a barnekoordinator.") % {"p": number(share, PERCENT)})
    median = value(key, "median_decision")
    if median is not None:
        out.append(_("Half the families got their decision within %(d)s days of asking.")
                   % {"d": number(median, DAYS)})
    mean = value(compare, "mean")
    if mean is not None:
        out.append(_("A barnekoordinator here follows %(m)s families on average (the national survey: about %(n)s).")
                   % {"m": number(mean, DECIMAL), "n": number(national.MEAN_FAMILIES)})
    without = [value(cover, k) for k in ("granted_waiting", "refused_appealed", "request_pending")]
    if all(v is not None for v in without) and sum(without):
        n = int(sum(without))
        out.append(ngettext("%(n)s family has a need and no barnekoordinator yet.",
                            "%(n)s families have a need and no barnekoordinator yet.", n) % {"n": number(n)})
    return out


def municipal_page(municipality_ids: Sequence[int], period: selectors.Period, today: date, lang: str, *,
                   protect: bool, protect_staff: bool = False, now: selectors.NowFigures | None = None) -> Page:
    """The municipality's statistics: never a single family, no link to one. ``protect`` hides small
    numbers in figures about families; ``protect_staff`` also in figures about coordinators (the export).
    ``now``: the figures about how things stand (the month's snapshot for a protected viewer); live when None."""
    ids = list(municipality_ids)
    requests = selectors.request_figures(ids, period)
    decisions = decisions_table(requests, protect)
    by_condition = condition_table(requests, protect)
    by_criterion = criterion_table(selectors.criterion_figures(ids, period), protect)
    attendance, actions = services_tables(selectors.attendance_by_service(ids, period),
                                          selectors.actions_by_service(ids, period, today), protect)
    if now is None:
        families = selectors.municipality_families(ids)
        loads, gap_counts = selectors.caseloads(ids, today), selectors.navigator_gaps(ids, today, lang)
        coming, cover_now = selectors.transitions(ids, today), selectors.coverage(families, today)
        changes_now, open_now = selectors.coordinator_changes(families, today), requests.open_now
    else:
        loads, gap_counts, coming, cover_now = now.caseloads, now.counts(lang), now.transitions, now.coverage
        changes_now, open_now = now.changes, now.open_now
    bands, compare = caseload_tables(loads, protect_staff)
    gaps = navigator_table(gap_counts, protect)
    transitions = transitions_table(coming, protect)
    cover = coverage_table(cover_now, protect)
    changes = changes_table(changes_now, protect)

    decided = decisions.row("decisions")
    key = figures_table(
        id="key", title=_("Key figures"), caption=_("Key figures for the period"), row_header=_("Figure"),
        value_header=_("Value"), protected=protect, figures=[
            ("received", _("Requests received"), small(requests.received, protect)),
            ("open_now", _("Requests waiting for a decision now"), small(open_now, protect)),
            ("decisions", _("Decisions"), decided.cells[2]),
            ("share_granted", _("Share granted"), decided.cells[3]),
            ("median_decision", _("Median days from request to decision"),
             statistic(requests.median_days_to_decision, requests.decisions_timed, protect)),
            ("median_appointment", _("Median days from request to appointment"),
             statistic(requests.median_days_to_appointment, requests.appointments_timed, protect)),
        ])
    refusals, appeals, outcomes, not_delivered, delivered_share, processing = services_access.tables(
        ids, period, today, protect)
    share_chart_names = [_("Here"), _("National survey 2025")]
    return Page(
        summary=municipal_summary(key, compare, cover),
        key=key,
        protected=protect,
        now_on=now.taken_on if now is not None else None,
        sections=[
            Section(id="decisions", title=_("Requests and decisions"),
                    intro=_("Are alike requests decided alike? Decisions by the child's condition and by criterion. "
                            "Decisions made again after an appeal are not counted twice."),
                    figures=[Figure(decisions),
                             Figure(by_condition, chart_for(by_condition, [0, 1])),
                             Figure(by_criterion)]),
            Section(id="caseload", title=_("Caseloads"),
                    intro=_("How many families each barnekoordinator follows now, beside the 2025 national survey."),
                    figures=[Figure(bands, chart_for(bands, [1, 2], names=share_chart_names, percent=True,
                                                     title=_("Share of barnekoordinators by number of families, here "
                                                             "and in the national survey"))),
                             Figure(compare)]),
            Section(id="coverage", title=_("Who has a barnekoordinator"),
                    intro=_("Families with a barnekoordinator, and families with a need and none."),
                    figures=[Figure(cover, chart_for(cover, [0])), Figure(changes, chart_for(changes, [0]))]),
            Section(id="services", title=_("Services that are hard to involve"),
                    intro=_("How often each kind of service is absent from meetings it was invited to, and how many of "
                            "its actions are done."),
                    figures=[Figure(attendance, chart_for(attendance, [3], percent=True)),
                             Figure(actions, chart_for(actions, [3], percent=True))]),
            Section(id="access", title=_("Access to services: refused, appealed, delivered"),
                    intro=_("Applications for services and benefits recorded on the families' service maps: how "
                            "often they are refused and appealed, how appeals end, how long a decision takes, and "
                            "whether what is granted is delivered, beside the national family survey 2023."),
                    figures=[Figure(refusals, chart_for(refusals, [4, 5], names=[_("Here"), _("National survey")],
                                                        percent=True,
                                                        title=_("Share refused, here and in the national survey"))),
                             Figure(appeals), Figure(outcomes),
                             Figure(not_delivered, chart_for(not_delivered, [4, 5],
                                                             names=[_("Here"), _("National survey")], percent=True,
                                                             title=_("Share not delivered, here and in the national "
                                                                     "survey"))),
                             Figure(delivered_share), Figure(processing)]),
            Section(id="navigator", title=_("Rights and services likely missing"),
                    intro=_("Families in open cases who are likely entitled to something they have not applied for, "
                            "according to the navigator."),
                    figures=[Figure(gaps, chart_for(gaps, [0], limit=12) if gaps.available else None)]),
            Section(id="transitions", title=_("Transitions coming up"),
                    intro=_("Transitions in the next 12 months that must be planned well ahead."),
                    figures=[Figure(transitions, chart_for(transitions, [2]))]),
        ],
    )
