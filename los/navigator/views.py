"""Pages of the navigator. Thin: load, authorize, call a selector or service, render.

- ``anonymous`` (``/los/``): the questionnaire for anyone; nothing is stored, the answer is the list.
- ``family`` (``/los/familie/<pk>/``): the family's list from Los's data and the stored answers, the
  questionnaire, and "we have applied" buttons that put an entry on the service map.
- ``screening`` (``/los/mine-familier/``): the barnekoordinator's caseload, entries likely but missing.
- ``unit`` (``/los/enhet/``): counts for the municipality; names only for those who may open the families.
- ``local`` (``/los/lokalt/``) with ``local_entry`` and ``local_routine``: the municipality's own services and its
  routines for national entries, kept by the coordinating unit.
- ``changes`` (``/los/endringer/``): what changed in the rules and in the navigator, year by year.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from los.access import disclosure
from los.access.guard import access, authorize, record_list_view
from los.access.models import Category
from los.access.policy import Action, can, decide_municipal_content
from los.core.forms import form_action, set_version
from los.families.models import Child, Family
from los.navigator import forms, selectors, services
from los.navigator.catalog import LOCAL_PREFIX
from los.navigator.models import LocalEntry, LocalRoutine
from los.servicemap.models import ServiceEntry

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def _family(pk: int) -> Family:
    return get_object_or_404(Family.objects.select_related("municipality"), pk=pk)


def _child_from(data: selectors.FamilyData, value: Any) -> Child | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return next((c for c in data.children if c.pk == pk), None)


def _questionnaire(data: selectors.FamilyData, child: Child) -> forms.FamilyQuestionnaireForm:
    child_row = selectors.answers_row(data, child)
    family_row = selectors.answers_row(data, None)
    answers = {**(family_row.answers or {}), **(child_row.answers or {})}
    initial = {"child": child.pk, "child_version": child_row.version, "family_version": family_row.version}
    return forms.FamilyQuestionnaireForm(questions=selectors.questions_for(data, child), answers=answers,
                                         initial=initial)


def _family_url(family: Family, child: Child | None, anchor: str = "") -> str:
    url = reverse("navigator:family", args=[family.pk])
    if child is not None:
        url += f"?barn={child.pk}"
    return url + (f"#{anchor}" if anchor else "")


def _render_family(request: HttpRequest, family: Family, data: selectors.FamilyData, child: Child | None,
                   form: forms.FamilyQuestionnaireForm | None = None, applied: forms.AppliedForm | None = None,
                   status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    lang = selectors.page_language()
    in_scope = selectors.children_in_scope(data, today)
    # A young person aged 16 or more may keep their health information from their guardians: the policy
    # decides per child whether this viewer sees the child's list.
    visible = [c for c in in_scope if can(request.user, Action.VIEW, selectors.answers_row(data, c))]
    hidden_count = len(in_scope) - len(visible)
    if child is None or child not in visible:
        child = visible[0] if visible else None
    nav = selectors.family_navigator(data, child, today, lang)
    can_answer = child is not None and can(request.user, Action.CHANGE, selectors.answers_row(data, child)) and can(
        request.user, Action.CHANGE, selectors.answers_row(data, None))
    can_apply = can(request.user, Action.CHANGE, family, Category.SERVICES)
    applied_shown = False
    if nav.listing is not None and can_apply:
        for group in ("likely", "possible"):
            for card in nav.listing.groups[group]:
                if card.local:  # the service map names national entries only; a local service is applied for locally
                    continue
                if applied is not None and applied.prefix == forms.applied_prefix(card.id):
                    card.form = forms.AppliedFields.from_form(applied)
                    applied_shown = True
                else:
                    card.form = forms.AppliedFields.blank(card.id, child.pk if child else None, today)
    if form is None and child is not None and can_answer:
        form = _questionnaire(data, child)
    context = {
        "family": family,
        "nav": nav,
        "listing": nav.listing,
        "child": child,
        "children": visible,
        "hidden_count": hidden_count,
        "form": form if can_answer else None,
        "can_answer": can_answer,
        # "we have applied" for an entry that has no card with a form here: say what went wrong at the top
        "applied_errors": ([str(e) for errors in applied.errors.values() for e in errors]
                           if applied is not None and not applied_shown else []),
        "lang": lang,
        "today": today,
    }
    return render(request, "navigator/family.html", context, status=status)


# --------------------------------------------------------------------------------------------------
# the family's page
# --------------------------------------------------------------------------------------------------


@access("family")
@login_required
def family_page(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The family's list: likely, possible (with the question that settles it), applied for, in place."""
    family = _family(family_pk)
    authorize(request, Action.VIEW, family, Category.HEALTH)
    data = selectors.family_data(family)
    return _render_family(request, family, data, _child_from(data, request.GET.get("barn")))


