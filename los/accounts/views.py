from __future__ import annotations

import base64
import logging
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from los.access.guard import access
from los.access.models import AuditAction
from los.accounts import oidc, throttle
from los.accounts.landing import landing_url
from los.accounts.signals import record_login_event

from . import services
from .forms import LoginForm, OTPForm, OwnPasswordChangeForm, OwnPasswordSetForm
from .models import StaffRole

logger = logging.getLogger(__name__)

#: The session's record of which provider each open log-in (by its ``state``) was started for.
PENDING_KEY = "los_oidc_pending"


@access("public")
class LoginView(auth_views.LoginView):
    """ID-porten for families first, the municipality's log-in for staff second, the password form last (only
    where it is turned on: the demo, or a Los without a staff provider)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.remember(self.request, response, form.get_user().get_username())  # never slowed down here again
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(family_login=oidc.is_configured(oidc.FAMILY), staff_login=oidc.is_configured(oidc.STAFF),
                       password_login=settings.LOS_PASSWORD_LOGIN)
        query = urlencode({"next": context.get("next")}) if context.get("next") else ""
        context["oidc_query"] = f"?{query}" if query else ""
        return context

    def get_success_url(self) -> str:
        return landing_url(self.request, self.request.user, self.get_redirect_url())


@access("public")
class OIDCStartView(oidc.ProviderSettingsMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a fresh ``state``, ``nonce`` and PKCE challenge (mozilla-django-oidc)
    and, for ID-porten, the level of assurance asked for (``acr_values``) and the page's language."""

    def __init__(self, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)  # settings are read in get()

    def get(self, request):
        if not oidc.is_configured(self.provider_key):
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query).get("state", [""])[0]
        pending = request.session.get(PENDING_KEY, {})
        pending[state] = self.provider_key
        request.session[PENDING_KEY] = dict(list(pending.items())[-5:])  # a few open tabs, no more
        return response

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
        if self.provider_key == oidc.FAMILY:
            params["ui_locales"] = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        return params


@access("public")
class FamilyOIDCStartView(OIDCStartView):
    provider_key = oidc.FAMILY


@access("public")
class StaffOIDCStartView(OIDCStartView):
    provider_key = oidc.STAFF


def _refused(request: HttpRequest, provider: str, reason: str, detail: str = "") -> HttpResponse:
    record_login_event(user=None, action=AuditAction.LOGIN, allowed=False, request=request,
                       reason=f"{provider} log-in through OpenID Connect refused: {reason}")
    if detail:
        logger.info("%s log-in refused (%s): %s", provider, reason, detail)
    return redirect(f"{reverse('accounts:login_refused')}?{urlencode({'reason': reason, 'provider': provider})}")


