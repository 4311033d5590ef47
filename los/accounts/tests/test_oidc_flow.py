"""Log-in through a real OpenID Connect provider (idp/server.mjs, started by the ``idp`` fixture): the browser's
part is played by ``requests`` against the live server, the provider's TestID page answered as a person would.
Los exchanges the code, checks the ID token and the person exactly as with ID-porten."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.utils import timezone

from los.access.models import AuditEvent
from los.accounts.models import User
from los.core import fnr
from los.families.models import Child, FamilyMember
from los.referrals import services as referral_services

pytestmark = pytest.mark.django_db(transaction=True)

RNG = random.Random(21)
SUBSTANTIAL, HIGH = "idporten-loa-substantial", "idporten-loa-high"


def number(born: date) -> str:
    return fnr.generate(born, RNG)


def through_provider(http: requests.Session, start: str, form: dict) -> requests.Response:
    """Open Los's log-in link, answer the provider's log-in page with ``form``, follow the way back to Los."""
    page = http.get(start, headers={"Accept-Language": "en"})
    assert page.status_code == 200, page.text[-400:]
    action = re.search(r'action="([^"]+/login)"', page.text)
    assert action, "the provider's log-in page has a log-in form"
    return http.post(urljoin(page.url, action.group(1)), data=form, headers={"Accept-Language": "en"})


def idporten(live_server, pid: str, acr: str = SUBSTANTIAL, next_url: str = "",
             http: requests.Session | None = None) -> tuple[requests.Session, requests.Response]:
    http = http or requests.Session()
    start = f"{live_server.url}/konto/idporten/" + (f"?next={next_url}" if next_url else "")
    return http, through_provider(http, start, {"typed_pid": pid, "pid": "", "acr": acr})


def logged_in(http: requests.Session, live_server) -> bool:
    return http.get(f"{live_server.url}/", allow_redirects=False).status_code == 200


def path_of(response: requests.Response) -> str:
    parts = urlsplit(response.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_guardian_logs_in_with_idporten_and_lands_on_the_family_page(live_server, oidc, world):
    pid = number(date(1986, 3, 4))
    member = world.family.members.get()
    FamilyMember.objects.filter(pk=member.pk).update(fodselsnummer=pid)
    http, response = idporten(live_server, pid)
    assert response.status_code == 200
    assert path_of(response) == f"/familie/{world.family.pk}/"  # one family: straight to it, no start page
    assert logged_in(http, live_server)
    event = AuditEvent.objects.filter(action="login", allowed=True).order_by("-pk").first()
    assert event.actor == world.parent and "ID-porten" in event.reason and SUBSTANTIAL in event.reason


def test_first_log_in_of_a_known_guardian_creates_the_account_and_links_it(live_server, oidc, world):
    pid = number(date(1990, 7, 1))
    member = world.other_family.members.get()
    FamilyMember.objects.filter(pk=member.pk).update(fodselsnummer=pid, given_name="Mari", family_name="Dal")
    assert not User.objects.filter(username=pid).exists()
    http, response = idporten(live_server, pid)
    member.refresh_from_db()
    assert member.user is not None and member.user.username == pid and member.user.get_full_name() == "Mari Dal"
    assert not member.user.has_usable_password()
    assert path_of(response) == f"/familie/{world.other_family.pk}/"
    # the second time the same account is used
    _http, again = idporten(live_server, pid)
    assert path_of(again) == f"/familie/{world.other_family.pk}/"
    assert User.objects.filter(username=pid).count() == 1


def test_a_person_is_matched_by_number_never_by_name(live_server, oidc, world):
    member = world.family.members.get()
    FamilyMember.objects.filter(pk=member.pk).update(fodselsnummer=number(date(1985, 1, 2)))
    stranger = number(date(1985, 1, 3))
    User.objects.filter(pk=world.parent.pk).update(first_name="Mor", last_name="Berg")
    http, response = idporten(live_server, stranger)
    assert path_of(response).startswith("/konto/innlogging-avvist/?reason=unknown")
    assert not logged_in(http, live_server)


def test_an_unknown_person_gets_a_clear_page_with_the_way_to_the_request_form(live_server, oidc, world):
    http, response = idporten(live_server, number(date(1992, 2, 2)))
    assert response.status_code == 200
    assert "We do not know you in Los yet" in response.text
    assert 'href="/henvendelser/ny/"' in response.text
    assert not logged_in(http, live_server)
    refused = AuditEvent.objects.filter(action="login", allowed=False).order_by("-pk").first()
    assert refused.reason == "family log-in through OpenID Connect refused: unknown"


def test_a_log_in_below_the_configured_level_is_refused(live_server, oidc, world, settings):
    settings.LOS_OIDC_PROVIDERS["family"]["LOS_ACR_VALUES"] = HIGH
    pid = number(date(1986, 3, 4))
    FamilyMember.objects.filter(pk=world.family.members.get().pk).update(fodselsnummer=pid)
    http, response = idporten(live_server, pid, acr=SUBSTANTIAL)
    assert path_of(response) == "/konto/innlogging-avvist/?reason=level&provider=family"
    assert "highest level of security" in response.text
    assert not logged_in(http, live_server)
    # on level high the same person is let in
    _http, response = idporten(live_server, pid, acr=HIGH)
    assert path_of(response) == f"/familie/{world.family.pk}/"


def test_a_young_person_from_16_logs_in_and_a_younger_child_is_refused(live_server, oidc, world):
    today = timezone.localdate()
    older = Child.objects.create(family=world.family, municipality=world.municipality, given_name="Ida",
                                 family_name="Berg", birth_date=today - timedelta(days=17 * 365))
    older_pid = number(older.birth_date)
    Child.objects.filter(pk=older.pk).update(fodselsnummer=older_pid)
    http, response = idporten(live_server, older_pid)
    assert path_of(response) == f"/familie/{world.family.pk}/"
    older.refresh_from_db()
    assert older.user is not None and older.user.username == older_pid
    younger = world.family.children.exclude(pk=older.pk).get()
    http, response = idporten(live_server, younger.fodselsnummer)
    assert path_of(response).startswith("/konto/innlogging-avvist/?reason=too_young")
    assert not logged_in(http, live_server)


def test_a_person_who_sent_the_open_form_is_let_in_to_confirm_it(live_server, oidc, world):
    pid = number(date(1993, 9, 9))
    referral_services.submit_public_request(
        municipality=world.municipality, sender_name="Kari Nordmann", sender_fodselsnummer=pid,
        sender_relation="mother", child_name="Ola Nordmann", description="Vi trenger hjelp.")
    http, response = idporten(live_server, pid, next_url="/henvendelser/bekreft/")
    assert path_of(response) == "/henvendelser/bekreft/"
    assert "Ola Nordmann" in response.text
    assert User.objects.get(username=pid).get_full_name() == "Kari Nordmann"


def test_a_guardian_who_sent_the_open_form_confirms_it_and_lands_in_the_family(live_server, oidc, world):
    pid = number(date(1984, 5, 6))
    FamilyMember.objects.filter(pk=world.family.members.get().pk).update(fodselsnummer=pid)
    public = referral_services.submit_public_request(
        municipality=world.municipality, sender_name="Kari Berg", sender_fodselsnummer=pid,
        sender_relation="mother", child_name="Ola Berg", description="Vi trenger hjelp.")
    http, page = idporten(live_server, pid, next_url="/henvendelser/bekreft/")
    assert path_of(page) == "/henvendelser/bekreft/" and "Ola Berg" in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    landed = http.post(page.url, data={"csrfmiddlewaretoken": token, "public_request": public.pk,
                                       "action": "confirm", "family": world.family.pk},
                       headers={"Accept-Language": "en", "Referer": page.url})
    assert path_of(landed) == f"/familie/{world.family.pk}/"
    assert "The request is confirmed" in landed.text
    public.refresh_from_db()
    assert public.family == world.family


def test_staff_log_in_through_the_municipality_and_keep_only_their_roles(live_server, oidc, world):
    http = requests.Session()
    response = through_provider(http, f"{live_server.url}/konto/ansatt/", {"typed_username": "bk", "username": ""})
    assert path_of(response) == "/"
    assert logged_in(http, live_server)
    event = AuditEvent.objects.filter(action="login", allowed=True).order_by("-pk").first()
    assert event.actor == world.coordinator and event.reason == "logged in through the municipality's identity provider"
    assert event.actor_role == "barnekoordinator"


@pytest.mark.parametrize("username", ["ukjent.person", "forelder"])
def test_the_municipality_log_in_refuses_a_person_without_a_staff_role(live_server, oidc, world, username):
    http = requests.Session()
    response = through_provider(http, f"{live_server.url}/konto/ansatt/",
                                {"typed_username": username, "username": ""})
    assert path_of(response) == "/konto/innlogging-avvist/?reason=unknown_staff&provider=staff"
    assert "no active staff account" in response.text
    assert not logged_in(http, live_server)


def test_the_staff_providers_second_factor_counts_and_otherwise_totp_is_asked(live_server, oidc, world, settings):
    settings.LOS_REQUIRE_STAFF_OTP = True
    http = requests.Session()
    through_provider(http, f"{live_server.url}/konto/ansatt/", {"typed_username": "bk", "username": ""})
    assert http.get(f"{live_server.url}/", allow_redirects=False).status_code == 200  # amr "mfa": no TOTP
    settings.LOS_OIDC_PROVIDERS["staff"]["LOS_SECOND_FACTOR_AMR"] = "hwk"  # a marker the provider does not give
    http = requests.Session()
    through_provider(http, f"{live_server.url}/konto/ansatt/", {"typed_username": "bk", "username": ""})
    assert http.get(f"{live_server.url}/", allow_redirects=False).headers["Location"].startswith(
        "/konto/andre-faktor/")


def test_cancelling_at_the_provider_gives_a_page_not_an_error(live_server, oidc, world):
    http = requests.Session()
    page = http.get(f"{live_server.url}/konto/idporten/")
    abort = re.search(r'action="([^"]+/abort)"', page.text).group(1)
    response = http.post(urljoin(page.url, abort), headers={"Accept-Language": "en"})
    assert path_of(response) == "/konto/innlogging-avvist/?reason=cancelled&provider=family"
    assert "You cancelled the log-in" in response.text


def test_an_answer_for_another_log_in_is_refused(live_server, oidc, world, client):
    pid = number(date(1986, 3, 4))
    FamilyMember.objects.filter(pk=world.family.members.get().pk).update(fodselsnummer=pid)
    http = requests.Session()
    page = http.get(f"{live_server.url}/konto/idporten/")
    action = re.search(r'action="([^"]+/login)"', page.text).group(1)
    answer = http.post(urljoin(page.url, action), data={"typed_pid": pid, "pid": "", "acr": SUBSTANTIAL},
                       allow_redirects=False)
    back = http.get(answer.headers["Location"], allow_redirects=False).headers["Location"]
    assert "code=" in back and "state=" in back
    # the code and state come back to another browser (another session): refused, and the code is not used
    stolen = requests.get(back, allow_redirects=True, headers={"Accept-Language": "en"}, timeout=30)
    assert path_of(stolen) == "/konto/innlogging-avvist/?reason=expired&provider=family"
    assert "took too long" in stolen.text
    # the browser that asked still gets in with it: the refused answer did not spend the code
    mine = http.get(back, headers={"Accept-Language": "en"})
    assert path_of(mine) == f"/familie/{world.family.pk}/"
