"""Log-in throttling (docs/security.md). Before, five wrong passwords for a user name from anywhere locked that
person out for 30 minutes: anyone who knew a coordinator's user name could keep her out of Los."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from los.accounts import throttle
from los.core import testing as t

pytestmark = pytest.mark.django_db

LOGIN = "/konto/logg-inn/"


def attempt(client: Client, username: str, password: str, address: str, language: str = "en"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address,
                       HTTP_ACCEPT_LANGUAGE=language)


def test_failures_from_one_address_do_not_lock_the_person_out_elsewhere(world):
    attacker = Client()
    for _ in range(5):
        attempt(attacker, "bk", "feil-passord", "198.51.100.7")
    locked = attempt(attacker, "bk", t.PASSWORD, "198.51.100.7")
    assert locked.status_code == 429  # that user name from that address is locked
    coordinator = Client()
    response = attempt(coordinator, "bk", t.PASSWORD, "192.0.2.10")  # she logs in from her office
    assert response.status_code == 302 and coordinator.session["_auth_user_id"] == str(world.coordinator.pk)


def test_guesses_from_many_addresses_are_slowed_down_per_user_name(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    guesser = Client()
    for n in range(10):
        response = attempt(guesser, "bk", "feil-passord", f"198.51.100.{n + 1}")
        assert "The user name or password is wrong" in response.content.decode()
    attempt(guesser, "bk", "feil-passord", "198.51.100.11")  # the eleventh failure: 2 seconds from now
    early = attempt(guesser, "bk", t.PASSWORD, "198.51.100.12")
    page = early.content.decode()
    assert early.status_code == 200 and "Wait 2 seconds and try again." in page
    assert "_auth_user_id" not in guesser.session  # not even the right password is checked too early
    time_machine.shift(timedelta(seconds=3))
    assert attempt(guesser, "bk", "feil-passord", "198.51.100.13").status_code == 200  # checked: a 12th failure
    assert "Wait 4 seconds" in attempt(guesser, "bk", "feil-passord", "198.51.100.14").content.decode()
    assert throttle.failures("bk")[0] == 12  # refused attempts are not counted
    time_machine.shift(timedelta(seconds=5))
    assert attempt(Client(), "bk", t.PASSWORD, "192.0.2.10").status_code == 302  # never a lock-out


def test_the_delay_grows_and_stops_at_a_minute(settings):
    settings.LOS_LOGIN_SLOWDOWN_AFTER = 10
    assert [throttle.delay_for(n) for n in (9, 10, 11, 12, 13, 15, 16, 17, 400)] == [0, 0, 2, 4, 8, 32, 60, 60, 60]


def test_a_browser_where_the_person_has_logged_in_is_never_slowed_down(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    own = Client()
    assert attempt(own, "bk", t.PASSWORD, "192.0.2.10").status_code == 302
    assert throttle.COOKIE in own.cookies
    own.post("/konto/logg-ut/")
    guesser = Client()
    for n in range(20):
        attempt(guesser, "bk", "feil-passord", f"198.51.100.{n + 1}")
    assert "Wait" in attempt(Client(), "bk", t.PASSWORD, "203.0.113.5").content.decode()  # a new browser waits
    assert attempt(own, "bk", t.PASSWORD, "192.0.2.10").status_code == 302  # her own browser does not
    # a cookie made up by the guesser counts for nothing
    forged = Client()
    forged.cookies[throttle.COOKIE] = own.cookies[throttle.COOKIE].value[:-3] + "abc"
    assert "Wait" in attempt(forged, "bk", t.PASSWORD, "203.0.113.6").content.decode()


def test_an_unknown_user_name_is_slowed_down_the_same_way(world, time_machine):
    """The delay says nothing about whether an account exists."""
    time_machine.move_to(timezone.now(), tick=False)
    guesser = Client()
    for name in ("bk", "finnes.ikke"):
        for n in range(11):
            attempt(guesser, name, "feil-passord", f"198.51.100.{n + 1}")
    known = attempt(guesser, "bk", "feil-passord", "198.51.100.50").content.decode()
    unknown = attempt(guesser, "finnes.ikke", "feil-passord", "198.51.100.50").content.decode()
    assert "Wait 2 seconds" in known and "Wait 2 seconds" in unknown


def test_the_wait_is_explained_in_norwegian(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    guesser = Client()
    for n in range(11):
        attempt(guesser, "bk", "feil-passord", f"198.51.100.{n + 1}")
    page = attempt(guesser, "bk", "feil-passord", "198.51.100.99", language="nb").content.decode()
    assert "Vent 2 sekunder" in page
