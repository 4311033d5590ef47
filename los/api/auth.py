"""Authentication for the API: a token (``Authorization: Bearer los_…``) or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from los.access.middleware import disclose_rest_of_request
from los.api.access import Caller
from los.api.problems import ProblemError
from los.api.services import TokenRefusedError, check_token


class TokenAuth(HttpBearer):
    """A system integration's token. It acts as the token's user (see :mod:`los.api.models`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        try:
            api_token = check_token(token)
        except TokenRefusedError as exc:
            raise ProblemError(401, str(exc), slug="invalid-token",
                             headers={"WWW-Authenticate": 'Bearer realm="los", error="invalid_token"'}) from None
        request.user = api_token.user
        disclose_rest_of_request(request, api_token.user)
        return Caller(user=api_token.user, token=api_token)


class BrowserSession(SessionAuth):
    """A logged-in user in the browser (read API with their normal access). Unsafe methods need CSRF."""

    def authenticate(self, request: HttpRequest, key: Any) -> Caller | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            disclose_rest_of_request(request, user)
            return Caller(user=user)
        return None


AUTH = [TokenAuth(), BrowserSession()]
