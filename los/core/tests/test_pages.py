"""The start page per role, log-in, languages and security headers."""

import pytest
from django.urls import reverse

from los.core import testing as t


@pytest.mark.django_db
class TestStartPage:
    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_coordinator_starts_the_day_on_today(self, client, world):
        client.force_login(world.coordinator)
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "What needs you as barnekoordinator" in page
        assert "You work on 1 family." in page  # the Berg family, not Dal (another coordinator's)
        assert 'role="search"' in page
        assert "Familien Dal" not in page

    def test_caseworker_starts_the_day_on_the_units_today(self, client, world):
        client.force_login(world.caseworker)
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "The coordinating unit" in page and "The request queue" in page
        assert "What needs you as barnekoordinator" not in page
        assert "Familien Utenbys" not in page

    def test_family_sees_our_family_with_coordinator(self, client, world):
        client.force_login(world.parent)
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Our family" in page
        assert world.coordinator.get_full_name() in page
        assert "Familien Dal" not in page

    def test_service_contact_sees_families_with_consent_only(self, client, world):
        client.force_login(world.contact)
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Families I work with" in page and "Familien Berg" not in page
        t.consent(world.family, world.school)
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Familien Berg" in page

    def test_leader_sees_no_family(self, client, world):
        client.force_login(world.leader)
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "never a single family" in page
        assert "Familien" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("nb", "Logg inn"), ("nn", "Logg inn"), ("en", "Log in")])
def test_login_page_in_three_languages(client, language, text):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert f'lang="{language}"' in page
    assert text in page


@pytest.mark.django_db
def test_language_switch_is_remembered(client):
    client.post(reverse("set_language"), {"language": "nn", "next": "/konto/logg-inn/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="nn"' in page
    assert "Hopp til hovudinnhaldet" in page


@pytest.mark.django_db
def test_login_with_wrong_password_gives_clear_message_and_keeps_user_name(client, world):
    response = client.post(reverse("accounts:login"), {"username": "bk", "password": "wrong"},
                           HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The user name or password is wrong" in page
    assert 'value="bk"' in page


@pytest.mark.django_db
def test_login_and_logout(client, world):
    response = client.post(reverse("accounts:login"), {"username": "bk", "password": t.PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client, world):
    client.force_login(world.coordinator)
    response = client.get("/finnes-ikke/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "We could not find the page" in response.content.decode()


@pytest.mark.django_db
def test_a_database_outage_gets_a_plain_503_with_retry_after(world):
    """While the database restarts, a request gets 'back in a moment' (503, Retry-After), not 'something
    went wrong' — and the page itself needs no database."""
    from unittest import mock

    from django.db import OperationalError
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(world.coordinator)
    with mock.patch("los.workday.selectors.coordinator_today",
                    side_effect=OperationalError("server closed the connection unexpectedly")):
        response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Los er straks tilbake" in page and "back in a moment" in page
    other = Client(raise_request_exception=False)
    other.force_login(world.coordinator)
    with mock.patch("los.workday.selectors.coordinator_today", side_effect=ValueError("bug")):
        assert other.get("/").status_code == 500  # any other error keeps the ordinary error page
