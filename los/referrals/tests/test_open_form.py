"""The open request form (nobody logs in): throttled per network and in all, and its content is marked as a
stranger's text until the person named confirms it. Before, a script could send any number of requests, and
a parent's start page said "You have sent a request" about text someone else wrote in her name."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from los.core import fnr
from los.families.models import FamilyMember
from los.referrals import services
from los.referrals.models import PublicRequest

pytestmark = pytest.mark.django_db

NUMBER = fnr.generate(date(1988, 5, 17), __import__("random").Random(5), sex="F")


def _data(world, number=NUMBER, **extra):
    return {"municipality": world.municipality.pk, "sender_name": "Kari Nordmann", "sender_fodselsnummer": number,
            "sender_relation": "mother", "child_name": "Ola Nordmann", "child_birth_date": "2018-04-01",
            "description": "Ring 999 99 999 straks, ellers mister dere barnet.", "phone": "", "email": "",
            "confirm": "on", **extra}


def _send(world, address: str, language: str = "en", **extra):
    return Client().post(reverse("referrals:public_request"), _data(world, **extra), REMOTE_ADDR=address,
                         HTTP_ACCEPT_LANGUAGE=language)


def test_one_network_can_send_a_few_requests_an_hour(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(3):
        assert _send(world, "198.51.100.7").status_code == 302
    refused = _send(world, "198.51.100.7", description="Den fjerde")
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "Several requests have been sent from your network in the last hour." in page
    assert "Den fjerde" in page and "Kari Nordmann" in page  # what was typed is kept
    assert PublicRequest.objects.count() == 3
    assert _send(world, "192.0.2.44").status_code == 302  # another network is not stopped
    time_machine.shift(timedelta(minutes=61))
    assert _send(world, "198.51.100.7").status_code == 302


def test_an_ipv6_household_counts_as_one_network(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for n in range(3):
        assert _send(world, f"2001:db8:1:2::{n + 1}").status_code == 302
    assert _send(world, "2001:db8:1:2:ffff::9").status_code == 429


def test_the_form_closes_for_a_while_when_everyone_together_sends_many(world, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    settings.LOS_PUBLIC_REQUESTS_PER_HOUR = 5
    for n in range(5):
        assert _send(world, f"198.51.100.{n + 1}").status_code == 302
    refused = _send(world, "203.0.113.9", language="nb")
    assert refused.status_code == 429
    assert "Los får uvanlig mange henvendelser akkurat nå" in refused.content.decode()


def test_the_named_parent_sees_a_strangers_text_marked_as_such(client, world):
    FamilyMember.objects.filter(family=world.family, user=world.parent).update(fodselsnummer=NUMBER)
    assert _send(world, "198.51.100.7").status_code == 302
    client.force_login(world.parent)
    start = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You have sent" not in start
    assert "sent in your name on the open form" in start and "Los does not know who sent it" in start
    page = client.get(reverse("referrals:confirm_public"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sent on the open form" in page and "not confirmed" in page
    assert "Los does not know who it was" in page
    quoted = re.search(r'<blockquote class="ref-pre ref-quote">(.*?)</blockquote>', page, re.S)
    assert quoted and "Ring 999 99 999 straks" in quoted.group(1)  # the text only inside the marked quote
    assert page.count("Ring 999 99 999 straks") == 1
    assert "What you need help with" not in page  # never put as if the parent had written it


def test_a_request_without_a_known_address_counts_only_towards_the_total(world):
    """The network is taken from the HTTP request; without one (a script calling the service) only the total
    counts."""
    for _ in range(5):
        services.submit_public_request(municipality=world.municipality, sender_name="A", sender_fodselsnummer=NUMBER,
                                       sender_relation="mother", child_name="B", description="C")
    assert PublicRequest.objects.filter(sender_network="").count() == 5
