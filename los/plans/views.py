"""Pages of the individual plan. Thin: load, ``authorize`` through the access policy, call a service or a
selector, render. A stale edit gets the conflict page (both versions side by side, nothing saved)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from los.access.guard import access, authorize, record_list_view
from los.access.models import Category
from los.access.policy import Action, Decision, can, prime_facts
from los.core.dates import format_day
from los.core.downloads import file_response
from los.core.forms import ConflictError, act, error_text, form_action
from los.families.models import Family
from los.families.selectors import authorized_object, family_or_404
from los.plans import pdf, selectors, services, versioning
from los.plans.forms import (
    ApproveForm,
    AsOfForm,
    ClarificationForm,
    CommentForm,
    CompareForm,
    EvaluationDateForm,
    EvaluationForm,
    GoalForm,
    MeasureForm,
    MeasureStatusForm,
    ParticipantForm,
    PlanCreateForm,
    PlanForm,
    RemoveForm,
    SectionItemForm,
    SignForm,
    WhatMattersForm,
    whose_value,
)
from los.plans.models import (
    EvaluationDate,
    ExpectationClarification,
    Goal,
    Measure,
    Need,
    Participant,
    Plan,
    PlanVersion,
    Resource,
)

SECTION_SLUGS = {"ressurs": "resource", "behov": "need"}
SECTION_MODELS = {"resource": Resource, "need": Need}


# --- loading -------------------------------------------------------------------------------------------

def _plans() -> QuerySet[Plan]:
    return Plan.objects.select_related("family__municipality")


def _plan(pk: int) -> Plan:
    return get_object_or_404(_plans(), pk=pk)


def _plan_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("plans:family_plan", args=[plan.family_id])
    return f"{url}#{anchor}" if anchor else url


def side_of(decision: Decision) -> str:
    """Which side of the plan the user is on, from the policy's answer."""
    if decision.basis in selectors.FAMILY_SIDE:
        return "family"
    if decision.basis in ("coordinator", "co_coordinator", "minute_taker"):
        return "coordinator"
    if decision.basis in ("consent", "owner"):
        return "service"
    return "unit"


# --- conflicts -----------------------------------------------------------------------------------------

def _flat_choices(field: djforms.Field) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):
            out.update({str(k): str(v) for k, v in label})
        else:
            out[str(key)] = str(label)
    return out


