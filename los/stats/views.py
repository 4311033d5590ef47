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

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
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


def _record_export(request: HttpRequest, filters: Filters, object_type: str, reason: str) -> None:
    for m in filters.municipalities:
        audit.record(actor=request.user, action=AuditAction.EXPORT, object_type=object_type, municipality_id=m.pk,
                     reason=reason, request=request)


def _download(request: HttpRequest, page: figures.Page, filters: Filters, name: str, title: str,
              *, with_period: bool, method: str = "") -> HttpResponse:
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
    return render(request, "stats/unit.html", {
        "page": shown, "figures": shown, "form": form, "filters": filters, "query": _query(filters, form),
        **_subnav(request)})


@access("aggregate")
@login_required
def unit_download(request: HttpRequest) -> HttpResponse:
    municipalities = _unit_municipalities(request)
    form, filters = _filters(request, municipalities, period=False, weeks=True)
    page = figures.unit_page(request.user, filters.ids, timezone.localdate(), filters.weeks)
    _record_export(request, filters, "stats_unit_dashboard", "download of the coordinating unit's figures")
    return _download(request, page, filters, "enhet", _("The coordinating unit's dashboard"), with_period=False)


@access("family_list")
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The requests waiting for a decision, oldest first, with their age (the unit's own families)."""
    municipalities = _unit_municipalities(request)
    form, filters = _filters(request, municipalities, period=False, weeks=False)
    requests = selectors.open_requests(selectors.unit_families(request.user, filters.ids, REFERRAL_CATEGORY))
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("side"))
    page.object_list = selectors.queue_rows(page.object_list, timezone.localdate())
    prime_families(request.user, [row.request.family_id for row in page.object_list])
    for m in filters.municipalities:
        record_list_view(request, "stats_request_queue", m.pk)
    return render(request, "stats/queue.html", {
        "rows": page, "form": form, "filters": filters, "query": _query(filters, form), **_subnav(request)})


@access("family_list")
@login_required
def without_contact(request: HttpRequest) -> HttpResponse:
    """Families with a barnekoordinator and no meeting, call, message or plan change in N weeks."""
    municipalities = _unit_municipalities(request)
    form, filters = _filters(request, municipalities, period=False, weeks=True)
    today = timezone.localdate()
    families = selectors.families_without_contact(
        selectors.unit_families(request.user, filters.ids, Category.MEETINGS), today, filters.weeks)
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("side"))
    prime_families(request.user, [family.pk for family in page.object_list])
    for m in filters.municipalities:
        record_list_view(request, "stats_without_contact", m.pk)
    return render(request, "stats/without_contact.html", {
        "families": page, "form": form, "filters": filters, "query": _query(filters, form),
        "messages_counted": selectors.messages_counted(), **_subnav(request)})


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
    municipalities = _leader_municipalities(request)
    form, filters = _filters(request, municipalities, period=True, weeks=False)
    # the same figures for everyone with the same choice (``_municipal_page``, stored by ``los.stats.precomputed``)
    shown = precomputed.get(precomputed.municipal_spec(filters.ids, filters.period, timezone.localdate(),
                                                       page_language(), protect=_protects(request, filters)))
    return render(request, "stats/municipal.html", {
        "page": shown, "figures": shown, "form": form, "filters": filters, "query": _query(filters, form),
        **_subnav(request)})


@access("aggregate")
@login_required
def municipal_download(request: HttpRequest) -> HttpResponse:
    municipalities = _leader_municipalities(request)
    form, filters = _filters(request, municipalities, period=True, weeks=False)
    page = _municipal_page(request, filters)
    _record_export(request, filters, "stats_municipal", "download of the municipality's statistics")
    return _download(request, page, filters, "kommune", _("Statistics for the municipality"), with_period=True)


@access("aggregate")
@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The anonymised export: what it holds and how small numbers are hidden, with the download buttons."""
    municipalities = _leader_municipalities(request)
    form, filters = _filters(request, municipalities, period=True, weeks=False, export=True)
    page = _municipal_page(request, filters, export=True)
    return render(request, "stats/export.html", {
        "page": page, "form": form, "filters": filters, "query": _query(filters, form), **_subnav(request)})


@access("aggregate")
@login_required
def export_download(request: HttpRequest) -> HttpResponse:
    municipalities = _leader_municipalities(request)
    form, filters = _filters(request, municipalities, period=True, weeks=False, export=True)
    page = _municipal_page(request, filters, export=True)
    _record_export(request, filters, "stats_anonymised_export", "anonymised aggregate export for research")
    return _download(request, page, filters, "anonymisert", _("Anonymised statistics for evaluation and research"),
                     with_period=True, method=_(
                         "Aggregate tables only. Counts under 5 (0 included) are hidden, and further cells are "
                         "hidden so that no hidden count can be worked out from the totals (secondary suppression). "
                         "Medians and means over fewer than 5 are hidden. See docs/statistics.md."))
