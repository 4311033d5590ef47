"""The page "What families say": the families' answers and the quality of the work, per calendar year, beside the
national evaluation. Views render it; the CSV and XLSX are written from the same tables (``los.stats.exports``).

Every share is built from a protected table of counts (``los.stats.tables.count_table``): the counts behind a share
are suppressed as everywhere in Los (under 5 hidden, then secondary suppression), and a share is hidden when a
count it is computed from is. The figures the families report are always protected, whoever reads them (nobody may
open the answers behind them), for whole calendar years and for the year under way up to its last whole quarter, and
that cut moves only when at least five more answers have come in (``selectors.answer_periods``): a figure that
changed with each new answer would tell what that answer was. The figures about the work are
protected for anyone who may not open every family behind them (as the municipal statistics are).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from los.stats.charts import Series, bar_chart
from los.stats.formatting import number
from los.stats.tables import (
    COUNT,
    DAYS,
    PERCENT,
    TEXT,
    Cell,
    Derived,
    Row,
    Table,
    count_table,
    small,
    statistic,
)
from los.survey import national, selectors
from los.survey.models import Respondent
from los.survey.questions import FIGURES_BY_KEY
from los.survey.selectors import Share, Year

Label = str | Promise
Z = 1.96  # 95 % for the "better, worse or about the same" verdicts


@dataclass
class Block:
    """One table of shares, the chart of it, and the counts behind it."""

    table: Table
    counts: Table | None = None
    chart: SafeString | None = None


@dataclass
class Section:
    id: str
    title: Label
    intro: Label
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Verdicts:
    better: list[str] = field(default_factory=list)
    worse: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    work: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.better or self.worse or self.same or self.work)


@dataclass
class Page:
    key: Table
    sections: list[Section]
    summary: Verdicts
    years: list[Year]
    answer_years: list[Year]
    comments: list[tuple[str, list[str]]]
    protect_work: bool

    @property
    def tables(self) -> list[Table]:
        out = [self.key]
        for section in self.sections:
            for block in section.blocks:
                out.append(block.table)
                if block.counts is not None:
                    out.append(block.counts)
        return out


# --- helpers --------------------------------------------------------------------------------------------------


def year_label(period: Year) -> str:
    """``2025``, or ``2026 (to 30 September)`` for the year under way."""
    if period.complete:
        return str(period.year)
    return _("%(year)s (to %(day)s)") % {"year": period.year, "day": date_format(period.end, "MONTH_DAY_FORMAT")}


def wilson(part: int, whole: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share, in per cent."""
    p = part / whole
    denominator = 1 + Z * Z / whole
    centre = (p + Z * Z / (2 * whole)) / denominator
    half = Z * math.sqrt(p * (1 - p) / whole + Z * Z / (4 * whole * whole)) / denominator
    return (centre - half) * 100, (centre + half) * 100


def verdict(part: int, whole: int, reference: national.NationalFigure, lower_is_better: bool) -> str:
    """``better``, ``worse`` or ``same``: better or worse only when the whole 95 % interval of the share lies on one
    side of the national figure (or range)."""
    low, high = wilson(part, whole)
    if high < reference.low:
        return "better" if lower_is_better else "worse"
    if low > reference.high:
        return "worse" if lower_is_better else "better"
    return "same"


@dataclass
class Line:
    """One figure of a table of shares: its key, label, a share per year, and the national figure."""

    key: str
    label: Label
    shares: dict[int, Share]
    national: str = ""  # key of national.FIGURES, or "" for none
    national_text: Label = ""  # shown when there is no national share (e.g. "half a year to a year is reported")


