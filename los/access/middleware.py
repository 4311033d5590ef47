"""Request-scoped help for the access policy."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from los.access.policy import remembered_facts

#: Requests that do not change anything: the policy's facts cannot change under them (see ``policy``).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PolicyFactsMiddleware:
    """In a GET or HEAD request the access policy reads each fact about a user and a family once.

    A page asks the policy many times about the same family; without this each question costs 3–4 queries.
    Requests that change data are not covered: there every question reads the database afresh.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        with remembered_facts():
            return self.get_response(request)