@access("family")
@login_required
@require_POST
def save_answers(request: HttpRequest, family_pk: int) -> HttpResponse:
    """Save the questionnaire for a child and the family; the list is evaluated again."""
    family = _family(family_pk)
    data = selectors.family_data(family)
    authorize(request, Action.CHANGE, selectors.answers_row(data, None))
    child = _child_from(data, request.POST.get("child"))
    if child is None:
        raise Http404
    authorize(request, Action.CHANGE, selectors.answers_row(data, child))
    form = forms.FamilyQuestionnaireForm(request.POST, questions=selectors.questions_for(data, child))

    def save():
        child_changes, family_changes = form.question_changes()
        services.save_answers(family, child, request.user, child_answers=child_changes, family_answers=family_changes,
                              child_version=form.cleaned_data["child_version"],
                              family_version=form.cleaned_data["family_version"])

    def page(status: int) -> HttpResponse:
        if form.conflict is None:
            return _render_family(request, family, data, child, form=form, status=status)
        # keep what the user chose, but move the form to the stored versions so that saving again works
        fresh = selectors.family_data(family)
        set_version(form, selectors.answers_row(fresh, child).version, "child_version")
        set_version(form, selectors.answers_row(fresh, None).version, "family_version")
        return _render_family(request, family, fresh, child, form=form, status=status)

    return form_action(request, form, save, success=_family_url(family, child, "nav-results"), page=page,
                       message=_("Your answers are saved. The list is updated."))


@access("family")
@login_required
@require_POST
def mark_applied(request: HttpRequest, family_pk: int) -> HttpResponse:
    """"We have applied": the entry goes on the family's service map as applied for."""
    family = _family(family_pk)
    data = selectors.family_data(family)
    catalog_id = request.POST.get("entry", "")
    prefix = forms.applied_prefix(catalog_id)
    child = _child_from(data, request.POST.get(f"{prefix}-child"))
    existing = selectors.map_entry_for(family, child, catalog_id) if catalog_id else None
    authorize(request, Action.CHANGE, existing if existing is not None else family, Category.SERVICES)
    form = forms.AppliedForm(request.POST, prefix=prefix, municipality_id=family.municipality_id)

    def done(result: tuple[ServiceEntry, bool]) -> str:
        entry, changed = result
        name = selectors.catalogue_names(selectors.page_language(), family.municipality_id).get(entry.catalog_id, entry.catalog_id)
        if changed:
            messages.success(request, _("“%(name)s” is on the service map as applied for.") % {"name": name})
        else:
            messages.info(request, _("“%(name)s” is already on the service map: %(state)s.")
                          % {"name": name, "state": entry.get_state_display().lower()})
        return _family_url(family, child, f"entry-{entry.catalog_id}")

    return form_action(
        request, form, lambda: services.mark_applied(family, child, form.cleaned_data["catalog_id"], request.user,
                                                     form.cleaned_data["sent_on"]),
        success=done, page=lambda status: _render_family(request, family, data, child, applied=form, status=status))


# --------------------------------------------------------------------------------------------------
# anonymous
# --------------------------------------------------------------------------------------------------


@access("public")
@require_http_methods(["GET", "POST"])
def anonymous(request: HttpRequest) -> HttpResponse:
    """The questionnaire without logging in. Nothing is stored: no database rows, no cookies beyond the
    CSRF token; a POST answers with the list directly."""
    lang = selectors.page_language()
    today = timezone.localdate()
    result = None
    status = 200
    if request.method == "POST":
        form = forms.AnonymousForm(request.POST, lang=lang)
        if form.is_valid():
            result = selectors.listing(form.profile(), today, lang)
        else:
            status = 400
    else:
        form = forms.AnonymousForm(lang=lang)
    return render(request, "navigator/anonymous.html",
                  {"form": form, "listing": result, "lang": lang, "today": today}, status=status)


# --------------------------------------------------------------------------------------------------
# coordinators and the unit
# --------------------------------------------------------------------------------------------------


#: What a screening reads of a family: who it is, the navigator's answers about the child, the service map.
SCREENED_CATEGORIES = (Category.CASE, Category.HEALTH, Category.SERVICES)