def share_block(*, id: str, title: Label, caption: Label, lines: Sequence[Line], periods: Sequence[Year],
                protect: bool, yes: Label, no: Label, total: Label, notes: Sequence[Label] = (),
                chart: bool = True) -> Block:
    """A table of shares (a column per year and one for the nation) with the protected counts behind it."""
    counts = count_table(
        id=f"{id}_counts", title=_("%(title)s: the numbers") % {"title": title},
        caption=_("The numbers behind the shares in “%(title)s”") % {"title": title}, row_header=_("Figure and year"),
        columns=[yes, no], total_column_label=total, col_totals=False, protect=protect,
        rows=[(f"{line.key}-{p.year}", f"{line.label} ({year_label(p)})",
               [line.shares.get(p.year, Share()).part,
                line.shares.get(p.year, Share()).whole - line.shares.get(p.year, Share()).part])
              for line in lines for p in periods],
        derived=[Derived(_("Share"), 0, "total")])
    share_column = counts.column_index(_("Share"))
    rows = []
    for line in lines:
        cells = [counts.cell(f"{line.key}-{p.year}", share_column) for p in periods]
        reference = national.FIGURES.get(line.national)
        cells.append(Cell(reference.text if reference else (str(line.national_text) if line.national_text else None),
                          TEXT))
        rows.append(Row(key=line.key, label=line.label, cells=cells))
    national_header = _("The nation (%(year)s)") % {"year": national.YEAR}
    table = Table(id=id, title=title, caption=caption, row_header=_("Figure"),
                  columns=[year_label(p) for p in periods] + [national_header], rows=rows,
                  notes=list(notes), protected=protect)
    picture = None
    if chart and rows:
        series = [Series(name=year_label(p), values=[r.cells[i].number for r in rows]) for i, p in enumerate(periods)]
        middles = [(national.FIGURES[line.national].low + national.FIGURES[line.national].high) / 2
                   if line.national in national.FIGURES else None for line in lines]
        series = [s for s in series if any(v is not None for v in s.values)]  # a year with nothing shown
        if series and any(m is not None for m in middles):
            series.append(Series(name=national_header, values=middles))
        if series:
            picture = bar_chart(chart_id=f"chart-{id}", title=str(title), labels=[str(r.label) for r in rows],
                                series=series, value_format=lambda v: number(v, PERCENT), max_value=100,
                                hidden_text=_("hidden or no answers"))
    return Block(table=table, counts=counts, chart=picture)


def _answer_lines(keys: Sequence[str], counts: selectors.AnswerCounts, periods: Sequence[Year]) -> list[Line]:
    lines = []
    for key in keys:
        figure = FIGURES_BY_KEY[key]
        lines.append(Line(key=key, label=figure.label, national=figure.national,
                          shares={p.year: counts.shares.get((key, p.year), Share()) for p in periods}))
    return lines


# --- the summary ------------------------------------------------------------------------------------------------

SHORT: dict[str, Label] = {
    "road_heavy": gettext_lazy("The road to the services was unnecessarily heavy"),
    "not_coordinated": gettext_lazy("The services are not coordinated"),
    "depends_on_people": gettext_lazy("What the family gets depends on individuals"),
    "rights_overview": gettext_lazy("The barnekoordinator gives an overview of rights to a large degree"),
    "application_help": gettext_lazy("The barnekoordinator helps with applications"),
    "coordinator_satisfied": gettext_lazy("Satisfied with the barnekoordinator"),
    "coordinator_little_use": gettext_lazy("Little or no practical use of the barnekoordinator"),
    "plan_satisfied": gettext_lazy("Satisfied with the individual plan"),
    "plan_little_use": gettext_lazy("Little or no practical use of the individual plan"),
}


def summarise(blocks: Sequence[Block], answer_years: Sequence[Year]) -> Verdicts:
    """Where the municipality is better or worse than the nation, in the latest whole year with a shown share of
    each figure. Only shown figures are used (a hidden one is left out)."""
    out = Verdicts()
    for block in blocks:
        counts = block.counts
        for row in block.table.rows:
            reference = national.FIGURES.get(FIGURES_BY_KEY[row.key].national) if row.key in FIGURES_BY_KEY else None
            if reference is None:
                continue
            for index in range(len(answer_years) - 1, -1, -1):
                period = answer_years[index]
                share = row.cells[index]
                total = counts.cell(f"{row.key}-{period.year}", 2) if counts else None
                yes = counts.cell(f"{row.key}-{period.year}", 0) if counts else None
                if share is None or share.hidden or share.value is None or not total or total.hidden or \
                        yes is None or yes.hidden:
                    continue
                result = verdict(int(yes.value), int(total.value), reference,
                                 FIGURES_BY_KEY[row.key].lower_is_better)
                values = {"what": SHORT[row.key], "here": number(share.value, PERCENT), "year": year_label(period),
                          "nation": reference.text, "n": total.value}
                if result == "better":
                    out.better.append(_("%(what)s: %(here)s here in %(year)s, %(nation)s in the nation.") % values)
                elif result == "worse":
                    out.worse.append(_("%(what)s: %(here)s here in %(year)s, %(nation)s in the nation.") % values)
                else:
                    out.same.append(_("%(what)s: %(here)s here in %(year)s, %(nation)s in the nation (with %(n)s "
                                      "answers the difference may be chance).") % values)
                break
    return out


def _work_summary(table: Table, key: str, text: str, periods: Sequence[Year], out: list[str]) -> None:
    row = table.row(key)
    if row is None:
        return
    for index in range(len(periods) - 1, -1, -1):
        cell = row.cells[index]
        if cell.hidden or cell.value is None:
            continue
        out.append(text % {"p": number(cell.value, cell.kind if cell.kind != COUNT else PERCENT),
                           "year": year_label(periods[index])})
        return


# --- the page ---------------------------------------------------------------------------------------------------


