"""Views of the referral workflow. Thin: authorize through the access policy, call a service or selector,
render. Bad input keeps what the user typed and shows a message in the user's language."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from los.access.guard import access, authorize, record_list_view
from los.access.policy import Action, can
from los.core.dates import format_day
from los.core.deadlines import AppealDeadline, appeal_deadline, needs_preliminary_reply, preliminary_reply_due
from los.core.forms import act, error_text, form_action
from los.core.models import Municipality
from los.families.models import CoordinatorAssignment, Family, FamilyMember, FamilyStatus
from los.families.selectors import authorized_family, authorized_object
from los.referrals import forms, letters, navigator_adapter, selectors, services
from los.referrals.criteria import CriterionRow, checklist
from los.referrals.models import (
    PUBLIC_REQUEST_RETENTION_DAYS,
    REFERRAL_CATEGORY,
    Appeal,
    AppealStatus,
    Appointment,
    Assessment,
    Ending,
    HandoverTask,
    LocalCriterion,
    Outcome,
    PublicRequest,
    Recommendation,
    Request,
    RequestSource,
    Vedtak,
)

PUBLIC_RECEIPT_KEY = "referrals_public_receipt"


def _unit_page(request: HttpRequest, obj) -> None:
    """Authorize a page of the coordinating unit's own work: the policy first (view on GET, change on
    POST), then the workflow rule that the unit (not the family's own coordinator) does this."""
    authorize(request, Action.CHANGE if request.method == "POST" else Action.VIEW, obj, REFERRAL_CATEGORY)
    if not services.is_unit_member(request.user, obj.family):
        raise PermissionDenied(_("Only the coordinating unit can do this."))


def _case_url(family: Family) -> str:
    return reverse("referrals:family_case", args=[family.pk])


def _consent(data: dict) -> services.ConsentRecord:
    """The family's consent to a request registered on its behalf, from the form."""
    return services.ConsentRecord(data["consent_by_name"], data["consent_method"], data["consent_given_on"])


def _case_action(request: HttpRequest, family: Family, form, save, message: str, template: str,
                 context: dict) -> HttpResponse:
    """A form of the referral workflow: on success back to the family's case, else the page with the form."""
    return form_action(request, form, save, success=_case_url(family), message=message,
                       page=lambda status: render(request, template, {**context, "form": form}, status=status))


# --------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------


@access("public")
def public_request(request: HttpRequest) -> HttpResponse:
    """The public form: anyone can send a request; it is stored unconfirmed and shown to nobody until the
    person named logs in and confirms it. Nothing about any family is shown here."""
    carried = None
    if request.method == "POST" and navigator_adapter.CARRY_FIELD in request.POST and "sender_name" not in request.POST:
        # From the anonymous navigator's results: fill in what was already answered, send nothing yet.
        carried = navigator_adapter.carried_answers(request.POST[navigator_adapter.CARRY_FIELD])
        form = forms.PublicRequestForm(initial=carried.initial if carried is not None else None)
        if carried is not None:  # room for the summary that was filled in
            form.fields["description"].widget.attrs["rows"] = min(16, carried.description.count("\n") + 3)
    else:
        form = forms.PublicRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            public = services.submit_public_request(
                municipality=data["municipality"], sender_name=data["sender_name"],
                sender_fodselsnummer=data["sender_fodselsnummer"], sender_relation=data["sender_relation"],
                child_name=data["child_name"], child_birth_date=data["child_birth_date"],
                description=data["description"], phone=data["phone"], email=data["email"], http_request=request)
        except ValidationError as error:  # throttled: what was typed is kept
            form.add_error(None, error)
            status = 429
        else:
            request.session[PUBLIC_RECEIPT_KEY] = {
                "reference": public.reference, "municipality": public.municipality_id,
                "sent_on": timezone.localdate(public.submitted_at).isoformat()}
            return redirect("referrals:public_receipt")
    guardian_families = (services.guardian_families(request.user) if request.user.is_authenticated else [])
    return render(request, "referrals/public_request.html", {
        "form": form, "guardian_families": guardian_families,
        "carry_failed": request.method == "POST" and not form.is_bound and carried is None}, status=status)


@access("public")
def public_receipt(request: HttpRequest) -> HttpResponse:
    """What happened to a request sent on the public form, in plain words: it is saved but not yet sent to the
    municipality, which sees it only when the sender has logged in and confirmed it; then the clock for an answer
    runs from the day it was sent (fvl § 11 a). Nothing about the request itself is shown."""
    receipt = request.session.get(PUBLIC_RECEIPT_KEY)
    if not receipt:
        return redirect("referrals:public_request")
    municipality = Municipality.objects.filter(pk=receipt["municipality"]).first()
    unit = municipality.coordinating_units.order_by("pk").first() if municipality else None
    try:
        sent_on = date.fromisoformat(receipt.get("sent_on") or "")
    except ValueError:
        sent_on = timezone.localdate()
    return render(request, "referrals/public_receipt.html", {
        "reference": receipt["reference"], "municipality": municipality, "unit": unit, "sent_on": sent_on,
        "answer_due": preliminary_reply_due(sent_on), "kept_days": PUBLIC_REQUEST_RETENTION_DAYS})


@access("authenticated")
@login_required
def confirm_public(request: HttpRequest) -> HttpResponse:
    """Requests from the public form sent in the logged-in person's name: confirm or decline them."""
    pending = services.pending_public_requests(request.user)
    families = services.guardian_families(request.user)
    if request.method == "POST":
        public = next((p for p in pending if str(p.pk) == request.POST.get("public_request")), None)
        if public is None:
            messages.error(request, _("This request has already been handled."))
            return redirect("referrals:confirm_public")
        if request.POST.get("action") == "decline":
            services.decline_public_request(public, request.user, http_request=request)
            messages.success(request, _("Thank you. The request has been marked as not yours and its content removed."))
            return redirect("referrals:confirm_public")
        if request.POST.get("action") == "confirm_new" and not families:
            return act(request, lambda: services.confirm_public_request_as_new_family(public, request.user,
                                                                                      http_request=request),
                       success=reverse("referrals:confirm_public"),
                       message=_("The request is confirmed and sent to the coordinating unit. They check that you "
                                 "have parental responsibility, then you see your family's page in Los."))
        form = forms.ConfirmPublicForm(request.POST, families=families)
        if form.is_valid():
            family = form.families[form.cleaned_data["family"]]
            try:
                created = services.confirm_public_request(public, request.user, family, http_request=request)
            except ValidationError as error:
                messages.error(request, error_text(error))
                return redirect("referrals:confirm_public")
            if created is not None:
                messages.success(request, _("The request is confirmed. The coordinating unit will now process it."))
            else:
                messages.info(request, _("The request is confirmed and added to your family's case, which is "
                                         "already being followed up."))
            return redirect("portal:overview", family.pk)  # the family's own home, where the request now shows
        messages.error(request, _("Choose the family the request is about."))
    return render(request, "referrals/confirm_public.html", {
        "pending": pending, "families": families,
        "form": forms.ConfirmPublicForm(families=families)})


@access("family")
@login_required
def family_ask(request: HttpRequest, family_pk: int) -> HttpResponse:
    """A guardian asks for a barnekoordinator for the family."""
    action = Action.CONTRIBUTE if request.method == "POST" else Action.VIEW
    family = authorized_family(request, family_pk, action, REFERRAL_CATEGORY)
    if services.guardian_member(request.user, family) is None:
        raise PermissionDenied(_("Only a guardian in the family can ask on the family's behalf."))
    form = forms.AskForm(request.POST or None)
    blocked = ""
    try:
        services.check_can_request(family)
    except ValidationError as error:
        blocked = error_text(error)

    def page(status: int) -> HttpResponse:
        return render(request, "referrals/family_ask.html", {"family": family, "form": form, "blocked": blocked,
                                                             "unit": letters.unit_of(family)}, status=status)

    if blocked:
        return page(200)
    return form_action(
        request, form, lambda: services.ask_for_coordinator(family, request.user, form.cleaned_data["description"],
                                                            http_request=request),
        success=_case_url(family), page=page,
        message=_("Your request has been sent to the coordinating unit. You will get an answer, or a message about "
                  "when to expect one, within a month."))


@access("staff")
@login_required
def professional_request(request: HttpRequest) -> HttpResponse:
    """Any professional registers a request on a family's behalf, with the family's consent. The family may be
    unknown to Los or not visible to the professional: the answer is the same either way."""
    if not request.user.is_staff_member:
        raise PermissionDenied(_("Only staff can register a request on a family's behalf."))
    municipalities = list({r.municipality_id: r.municipality for r in request.user.active_roles()}.values())
    form = forms.ProfessionalRequestForm(request.POST or None, municipalities=municipalities)

    def save():
        data = form.cleaned_data
        details = services.NewFamilyDetails(
            child_given_name=data["child_given_name"], child_family_name=data["child_family_name"],
            child_fodselsnummer=data["child_fodselsnummer"], guardian_given_name=data["guardian_given_name"],
            guardian_family_name=data["guardian_family_name"], guardian_fodselsnummer=data["guardian_fodselsnummer"],
            guardian_relation=data["guardian_relation"])
        return services.register_on_behalf(request.user, data["municipality"], data["description"], _consent(data),
                                           details=details, received=data["received"], http_request=request)

    def may_open(created: Request) -> bool:
        return can(request.user, Action.VIEW, created.family, REFERRAL_CATEGORY)

    return form_action(
        request, form, save,
        success=lambda created: _case_url(created.family) if may_open(created) else reverse("core:home"),
        message=lambda created: (_("The request is registered.") if may_open(created) else
                                 _("The request is registered and sent to the coordinating unit. Thank you.")),
        page=lambda status: render(request, "referrals/professional_request.html", {"form": form}, status=status))


@access("family")
@login_required
def family_register(request: HttpRequest, family_pk: int) -> HttpResponse:
    """Staff who work on the family register a request on its behalf (e.g. after a phone call)."""
    action = Action.CHANGE if request.method == "POST" else Action.VIEW
    family = authorized_family(request, family_pk, action, REFERRAL_CATEGORY)
    if not request.user.is_staff_member:
        raise PermissionDenied(_("Only staff can register a request on a family's behalf."))
    form = forms.OnBehalfForm(request.POST or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form_action(
        request, form, lambda: services.register_on_behalf(
            request.user, family.municipality, data["description"], _consent(data), family=family,
            received=data["received"], http_request=request),
        success=_case_url(family), message=_("The request is registered."),
        page=lambda status: render(request, "referrals/family_register.html", {
            "family": family, "form": form, "guardians": [m for m in family.members.all() if m.is_guardian]},
            status=status))


@access("family")
@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(Request.objects.select_related("family"), pk=pk)
    _unit_page(request, req)
    return act(request, lambda: services.withdraw_request(req, request.user, version=request.POST.get("version"),
                                                          http_request=request),
               success=reverse("referrals:family_case", args=[req.family_id]),
               message=_("The request is withdrawn."))


# --------------------------------------------------------------------------------------------------
# Queue, preliminary reply, assessment
# --------------------------------------------------------------------------------------------------


@access("family_list")
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The coordinating unit's queue: open requests with age and the one-month flag, families waiting for
    a coordinator, and appeals in progress."""
    if not selectors.is_unit_staff(request.user):
        raise PermissionDenied(_("The queue is for the coordinating unit."))
    today = timezone.localdate()
    rows = selectors.queue_for(request.user, today)
    record_list_view(request, "referral_queue")
    return render(request, "referrals/queue.html", {
        "rows": rows, "flagged": sum(1 for r in rows if r.flagged), "today": today,
        "waiting": selectors.waiting_for_appointment(request.user, today),
        "appeals": list(selectors.open_appeals(request.user)),
    })


@access("family")
@login_required
def preliminary_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafted foreløpig svar (fvl § 11 a): the caseworker reviews it and marks it as sent."""
    req = get_object_or_404(Request.objects.select_related("family__municipality"), pk=pk)
    _unit_page(request, req)
    family = req.family
    if request.method == "POST":
        form = forms.PreliminaryReplyForm(request.POST)
    else:
        expected = req.preliminary_reply_expected_by or letters.proposed_answer_date(req)
        text = req.preliminary_reply_text or letters.preliminary_reply_draft(
            req, expected, request.user.get_full_name() or request.user.username)
        form = forms.PreliminaryReplyForm(initial={"text": text, "expected_by": expected, "version": req.version})
    return _case_action(
        request, family, form, lambda: services.send_preliminary_reply(
            req, request.user, form.cleaned_data["text"], form.cleaned_data["expected_by"],
            form.cleaned_data["version"], http_request=request),
        _("The preliminary reply is stored as sent today."), "referrals/preliminary_reply.html", {
            "req": req, "family": family, "due": preliminary_reply_due(req.received),
            "language": dict(Family._meta.get_field("preferred_language").choices).get(
                letters.letter_language(family))})


@access("family")
@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(Request.objects.select_related("family__municipality"), pk=pk)
    _unit_page(request, req)
    family = req.family
    current = Assessment.objects.filter(request=req).prefetch_related("criteria").first()
    rows = checklist(req.municipality)
    if current is not None:  # keep lines of local criteria retired since
        keys = {r.key for r in rows}
        for line in current.criteria.all():
            if line.local_criterion_id and f"local:{line.local_criterion_id}" not in keys:
                rows.append(CriterionRow(key=f"local:{line.local_criterion_id}", label=line.label, help_text="",
                                         legal=False, local=line.local_criterion))
    navigator_ready = navigator_adapter.navigator_available()
    if request.method == "POST":
        form = forms.AssessmentForm(request.POST, rows=rows)
        if "fetch_navigator" in request.POST and form.is_valid():
            snapshot = navigator_adapter.navigator_view(family, lang=letters.letter_language(family))
            data = request.POST.copy()
            if snapshot:
                data["navigator_snapshot"] = snapshot
                messages.info(request, _("The navigator's view is filled in below. Save to keep it."))
            else:
                messages.warning(request, _("The navigator could not give a view of this family now. Write it by hand."))
            form = forms.AssessmentForm(data, rows=rows)
            form.is_valid()
        elif form.is_valid():
            snapshot = form.cleaned_data["navigator_snapshot"]
            source = "engine" if navigator_adapter.parse_snapshot(snapshot).get("source") == "navigator" else "manual"
            try:
                services.save_assessment(req, request.user, form.results(), form.cleaned_data["conclusion"],
                                         form.cleaned_data["recommendation"], snapshot, source,
                                         version=form.cleaned_data["version"], http_request=request)
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, _("The assessment is saved."))
                if "save_and_decide" in request.POST:
                    return redirect("referrals:decision", req.pk)
                return redirect("referrals:family_case", family.pk)
    else:
        initial = {"version": current.version if current else None}
        if current is not None:
            initial.update(conclusion=current.conclusion, recommendation=current.recommendation,
                           navigator_snapshot=current.navigator_snapshot)
            for line in current.criteria.all():
                key = f"legal:{line.legal_key}" if line.legal_key else f"local:{line.local_criterion_id}"
                initial[f"result_{key}"] = line.result
                initial[f"why_{key}"] = line.justification
        form = forms.AssessmentForm(initial=initial, rows=rows)
    return render(request, "referrals/assessment.html", {
        "req": req, "family": family, "form": form, "navigator_ready": navigator_ready,
        "children": list(family.children.all()),
        "snapshot": navigator_adapter.parse_snapshot(form["navigator_snapshot"].value() or ""),
    })


# --------------------------------------------------------------------------------------------------
# Decision, letter and appeal
# --------------------------------------------------------------------------------------------------


@access("family")
@login_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(Request.objects.select_related("family__municipality"), pk=pk)
    _unit_page(request, req)
    family = req.family
    appeal = None
    if request.GET.get("klage") or request.POST.get("klage"):
        appeal = get_object_or_404(Appeal, pk=request.GET.get("klage") or request.POST.get("klage"),
                                   vedtak__request=req)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vedtak = services.make_decision(req, request.user, data["outcome"], data["rules"], data["facts"],
                                            data["considerations"], notified_on=data["notified_on"],
                                            after_appeal=appeal, http_request=request)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The decision is made and the letter is archived with the case. Appeal "
                                        "deadline: %(date)s.") % {"date": format_day(vedtak.appeal_deadline)})
            return redirect("referrals:family_case", family.pk)
    elif request.method == "POST":
        # missing reasons: say once, at the top, why a decision needs them (the fields say which is missing)
        reasons = services.validate_reasons(request.POST.get("rules", ""), request.POST.get("facts", ""),
                                            request.POST.get("considerations", ""))
        if reasons:
            form.add_error(None, reasons["__all__"])
    current = Assessment.objects.filter(request=req).prefetch_related("criteria").first()
    language = letters.letter_language(family)
    if not form.is_bound:
        # what is filled in follows the letter's language; the assessment's recommendation is chosen already
        recommended = {Recommendation.GRANT: Outcome.GRANTED, Recommendation.REFUSE: Outcome.REFUSED}.get(
            current.recommendation if current else "")
        form = forms.DecisionForm(initial={"rules": letters.default_rules(language), "outcome": recommended})
    lines = list(current.criteria.all()) if current else []
    return render(request, "referrals/decision.html", {
        "req": req, "family": family, "form": form, "assessment": current, "appeal": appeal,
        "deadline_example": _deadline_preview(form), "letter_language": language,
        "letter_language_name": letters.language_name(language),
        "legal_lines": [line for line in lines if line.legal_key],
        "local_lines": [line for line in lines if not line.legal_key],
    })


