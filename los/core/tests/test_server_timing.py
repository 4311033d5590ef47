"""The trivial page for throughput measurements and the Server-Timing header (bench/pages.py)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEADER = re.compile(r'^app;dur=(\d+\.\d), db;dur=(\d+\.\d);desc="(\d+) queries"$')


def test_ping_answers_a_logged_in_user_and_sends_others_to_log_in(world):
    anonymous = Client().get(reverse("core:ping"))
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]
    client = Client()
    client.force_login(world.coordinator)
    response = client.get(reverse("core:ping"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_server_timing_is_sent_when_switched_on(world, settings):
    settings.LOS_SERVER_TIMING = True
    client = Client()  # a new client builds the middleware chain with the setting on
    client.force_login(world.coordinator)
    response = client.get(reverse("families:detail", args=[world.family.pk]))
    assert response.status_code == 200
    match = HEADER.match(response["Server-Timing"])
    assert match, response["Server-Timing"]
    app_ms, db_ms, queries = float(match[1]), float(match[2]), int(match[3])
    assert queries > 0  # a family page reads the session, the user, the family and writes an audit event
    assert 0 <= db_ms <= app_ms


def test_server_timing_counts_the_queries_of_the_request(world, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LOS_SERVER_TIMING = True
    client = Client()
    client.force_login(world.coordinator)
    client.get(reverse("core:ping"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("core:ping"))
    assert HEADER.match(response["Server-Timing"])[3] == str(len(captured))


def test_no_server_timing_by_default(world, settings):
    settings.LOS_SERVER_TIMING = False
    client = Client()
    client.force_login(world.coordinator)
    for name, args in (("core:ping", []), ("families:detail", [world.family.pk]), ("core:about", [])):
        response = client.get(reverse(name, args=args))
        assert "Server-Timing" not in response, name
