"""The consent register and "who has looked at our data". Every view authorizes through the policy first."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from los.access import selectors, services
from los.access.forms import ConfirmConsentForm, ConsentForm, RecordConsentForm
from los.access.guard import access, authorize
from los.access.models import CONSENTABLE_CATEGORIES, Category, Consent
from los.access.policy import Action, decide
from los.core.forms import act, form_action
from los.families.models import Child, Family
from los.families.selectors import authorized_family, family_or_404

LOG_PAGE_SIZE = 50


@access("family")
@login_required
def family_consents(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The family's consents in plain language: in force now, and the history."""
    family = authorized_family(request, family_pk, Action.VIEW, Category.CONSENTS)
    overview = selectors.consents_for_family(family)
    young_person = selectors.young_person_of(request.user, family)
    return render(request, "access/consents.html", {
        "family": family,
        "overview": overview,
        "withdrawable": selectors.withdrawable_ids(request.user, overview.active),
        "can_give": decide(request.user, Action.SHARE, family, Category.CONSENTS).allowed and (
            services.consenting_member(request.user, family) is not None or young_person is not None),
        "can_record": decide(request.user, Action.CHANGE, family, Category.CONSENTS).allowed,
        "young_person": young_person,
    })


def _consent_text(family: Family, giver, form: ConsentForm) -> str:
    data = form.cleaned_data
    return services.consent_text(
        family=family, giver_name=f"{giver.given_name} {giver.family_name}",
        recipient_name=data["service_provider"].name, categories=list(data["categories"]),
        last_day=data["last_day"], young_person=isinstance(giver, Child),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@access("family")
@login_required
def give_consent(request: HttpRequest, family_pk: int) -> HttpResponse:
    """A guardian (or a young person from 16, for own health information) gives a new consent in two steps:
    choose service, information and end date; then read the exact text and confirm. The text shown is stored."""
    family = authorized_family(request, family_pk, Action.SHARE, Category.CONSENTS)
    giver = services.consenting_member(request.user, family) or services.consenting_young_person(
        request.user, family)
    if giver is None:
        messages.error(request, _("You cannot give consent on behalf of this family."))
        return redirect("access:family_consents", family_pk=family.pk)
    options = {"providers": selectors.consent_providers(family), "categories": services.allowed_categories(giver)}
    context = {"family": family, "giver": giver, "young_person": isinstance(giver, Child)}
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "edit":  # back from the confirmation to change the choices
        return render(request, "access/consent_give.html", {**context, "form": ConsentForm(request.POST, **options)})
    if step == "confirm":
        form = ConfirmConsentForm(request.POST, **options)
        if form.is_valid():
            text = _consent_text(family, giver, form)
            if _digest(text) != form.cleaned_data["text_digest"]:
                messages.warning(request, _("The consent text has changed. Read it again before you confirm."))
                return render(request, "access/consent_confirm.html", {
                    **context, "form": ConfirmConsentForm(initial={**form.cleaned_data, "text_digest": _digest(text),
                                                                   "confirm": False}, **options),
                    "text": text})
            try:
                services.give_consent(family=family, actor=request.user,
                                      service_provider=form.cleaned_data["service_provider"],
                                      categories=form.cleaned_data["categories"],
                                      last_day=form.cleaned_data["last_day"], text_shown=text, request=request)
            except services.ConsentError as error:
                form = ConsentForm(request.POST, **options)
                form.is_valid()
                form.add_error(None, error)
                return render(request, "access/consent_give.html", {**context, "form": form})
            messages.success(request, _("Thank you. The consent is registered, and the service can see what you "
                                        "chose from now on."))
            return redirect("access:family_consents", family_pk=family.pk)
        if set(form.errors) - {"confirm"}:
            return render(request, "access/consent_give.html", {**context, "form": ConsentForm(request.POST,
                                                                                              **options)})
        text = _consent_text(family, giver, form)
        return render(request, "access/consent_confirm.html", {**context, "form": form, "text": text})
    if step == "preview":
        form = ConsentForm(request.POST, **options)
        if form.is_valid():
            try:
                services.validate_period(timezone.localdate(), form.cleaned_data["last_day"])
            except services.ConsentError as error:
                form.add_error("last_day", error)
            else:
                text = _consent_text(family, giver, form)
                confirm = ConfirmConsentForm(initial={**form.cleaned_data, "text_digest": _digest(text)}, **options)
                return render(request, "access/consent_confirm.html", {**context, "form": confirm, "text": text})
        return render(request, "access/consent_give.html", {**context, "form": form})
    return render(request, "access/consent_give.html", {**context, "form": ConsentForm(**options)})


@access("family")
@login_required
def record_consent(request: HttpRequest, family_pk: int) -> HttpResponse:
    """The barnekoordinator (or the coordinating unit) records a consent given on paper or orally."""
    family = authorized_family(request, family_pk, Action.CHANGE, Category.CONSENTS)
    options = {"providers": selectors.consent_providers(family),
               "categories": [c for c in CONSENTABLE_CATEGORIES if c != Category.CASE],
               "givers": selectors.consent_givers(family)}
    form = RecordConsentForm(request.POST or None, **options)
    return form_action(
        request, form, lambda: services.record_consent(
            family=family, recorded_by=request.user, request=request,
            **{name: form.cleaned_data[name] for name in ("given_by", "method", "service_provider", "categories",
                                                          "first_day", "last_day", "text_shown")}),
        success=reverse("access:family_consents", kwargs={"family_pk": family.pk}),
        message=_("The consent is recorded."),
        page=lambda status: render(request, "access/consent_record.html", {
            "family": family, "form": form, "has_givers": bool(options["givers"])}, status=status))


@access("family")
@login_required
@require_POST
def withdraw_consent(request: HttpRequest, family_pk: int, consent_pk: int) -> HttpResponse:
    """Withdraw in one click. The family withdraws (share); staff record a withdrawal they were told of."""
    family = family_or_404(family_pk)
    consent = get_object_or_404(Consent.objects.select_related("service_provider", "person"), pk=consent_pk,
                                family=family)
    action = Action.SHARE if decide(request.user, Action.SHARE, consent).allowed else Action.CHANGE
    authorize(request, action, consent)
    return act(request, lambda: services.withdraw_consent(consent=consent, actor=request.user, request=request),
               success=reverse("access:family_consents", kwargs={"family_pk": family.pk}),
               message=_("The consent to %(name)s is withdrawn. From now on they cannot see your family's "
                         "information through this consent.") % {"name": consent.recipient_name})


@access("family")
@login_required
@require_POST
def health_sharing(request: HttpRequest, family_pk: int) -> HttpResponse:
    """A young person (16+) decides whether their guardians see their health information."""
    family = family_or_404(family_pk)
    child = selectors.young_person_of(request.user, family)
    if child is None:
        # nobody else decides this; strangers get 404 and the attempt is recorded like any other
        authorize(request, Action.VIEW, family)
        messages.error(request, _("Only the young person can decide this, from the age of 16."))
        return redirect("access:family_consents", family_pk=family.pk)
    authorize(request, Action.SHARE, child, Category.HEALTH)
    shares = request.POST.get("shares") == "yes"
    services.set_health_sharing(child=child, actor=request.user, shares=shares, request=request)
    if shares:
        messages.success(request, _("Your guardians can now see your health information."))
    else:
        messages.success(request, _("Your health information is now hidden from your guardians."))
    return redirect("access:family_consents", family_pk=family.pk)


@access("family")
@login_required
def family_access_log(request: HttpRequest, family_pk: int) -> HttpResponse:
    """Who has looked at the family's data: every access event, newest first, like the log on helsenorge.
    Opening this page is itself recorded."""
    family = family_or_404(family_pk)
    decision = authorize(request, Action.VIEW, family, Category.ACCESS_LOG, defer=False)
    hide_health = decision.basis == "guardian" and selectors.health_hidden_from_guardians(family)
    # others' access first: the viewer's own look-ups are left out unless asked for
    show_own = request.GET.get("egne") == "1"
    own = None if show_own else request.user.pk
    hide_survey = decision.basis not in ("guardian", "young_person")
    people, services_ = selectors.access_log_choices(family, hide_health=hide_health, hide_survey=hide_survey,
                                                     leave_out_actor=own)
    person = request.GET.get("hvem", "")
    person = person if person in dict(people) else ""
    service = request.GET.get("tjeneste", "")
    service = service if service in services_ else ""
    events = selectors.access_log_for_family(family, hide_health=hide_health, hide_survey=hide_survey,
                                             leave_out_actor=own, person=person, service=service)
    page = Paginator(events, LOG_PAGE_SIZE).get_page(request.GET.get("side"))
    rows = [{
        "event": event,
        "what": selectors.describe_event(event),
        "role": selectors.role_label(event.actor_role),
    } for event in page.object_list]
    query = {key: value for key, value in (("hvem", person), ("tjeneste", service), ("egne", "1" if show_own else ""))
             if value}
    return render(request, "access/access_log.html", {"family": family, "page": page, "rows": rows,
                                                      "people": people, "services": services_, "person": person,
                                                      "service": service, "show_own": show_own,
                                                      "filtered": bool(person or service),
                                                      "query": urlencode(query),
                                                      "hide_health": hide_health})