def _deadline_preview(form: forms.DecisionForm) -> AppealDeadline | None:
    """The appeal deadline the decision will get, for the date in the form (shown before deciding)."""
    value = form["notified_on"].value()
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value)) if value else timezone.localdate()
        except ValueError:
            return None
    return appeal_deadline(day, services.BARNEKOORDINATOR_BASIS)


@access("family")
@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The archived decision letter (PDF), only through the access policy (export)."""
    vedtak = authorized_object(request, Action.EXPORT, Vedtak.objects.select_related("family__municipality", "request"),
                               pk=pk, category=REFERRAL_CATEGORY)
    vedtak = services.ensure_letter(vedtak)
    response = FileResponse(vedtak.letter.open("rb"), content_type="application/pdf",
                            filename=f"vedtak-barnekoordinator-{vedtak.decision_date:%Y-%m-%d}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@access("family")
@login_required
def appeal_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Register an appeal against a refusal (the unit), or lodge one (a guardian)."""
    vedtak = authorized_object(request, Action.CONTRIBUTE if request.method == "POST" else Action.VIEW,
                               Vedtak.objects.select_related("family__municipality"), pk=pk, category=REFERRAL_CATEGORY)
    family = vedtak.family
    is_guardian = services.guardian_member(request.user, family) is not None
    if not is_guardian and not services.is_unit_member(request.user, family):
        raise PermissionDenied(_("Only the family or the coordinating unit can register an appeal."))
    form = forms.AppealForm(request.POST or None)
    if is_guardian:
        form.fields["received"].disabled = True
    return _case_action(
        request, family, form, lambda: services.register_appeal(
            vedtak, request.user, timezone.localdate() if is_guardian else form.cleaned_data["received"],
            form.cleaned_data["grounds"], http_request=request),
        _("The appeal is registered. The coordinating unit will reassess the decision."), "referrals/appeal_new.html",
        {"vedtak": vedtak, "family": family, "is_guardian": is_guardian,
         "appeal_body": letters.appeal_body_label(vedtak.appeal_body)})