def _callback(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's answer: check ``state`` against this session, exchange the code (with the PKCE verifier),
    check the ID token and the person (los.accounts.oidc), log in and land."""
    if not oidc.is_configured(provider):
        raise Http404
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states", {})
    started = states.pop(state, None) if state else None
    pending = request.session.get(PENDING_KEY, {})
    started_for = pending.pop(state, None) if state else None
    request.session["oidc_states"], request.session[PENDING_KEY] = states, pending
    if request.GET.get("error"):
        reason = "cancelled" if request.GET["error"] == "access_denied" else "provider_error"
        return _refused(request, provider, reason, request.GET.get("error_description", "")[:200])
    if started is None or started_for != provider or not request.GET.get("code"):
        return _refused(request, provider, "expired")
    try:
        user = oidc.backend_for(provider).authenticate(
            request, los_provider=provider, nonce=started.get("nonce"), code_verifier=started.get("code_verifier"))
    except oidc.LoginRefusedError as refusal:
        return _refused(request, provider, refusal.reason, refusal.detail)
    if user is None:
        return _refused(request, provider, "provider_error")
    next_url = request.session.get("oidc_login_next")
    user.backend = oidc.backend_path(provider)
    request.los_login_method = provider
    auth.login(request, user)
    request.session[oidc.LOGIN_METHOD_KEY] = provider
    request.session[oidc.ACR_KEY] = getattr(request, "los_login_acr", "")
    request.session[oidc.SECOND_FACTOR_KEY] = bool(getattr(request, "los_login_second_factor", False))
    return redirect(landing_url(request, user, next_url))


@access("public")
@require_GET
def family_callback(request: HttpRequest) -> HttpResponse:
    return _callback(request, oidc.FAMILY)


@access("public")
@require_GET
def staff_callback(request: HttpRequest) -> HttpResponse:
    return _callback(request, oidc.STAFF)


REFUSAL_REASONS = ("unknown", "level", "too_young", "ambiguous", "inactive", "unknown_staff", "cancelled", "expired",
                   "provider_error", "no_identity")


@access("public")
@require_GET
def login_refused(request: HttpRequest) -> HttpResponse:
    """Why a log-in through ID-porten or the municipality did not let the person in, in plain words, and where to
    go from here (for a person Los does not know: the open request form)."""
    reason = request.GET.get("reason", "")
    reason = reason if reason in REFUSAL_REASONS else "provider_error"
    provider = request.GET.get("provider", "")
    provider = provider if provider in oidc.PROVIDERS else oidc.FAMILY
    config = oidc.provider_config(oidc.FAMILY) or {}
    return render(request, "accounts/login_refused.html", {
        "reason": reason, "provider": provider, "level": config.get("LOS_ACR_VALUES", ""),
        "retry": reverse("accounts:idporten" if provider == oidc.FAMILY else "accounts:staff_login")
        if oidc.is_configured(provider) else reverse("accounts:login")})


@access("authenticated")
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("accounts:login")


@access("authenticated")
@login_required
def otp_view(request: HttpRequest) -> HttpResponse:
    """Verify (and on first use, enrol) a TOTP device for a staff user."""
    device = TOTPDevice.objects.filter(user=request.user).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Los", confirmed=False)
    form = OTPForm(request.user, request.POST or None)
    if request.method == "POST" and not form.is_valid():
        record_login_event(user=request.user, action=AuditAction.LOGIN, allowed=False,
                           reason="wrong second-factor code", request=request)
    if request.method == "POST" and form.is_valid():
        if not form.device.confirmed:
            form.device.confirmed = True
            form.device.save(update_fields=["confirmed"])
        otp_login(request, form.device)
        record_login_event(user=request.user, action=AuditAction.LOGIN, allowed=True,
                           reason="second factor verified", request=request)
        target = request.GET.get("next", "")
        if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"  # only a path on this site; a bare word would be reversed as a view name
        return redirect(target)
    qr_svg = ""
    if not device.confirmed:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = BytesIO()
        image.save(buffer)
        qr_svg = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    return render(request, "accounts/otp.html", {"form": form, "enrol": not device.confirmed, "qr": qr_svg,
                                                 "secret": base64.b32encode(device.bin_key).decode()})


# --- passwords: each person sets their own ------------------------------------------------------------------


@access("authenticated")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (the old one first). The admin site's "change password" leads here."""

    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_account_change(self.request.user, self.request.user, "own password changed",
                                       request=self.request)
        messages.success(self.request, _("Your password is changed."))
        return response


@access("public")
class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Set one's own password with the one-time link an administrator had sent (Django's password-reset token:
    it stops working once used, when the person logs in, and after ``PASSWORD_RESET_TIMEOUT``)."""

    template_name = "accounts/password_set.html"
    form_class = OwnPasswordSetForm
    success_url = reverse_lazy("accounts:password_set_done")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_account_change(form.user, form.user, "password set with a one-time link",
                                       request=self.request)
        return response


@access("public")
class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"


# --- four eyes: roles waiting for approval -----------------------------------------------------------------


@access("staff")
@login_required
def pending_roles(request: HttpRequest) -> HttpResponse:
    """The roles waiting for approval that this person may approve (a system administrator: every role; the leader
    of the coordinating unit: coordinators, caseworkers and service contacts of the unit's municipality)."""
    roles = services.pending_for(request.user)
    if not roles and not services.may_approve_any(request.user):
        raise Http404
    return render(request, "accounts/pending_roles.html", {"roles": roles})


@access("staff")
@login_required
@require_POST
def decide_role(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    role = get_object_or_404(StaffRole.objects.select_related("user", "municipality"), pk=pk)
    if not services.may_approve(request.user, role) and role.user_id != request.user.pk \
            and role.requested_by_id != request.user.pk:
        raise Http404  # not this person's to decide: as if it did not exist
    action = services.approve_role if decision == "approve" else services.refuse_role
    try:
        action(role, by=request.user, request=request, via="Los")
    except services.ChangeRefusedError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        name = role.user.get_full_name() or role.user.username
        messages.success(request, _("The role of %(name)s is approved and in force.") % {"name": name}
                         if decision == "approve" else _("The role of %(name)s is refused.") % {"name": name})
    return redirect("accounts:pending_roles")
