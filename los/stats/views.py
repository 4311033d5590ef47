"""The statistics pages. Thin: decide which municipalities the user may see figures for, read the filter,
build the page from :mod:`los.stats.figures`, render or download it.

- ``dashboard`` (the entry page, ``stats:dashboard``): the coordinating unit's dashboard; a leader without
  a role in the unit is sent on to the municipal statistics.
- ``queue`` and ``without_contact``: the families behind two of the unit's figures, for the unit only
  (``family_list``: they start from ``visible_families``).
- ``municipal``: the municipality's statistics for leaders; aggregated, never a single family and no link
  to one.
- ``export``: the anonymised export for evaluation and research, always with small numbers hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from los.access import audit
from los.access.guard import access, record_list_view
from los.access.models import AuditAction, Category
from los.access.policy import prime_families
from los.core.i18n import page_language
from los.core.models import Municipality
from los.referrals.models import REFERRAL_CATEGORY
from los.stats import exports, figures, periods, precomputed, selectors
from los.stats.forms import FilterForm, Filters, read_filters

PAGE_SIZE = 50


def _unit_municipalities(request: HttpRequest) -> list[Municipality]:
    municipalities = selectors.unit_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("This page is for the coordinating unit."))
    return municipalities


def _leader_municipalities(request: HttpRequest) -> list[Municipality]:
    municipalities = selectors.leader_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("This page is for the municipality's leaders and the leader of the coordinating unit."))
    return municipalities


def _filters(request: HttpRequest, municipalities: list[Municipality], *, period: bool, weeks: bool,
             export: bool = False) -> tuple[FilterForm, Filters]:
    """The filter form and the filters in use. Figures with small numbers hidden (the export, and a viewer who
    may not open the families behind them) are for one whole calendar period that has ended and one
    municipality at a time, so that two views cannot be subtracted from each other (docs/statistics.md)."""
    today = timezone.localdate()
    data = request.GET.copy()
    fixed = None
    combine = True
    if period:
        every = [m.pk for m in municipalities]
        combine = not export and not selectors.must_protect(request.user, every)
        if not combine:
            data.setdefault("kommune", str(every[0]))
        chosen = [pk for pk in every if str(pk) == data.get("kommune")] or (every if combine else every[:1])
        if export or selectors.must_protect(request.user, chosen):
            fixed = periods.completed(periods.protected_kind(), today)
            data.setdefault("periode", fixed[0].key)
    default = selectors.Period.default(today)  # a field left out shows the value in use
    if fixed is None:
        data.setdefault("fra", default.start.isoformat())
        data.setdefault("til", default.end.isoformat())
    data.setdefault("uker", str(selectors.DEFAULT_WEEKS))
    form = FilterForm(data, municipalities=municipalities, today=today, period=period, weeks=weeks, fixed=fixed,
                      combine=combine)
    return form, read_filters(form)


def _unit_filters(request: HttpRequest, *, weeks: bool) -> tuple[FilterForm, Filters]:
    """The filter of a coordinating unit's page: the unit's municipalities (no period)."""
    return _filters(request, _unit_municipalities(request), period=False, weeks=weeks)


def _leader_filters(request: HttpRequest, *, export: bool = False) -> tuple[FilterForm, Filters]:
    """The filter of a page for the municipality's leaders: their municipalities and a period."""
    return _filters(request, _leader_municipalities(request), period=True, weeks=False, export=export)


def _query(filters: Filters, form: FilterForm, **extra: str) -> str:
    """The filter as a query string, for the download links and the links between pages."""
    params: dict[str, str] = {}
    if "kommune" in form.fields and len(filters.municipalities) == 1:
        params["kommune"] = str(filters.municipalities[0].pk)
    if "fra" in form.fields:
        params["fra"] = filters.period.start.isoformat()
        params["til"] = filters.period.end.isoformat()
    if "periode" in form.fields and filters.reporting is not None:
        params["periode"] = filters.reporting.key
    if "uker" in form.fields:
        params["uker"] = str(filters.weeks)
    params.update(extra)
    return urlencode(params)