@access("family")
@login_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit reassesses an appeal: uphold and send to the county governor, or change the decision; later
    the county governor's outcome is recorded."""
    item = get_object_or_404(Appeal.objects.select_related("family__municipality", "vedtak__request"), pk=pk)
    _unit_page(request, item)
    family = item.family
    reassess = forms.ReassessForm(request.POST if request.POST.get("step") == "reassess" else None,
                                  initial={"version": item.version, "reassessment": item.reassessment})
    governor = forms.GovernorForm(request.POST if request.POST.get("step") == "governor" else None,
                                  initial={"version": item.version})
    if request.method == "POST":
        try:
            if request.POST.get("step") == "reassess" and reassess.is_valid():
                if request.POST.get("choice") == "reverse":
                    return redirect(f"{reverse('referrals:decision', args=[item.vedtak.request_id])}?klage={item.pk}")
                services.uphold_and_send(item, request.user, reassess.cleaned_data["reassessment"],
                                         version=reassess.cleaned_data["version"], http_request=request)
                messages.success(request, _("The appeal is upheld by the unit and marked as sent to the county "
                                            "governor."))
                return redirect("referrals:family_case", family.pk)
            if request.POST.get("step") == "governor" and governor.is_valid():
                data = governor.cleaned_data
                services.record_governor_outcome(item, request.user, data["governor_outcome"],
                                                 data["governor_decided_on"], data["governor_note"],
                                                 version=data["version"], http_request=request)
                messages.success(request, _("The county governor's outcome is recorded."))
                return redirect("referrals:family_case", family.pk)
        except ValidationError as error:
            (reassess if request.POST.get("step") == "reassess" else governor).apply_errors(error)
    return render(request, "referrals/appeal.html", {
        "item": item, "family": family, "reassess": reassess, "governor": governor,
        "appeal_body": letters.appeal_body_label(item.vedtak.appeal_body)})