def _per_year[T](selector: Callable[[list[int], Year], T], ids: list[int], periods: Sequence[Year]) -> dict[int, T]:
    """A selector's figure for each year."""
    return {p.year: selector(ids, p) for p in periods}


def outcomes_page(municipality_ids: Sequence[int], today: date, *, protect_work: bool) -> Page:
    """Every figure of the page for the municipalities. A fixed number of queries."""
    ids = list(municipality_ids)
    work_years = selectors.years(today, protect_work)
    answer_years = selectors.answer_periods(ids, today, Respondent.GUARDIAN)
    child_years = selectors.answer_periods(ids, today, Respondent.CHILD)
    every_year = list(range(today.year - selectors.YEARS_SHOWN + 1, today.year + 1))
    counts = selectors.answer_counts(ids, answer_years, Respondent.GUARDIAN)
    child_counts = selectors.answer_counts(ids, child_years, Respondent.CHILD)
    invited = selectors.invitation_counts(ids, every_year)
    answered_per_year = selectors.answers_per_year(ids, every_year)
    yes, no, answered = _("Said so"), _("Did not say so"), _("Answered the question")

    family_caption = _("Share of the families who answered, per year, beside the national family survey")

    def answer_block(keys: list[str], answers: selectors.AnswerCounts, periods: Sequence[Year],
                     **block: object) -> Block:
        """A block of the answers to the questionnaire: who said so, per year (always protected)."""
        return share_block(lines=_answer_lines(keys, answers, periods), periods=periods, protect=True, yes=yes, no=no,
                           total=answered, **block)

    access = answer_block(
        ["road_heavy", "not_coordinated", "depends_on_people"], counts, answer_years,
        id="families_access", title=_("Getting the services, in the families' words"), caption=family_caption,
        notes=[national.SOURCE, _("“Don't know” is left out. The nation's 70–72 % is a range; the chart shows its "
                                  "middle.")])
    coordinator_families = answer_block(
        ["rights_overview", "application_help", "coordinator_satisfied", "coordinator_little_use"], counts,
        answer_years,
        id="families_coordinator", title=_("The barnekoordinator, in the families' words"), caption=family_caption,
        notes=[national.SOURCE, _("“Helps with applications” counts “to a large degree” and “to some degree”; the "
                                  "nation's figure is “about 1 in 4”. “Don't know” is left out.")])
    plan_families = answer_block(
        ["plan_satisfied", "plan_little_use"], counts, answer_years,
        id="families_plan", title=_("The individual plan, in the families' words"), caption=family_caption,
        notes=[national.SOURCE, _("Families who say they have no individual plan, and “don't know”, are left out.")])
    children = answer_block(
        ["child_together", "child_listened", "child_knows_whom"], child_counts, child_years,
        id="children", title=_("Children and young people (12 and older)"),
        caption=_("Share of the children and young people who answered their own short version, per year"),
        notes=[_("The national family survey asked the parents; there is no national figure for the children.")])

    evaluated = _per_year(selectors.evaluations_on_time, ids, work_years)
    updated = _per_year(selectors.measures_updated, ids, work_years)
    approved = _per_year(selectors.goals_approved, ids, work_years)
    def work_block(**block: object) -> Block:
        """A block of what Los sees of the work: counted in Los, per year, without a chart."""
        return share_block(periods=work_years, protect=protect_work, yes=_("Yes"), no=_("No"), total=_("Counted"),
                           chart=False, **block)

    plan_work = work_block(
        id="plan_work", title=_("Does the plan live? What Los sees"),
        caption=_("The individual plans in Los, per year"),
        lines=[Line("evaluated_on_time", _("Plans evaluated on time"), evaluated),
               Line("measures_updated", _("Plans whose measures were updated in the last three months"), updated),
               Line("goals_approved", _("Goals the family has approved (the family's own words)"), approved)],
        notes=[_("Evaluated on time: every evaluation due in the year was held within 14 days of its date. Measures "
                 "updated: a measure was added, changed or had its status updated in the three months up to the end "
                 "of the year (or today). Goals approved: the family approved the plan after the goal was written. "
                 "The national evaluation has no such figures: it warns that counting whether a plan exists says "
                 "little.")])

    followed = _per_year(selectors.meetings_followed_up, ids, work_years)
    silent = _per_year(selectors.families_without_contact, ids, work_years)
    waits = _per_year(selectors.days_to_appointment, ids, work_years)
    coordinator_work = work_block(
        id="coordinator_work", title=_("Does the coordinator work? What Los sees"),
        caption=_("The work with the families in Los, per year"),
        lines=[Line("meetings_followed_up", _("Meetings whose agreed actions were all done by their due date"),
                    followed),
               Line("without_contact", _("Families without contact in the last 8 weeks"), silent)],
        notes=[_("Actions not yet due at the end of the year are left out. Contact means a held coordination group "
                 "meeting, a message or a change to the individual plan.")])
    wait_row = Row(key="days_to_appointment", label=_("Median days from the request to a barnekoordinator"),
                   cells=[statistic(waits[p.year][0], waits[p.year][1], protect_work, DAYS) for p in work_years]
                   + [Cell(str(national.WAIT_FOR_COORDINATOR), TEXT)])
    coordinator_work.table.rows.append(wait_row)
    coordinator_work.table.notes.append(_("Days to a barnekoordinator: families who got their first barnekoordinator "
                                          "in the year (a change of coordinator is not counted). The national "
                                          "evaluation reports waits of half a year to a year from families; it is not "
                                          "a measured median."))

    answers_table = count_table(
        id="answers", title=_("Invitations and answers"),
        caption=_("Invitations made to the families, and answers given, per year"), row_header=_("Year"),
        columns=[_("Invitations to guardians"), _("Answers from guardians"), _("Invitations to children"),
                 _("Answers from children")], row_totals=False, col_totals=False, protect=True,
        rows=[(str(y), str(y) if y != today.year else year_label(Year(y, today)),
               [invited.get((y, Respondent.GUARDIAN), 0), answered_per_year.get((y, Respondent.GUARDIAN), 0),
                invited.get((y, Respondent.CHILD), 0), answered_per_year.get((y, Respondent.CHILD), 0)])
              for y in every_year],
        notes=[_("An invitation counts in the year it was made, an answer in the year it was given. The questionnaire "
                 "is voluntary: every family decides whether to answer.")])

    blocks = [access, coordinator_families, plan_families]
    summary = summarise(blocks, answer_years)
    _work_summary(plan_work.table, "evaluated_on_time", _("In %(year)s, %(p)s of the plans with an evaluation due "
                                                          "were evaluated on time."), work_years, summary.work)
    _work_summary(coordinator_work.table, "meetings_followed_up",
                  _("In %(year)s, the agreed actions of %(p)s of the meetings were all done by their due date."),
                  work_years, summary.work)
    _work_summary(coordinator_work.table, "days_to_appointment",
                  _("In %(year)s, half the families got a barnekoordinator within %(p)s days of asking; families in "
                    "the national evaluation report waiting half a year to a year."), work_years, summary.work)

    latest = answer_years[-1] if answer_years else None
    key_rows = []
    if latest is not None:
        key_rows.append(Row("answers", _("Answers from families, %(period)s") % {"period": year_label(latest)},
                            [small(counts.answers.get((latest.year, Respondent.GUARDIAN), 0), True)]))
        for figure_key, block in (("coordinator_satisfied", coordinator_families), ("plan_satisfied", plan_families)):
            row = block.table.row(figure_key)
            key_rows.append(Row(figure_key, f"{SHORT[figure_key]}, {year_label(latest)}",
                                [row.cells[len(answer_years) - 1]]))
    current = work_years[-1] if work_years else None
    if current is not None:
        row = plan_work.table.row("evaluated_on_time")
        key_rows.append(Row("evaluated_on_time", f"{_('Plans evaluated on time')}, {year_label(current)}",
                            [row.cells[len(work_years) - 1]]))
    key = Table(id="key", title=_("Key figures"), caption=_("Key figures"), row_header=_("Figure"),
                columns=[_("Value")], rows=key_rows, protected=True)

    sections = [
        Section("access", _("Getting the services"),
                _("The national evaluation found that getting and keeping services is as much a problem as "
                  "coordinating them: most families say the road was unnecessarily heavy and that what they get "
                  "depends on whom they meet."), [access]),
        Section("coordinator", _("The barnekoordinator"),
                _("What the families say about their barnekoordinator, next to what Los sees of the work. %(p)s %% of "
                  "the families in the national survey put an overview of their rights among their two most "
                  "important needs.") % {"p": national.RIGHTS_AMONG_TOP_NEEDS},
                [coordinator_families, coordinator_work]),
        Section("plan", _("The individual plan"),
                _("Whether the plan lives, not whether it exists: what the families say about the plan, next to "
                  "evaluations, updated measures and goals in the family's own words."), [plan_families, plan_work]),
        Section("children", _("Children and young people"),
                _("From 12, children answer their own short version."), [children]),
        Section("answers", _("Who answered"), _("How many were asked, and how many answered."),
                [Block(table=answers_table)]),
    ]
    shown_comments = [(year_label(p), selectors.comments(ids, p)) for p in reversed(answer_years)]
    return Page(key=key, sections=sections, summary=summary, years=work_years, answer_years=answer_years,
                comments=[(y, c) for y, c in shown_comments if c], protect_work=protect_work)
