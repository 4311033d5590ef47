"""Pages of the care diary. Thin: load, authorize, call a service or selector, render.

- ``diary`` (``/dagbok/familie/<pk>/?barn=&dag=``): record a day in a few taps (made for a phone), the last two
  weeks, what is usual for the age, and the sums by week and month over a period.
- ``record_day``, ``copy_day``, ``usual``: the forms (``los.core.forms.form_action``).
- ``attachment``: the sums as a dated PDF to attach to an application or an appeal; nothing is sent anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from los.access.guard import access, authorize
from los.access.policy import Action, can
from los.carediary import forms, pdf, selectors, services
from los.core.dates import format_day
from los.core.downloads import file_response
from los.core.forms import form_action
from los.families.models import Child, Family
from los.families.selectors import family_or_404


def _children(request: HttpRequest, family: Family) -> tuple[list[Child], int]:
    """The children whose diary this user may see, and how many more there are that they may not."""
    children = selectors.diary_children(family)
    visible = [c for c in children if can(request.user, Action.VIEW, services.diary_for(c))]
    return visible, len(children) - len(visible)


def _pick(children: list[Child], value, *, required: bool = False) -> Child | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        if required:
            raise Http404 from None
        return children[0] if children else None
    for child in children:
        if child.pk == pk:
            return child
    if required:
        raise Http404
    return children[0] if children else None


def _child_for_change(request: HttpRequest, family_pk: int) -> tuple[Family, Child]:
    """The family of the address and the child a form is about (it must be in the family), the child's diary
    authorized for CHANGE."""
    family = family_or_404(family_pk)
    child = _pick(selectors.diary_children(family), request.POST.get("barn"), required=True)
    authorize(request, Action.CHANGE, services.diary_for(child))
    return family, child


def _day_from(value, today: date) -> date:
    try:
        day = date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return today
    return day if day <= today else today


def diary_url(family: Family, child: Child | None, day: date | None = None, anchor: str = "") -> str:
    url = reverse("carediary:diary", args=[family.pk])
    params = []
    if child is not None:
        params.append(f"barn={child.pk}")
    if day is not None:
        params.append(f"dag={day.isoformat()}")
    return url + ("?" + "&".join(params) if params else "") + (f"#{anchor}" if anchor else "")


def _attachment_form(request: HttpRequest, family: Family, today: date) -> forms.AttachmentForm:
    start, end = selectors.default_period(today)
    language = family.preferred_language if family.preferred_language in ("nb", "nn", "en") else "nb"
    data = {"fra": start.isoformat(), "til": end.isoformat(), "formal": forms.Purpose.HJELPESTONAD,
            "bruk": "application", "sprak": language}
    if any(key in request.GET for key in ("fra", "til", "formal", "bruk", "sprak", "notater")):
        data.update({key: request.GET.get(key, data.get(key, "")) for key in ("fra", "til", "formal", "bruk", "sprak")})
        if request.GET.get("notater"):
            data["notater"] = "on"
    form = forms.AttachmentForm(data)
    form.is_valid()
    return form


def _period(form: forms.AttachmentForm, today: date) -> tuple[date, date]:
    start, end = selectors.default_period(today)
    data = getattr(form, "cleaned_data", {})
    if not form.errors:
        start, end = data.get("fra", start), data.get("til", end)
    return start, end


def _render(request: HttpRequest, family: Family, child: Child | None, *, day: date | None = None,
            day_form: forms.DayForm | None = None, usual_form: forms.UsualForm | None = None,
            attach_form: forms.AttachmentForm | None = None, hidden: int = 0, children: list[Child] | None = None,
            status: int = 200) -> HttpResponse:
    """The diary page (``children`` and ``hidden`` are read here when the view has not read them)."""
    if children is None:
        children, hidden = _children(request, family)
    today = timezone.localdate()
    from los.servicemap.services import is_family_actor

    context: dict = {"family": family, "child": child, "children": children or [], "hidden_count": hidden,
                     "family_side": is_family_actor(request.user, family), "today": today}
    if child is None:
        return render(request, "carediary/diary.html", context, status=status)
    diary = services.diary_for(child)
    day = day or today
    entry = selectors.day_entry(diary, day)
    can_change = can(request.user, Action.CHANGE, diary)
    attach_form = attach_form or _attachment_form(request, family, today)
    start, end = _period(attach_form, today)
    previous = selectors.previous_entry(diary, day)
    context.update({
        "diary": diary, "day": day, "entry": entry, "can_change": can_change,
        "day_form": day_form or forms.DayForm(initial=forms.DayForm.initial_for(day, entry), prefix="day"),
        "usual_form": usual_form or forms.UsualForm(
            initial={"usual_for_age": diary.usual_for_age if diary.pk else "", "version": diary.version},
            prefix="usual"),
        "attach_form": attach_form,
        "previous": previous if entry is None else None,
        "recent": selectors.recent_days(diary, today),
        "summary": selectors.summary(diary, start, end),
        "yesterday": today - timedelta(days=1),
    })
    return render(request, "carediary/diary.html", context, status=status)


@access("family")
@login_required
def diary(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The child's care diary: record a day, the last two weeks, the sums and the attachment."""
    family = family_or_404(family_pk)
    children, hidden = _children(request, family)
    child = _pick(children, request.GET.get("barn"))
    if child is None:
        authorize(request, Action.VIEW, family)
        return _render(request, family, None, hidden=hidden, children=children)
    authorize(request, Action.VIEW, services.diary_for(child))
    day = _day_from(request.GET.get("dag"), timezone.localdate())
    return _render(request, family, child, day=day, hidden=hidden, children=children)


