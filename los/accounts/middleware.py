"""Second factor for staff: staff roles must verify a TOTP device when ``LOS_REQUIRE_STAFF_OTP`` is on.

Until they have, every page except log-in, log-out, the second-factor page itself, the language switch
and static files redirects to the second-factor page. Only these exact pages are exempt: a new page under
``/konto/`` is protected like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

EXEMPT_PREFIXES = ("/static/", "/i18n/")
EXEMPT_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:otp")


@cache
def _exempt_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in EXEMPT_URL_NAMES)


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.LOS_REQUIRE_STAFF_OTP
            and user is not None
            and user.is_authenticated
            and user.is_staff_member
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.path not in _exempt_paths()
        ):
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
