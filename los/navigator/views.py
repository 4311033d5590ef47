"""Pages of the navigator. Thin: load, authorize, call a selector or service, render.

- ``anonymous`` (``/los/``): the questionnaire for anyone; nothing is stored, the answer is the list.
- ``family`` (``/los/familie/<pk>/``): the family's list from Los's data and the stored answers, the
  questionnaire, and "we have applied" buttons that put an entry on the service map.
- ``screening`` (``/los/mine-familier/``): the barnekoordinator's caseload, entries likely but missing.
- ``unit`` (``/los/enhet/``): counts for the municipality; names only for those who may open the families.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from los.access import disclosure
from los.access.guard import access, authorize, record_list_view
from los.access.models import Category
from los.access.policy import Action, can
from los.families.models import Child, Family
from los.navigator import forms, selectors, services

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
    if not form.is_valid():
        return _render_family(request, family, data, child, form=form, status=400)
    child_changes, family_changes = form.question_changes()
    try:
        services.save_answers(family, child, request.user, child_answers=child_changes, family_answers=family_changes,
                              child_version=form.cleaned_data["child_version"],
                              family_version=form.cleaned_data["family_version"])
    except services.ConflictError as exc:
        form.add_error(None, exc.messages)
        # keep what the user chose, but move the form to the stored versions so that saving again works
        fresh = selectors.family_data(family)
        post = form.data.copy()
        post["child_version"] = str(selectors.answers_row(fresh, child).version)
        post["family_version"] = str(selectors.answers_row(fresh, None).version)
        form.data = post
        return _render_family(request, family, fresh, child, form=form, status=409)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _render_family(request, family, data, child, form=form, status=400)
    messages.success(request, _("Your answers are saved. The list is updated."))
    return HttpResponseRedirect(_family_url(family, child, "nav-results"))


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
    form = forms.AppliedForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            entry, changed = services.mark_applied(family, child, form.cleaned_data["catalog_id"], request.user,
                                                   form.cleaned_data["sent_on"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            names = selectors.catalogue_names(selectors.page_language())
            name = names.get(entry.catalog_id, entry.catalog_id)
            if changed:
                messages.success(request, _("“%(name)s” is on the service map as applied for.") % {"name": name})
            else:
                messages.info(request, _("“%(name)s” is already on the service map: %(state)s.")
                              % {"name": name, "state": entry.get_state_display().lower()})
            return HttpResponseRedirect(_family_url(family, child, f"entry-{entry.catalog_id}"))
    return _render_family(request, family, data, child, applied=form, status=400)


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
    a count are named only to those the access policy lets open them (never to a municipal leader)."""
    municipalities = selectors.aggregate_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("This page is for the coordinating unit and the municipality’s leaders."))
    chosen = next((m for m in municipalities if str(m.pk) == request.GET.get("kommune")), municipalities[0])
    lang = selectors.page_language()
    result = selectors.unit_screening(chosen, timezone.localdate(), lang)
    visible_ids = selectors.visible_family_ids(request.user, chosen)
    entry_id = request.GET.get("tilbud", "")
    names = dict((i, name) for i, name, _n in result.counts)
    rows = None
    if entry_id in names and visible_ids:
        rows = selectors.named_rows(result, entry_id, visible_ids)
        if rows:
            record_list_view(request, "navigator_unit_families", chosen.pk)
            disclosure.note_shown({row.family.pk for row in rows}, SCREENED_CATEGORIES)
    sections = [
        ("nav-unit-counts", _("To apply for"),
         _("Number of families that may be missing each right or service"), result.apply_counts),
        ("nav-unit-tell", _("Worth telling families about"),
         _("Number of families that may not know about each offer"), result.tell_counts),
    ]
    return render(request, "navigator/unit.html", {
        "screening": result, "municipality": chosen, "municipalities": municipalities, "sections": sections,
        "may_name": bool(visible_ids), "entry_id": entry_id if entry_id in names else "",
        "entry_name": names.get(entry_id, ""), "rows": rows,
    })
