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
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from los.core.models import CoordinatingUnit, Municipality
from los.families.models import Child, Family
from los.families.selectors import authorized_family, family_or_404
from los.navigator import carry, forms, selectors, services
from los.navigator.catalog import LOCAL_PREFIX
from los.navigator.models import LocalEntry, LocalRoutine
from los.servicemap.models import ServiceEntry

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def _child_from(data: selectors.FamilyData, value: Any) -> Child | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return next((c for c in data.children if c.pk == pk), None)


def _questionnaire(data: selectors.FamilyData, child: Child, step: int | None) -> forms.FamilyQuestionnaireForm:
    child_row = selectors.answers_row(data, child)
    family_row = selectors.answers_row(data, None)
    answers = {**(family_row.answers or {}), **(child_row.answers or {})}
    initial = {"child": child.pk, "child_version": child_row.version, "family_version": family_row.version}
    return forms.FamilyQuestionnaireForm(questions=selectors.questions_for(data, child), answers=answers,
                                         initial=initial, step=step)


def _family_url(family: Family, child: Child | None, anchor: str = "", **params: Any) -> str:
    url = reverse("navigator:family", args=[family.pk])
    query = {**({"barn": child.pk} if child is not None else {}), **params}
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


#: The cards from which one asks for a barnekoordinator: the coordinating unit decides on a barnekoordinator, and
#: the barnekoordinator makes the individual plan with the family and is its coordinator until 18.
ASK_CARDS = ("barnekoordinator", "individuell_plan", "koordinator")
#: The cards on which the coordinating unit's contact details are shown (each says "contact the coordinating unit").
UNIT_CARDS = ASK_CARDS


def _may_ask(listing: selectors.Listing) -> bool:
    """A barnekoordinator is likely or possible (not in place, not applied for, not ruled out)."""
    card = listing.card("barnekoordinator")
    return card is not None and card.group in ("likely", "possible")


def _attach_ask(listing: selectors.Listing, ask: selectors.AskAction | None, unit: Any) -> None:
    for entry_id in UNIT_CARDS:
        card = listing.card(entry_id)
        if card is None:
            continue
        card.unit = unit
        if ask is not None and card.group in ("likely", "possible") and _may_ask(listing):
            card.ask = ask


def _family_ask(request: HttpRequest, family: Family) -> selectors.AskAction | None:
    """Where this viewer asks for (or follows) a barnekoordinator for the family in Los: a guardian asks from the
    family's own request page, or follows the request already made; the coordinating unit and the coordinator open
    the request and decision page. Nobody else gets a link (it would end in a refusal)."""
    from los.referrals import services as referral_services

    if referral_services.guardian_member(request.user, family) is not None:
        try:
            referral_services.check_can_request(family)
        except ValidationError:
            return selectors.AskAction(_("See your request for a barnekoordinator"),
                                       reverse("referrals:family_case", args=[family.pk]))
        return selectors.AskAction(_("Ask for a barnekoordinator"), reverse("referrals:family_ask", args=[family.pk]))
    if can(request.user, Action.VIEW, family, Category.REFERRAL):
        return selectors.AskAction(_("See the request and decision page"),
                                   reverse("referrals:family_case", args=[family.pk]))
    return None


def _unit_of(municipality_id: int | None) -> CoordinatingUnit | None:
    if municipality_id is None:
        return None
    return CoordinatingUnit.objects.filter(municipality_id=municipality_id).order_by("pk").first()


def _first_useful_step(listing: selectors.Listing | None, data: selectors.FamilyData, child: Child | None) -> int:
    """The step to show first: the first that asks something that would settle a possible entry, else the first with
    a question nobody has answered yet, else the first."""
    if listing is not None and not listing.error:
        asked = [forms.family_step_of(fact.rsplit(".", 1)[-1]) for fact in listing.settle_facts]
        asked = sorted(n for n in asked if n)
        if asked:
            return asked[0]
    if child is not None:
        answered = {**(selectors.answers_row(data, None).answers or {}), **(selectors.answers_row(data, child).answers or {})}
        for number, (_key, _legend, keys) in enumerate(forms.FAMILY_STEPS, 1):
            if any(key not in answered for key in keys):
                return number
    return 1


