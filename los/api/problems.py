"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API answers is one object with ``type``, ``title``, ``status``, ``detail`` and ``instance``;
``title`` and ``detail`` are in the language of the request (``Accept-Language``: nb, nn or en).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:los:problem:"


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None


class ProblemError(Exception):
    """Raise to answer with a problem; ``detail`` is already translated (or empty for the default)."""

    def __init__(self, status: int, detail: str = "", slug: str = "", headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug
        self.headers = headers or {}


def _titles() -> dict[int, tuple[str, str, str]]:
    """status → (slug, title, default detail), translated in the active language."""
    return {
        400: ("bad-request", pgettext("API problem", "Bad request"), _("The request could not be read.")),
        401: ("unauthenticated", pgettext("API problem", "Not authenticated"),
              _("Give a valid API token in the Authorization header (Bearer), or log in.")),
        403: ("forbidden", pgettext("API problem", "Forbidden"), _("You do not have access to this.")),
        404: ("not-found", pgettext("API problem", "Not found"), _("There is nothing here, or you do not have access to it.")),
        405: ("method-not-allowed", pgettext("API problem", "Method not allowed"), _("This address does not accept that method.")),
        409: ("conflict", pgettext("API problem", "Conflict"), _("The request conflicts with the current state.")),
        422: ("invalid", pgettext("API problem", "Invalid input"), _("Some of the input is not valid. See errors.")),
        429: ("rate-limited", pgettext("API problem", "Too many requests"), _("Too many requests. Wait a little and try again.")),
        500: ("server-error", pgettext("API problem", "Server error"), _("Something went wrong on our side. The error has been logged.")),
    }


def problem_response(request: HttpRequest, status: int, detail: str = "", slug: str = "",
                     errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> HttpResponse:
    default_slug, title, default_detail = _titles().get(status, _titles()[500 if status >= 500 else 400])
    body: dict[str, Any] = {
        "type": TYPE_BASE + (slug or default_slug),
        "title": str(title),
        "status": status,
        "detail": str(detail or default_detail),
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    response["Content-Language"] = request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "nb"
    return response


def _clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic errors without the raw input (which may hold personal data) and JSON-safe."""
    cleaned = []
    for error in errors:
        cleaned.append({"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", "")),
                        "type": str(error.get("type", ""))})
    return cleaned


def install(api: Any) -> None:
    """Answer every error of ``api`` with a problem."""

    def on_problem(request: HttpRequest, exc: ProblemError) -> HttpResponse:
        return problem_response(request, exc.status, exc.detail, exc.slug, headers=exc.headers)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = _clean_errors(exc.errors)
        if any(e["loc"][:1] == ["path"] for e in errors):
            # an id in the address that cannot exist: the resource is not found
            return problem_response(request, 404)
        if any(e["type"] == "json_invalid" or "body" in e["loc"][:1] and e["type"] == "missing" and
               len(e["loc"]) == 1 for e in errors):
            return problem_response(request, 400, errors=errors)
        return problem_response(request, 422, errors=errors)

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return problem_response(request, 429)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(request, 401, headers={"WWW-Authenticate": 'Bearer realm="los"'})

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        detail = _("The request body is not valid JSON.") if status == 400 else ""
        return problem_response(request, status, detail)

    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(request, 404)

    def on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem_response(request, 403)

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s", request.path, exc_info=exc)
        return problem_response(request, 500)

    api.add_exception_handler(Exception, on_exception)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(ProblemError, on_problem)