@access("family_list")
@login_required
def screening(request: HttpRequest) -> HttpResponse:
    """Screen my caseload: per family, what is likely but neither in place nor applied for."""
    lang = selectors.page_language()
    result = selectors.screen_families(selectors.caseload(request.user), timezone.localdate(), lang)
    if result.families:
        record_list_view(request, "navigator_screening")
        # the families the screening names: each gets an event in its own access log
        disclosure.note_shown({row.family.pk for row in result.rows}, SCREENED_CATEGORIES)
    return render(request, "navigator/screening.html", {"screening": result})


@access("aggregate")
@login_required
def unit(request: HttpRequest) -> HttpResponse:
    """How many families in the municipality may be missing each entry. Counts only; the families behind
    a count are named only to those the access policy lets open them (never to a municipal leader).

    A viewer who may not open the families (a municipal leader) gets the counts as the statistics give them:
    small numbers hidden (:mod:`los.stats.suppression`, through :func:`los.stats.tables.count_table`), in a fixed
    order, and as they were when first asked for this month (:func:`los.stats.selectors.protected_now_figures`),
    so that two looks cannot be subtracted from each other."""
    from los.stats import selectors as stats
    from los.stats.tables import Cell, count_table, small

    municipalities = selectors.aggregate_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("This page is for the coordinating unit and the municipality’s leaders."))
    chosen = next((m for m in municipalities if str(m.pk) == request.GET.get("kommune")), municipalities[0])
    lang = selectors.page_language()
    today = timezone.localdate()
    protect = stats.must_protect(request.user, [chosen.pk])
    rows = None
    entry_id = ""
    names: dict[str, str] = {}
    if protect:
        now = stats.protected_now_figures(chosen, today)
        apply_counts, tell_counts = now.counts(lang) or [], now.counts(lang, tell=True) or []
        screened = now.screening.families if now.screening else 0
        with_missing = now.screening.families_with_missing if now.screening else 0
        visible_ids: set[int] = set()
        as_of = now.taken_on
    else:
        result = selectors.unit_screening(chosen, today, lang)
        apply_counts, tell_counts = result.apply_counts, result.tell_counts
        screened, with_missing = result.families, result.families_with_missing
        visible_ids = selectors.visible_family_ids(request.user, chosen)
        as_of = None
        entry_id = request.GET.get("tilbud", "")
        names = {i: name for i, name, _n in result.counts}
        if entry_id in names and visible_ids:
            rows = selectors.named_rows(result, entry_id, visible_ids)
            if rows:
                record_list_view(request, "navigator_unit_families", chosen.pk)
                disclosure.note_shown({row.family.pk for row in rows}, SCREENED_CATEGORIES)

    def table(key: str, caption: str, counts: list[tuple[str, str, int]]):
        if protect:  # never ordered by numbers that may be hidden
            counts = sorted(counts, key=lambda c: c[1])
        return count_table(id=key, title=caption, caption=caption, row_header=_("Right or service"),
                           columns=[_("Families")], rows=[(i, name, [n]) for i, name, n in counts],
                           row_totals=False, col_totals=False, protect=protect)

    sections = [
        ("nav-unit-counts", _("To apply for"),
         table("apply", _("Number of families that may be missing each right or service"), apply_counts)),
        ("nav-unit-tell", _("Worth telling families about"),
         table("tell", _("Number of families that may not know about each offer"), tell_counts)),
    ]
    return render(request, "navigator/unit.html", {
        "municipality": chosen, "municipalities": municipalities, "sections": sections,
        "screened": small(screened, protect) if protect else Cell(screened),
        "with_missing": small(with_missing, protect) if protect else Cell(with_missing),
        "protected": protect, "as_of": as_of,
        "may_name": bool(visible_ids), "entry_id": entry_id if entry_id in names else "",
        "entry_name": names.get(entry_id, ""), "rows": rows,
        "may_edit_local": decide_municipal_content(request.user, chosen.pk).allowed,
    })


# --------------------------------------------------------------------------------------------------
# the municipality's own layer (the coordinating unit) and the change log
# --------------------------------------------------------------------------------------------------


def _local_municipality(request: HttpRequest) -> tuple[Any, list]:
    municipalities = selectors.local_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("This page is for the municipality’s coordinating unit."))
    chosen = next((m for m in municipalities if str(m.pk) == request.GET.get("kommune")), municipalities[0])
    return chosen, municipalities


