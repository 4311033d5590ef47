"""Each waiting application shows days waited against the expected time, and long waits are flagged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.core import deadlines
from los.servicemap import processing, services

from .helpers import application


def _page(client, user, entry):
    client.force_login(user)
    return client.get(reverse("servicemap:entry_detail", args=[entry.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_within_expected_time_is_not_flagged(client, sm):
    today = timezone.localdate()
    application(sm.entry, sm.coordinator, today - timedelta(days=10))
    page = _page(client, sm.coordinator, sm.entry)
    expected = processing.DEFAULT_DAYS_BY_CATALOG_ID["hjelpestonad"]
    assert f"Waited 10 days of about {expected} days expected." in page
    assert "Waiting unreasonably long" not in page and "Longer than expected" not in page


def test_longer_than_expected_is_marked(client, sm):
    expected = processing.DEFAULT_DAYS_BY_CATALOG_ID["hjelpestonad"]
    application(sm.entry, sm.coordinator, timezone.localdate() - timedelta(days=expected + 5))
    page = _page(client, sm.coordinator, sm.entry)
    assert "Longer than expected" in page
    assert "Waiting unreasonably long" not in page


def test_unreasonably_long_wait_is_flagged_on_the_entry_and_family_page(client, sm):
    expected = processing.DEFAULT_DAYS_BY_CATALOG_ID["hjelpestonad"]
    waited = int(expected * processing.DEFAULT_LONG_WAIT_FACTOR) + 1
    application(sm.entry, sm.coordinator, timezone.localdate() - timedelta(days=waited))
    assert "Waiting unreasonably long" in _page(client, sm.coordinator, sm.entry)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting unreasonably long" in page
    assert f"has waited {waited} days for a decision; about {expected} days is expected" in page


def test_the_agencys_own_estimate_wins(client, sm):
    application(sm.entry, sm.coordinator, timezone.localdate() - timedelta(days=40), expected_processing_days=20)
    page = _page(client, sm.coordinator, sm.entry)
    assert "Waited 40 days of about 20 days expected." in page
    assert "Waiting unreasonably long" in page
    assert "Expected time as the agency said." in page


def test_expected_time_comes_from_catalogue_then_provider_kind_then_default(settings):
    assert processing.expected_days("avlastning", "nav") == (42, "catalog")
    assert processing.expected_days("", "nav") == (processing.DEFAULT_DAYS_BY_PROVIDER_KIND["nav"], "provider")
    assert processing.expected_days("", "") == (processing.FALLBACK_DAYS, "default")
    settings.LOS_SERVICEMAP_PROCESSING_DAYS = {"avlastning": 21, "provider:nav": 50}
    assert processing.expected_days("avlastning", "") == (21, "setting")
    assert processing.expected_days("", "nav") == (50, "setting")


def test_missing_preliminary_reply_is_pointed_out_after_about_a_month(client, sm):
    sent = timezone.localdate() - timedelta(days=40)
    app = application(sm.entry, sm.coordinator, sent)
    page = _page(client, sm.coordinator, sm.entry)
    due = deadlines.preliminary_reply_due(sent)
    assert "the agency must send one (forvaltningsloven § 11 a)" in page
    app.refresh_from_db()
    services.update_application(app, sm.coordinator, app.version, preliminary_reply_on=sent + timedelta(days=20))
    page = _page(client, sm.coordinator, sm.entry)
    assert "the agency must send one" not in page
    assert due  # computed by los.core.deadlines, not here


@pytest.mark.parametrize("days", [0, 1])
def test_future_sent_date_is_refused(sm, days):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        application(sm.entry, sm.coordinator, timezone.localdate() + timedelta(days=days + 1))
    assert "sent_on" in error.value.message_dict
