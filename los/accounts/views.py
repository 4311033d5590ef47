from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from los.access.guard import access
from los.access.models import AuditAction
from los.accounts import throttle
from los.accounts.signals import record_login_event

from . import services
from .forms import LoginForm, OTPForm, OwnPasswordChangeForm, OwnPasswordSetForm
from .models import StaffRole


@access("public")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.remember(self.request, response, form.get_user().get_username())  # never slowed down here again
        return response


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