@access("staff")
@login_required
def local_catalogue(request: HttpRequest) -> HttpResponse:
    """The municipality's own services and its routines for national entries, with who checked them and when."""
    municipality, municipalities = _local_municipality(request)
    lang = selectors.page_language()
    names = selectors.catalogue_names(lang)
    entries = list(LocalEntry.objects.filter(municipality=municipality).select_related("checked_by"))
    routines = list(LocalRoutine.objects.filter(municipality=municipality).select_related("checked_by"))
    return render(request, "navigator/local_catalogue.html", {
        "municipality": municipality, "municipalities": municipalities,
        "entries": [(e, selectors.local_name(e, lang)) for e in entries],
        "routines": sorted(((r, names.get(r.entry_id, r.entry_id)) for r in routines), key=lambda pair: pair[1]),
    })


@access("staff")
@login_required
@require_http_methods(["GET", "POST"])
def local_entry_edit(request: HttpRequest) -> HttpResponse:
    """Add or change one of the municipality's own services."""
    municipality, municipalities = _local_municipality(request)
    editing = None
    if request.GET.get("rediger"):
        editing = get_object_or_404(LocalEntry, pk=request.GET["rediger"], municipality=municipality)
    initial = forms.LocalEntryForm.initial_from(editing) if editing else {"provider_nb": municipality.name,
                                                                           "provider_nn": municipality.name}
    form = forms.LocalEntryForm(request.POST or None, initial=initial, editing=editing is not None)

    def save() -> LocalEntry:
        data = form.cleaned_data
        entry_id = editing.entry_id.removeprefix(LOCAL_PREFIX) if editing else data["entry_id"]
        return services.save_local_entry(
            request.user, municipality, form.entry_data(municipality.name, entry_id, data["checked_on"]),
            active=data["active"], checked_on=data["checked_on"], entry=editing, version=data.get("version"))

    return form_action(
        request, form, save, success=f"{reverse('navigator:local')}?kommune={municipality.pk}",
        message=lambda saved: _("“%(name)s” is saved.") % {
            "name": selectors.local_name(saved, selectors.page_language())},
        page=lambda status: render(request, "navigator/local_entry_form.html", {
            "municipality": municipality, "municipalities": municipalities, "form": form, "editing": editing,
            "text_groups": [(key, label, [form[f"{key}_{lang}"] for lang in ("nb", "nn", "en")])
                            for key, label, _required in forms.LOCAL_TEXTS],
        }, status=status))


@access("staff")
@login_required
@require_http_methods(["GET", "POST"])
def local_routine_edit(request: HttpRequest) -> HttpResponse:
    """Add or change how the municipality handles a right or service from the national catalogue."""
    municipality, municipalities = _local_municipality(request)
    lang = selectors.page_language()
    entry_id = request.GET.get("tilbud", "")
    editing = LocalRoutine.objects.filter(municipality=municipality, entry_id=entry_id).first() if entry_id else None
    initial = forms.LocalRoutineForm.initial_from(editing) if editing else {"entry_id": entry_id, "version": 0}
    form = forms.LocalRoutineForm(request.POST or None, initial=initial, lang=lang, editing=editing is not None)
    return form_action(
        request, form, lambda: services.save_local_routine(
            request.user, municipality, editing.entry_id if editing else form.cleaned_data["entry_id"],
            form.routine_texts(), form_url=form.cleaned_data["form_url"], checked_on=form.cleaned_data["checked_on"],
            routine=editing, version=form.cleaned_data.get("version")),
        success=f"{reverse('navigator:local')}?kommune={municipality.pk}", message=_("The routine is saved."),
        page=lambda status: render(request, "navigator/local_routine_form.html", {
            "municipality": municipality, "municipalities": municipalities, "form": form, "editing": editing,
            "entry_name": selectors.catalogue_names(lang).get(editing.entry_id, "") if editing else "",
            "text_groups": [(key, label, [form[f"{key}_{code}"] for code in ("nb", "nn", "en")])
                            for key, label in forms.ROUTINE_TEXTS],
        }, status=status))


@access("public")
@require_http_methods(["GET"])
def changes(request: HttpRequest) -> HttpResponse:
    """What changed in the rules the navigator follows, and in the navigator itself, year by year."""
    lang = selectors.page_language()
    log = selectors.change_log(lang)
    years = sorted({row.date.year for row in log}, reverse=True)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("aar", this_year))
    except ValueError:
        year = this_year
    return render(request, "navigator/changes.html", {
        "year": year, "years": years, "this_year": this_year,
        "rows": [row for row in log if row.date.year == year],
    })
