"""The product's own error pages, and the demo with DEBUG off. Before, the demo ran with DEBUG on: Django's
technical 404 page listed every URL pattern and told "No Family matches the given query" apart from a family
the user may not see, and a 500 showed code, settings and queries."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from los.families.models import Family

pytestmark = pytest.mark.django_db

TECHNICAL = ("Traceback", "Django", "DEBUG", "urlpatterns", "Page not found at", "matches the given query",
             "Using the URLconf", "settings.py", "Request Method")


def _plain(page: str) -> str:
    """The page without what differs between any two responses: the CSRF token, and the address asked for (which
    the language form sends back to)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'name="next" type="hidden" value="[^"]+"', "", page)


def _assert_product_page(response, status: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert 'class="los-header"' in page and "<main" in page  # in the layout
    assert heading in page
    for word in TECHNICAL:
        assert word not in page, word
    return page


def test_the_demo_and_development_run_with_debug_off(tmp_path):
    env = {**os.environ, "LOS_ENVIRONMENT": "development", "LOS_VAR_DIR": str(tmp_path)}
    env.pop("DEBUG", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,  # noqa: S603
                            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, timeout=120, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"
    script = (settings.BASE_DIR / "scripts" / "demo").read_text()
    assert "export DEBUG=0" in script


@pytest.mark.parametrize(("language", "heading"), [("nb", "Vi fant ikke siden"), ("nn", "Vi fann ikkje sida"),
                                                   ("en", "We could not find the page")])
def test_an_unknown_page_is_the_products_404_in_the_users_language(client, world, language, heading):
    client.force_login(world.coordinator)
    _assert_product_page(client.get("/finnes-ikke/", HTTP_ACCEPT_LANGUAGE=language), 404, heading)


def test_a_family_that_does_not_exist_and_one_that_is_not_yours_look_the_same(client, world):
    client.force_login(world.coordinator)
    missing = Family.objects.order_by("-pk").first().pk + 1000
    for name in ("families:detail", "portal:overview", "plans:family_plan"):
        foreign = client.get(reverse(name, args=[world.foreign_family.pk]), HTTP_ACCEPT_LANGUAGE="en")
        nothing = client.get(reverse(name, args=[missing]), HTTP_ACCEPT_LANGUAGE="en")
        _assert_product_page(foreign, 404, "We could not find the page")
        assert _plain(foreign.content.decode()) == _plain(nothing.content.decode())
        assert foreign.headers.keys() == nothing.headers.keys()


def test_a_server_error_is_the_products_page_in_the_users_language(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.coordinator)
    with mock.patch("los.workday.views.selectors.coordinator_today",
                    side_effect=ValueError("secret detail from the code")):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="nn")
    page = _assert_product_page(response, 500, "Noko gjekk gale hos oss")
    assert "secret detail" not in page and "ValueError" not in page


def test_a_forbidden_page_is_the_products_403(client, world):
    client.force_login(world.caseworker)  # the municipality's statistics are for its leaders
    response = client.get(reverse("stats:municipal"), HTTP_ACCEPT_LANGUAGE="en")
    _assert_product_page(response, 403, "You do not have access to this")


def test_a_form_without_a_valid_csrf_token_gets_the_products_403(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "bk", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    page = _assert_product_page(response, 403, "The form could not be sent")
    assert "CSRF" not in page


def test_a_bad_request_is_the_products_400(world):
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="los.angriper.example", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400 and "Something in the request was wrong" in page
    assert "ALLOWED_HOSTS" not in page and "Invalid HTTP_HOST" not in page


def test_static_files_are_served_with_debug_off(client):
    response = client.get("/static/los/los.css")
    assert response.status_code == 200 and b"".join(response.streaming_content)