def _next_day(family: Family, child: Child, today: date) -> Callable[[Any], str]:
    """Where the page goes after a day is saved: the next day (up to today), so that a week is quick to fill in."""
    def url(row) -> str:
        following = row.day + timedelta(days=1)
        return diary_url(family, child, following if following <= today else row.day, "diary-day")
    return url


def _saved_message(row) -> str:
    return _("%(day)s is saved.") % {"day": format_day(row.day, "weekday").capitalize()}


@access("family")
@login_required
@require_POST
def record_day(request: HttpRequest, family_pk: int) -> HttpResponse:
    """Save one day; then the page opens the next day (up to today), so that a week is quick to fill in."""
    family, child = _child_for_change(request, family_pk)
    form = forms.DayForm(request.POST, prefix="day")
    today = timezone.localdate()

    def page(status: int) -> HttpResponse:
        day = form.cleaned_data.get("day") if hasattr(form, "cleaned_data") else None
        return _render(request, family, child, day=day if isinstance(day, date) and day <= today else today,
                       day_form=form, status=status)

    return form_action(request, form, lambda: services.record_day(child, by=request.user, **form.service_kwargs()),
                       success=_next_day(family, child, today), message=_saved_message, page=page)


@access("family")
@login_required
@require_POST
def copy_day(request: HttpRequest, family_pk: int) -> HttpResponse:
    """"The same as the day before" in one tap."""
    family, child = _child_for_change(request, family_pk)
    form = forms.CopyForm(request.POST, prefix="copy")
    today = timezone.localdate()

    def page(status: int) -> HttpResponse:
        day_form = forms.DayForm(initial=forms.DayForm.initial_for(today, None), prefix="day")
        for error in form.errors.get("day", []) + form.errors.get("__all__", []):
            day_form.add_error(None, error)
        return _render(request, family, child, day_form=day_form, status=status)

    return form_action(request, form, lambda: services.copy_previous_day(child, by=request.user,
                                                                         day=form.cleaned_data["day"]),
                       success=_next_day(family, child, today), message=_saved_message, page=page)


@access("family")
@login_required
@require_POST
def usual(request: HttpRequest, family_pk: int) -> HttpResponse:
    family, child = _child_for_change(request, family_pk)
    form = forms.UsualForm(request.POST, prefix="usual")
    return form_action(request, form, lambda: services.save_usual_for_age(
        child, by=request.user, version=form.cleaned_data.get("version"),
        text=form.cleaned_data.get("usual_for_age", "")),
        success=diary_url(family, child, anchor="diary-usual"), message=_("Saved."),
        page=lambda status: _render(request, family, child, usual_form=form, status=status))


@access("family")
@login_required
def attachment(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The diary's sums as a dated PDF, for the family to attach to an application or appeal themselves."""
    family = family_or_404(family_pk)
    child = _pick(selectors.diary_children(family), request.GET.get("barn"), required=True)
    diary = services.diary_for(child)
    authorize(request, Action.EXPORT, diary)
    form = _attachment_form(request, family, timezone.localdate())
    if form.errors:
        return _render(request, family, child, attach_form=form, status=400)
    data = form.cleaned_data
    content = pdf.attachment_pdf(request, diary, start=data["fra"], end=data["til"], purpose=data["formal"],
                                 use=data["bruk"], language=data["sprak"], include_notes=data["notater"])
    return file_response(content, "application/pdf", pdf.filename(child, data["fra"], data["til"]),
                         cache_control="private, no-store")