def _family_steps(family: Family, child: Child, current: int) -> list[dict[str, Any]]:
    return [{"number": n, "legend": legend, "current": n == current,
             "url": _family_url(family, child, "nav-questions", steg=n)}
            for n, (_key, legend, _keys) in enumerate(forms.FAMILY_STEPS, 1)]


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
    step = form.step_number if form is not None else forms.parse_step(request.GET.get("steg"))
    if form is None and step is None:
        step = _first_useful_step(nav.listing, data, child)
    if nav.listing is not None:
        if can_apply:
            for group in ("likely", "possible"):
                for card in nav.listing.groups[group]:
                    if applied is not None and applied.prefix == forms.applied_prefix(card.id):
                        card.form = forms.AppliedFields.from_form(applied)
                        applied_shown = True
                    else:
                        card.form = forms.AppliedFields.blank(card.id, child.pk if child else None, today)
        _attach_ask(nav.listing, _family_ask(request, family) if _may_ask(nav.listing) else None,
                    _unit_of(family.municipality_id))
        if can_answer:
            for card in nav.listing.groups["possible"]:
                asked = [forms.family_step_of(fact.rsplit(".", 1)[-1]) for fact in card.suggestion.question_facts]
                asked = [n for n in asked if n]
                if asked:
                    card.answer_href = _family_url(family, child, "nav-questions", steg=asked[0])
    if form is None and child is not None and can_answer:
        form = _questionnaire(data, child, step)
    saved = forms.parse_step(request.GET.get("lagret")) if request.method == "GET" else None
    context = {
        "family": family,
        "nav": nav,
        "listing": nav.listing,
        "child": child,
        "children": visible,
        "hidden_count": hidden_count,
        "form": form if can_answer else None,
        "can_answer": can_answer,
        "steps": _family_steps(family, child, step or 0) if can_answer and child is not None and step else [],
        "step": step,
        "step_count": len(forms.FAMILY_STEPS),
        "next_step": step + 1 if step and step < len(forms.FAMILY_STEPS) else None,
        "saved": saved,
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


def _family_data(family_pk: int) -> tuple[Family, selectors.FamilyData]:
    """The family of the address and what the navigator reads about it (``selectors.family_data``)."""
    family = family_or_404(family_pk)
    return family, selectors.family_data(family)


@access("family")
@login_required
def family_page(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The family's list: likely, possible (with the question that settles it), applied for, in place."""
    family = authorized_family(request, family_pk, Action.VIEW, Category.HEALTH)
    data = selectors.family_data(family)
    return _render_family(request, family, data, _child_from(data, request.GET.get("barn")))


@access("family")
@login_required
@require_POST
def save_answers(request: HttpRequest, family_pk: int) -> HttpResponse:
    """Save the questionnaire for a child and the family; the list is evaluated again."""
    family, data = _family_data(family_pk)
    authorize(request, Action.CHANGE, selectors.answers_row(data, None))
    child = _child_from(data, request.POST.get("child"))
    if child is None:
        raise Http404
    authorize(request, Action.CHANGE, selectors.answers_row(data, child))
    step = forms.parse_step(request.POST.get("step"))
    form = forms.FamilyQuestionnaireForm(request.POST, questions=selectors.questions_for(data, child), step=step)

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

    if step:  # one step of the questionnaire: on to the next, and say there that the list is updated
        following = min(step + 1, len(forms.FAMILY_STEPS))
        return form_action(request, form, save, page=page,
                           success=_family_url(family, child, "nav-questions", steg=following, lagret=step))
    return form_action(request, form, save, success=_family_url(family, child, "nav-results"), page=page,
                       message=_("Your answers are saved. The list is updated."))


@access("family")
@login_required
@require_POST
def mark_applied(request: HttpRequest, family_pk: int) -> HttpResponse:
    """"We have applied": the entry goes on the family's service map as applied for."""
    family, data = _family_data(family_pk)
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


RESULTS = "results"


def _anonymous_listing(form: forms.AnonymousForm, today: Any, lang: str) -> selectors.Listing:
    """The list for the answers, with the chosen municipality's own services and routines, and the way on to the
    open request form (with the answers carried, signed) from the cards that ask for a barnekoordinator."""
    municipality_id = form.municipality_id()
    municipality = Municipality.objects.filter(pk=municipality_id).first() if municipality_id else None
    profile = form.profile()
    result = selectors.listing(profile, today, lang, catalog=selectors.catalog_for(municipality_id),
                               routines=selectors.routines_for(municipality_id, lang,
                                                               municipality.name if municipality else ""),
                               municipality_name=municipality.name if municipality else "")
    if not result.error:
        ask = selectors.AskAction(_("Ask for a barnekoordinator"), reverse("referrals:public_request"),
                                  carry.pack(profile, municipality_id))
        _attach_ask(result, ask, _unit_of(municipality_id))
        for card in result.groups["possible"]:
            card.answer_href = "#nav-questions"
    return result


@access("public")
@require_http_methods(["GET", "POST"])
def anonymous(request: HttpRequest) -> HttpResponse:
    """The questionnaire without logging in: a few questions in short steps, then the list with the questions that
    refine it beside it. Nothing is stored: no database rows, no cookies beyond the CSRF token. Each step sends the
    earlier answers on as hidden fields; the list's "ask for a barnekoordinator" carries them, signed, to the open
    request form."""
    lang = selectors.page_language()
    today = timezone.localdate()
    steps = len(forms.ANONYMOUS_STEPS)
    if request.method == "GET":
        form = forms.AnonymousForm(lang=lang)
        return _render_anonymous(request, form, step=1)
    form = forms.AnonymousForm(request.POST, lang=lang)
    shown = request.POST.get("shown", "")
    go = request.POST.get("go", "")
    if not form.is_valid():
        first = form.step_of_first_error()
        if first == 0 and shown == RESULTS:  # only a refining answer came back wrong: the list, with the error
            return _render_anonymous(request, form, listing=_anonymous_listing(form, today, lang), status=400)
        return _render_anonymous(request, form, step=first or 1, status=400)
    target = forms.parse_step(go, steps)
    if target is None and go != RESULTS and shown != RESULTS:
        current = forms.parse_step(shown, steps)
        target = current + 1 if current is not None and current < steps else None
    if target is not None:
        return _render_anonymous(request, form, step=target)
    return _render_anonymous(request, form, listing=_anonymous_listing(form, today, lang))


def _render_anonymous(request: HttpRequest, form: forms.AnonymousForm, *, step: int | None = None,
                      listing: selectors.Listing | None = None, status: int = 200) -> HttpResponse:
    steps = len(forms.ANONYMOUS_STEPS)
    context: dict[str, Any] = {"form": form, "listing": listing, "lang": selectors.page_language(),
                               "step_count": steps}
    if listing is not None:
        context["sections"] = form.refine_sections(listing.settle_facts if not listing.error else [])
        context["hidden"] = form.hidden_values(form.refine_names())
        context["ask"] = next((c.ask for c in listing.groups["likely"] + listing.groups["possible"]
                               if c.id == "barnekoordinator" and c.ask), None)
    else:
        context.update({"step": step, "step_legend": forms.ANONYMOUS_STEPS[step - 1][1],
                        "sections": form.step_sections(step), "hidden": form.hidden_values(form.shown_on_step(step)),
                        "steps": [legend for _key, legend, _names in forms.ANONYMOUS_STEPS],
                        "previous": step - 1 if step > 1 else None,
                        "next": step + 1 if step < steps else None})
    return render(request, "navigator/anonymous.html", context, status=status)


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