def _display(field: djforms.Field, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(field, djforms.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, djforms.ModelChoiceField):
        return str(value)
    if isinstance(field, djforms.MultipleChoiceField):
        labels = _flat_choices(field)
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(field, djforms.ChoiceField):
        return _flat_choices(field).get(str(value), str(value))
    if isinstance(value, date):
        return format_day(value)
    return str(value)


def _conflict(form: PlanForm, theirs: Callable[[Any], dict]) -> dict | None:
    """After a conflict (the message is on the form): who saved, when, and the saved values beside the user's."""
    error = getattr(form, "conflict", None)
    if error is None:
        return None
    current = error.current
    rows = []
    yours = getattr(form, "cleaned_data", {})
    for name, their_value in (theirs(current) if current is not None else {}).items():
        field = form.fields.get(name)
        if field is None:
            continue
        mine, saved = _display(field, yours.get(name)), _display(field, their_value)
        rows.append({"label": field.label, "theirs": saved, "yours": mine, "differs": mine != saved})
    return {
        "changed_by": getattr(getattr(current, "updated_by", None), "get_full_name", lambda: "")(),
        "changed_at": getattr(current, "updated_at", None),
        "rows": rows,
    }


def _handle(request: HttpRequest, form: PlanForm, save: Callable[[], Any], theirs: Callable[[Any], dict],
            *, success_url: str, message: str, template: str, context: dict) -> HttpResponse:
    try:
        return form_action(request, form, save, success=success_url, message=message,
                           page=lambda status: render(request, template, {
                               **context, "form": form, "conflict": _conflict(form, theirs)}, status=status))
    except ObjectDoesNotExist:
        messages.error(request, _("Someone else removed this while you were working on it. Nothing was saved."))
        return redirect(success_url)


def _form_page(request: HttpRequest, plan: Plan, form: PlanForm, save: Callable[[], Any],
               theirs: Callable[[Any], dict], *, title: str, message: str, submit: str, anchor: str = "",
               intro: str = "", extra: dict | None = None) -> HttpResponse:
    return _handle(request, form, save, theirs, success_url=_plan_url(plan, anchor), message=message,
                   template="plans/form_page.html",
                   context={"family": plan.family, "plan": plan, "title": title, "intro": intro, "submit": submit,
                            "cancel_url": _plan_url(plan, anchor), **(extra or {})})


# --- the living plan -----------------------------------------------------------------------------------

def _sharing(request: HttpRequest, family: Family) -> list | None:
    """Services the family's consent lets see the plan, for those who may see the consents."""
    if not can(request.user, Action.VIEW, family, Category.CONSENTS):
        return None
    return selectors.plan_consents(family)


def _measure_context(request: HttpRequest, measure: Measure, *, can_change_plan: bool, can_contribute: bool) -> None:
    measure.can_update = can_change_plan or can(request.user, Action.CHANGE, measure)
    measure.can_edit = can_change_plan
    measure.can_comment = can_contribute
    if not hasattr(measure, "overdue"):
        measure.overdue = measure.is_overdue
    # the empty comment form is plain markup in plans/_measure.html; a form is attached only to show what was
    # typed and what was wrong (``measure_comment``). What the card asks about is always set, so the template
    # does not look for a missing attribute (a costly failed lookup, once per measure)
    for name, default in (("status_form", None), ("comment_form", None), ("comments_open", False)):
        if not hasattr(measure, name):
            setattr(measure, name, default)


@access("family")
@login_required
def family_plan(request: HttpRequest, family_pk: int) -> HttpResponse:
    # the current plan with its family in one query; the family alone when it has none (or does not exist: 404)
    plan = selectors.current_plan_for_page(family_pk)
    family = plan.family if plan is not None else family_or_404(family_pk)
    if plan is None:
        authorize(request, Action.VIEW, family, Category.PLAN)
        can_create = can(request.user, Action.CHANGE, Plan(family=family, municipality_id=family.municipality_id))
        return render(request, "plans/family_plan.html", {
            "family": family, "plan": None, "can_create": can_create,
            "earlier_plans": family.plans.order_by("-created_at"),
        })
    decision = authorize(request, Action.VIEW, plan)
    user = request.user
    context = selectors.plan_page(plan)
    can_change = can(user, Action.CHANGE, plan)
    can_contribute = can(user, Action.CONTRIBUTE, plan)
    for measure in context["measures"]:
        _measure_context(request, measure, can_change_plan=can_change, can_contribute=can_contribute)
    # whether each participant with a log-in may see the plan: the viewer was just answered (``decision``), the
    # others are asked with the facts about them read for all at once
    prime_facts([p.user for p in context["participants"] if p.user_id not in (None, user.pk)], family)
    for participant in context["participants"]:
        if participant.user_id is None:
            participant.consent_ok = True
        elif participant.user_id == user.pk:
            participant.consent_ok = decision.allowed
        else:
            participant.consent_ok = can(participant.user, Action.VIEW, plan)
    family_side = decision.basis in selectors.FAMILY_SIDE
    is_coordinator = services.is_current_coordinator(user, family)
    clarification = context["clarification"]
    latest = context["latest_version"]
    approval = context["latest_approval"]
    return render(request, "plans/family_plan.html", {
        "family": family, "plan": plan, **context,
        "can_change": can_change, "can_contribute": can_contribute,
        "can_export": can(user, Action.EXPORT, plan),
        "family_side": family_side, "is_coordinator": is_coordinator,
        "own_overdue": [m for m in context["overdue_measures"] if m.owner_person_id == user.pk],
        "sharing": _sharing(request, family),
        "approve_form": ApproveForm(initial={"revision": plan.revision}),
        "approval_statement": services.approval_statement(),
        "approved_current": approval is not None and latest is not None and approval.plan_version_id == latest.pk,
        "sign_form": SignForm(initial={"version": clarification.version}) if clarification else None,
        "may_sign_family": bool(clarification and family_side and clarification.family_signed_at is None),
        "may_sign_coordinator": bool(clarification and is_coordinator and clarification.coordinator_signed_at is None),
        "evaluation_form": EvaluationDateForm(),
        "today": timezone.localdate(),
    })


@access("family")
@login_required
def plan_create(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = family_or_404(family_pk)
    authorize(request, Action.CHANGE, Plan(family=family, municipality_id=family.municipality_id))
    if services.current_plan(family) is not None:
        return redirect("plans:family_plan", family.pk)
    form = PlanCreateForm(request.POST or None, family=family)
    url = reverse("plans:family_plan", args=[family.pk])
    return _handle(
        request, form, lambda: services.create_plan(family, by=request.user, **form.service_kwargs()),
        lambda current: {}, success_url=url,
        message=_("The individual plan is created. Add the family's goals in their own words."),
        template="plans/form_page.html", context={
            "family": family, "plan": None, "title": _("Start an individual plan"),
            "intro": _("An individual plan is voluntary: it needs the family's consent. The family's goals, "
                       "resources and needs are written in the family's own words."),
            "submit": _("Create the plan"), "cancel_url": url})


@access("family")
@login_required
def plan_edit(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = authorized_object(request, Action.CHANGE, _plans(), pk=plan_pk)
    form = WhatMattersForm(request.POST or None, initial={"version": plan.version, "what_matters": plan.what_matters})
    return _form_page(
        request, plan, form,
        lambda: services.update_plan(plan, by=request.user, version=form.cleaned_data["version"],
                                     what_matters=form.cleaned_data["what_matters"]),
        lambda current: {"what_matters": current.what_matters},
        title=_("What matters most to the family"), message=_("Saved."), submit=_("Save"), anchor="what-matters")


# --- goals ---------------------------------------------------------------------------------------------

def _goal_theirs(goal: Goal) -> dict:
    return {"text": goal.text, "whose": whose_value(goal), "category": goal.category, "archived": goal.archived}


@access("family")
@login_required
def goal_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = _plan(plan_pk)
    authorize(request, Action.CHANGE, Goal(plan=plan, family=plan.family, municipality_id=plan.municipality_id))
    form = GoalForm(request.POST or None, family=plan.family)
    return _form_page(
        request, plan, form, lambda: services.add_goal(plan, by=request.user, **form.service_kwargs()),
        lambda current: {}, title=_("New goal"), message=_("The goal is added."), submit=_("Add the goal"),
        anchor="goals",
        intro=_("Ask: what matters to you? Write the goal the way the family says it. A goal can be the "
                "child's, a parent's or a sibling's."))


@access("family")
@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.select_related("plan__family__municipality"), pk=pk)
    plan = goal.plan
    authorize(request, Action.CHANGE, goal)
    form = GoalForm(request.POST or None, family=plan.family, editing=True,
                    initial={"version": goal.version, **_goal_theirs(goal)})
    return _form_page(
        request, plan, form,
        lambda: services.update_goal(goal, by=request.user, version=form.cleaned_data["version"],
                                     **form.service_kwargs()),
        _goal_theirs, title=_("Change the goal"), message=_("The goal is saved."), submit=_("Save"),
        anchor=f"goal-{goal.pk}")


# --- resources and needs -------------------------------------------------------------------------------

def _section_kind(slug: str) -> str:
    if slug not in SECTION_SLUGS:
        raise Http404
    return SECTION_SLUGS[slug]


def _item_theirs(item: Resource | Need) -> dict:
    return {"text": item.text, "whose": whose_value(item)}


@access("family")
@login_required
def item_create(request: HttpRequest, plan_pk: int, slug: str) -> HttpResponse:
    kind = _section_kind(slug)
    plan = _plan(plan_pk)
    authorize(request, Action.CHANGE, SECTION_MODELS[kind](plan=plan, family=plan.family,
                                                           municipality_id=plan.municipality_id))
    form = SectionItemForm(request.POST or None, family=plan.family, kind=kind)
    title = _("New resource") if kind == "resource" else _("New need")
    return _form_page(
        request, plan, form, lambda: services.add_section_item(plan, kind, by=request.user, **form.service_kwargs()),
        lambda current: {}, title=title, message=_("Added."), submit=_("Add"), anchor=f"{kind}s")


@access("family")
@login_required
def item_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    kind = _section_kind(slug)
    item = get_object_or_404(SECTION_MODELS[kind].objects.select_related("plan__family__municipality"), pk=pk)
    plan = item.plan
    authorize(request, Action.CHANGE, item)
    form = SectionItemForm(request.POST or None, family=plan.family, kind=kind,
                           initial={"version": item.version, **_item_theirs(item)})
    title = _("Change the resource") if kind == "resource" else _("Change the need")
    return _form_page(
        request, plan, form,
        lambda: services.update_section_item(item, by=request.user, version=form.cleaned_data["version"],
                                             **form.service_kwargs()),
        _item_theirs, title=title, message=_("Saved."), submit=_("Save"), anchor=f"{kind}s",
        extra={"remove_url": reverse("plans:item_remove", args=[slug, item.pk]),
               "remove_form": RemoveForm(initial={"version": item.version})})


@access("family")
@login_required
@require_POST
def item_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    kind = _section_kind(slug)
    item = authorized_object(request, Action.CHANGE,
                             SECTION_MODELS[kind].objects.select_related("plan__family__municipality"), pk=pk)
    form = RemoveForm(request.POST)
    try:
        version = form.cleaned_data["version"] if form.is_valid() else None
        services.remove_section_item(item, by=request.user, version=version)
    except ConflictError as error:
        messages.error(request, str(error))
        return redirect("plans:item_edit", slug, item.pk)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Removed. Earlier versions of the plan still show it."))
    return redirect(_plan_url(item.plan, f"{kind}s"))


# --- participants ------------------------------------------------------------------------------------

@access("family")
@login_required
def participant_add(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = _plan(plan_pk)
    authorize(request, Action.CHANGE, Participant(plan=plan, family=plan.family, municipality_id=plan.municipality_id))
    form = ParticipantForm(request.POST or None, plan=plan)
    return _form_page(
        request, plan, form,
        lambda: services.add_participant(plan, by=request.user, role_text=form.cleaned_data["role_text"],
                                         **form.service_kwargs()),
        lambda current: {}, title=_("Add a participant"), message=_("The participant is added."),
        submit=_("Add"), anchor="participants",
        intro=_("Service contacts see the plan only while the family's consent covers the plan."))


@access("family")
@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    participant = authorized_object(request, Action.CHANGE,
                                    Participant.objects.select_related("plan__family__municipality"), pk=pk)
    return act(request, lambda: services.remove_participant(participant, by=request.user),
               success=_plan_url(participant.plan, "participants"),
               message=_("%(name)s no longer takes part in the plan.") % {"name": participant.name})


# --- measures ----------------------------------------------------------------------------------------

def _measure_theirs(measure: Measure) -> dict:
    return {"title": measure.title, "description": measure.description, "goal": measure.goal_id,
            "owner_provider": measure.owner_provider, "owner_person": measure.owner_person_id,
            "start": measure.start, "due_date": measure.due_date, "status": measure.status}


@access("family")
@login_required
def measure_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = authorized_object(request, Action.CHANGE, _plans(), pk=plan_pk)
    initial = {"goal": request.GET.get("maal") or None}
    form = MeasureForm(request.POST or None, plan=plan, initial=initial)

    def save():
        data = form.service_kwargs()
        return services.create_measure(
            plan=plan, by=request.user, title=data["title"], description=data["description"], goal=data["goal"],
            owner=data["owner_person"], service_provider=data["owner_provider"], start=data["start"],
            due_date=data["due_date"])

    return _form_page(request, plan, form, save, lambda current: {}, title=_("New measure"),
                      message=_("The measure is added."), submit=_("Add the measure"), anchor="goals",
                      intro=_("A measure has an owner (a service, a person or both), a start and a due date. "
                              "The owner can update its status."))


@access("family")
@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("plan__family__municipality"), pk=pk)
    plan = measure.plan
    authorize(request, Action.CHANGE, plan)
    form = MeasureForm(request.POST or None, plan=plan, editing=True,
                       initial={"version": measure.version, **_measure_theirs(measure)})
    return _form_page(
        request, plan, form,
        lambda: services.update_measure(measure, by=request.user, version=form.cleaned_data["version"],
                                        **form.service_kwargs()),
        _measure_theirs, title=_("Change the measure"), message=_("The measure is saved."), submit=_("Save"),
        anchor=f"measure-{measure.pk}")


def _render_measure(request: HttpRequest, measure: Measure, message: str = "", conflict: dict | None = None,
                    status: int = 200) -> HttpResponse:
    plan = measure.plan
    _measure_context(request, measure, can_change_plan=can(request.user, Action.CHANGE, plan),
                     can_contribute=can(request.user, Action.CONTRIBUTE, plan))
    return render(request, "plans/_measure.html", {"m": measure, "family": plan.family, "plan": plan,
                                                   "message": message, "conflict": conflict}, status=status)


def _reload_measure(pk: int) -> Measure:
    return selectors._measures().select_related("plan__family__municipality").get(pk=pk)


@access("family")
@login_required
def measure_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner (or the coordinator) updates the status; inline with htmx, or as its own page."""
    measure = authorized_object(request, Action.CHANGE, Measure.objects.select_related("plan__family__municipality"),
                                pk=pk)
    prefix = f"m{measure.pk}"
    form = MeasureStatusForm(request.POST or None, prefix=prefix,
                             initial={"version": measure.version, "status": measure.status,
                                      "note": measure.status_note})
    if request.htmx and request.method != "POST":  # the section was opened on the plan page: only the form
        return render(request, "plans/_status_form.html", {"m": measure, "form": form})
    if not request.htmx:
        return _handle(
            request, form,
            lambda: services.update_measure_status(measure, by=request.user, version=form.cleaned_data["version"],
                                                   status=form.cleaned_data["status"], note=form.cleaned_data["note"]),
            lambda current: {"status": current.status, "note": current.status_note},
            success_url=_plan_url(measure.plan, f"measure-{measure.pk}"), message=_("The status is updated."),
            template="plans/form_page.html",
            context={"family": measure.plan.family, "plan": measure.plan, "title": _("Update the status"),
                     "intro": measure.title, "submit": _("Save the status"),
                     "cancel_url": _plan_url(measure.plan, f"measure-{measure.pk}")})

    def page(status: int) -> HttpResponse:
        reloaded = _reload_measure(measure.pk)
        reloaded.status_form = form
        return _render_measure(request, reloaded, status=status, conflict=_conflict(
            form, lambda current: {"status": current.status, "note": current.status_note}))

    return form_action(
        request, form, lambda: services.update_measure_status(measure, by=request.user, **form.cleaned_data),
        success=_plan_url(measure.plan, f"measure-{measure.pk}"), message=_("The status is updated."), page=page,
        fragment=lambda _result, message: _render_measure(request, _reload_measure(measure.pk), message=message))


@access("family")
@login_required
@require_POST
def measure_comment(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("plan__family__municipality"), pk=pk)
    decision = authorize(request, Action.CONTRIBUTE, measure)
    form = CommentForm(request.POST, prefix=f"c{measure.pk}")
    message = ""
    if form.is_valid():
        try:
            services.add_comment(measure, by=request.user, text=form.cleaned_data["text"], side=side_of(decision))
        except ValidationError as error:
            form.add_error("text" if hasattr(error, "error_dict") else None, error.messages)
        else:
            message = _("Your comment is added.")
            form = CommentForm(prefix=f"c{measure.pk}")
    if not request.htmx:
        if message:
            messages.success(request, message)
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_plan_url(measure.plan, f"measure-{measure.pk}"))
    measure = _reload_measure(measure.pk)
    measure.comment_form = form
    measure.comments_open = True  # the person was just writing here: keep the comments (and theirs) in view
    return _render_measure(request, measure, message=message)


# --- evaluation ----------------------------------------------------------------------------------------

@access("family")
@login_required
def evaluation_date_add(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = _plan(plan_pk)
    authorize(request, Action.CHANGE, EvaluationDate(plan=plan, family=plan.family,
                                                     municipality_id=plan.municipality_id))
    form = EvaluationDateForm(request.POST or None)
    return _form_page(
        request, plan, form,
        lambda: services.add_evaluation_date(plan, by=request.user, day=form.cleaned_data["date"],
                                             note=form.cleaned_data["note"]),
        lambda current: {}, title=_("New evaluation date"), message=_("The evaluation date is set."),
        submit=_("Set the date"), anchor="evaluation")


@access("family")
@login_required
def evaluation_record(request: HttpRequest, pk: int) -> HttpResponse:
    occasion = get_object_or_404(EvaluationDate.objects.select_related("plan__family__municipality"), pk=pk)
    plan = occasion.plan
    authorize(request, Action.CHANGE, occasion)
    if occasion.held_on is not None:
        messages.info(request, _("This evaluation is already recorded."))
        return redirect(_plan_url(plan, "evaluation"))
    goals = selectors.goals(plan)
    form = EvaluationForm(request.POST or None, goals=goals, initial={"version": occasion.version})

    def save():
        data = form.cleaned_data
        return services.record_evaluation(
            occasion, by=request.user, version=data["version"], held_on=data["held_on"], results=form.results(),
            summary=data["summary"], family_view=data["family_view"],
            clarification_reviewed=data["clarification_reviewed"], clarification_note=data["clarification_note"],
            next_date=data["next_date"])

    return _handle(request, form, save, lambda current: {}, success_url=_plan_url(plan, "evaluation"),
                   message=_("The evaluation is recorded."), template="plans/evaluation_form.html",
                   context={"family": plan.family, "plan": plan, "occasion": occasion,
                            "clarification": getattr(plan, "clarification", None),
                            "measures": list(plan.measures.select_related("owner_person", "owner_provider"))})


# --- expectation clarification ------------------------------------------------------------------------

def _clarification_theirs(c: ExpectationClarification) -> dict:
    return {name: getattr(c, name) for name in services.CLARIFICATION_TEXT_FIELDS}


@access("family")
@login_required
def clarification_edit(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = _plan(plan_pk)
    clarification = ExpectationClarification.objects.filter(plan=plan).first()
    authorize(request, Action.CHANGE, clarification or plan)
    initial = {"version": 0}
    if clarification is not None:
        initial = {"version": clarification.version, **_clarification_theirs(clarification)}
    form = ClarificationForm(request.POST or None, initial=initial)

    def save():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.save_clarification(plan, by=request.user, version=form.cleaned_data["version"], **data)

    return _form_page(
        request, plan, form, save, _clarification_theirs, title=_("Expectation clarification"),
        message=_("Saved. The family and the barnekoordinator sign what is written now."), submit=_("Save"),
        anchor="clarification",
        intro=_("Agree with the family what the barnekoordinator will and will not do, who does it instead, and "
                "how and how often the family wants contact. Changing the text removes earlier signatures."))


@access("family")
@login_required
@require_POST
def clarification_sign(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = _plan(plan_pk)
    clarification = get_object_or_404(ExpectationClarification, plan=plan)
    decision = authorize(request, Action.CONTRIBUTE, clarification)
    form = SignForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    return act(request, lambda: services.sign_clarification(clarification, by=request.user, version=version,
                                                            as_family=decision.basis in selectors.FAMILY_SIDE),
               success=_plan_url(plan, "clarification"), message=_("You have signed the expectation clarification."),
               conflict=_("The expectation clarification was changed after you opened it. Read it again before you "
                          "sign."))


# --- approval ------------------------------------------------------------------------------------------

@access("family")
@login_required
@require_POST
def plan_approve(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = authorized_object(request, Action.CONTRIBUTE, _plans(), pk=plan_pk)
    form = ApproveForm(request.POST)
    revision = form.cleaned_data["revision"] if form.is_valid() else None
    return act(request, lambda: services.approve_plan(plan, by=request.user, revision=revision, request=request),
               success=_plan_url(plan, "approval"),
               message=lambda approval: _("Thank you. You have approved version %(number)s of the plan.")
               % {"number": approval.plan_version.number},
               conflict=_("The plan has changed since you opened it. Read it again before you approve."))


# --- versions ------------------------------------------------------------------------------------------

@access("family")
@login_required
def plan_versions(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = authorized_object(request, Action.VIEW, _plans(), pk=plan_pk)
    rows = list(selectors.versions(plan))
    numbers = [v.number for v in rows]
    as_of_form = AsOfForm(request.GET if "dato" in request.GET else None)
    compare_form = CompareForm(request.GET if "fra" in request.GET else None, numbers=numbers,
                               initial={"fra": numbers[1] if len(numbers) > 1 else None,
                                        "til": numbers[0] if numbers else None})
    as_of, as_of_day, changes, compared = None, None, None, None
    if as_of_form.is_bound and as_of_form.is_valid():
        as_of_day = as_of_form.cleaned_data["dato"]
        version = selectors.version_as_of(plan, as_of_day)
        as_of = {"version": version, "data": versioning.readable(version.snapshot) if version else None}
    if compare_form.is_bound and compare_form.is_valid():
        by_number = {v.number: v for v in rows}
        old, new = by_number[compare_form.cleaned_data["fra"]], by_number[compare_form.cleaned_data["til"]]
        if old.number > new.number:
            old, new = new, old
        changes = versioning.diff(old.snapshot, new.snapshot)
        compared = (old, new)
    return render(request, "plans/versions.html", {
        "family": plan.family, "plan": plan, "versions": rows, "as_of_form": as_of_form, "as_of": as_of,
        "as_of_day": as_of_day, "compare_form": compare_form, "changes": changes, "compared": compared,
        "approved_ids": set(plan.approvals.values_list("plan_version_id", flat=True)),
    })


@access("family")
@login_required
def version_detail(request: HttpRequest, plan_pk: int, number: int) -> HttpResponse:
    plan = authorized_object(request, Action.VIEW, _plans(), pk=plan_pk)
    version = get_object_or_404(PlanVersion.objects.select_related("author"), plan=plan, number=number)
    previous = PlanVersion.objects.filter(plan=plan, number__lt=number).order_by("-number").first()
    return render(request, "plans/version_detail.html", {
        "family": plan.family, "plan": plan, "version": version, "data": versioning.readable(version.snapshot),
        "changes": versioning.diff(previous.snapshot, version.snapshot) if previous else None,
        "previous": previous, "approvals": plan.approvals.filter(plan_version=version).select_related("approved_by"),
    })


# --- PDF -----------------------------------------------------------------------------------------------

@access("family")
@login_required
def plan_pdf(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = authorized_object(request, Action.EXPORT, _plans(), pk=plan_pk)
    return file_response(pdf.plan_pdf(plan), "application/pdf", pdf.filename(plan), inline=True)


# --- my measures ---------------------------------------------------------------------------------------

@access("family_list")
@login_required
def my_measures(request: HttpRequest) -> HttpResponse:
    """Each owner's measures across families (only where the policy lets them see the plan), and for a
    barnekoordinator the overdue measures and missed evaluations in the families they coordinate."""
    today = timezone.localdate()
    measures = list(selectors.measures_owned_by(request.user))
    for m in measures:
        m.overdue = m.is_overdue_on(today)
    flags = selectors.plan_flags(request.user, today)
    record_list_view(request, "my_plan_measures")
    return render(request, "plans/my_measures.html", {
        "open_measures": [m for m in measures if m.is_open],
        "closed_measures": [m for m in measures if not m.is_open][:50],
        "flags": flags, "today": today,
    })