# --------------------------------------------------------------------------------------------------
# Appointment, handover, ending
# --------------------------------------------------------------------------------------------------


@access("family")
@login_required
def appoint(request: HttpRequest, family_pk: int) -> HttpResponse:
    """Choose the barnekoordinator with help: ranked candidates and why; or change the coordinator."""
    family = get_object_or_404(Family.objects.select_related("municipality"), pk=family_pk)
    _unit_page(request, family)
    current = services.active_assignment(family)
    candidates = selectors.rank_candidates(family)
    change = current is not None
    form = forms.AppointForm(request.POST or None, candidates=candidates, change=change)
    if request.method == "POST" and form.is_valid():
        chosen = form.candidates[form.cleaned_data["coordinator"]]
        reasons = form.cleaned_data["reasons"] or " ".join(str(r) for r in chosen.reasons)
        try:
            if change:
                _appointment, task = services.change_coordinator(
                    family, request.user, chosen.user, form.cleaned_data["change_reason"],
                    form.cleaned_data["family_wishes"], reasons, http_request=request)
                messages.success(request, _("The coordinator is changed. A handover task with a case summary is "
                                            "ready for the new coordinator."))
                return redirect("referrals:handover", task.pk)
            services.appoint_coordinator(family, request.user, chosen.user, form.cleaned_data["family_wishes"],
                                         reasons, http_request=request)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("%(name)s is appointed as the family's barnekoordinator.")
                             % {"name": chosen.user.get_full_name() or chosen.user.username})
            return redirect("referrals:family_case", family.pk)
    return render(request, "referrals/appoint.html", {
        "family": family, "form": form, "candidates": candidates, "current": current, "change": change,
        "can_appoint": change or family.status == FamilyStatus.WAITING,
        "per_10": selectors.norm_for(family.municipality_id)})


