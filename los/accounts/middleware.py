"""Second factor for staff: staff roles must verify a TOTP device when ``LOS_REQUIRE_STAFF_OTP`` is on.

Until they have, every page except log-in (with the OpenID Connect pages), log-out, the second-factor page
itself, the language switch and static files redirects to the second-factor page. A staff member who logged in
through the municipality's identity provider with a second factor there (its ``amr`` claim) needs none here. Only these exact pages are exempt: a new page under
``/konto/`` is protected like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode

from los.accounts.oidc import SECOND_FACTOR_KEY

EXEMPT_PREFIXES = ("/static/", "/i18n/")
EXEMPT_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:otp", "accounts:idporten", "accounts:idporten_callback",
                    "accounts:staff_login", "accounts:staff_callback", "accounts:login_refused")


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
            # the municipality's identity provider vouched for a second factor (its `amr`, los.accounts.oidc)
            and not request.session.get(SECOND_FACTOR_KEY)
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.path not in _exempt_paths()
        ):
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class PrivatePagesNoStoreMiddleware:
    """Pages shown to a logged-in person hold family data: no browser or proxy may keep a copy (the back
    button on a shared computer after log-out, a caching proxy). A view that sets its own Cache-Control
    (e.g. the calendar feed) keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
