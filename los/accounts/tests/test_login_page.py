"""The log-in page: ID-porten first, the municipality's log-in for staff second, the password form last and only
where it is on; a family member's password is refused while ID-porten is configured."""

from __future__ import annotations

import pytest
from django.urls import reverse

from los.accounts import testidp
from los.core import testing as t

pytestmark = pytest.mark.django_db

SECRETS = {"family": "x" * 24, "staff": "y" * 24}


@pytest.fixture
def configured(settings):
    # the configuration alone (no provider needs to run for what these tests look at)
    settings.LOS_OIDC_PROVIDERS = testidp.los_settings("http://127.0.0.1:9", SECRETS)
    settings.LOS_PASSWORD_LOGIN = True
    return settings


def test_the_page_offers_idporten_first_then_staff_then_the_password(client, configured):
    page = client.get(reverse("accounts:login") + "?next=/henvendelser/bekreft/",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    idporten = page.index('href="/konto/idporten/?next=%2Fhenvendelser%2Fbekreft%2F"')
    staff = page.index('href="/konto/ansatt/?next=%2Fhenvendelser%2Fbekreft%2F"')
    password = page.index('name="password"')
    assert idporten < staff < password
    assert "Log in with ID-porten" in page


def test_the_idporten_link_asks_for_the_configured_level_with_pkce_state_and_nonce(client, configured):
    response = client.get(reverse("accounts:idporten"), HTTP_ACCEPT_LANGUAGE="nn")
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:9/idporten/auth?")
    for part in ("acr_values=idporten-loa-substantial", "code_challenge_method=S256", "code_challenge=", "state=",
                 "nonce=", "ui_locales=nn", "client_id=los-demo", "scope=openid+profile",
                 "redirect_uri=http%3A%2F%2Ftestserver%2Fkonto%2Fidporten%2Fsvar%2F"):
        assert part in location


def test_a_family_members_password_is_refused_while_idporten_is_configured(client, configured, world):
    response = client.post(reverse("accounts:login"), {"username": "forelder", "password": t.PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Families log in with ID-porten" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # staff still may, in the demo
    response = client.post(reverse("accounts:login"), {"username": "bk", "password": t.PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.coordinator.pk)


def test_without_the_password_form_a_password_post_is_refused(client, configured, world):
    configured.LOS_PASSWORD_LOGIN = False
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="password"' not in page and "Log in with ID-porten" in page
    response = client.post(reverse("accounts:login"), {"username": "bk", "password": t.PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "turned off" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_without_providers_only_the_password_form_is_shown(client, settings, world):
    settings.LOS_OIDC_PROVIDERS = {"family": None, "staff": None}
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="password"' in page and "/konto/idporten/" not in page and "/konto/ansatt/" not in page
    assert client.get("/konto/idporten/").status_code == 404
    assert client.get("/konto/ansatt/svar/?code=x&state=y").status_code == 404
    # and a family member's password works as before
    response = client.post(reverse("accounts:login"), {"username": "forelder", "password": t.PASSWORD})
    assert response.status_code == 302


def test_a_one_family_parent_lands_on_the_family_page_after_a_password_log_in(client, settings, world):
    settings.LOS_OIDC_PROVIDERS = {"family": None, "staff": None}
    response = client.post(reverse("accounts:login"), {"username": "forelder", "password": t.PASSWORD})
    assert response["Location"] == reverse("portal:overview", args=[world.family.pk])
    client.post(reverse("accounts:logout"))
    # where the person was going wins
    response = client.post(reverse("accounts:login"), {"username": "forelder", "password": t.PASSWORD,
                                                       "next": "/henvendelser/bekreft/"})
    assert response["Location"] == "/henvendelser/bekreft/"
    # staff land on the start page
    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:login"), {"username": "bk", "password": t.PASSWORD})
    assert response["Location"] == "/"


def test_the_refusal_page_names_no_unknown_reason_and_leads_on(client):
    page = client.get(reverse("accounts:login_refused") + "?reason=<script>&provider=x",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<script>" not in page and "could not confirm who you are" in page