@access("family_list")
@login_required
def bulk_handover(request: HttpRequest) -> HttpResponse:
    """Hand many families over at once when a coordinator leaves or the unit reorganises. Choose the coordinator,
    then the families and who takes over each (one for all, or one per family); every family gets the same change
    and case summary as a single change of coordinator, each written to its own audit event."""
    if not selectors.is_unit_staff(request.user):
        raise PermissionDenied(_("This page is for the coordinating unit."))
    today = timezone.localdate()
    people = selectors.unit_coordinators(request.user, today)
    by_id = {str(p.user.pk): p for p in people}
    leaving = by_id.get(request.GET.get("fra") or request.POST.get("fra") or "")
    families = list(selectors.families_of_coordinator(request.user, leaving.user.pk, today)) if leaving else []
    record_list_view(request, "referral_bulk_handover")
    targets = [p for p in people if leaving is None or p.user.pk != leaving.user.pk]
    form = forms.BulkHandoverForm(request.POST if request.method == "POST" else None, families=families,
                                  targets=targets)
    if request.method == "POST" and leaving is not None and form.is_valid():
        moves = form.moves()
        for family, _target in moves:
            authorize(request, Action.CHANGE, family, REFERRAL_CATEGORY)
        try:
            tasks = services.change_coordinator_for_many(request.user, moves, form.cleaned_data["change_reason"],
                                                          http_request=request)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, ngettext(
                "%(n)s family is handed over. Each has a handover task with a case summary for the new coordinator.",
                "%(n)s families are handed over. Each has a handover task with a case summary for the new "
                "coordinator.", len(tasks)) % {"n": len(tasks)})
            return redirect(f"{reverse('referrals:bulk_handover')}?fra={leaving.user.pk}&levert=1")
    done = []
    if leaving is not None and request.GET.get("levert"):
        done = list(HandoverTask.objects.filter(
            from_assignment__coordinator=leaving.user, created_at__date=today,
            family__in=selectors._unit_families(request.user).values("pk"))
            .select_related("family", "to_assignment__coordinator").order_by("family__display_name"))
    return render(request, "referrals/bulk_handover.html", {
        "people": people, "leaving": leaving, "families": families, "form": form, "done": done,
    })