def _subnav(request: HttpRequest) -> dict:
    return {"may_unit": bool(selectors.unit_municipalities(request.user)),
            "may_lead": bool(selectors.leader_municipalities(request.user))}


def _render(request: HttpRequest, template: str, form: FilterForm, filters: Filters,
            **context: object) -> HttpResponse:
    """A statistics page with its filter (also as a query string, for the links) and the pages the user may go to."""
    return render(request, template, {**context, "form": form, "filters": filters, "query": _query(filters, form),
                                      **_subnav(request)})


def _family_list(request: HttpRequest, items: object, filters: Filters, object_type: str, *,
                 rows: Callable[[list], list] | None = None, family_id: Callable[[object], int]) -> Page:
    """One page of a list of the unit's families (``rows`` makes the page's rows of its items): the families are
    primed for the access policy and the list view is written in each municipality's audit log."""
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("side"))
    if rows is not None:
        page.object_list = rows(page.object_list)
    prime_families(request.user, [family_id(item) for item in page.object_list])
    for m in filters.municipalities:
        record_list_view(request, object_type, m.pk)
    return page


def _download(request: HttpRequest, page: figures.Page, filters: Filters, name: str, title: str,
              *, with_period: bool, object_type: str, reason: str, method: str = "") -> HttpResponse:
    """The page's tables as a file; the export is written in each municipality's audit log first."""
    for m in filters.municipalities:
        audit.record(actor=request.user, action=AuditAction.EXPORT, object_type=object_type, municipality_id=m.pk,
                     reason=reason, request=request)
    fmt = exports.download_format(request.GET.get("format"))
    about = exports.About(title=title, municipalities=[m.name for m in filters.municipalities],
                          period=(filters.period.start, filters.period.end) if with_period else None,
                          generated_at=timezone.localtime(), protected=page.protected, method=method)
    scope = slugify(filters.municipalities[0].name) if len(filters.municipalities) == 1 else "alle"
    stem = f"los-{name}-{scope}-{timezone.localdate().isoformat()}"
    return exports.download(about, page.tables, stem, fmt)


# --------------------------------------------------------------------------------------------------
# The coordinating unit
# --------------------------------------------------------------------------------------------------


@access("aggregate")
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The entry page: the coordinating unit's dashboard (figures only; the lists are separate pages)."""
    municipalities = selectors.unit_municipalities(request.user)
    if not municipalities:
        if selectors.leader_municipalities(request.user):
            return redirect("stats:municipal")
        raise PermissionDenied(_("The statistics are for the coordinating unit and the municipality's leaders."))
    form, filters = _filters(request, municipalities, period=False, weeks=True)
    # the same figures for everyone in the unit (the municipalities chosen are ones the user's unit serves)
    shown = precomputed.get(precomputed.unit_spec(filters.ids, timezone.localdate(), filters.weeks, page_language()))
    return _render(request, "stats/unit.html", form, filters, page=shown, figures=shown)


@access("aggregate")
@login_required
def unit_download(request: HttpRequest) -> HttpResponse:
    form, filters = _unit_filters(request, weeks=True)
    page = figures.unit_page(request.user, filters.ids, timezone.localdate(), filters.weeks)
    return _download(request, page, filters, "enhet", _("The coordinating unit's dashboard"), with_period=False,
                     object_type="stats_unit_dashboard", reason="download of the coordinating unit's figures")


