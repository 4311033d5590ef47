import math

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from los.accounts import throttle
from los.accounts.oidc import FAMILY, is_configured
from los.core.forms import DescribedInputs


class LoginForm(AuthenticationForm):
    """User name and password: for staff where it is turned on (``LOS_PASSWORD_LOGIN``). A family member logs in
    with ID-porten whenever it is configured, and is refused here."""

    error_messages = {
        "invalid_login": _("The user name or password is wrong. Check them and try again."),
        "inactive": _("This account is not active. Contact your coordinating unit."),
        "password_login_off": _("Log-in with a user name and password is turned off. Use one of the log-ins above."),
        "use_idporten": _("Families log in with ID-porten (BankID, MinID and others). Use the button "
                          "“Log in with ID-porten” above."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a user name longer than the column would otherwise reach the database (an error on PostgreSQL)
        self.fields["username"].validators.append(MaxLengthValidator(150))
        self.fields["username"].max_length = 150

    def clean(self):
        if not settings.LOS_PASSWORD_LOGIN:
            raise forms.ValidationError(self.error_messages["password_login_off"], code="password_login_off")
        # the slow-down per user name (los.accounts.throttle): too early, the password is not even checked
        username = self.cleaned_data.get("username")
        if username and self.request is not None and not self.errors:
            wait = throttle.wait_seconds(self.request, username)
            if wait:
                raise forms.ValidationError(
                    ngettext("There have been many failed attempts to log in with this user name. Wait %(seconds)s "
                             "second and try again.",
                             "There have been many failed attempts to log in with this user name. Wait %(seconds)s "
                             "seconds and try again.", wait) % {"seconds": wait}, code="slowed_down")
        return super().clean()

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if is_configured(FAMILY) and not (user.is_staff_member or user.is_staff or user.is_superuser):
            raise forms.ValidationError(self.error_messages["use_idporten"], code="use_idporten")


class OTPForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        wait = 0
        for device in TOTPDevice.objects.devices_for_user(self.user, confirmed=None):
            allowed, details = device.verify_is_allowed()
            if not allowed:
                # django-otp doubles the waiting time after each wrong code (throttling)
                locked_until = (details or {}).get("locked_until")
                wait = max(wait, math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1)
                continue
            if device.verify_token(token):
                self.device = device
                return token
        if wait:
            raise forms.ValidationError(
                ngettext("Too many wrong codes in a row. Wait %(seconds)s second and try again.",
                         "Too many wrong codes in a row. Wait %(seconds)s seconds and try again.", wait)
                % {"seconds": wait})
        raise forms.ValidationError(_("The code is not right. Codes change every 30 seconds; try the newest one."))


class OwnPasswordChangeForm(DescribedInputs, PasswordChangeForm):
    """Change one's own password: the old one first."""


class OwnPasswordSetForm(DescribedInputs, SetPasswordForm):
    """Set one's own password with the one-time link an administrator had sent."""