@access("family")
@login_required
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    task = authorized_object(request, Action.CHANGE if request.method == "POST" else Action.VIEW,
                             HandoverTask.objects.select_related("family__municipality", "from_assignment__coordinator",
                                                                 "to_assignment__coordinator"),
                             pk=pk, category=REFERRAL_CATEGORY)
    form = forms.HandoverDoneForm(request.POST or None, initial={"version": task.version})
    can_complete = (request.user.pk == task.to_assignment.coordinator_id
                    or services.is_unit_member(request.user, task.family))
    return _case_action(
        request, task.family, form, lambda: services.complete_handover(
            task, request.user, form.cleaned_data["note"], form.cleaned_data["version"], http_request=request),
        _("The handover is marked as done."), "referrals/handover.html",
        {"task": task, "family": task.family, "can_complete": can_complete})


@access("family")
@login_required
def ending(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = get_object_or_404(Family.objects.select_related("municipality"), pk=family_pk)
    _unit_page(request, family)
    warning = selectors.age_warning_for(family)
    form = forms.EndingForm(request.POST or None)
    if not form.is_bound and warning is not None:
        form = forms.EndingForm(initial={"reason": "age_18", "ended_on": warning.eighteenth})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return _case_action(
        request, family, form, lambda: services.end_coordination(
            family, request.user, data["reason"], data["closing_summary"], data["transition"], data["ended_on"],
            http_request=request),
        _("The barnekoordinator has ended and the case is closed. Nothing is deleted."), "referrals/ending.html",
        {"family": family, "warning": warning, "current": services.active_assignment(family)})


@access("family")
@login_required
@require_POST
def confirm_guardian(request: HttpRequest, family_pk: int, member_pk: int) -> HttpResponse:
    family = get_object_or_404(Family, pk=family_pk)
    member = get_object_or_404(FamilyMember, pk=member_pk, family=family)
    _unit_page(request, family)
    form = forms.ConfirmGuardianForm(request.POST)
    form.is_valid()
    services.confirm_guardian(member, request.user, form.cleaned_data.get("parental_responsibility", False),
                              form.cleaned_data.get("daily_care", False), form.cleaned_data.get("may_consent", False),
                              http_request=request)
    messages.success(request, _("The guardian's rights are recorded."))
    return redirect("referrals:family_case", family.pk)


# --------------------------------------------------------------------------------------------------
# The family's case page
# --------------------------------------------------------------------------------------------------


@access("family")
@login_required
def family_case(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The request(s), assessment, decision, letter, appeal and coordinator history of one family."""
    family = get_object_or_404(Family.objects.select_related("municipality"), pk=family_pk)
    decision_ = authorize(request, Action.VIEW, family, REFERRAL_CATEGORY)
    today = timezone.localdate()
    is_unit = services.is_unit_member(request.user, family)
    is_guardian = services.guardian_member(request.user, family) is not None
    requests = list(Request.objects.filter(family=family).select_related(
        "submitted_by", "submitter_service", "consent_by_member", "preliminary_reply_sent_by")
        .prefetch_related(Prefetch("assessment", queryset=Assessment.objects.prefetch_related("criteria")))
        .order_by("-received", "-pk"))
    for req in requests:
        req.reply_due = preliminary_reply_due(req.received)
        req.flagged = needs_preliminary_reply(req.received, today, decided=not req.is_open,
                                              preliminary_reply_sent=req.preliminary_reply_sent_on is not None)
        req.age = req.age_days(today)
        try:
            req.the_assessment = req.assessment
            req.snapshot = navigator_adapter.parse_snapshot(req.the_assessment.navigator_snapshot)
            req.local_lines = [line for line in req.the_assessment.criteria.all() if not line.legal_key]
        except Assessment.DoesNotExist:
            req.the_assessment, req.snapshot, req.local_lines = None, {}, []
    decisions = list(Vedtak.objects.filter(family=family).select_related("decided_by", "after_appeal")
                     .prefetch_related("appeals").order_by("-decision_date", "-pk"))
    for v in decisions:
        v.appeal_body_label = letters.appeal_body_label(v.appeal_body)
        v.appeal_law = letters.appeal_law(v)
        v.open_for_appeal = (v.outcome == Outcome.REFUSED
                             and not any(a.status != AppealStatus.WITHDRAWN for a in v.appeals.all()))
    assignments = list(CoordinatorAssignment.objects.filter(family=family).select_related("coordinator")
                       .order_by("-started"))
    appointments = {a.assignment_id: a for a in Appointment.objects.filter(family=family)}
    for a in assignments:
        a.the_appointment = appointments.get(a.pk)
    unconfirmed = []
    if is_unit:
        named = {r.consent_by_member_id for r in requests if r.source != RequestSource.FAMILY and r.consent_by_member_id}
        unconfirmed = [m for m in family.members.filter(pk__in=named) if not m.is_guardian]
    current = next((a for a in assignments if a.is_active and a.started <= today), None)
    return render(request, "referrals/family_case.html", {
        "family": family, "decision": decision_, "is_unit": is_unit, "is_guardian": is_guardian,
        "requests": requests, "open_request": next((r for r in requests if r.is_open), None),
        "decisions": decisions, "appeals": list(Appeal.objects.filter(family=family).select_related("vedtak")),
        "assignments": assignments, "current": current,
        "handovers": list(HandoverTask.objects.filter(family=family).select_related(
            "from_assignment__coordinator", "to_assignment__coordinator")),
        "endings": list(Ending.objects.filter(family=family).select_related("ended_by")),
        "age_warning": selectors.age_warning_for(family, today), "unconfirmed": unconfirmed,
        "can_ask": is_guardian and family.status not in (FamilyStatus.ACTIVE, FamilyStatus.WAITING)
        and not any(r.is_open for r in requests),
        "public_requests": list(PublicRequest.objects.filter(family=family)),
        "today": today,
    })


# --------------------------------------------------------------------------------------------------
# Local criteria and equal treatment (the unit leader)
# --------------------------------------------------------------------------------------------------


@access("staff")
@login_required
def local_criteria(request: HttpRequest) -> HttpResponse:
    municipalities = services.leader_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("Only the leader of the coordinating unit can change the local criteria."))
    municipality = next((m for m in municipalities if str(m.pk) == request.GET.get("kommune")), municipalities[0])
    editing = None
    if request.GET.get("rediger"):
        editing = get_object_or_404(LocalCriterion, pk=request.GET["rediger"], municipality=municipality)
    initial = ({"title": editing.title, "help_text": editing.help_text, "position": editing.position,
                "active": editing.active, "version": editing.version} if editing else None)
    form = forms.LocalCriterionForm(request.POST or None, initial=initial)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form_action(
        request, form, lambda: services.save_local_criterion(
            request.user, municipality, data["title"], data["help_text"], data["position"], data["active"],
            criterion=editing, version=data["version"]),
        success=f"{reverse('referrals:local_criteria')}?kommune={municipality.pk}",
        message=_("The criterion is saved."),
        page=lambda status: render(request, "referrals/local_criteria.html", {
            "municipality": municipality, "municipalities": municipalities, "form": form, "editing": editing,
            "criteria": LocalCriterion.objects.filter(municipality=municipality),
            "legal": checklist(municipality)[:3]}, status=status))


@access("aggregate")
@login_required
def equal_treatment(request: HttpRequest) -> HttpResponse:
    """Figures on how alike requests are treated; no single family is shown."""
    municipalities = services.leader_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied(_("This page is for the leader of the coordinating unit."))
    period = request.GET.get("periode", "12")
    since = None if period == "alle" else timezone.localdate() - timedelta(days=365)
    figures = selectors.equal_treatment({m.pk for m in municipalities}, since=since)
    return render(request, "referrals/equal_treatment.html", {
        "figures": figures, "municipalities": municipalities, "period": period, "since": since})
