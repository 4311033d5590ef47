from django.http import HttpRequest, HttpResponse
from django.urls import path

from los.access.guard import access
from los.api import views
from los.api.api import api

app_name = "api"

_ninja_patterns = api.urls[0]
_openapi_view = next(p.callback for p in _ninja_patterns if p.name == "openapi-json")
_root_view = next(p.callback for p in _ninja_patterns if p.name == "api-root")


@access("public")
def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3 description (no family data)."""
    return _openapi_view(request)


@access("public")
def api_root(request: HttpRequest) -> HttpResponse:
    """django-ninja's root of the API (used to reverse the API's prefix); answers 404 itself."""
    return _root_view(request)


urlpatterns = [
    path("docs", views.docs, name="docs"),
    path("openapi.json", openapi_json, name="openapi-json"),
    path("", api_root, name="api-root"),
    *[p for p in _ninja_patterns if p.name not in ("openapi-json", "api-root")],
]
