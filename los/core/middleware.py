"""``Server-Timing`` for measurements (bench/pages.py), switched on only by ``LOS_SERVER_TIMING=1``.

Each response then carries ``Server-Timing: app;dur=<ms>, db;dur=<ms>;desc="<n> queries"``: the time the
request spent inside Django (all middleware included: this is the outermost one) and, of that, the time in
SQL on the default database with the number of queries. Off (the default), the middleware removes itself
when the server starts and costs nothing. The header tells how long the database took, so it stays off in
production unless someone is measuring.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponse


class _QueryTimer:
    __slots__ = ("count", "seconds")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001 - Django's execute_wrapper protocol
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        if not getattr(settings, "LOS_SERVER_TIMING", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timer = _QueryTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (f'app;dur={app_ms:.1f}, db;dur={timer.seconds * 1000:.1f};'
                                     f'desc="{timer.count} queries"')
        return response