@access("family_list")
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The requests waiting for a decision, oldest first, with their age (the unit's own families)."""
    form, filters = _unit_filters(request, weeks=False)
    requests = selectors.open_requests(selectors.unit_families(request.user, filters.ids, REFERRAL_CATEGORY))
    page = _family_list(request, requests, filters, "stats_request_queue",
                        rows=lambda items: selectors.queue_rows(items, timezone.localdate()),
                        family_id=lambda row: row.request.family_id)
    return _render(request, "stats/queue.html", form, filters, rows=page)


@access("family_list")
@login_required
def without_contact(request: HttpRequest) -> HttpResponse:
    """Families with a barnekoordinator and no meeting, call, message or plan change in N weeks."""
    form, filters = _unit_filters(request, weeks=True)
    today = timezone.localdate()
    families = selectors.families_without_contact(
        selectors.unit_families(request.user, filters.ids, Category.MEETINGS), today, filters.weeks)
    page = _family_list(request, families, filters, "stats_without_contact", family_id=lambda family: family.pk)
    return _render(request, "stats/without_contact.html", form, filters, families=page,
                   messages_counted=selectors.messages_counted())


# --------------------------------------------------------------------------------------------------
# The municipality (aggregated only)
# --------------------------------------------------------------------------------------------------


def _protects(request: HttpRequest, filters: Filters, *, export: bool = False) -> bool:
    """Whether the figures are protected (small numbers hidden): in the export and for a viewer who may not open
    the families behind them; then only for one municipality and one fixed period (``filters.reporting``)."""
    protect = export or selectors.must_protect(request.user, filters.ids)
    if protect and (filters.reporting is None or len(filters.municipalities) != 1):  # never free periods or sums
        raise PermissionDenied(_("Protected figures are for one municipality and one whole period at a time."))
    return protect


def _municipal_page(request: HttpRequest, filters: Filters, *, export: bool = False) -> figures.Page:
    """The municipality's figures, worked out now. Protected (small numbers hidden) in the export and for a viewer
    who may not open the families behind them: then for the fixed period chosen (``filters.reporting``), and with
    the figures "now" as in the month's snapshot."""
    today = timezone.localdate()
    protect = _protects(request, filters, export=export)
    now = None
    if protect:
        now = selectors.protected_now_figures(filters.municipalities[0], today)
    return figures.municipal_page(filters.ids, filters.period, today, page_language(),
                                  protect=protect, protect_staff=export, now=now)


@access("aggregate")
@login_required
def municipal(request: HttpRequest) -> HttpResponse:
    form, filters = _leader_filters(request)
    # the same figures for everyone with the same choice (``_municipal_page``, stored by ``los.stats.precomputed``)
    shown = precomputed.get(precomputed.municipal_spec(filters.ids, filters.period, timezone.localdate(),
                                                       page_language(), protect=_protects(request, filters)))
    return _render(request, "stats/municipal.html", form, filters, page=shown, figures=shown)


@access("aggregate")
@login_required
def municipal_download(request: HttpRequest) -> HttpResponse:
    form, filters = _leader_filters(request)
    page = _municipal_page(request, filters)
    return _download(request, page, filters, "kommune", _("Statistics for the municipality"), with_period=True,
                     object_type="stats_municipal", reason="download of the municipality's statistics")


@access("aggregate")
@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The anonymised export: what it holds and how small numbers are hidden, with the download buttons."""
    form, filters = _leader_filters(request, export=True)
    page = _municipal_page(request, filters, export=True)
    return _render(request, "stats/export.html", form, filters, page=page)


@access("aggregate")
@login_required
def export_download(request: HttpRequest) -> HttpResponse:
    form, filters = _leader_filters(request, export=True)
    page = _municipal_page(request, filters, export=True)
    return _download(request, page, filters, "anonymisert", _("Anonymised statistics for evaluation and research"),
                     with_period=True, object_type="stats_anonymised_export",
                     reason="anonymised aggregate export for research", method=_(
                         "Aggregate tables only. Counts under 5 (0 included) are hidden, and further cells are "
                         "hidden so that no hidden count can be worked out from the totals (secondary suppression). "
                         "Medians and means over fewer than 5 are hidden. See docs/statistics.md."))
