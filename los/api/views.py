"""The API's documentation page: Swagger UI from local static files (no inline script, no CDN), with a
server-rendered list of every operation so that the page is useful without JavaScript too."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from los.access.guard import access


@access("public")
def docs(request: HttpRequest) -> HttpResponse:
    from los.api.api import api

    schema = api.get_openapi_schema()
    operations = []
    for route, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append({"method": method.upper(), "path": route, "summary": operation.get("summary", ""),
                               "tags": ", ".join(operation.get("tags", []))})
    return render(request, "api/docs.html", {"operations": operations, "title": schema["info"]["title"],
                                             "version": schema["info"]["version"]})
