from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from los.access.guard import access
from los.access.models import AuditAction
from los.accounts import throttle
from los.accounts.signals import record_login_event

from .forms import LoginForm, OTPForm


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
