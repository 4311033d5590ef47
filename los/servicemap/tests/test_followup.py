"""From "granted" to "delivered", and from "refused" to an appeal: the sums held against a grant, the shortfall
flags and their thresholds, the coordinator's start page, the appeal outline's deadline by law and the working
draft that only the barnekoordinator sees. The clock stands at Wednesday 18 November 2026 (conftest)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from los.core import deadlines
from los.core import testing as t
from los.core.models import ProviderKind
from los.servicemap import delivery, selectors, services
from los.servicemap.models import AppealDraft, Decision, ServiceEntry

from .helpers import application, decide, formatted

TODAY = date(2026, 11, 18)
GRANTED_FROM = date(2026, 8, 1)


@pytest.fixture
def respite(world):
    """Respite care (avlastning) granted from 1 August 2026: 24 hours per month."""
    world.provider = t.provider(world.municipality, ProviderKind.OTHER, "Avlastning Testvik")
    entry = services.create_entry(world.family, world.coordinator, catalog_id="avlastning", provider=world.provider)
    app = application(entry, world.coordinator, date(2026, 6, 1))
    decide(app, world.coordinator, Decision.GRANTED, date(2026, 7, 10), "hol § 3-6", decision_on=date(2026, 7, 8),
           period_from=GRANTED_FROM, extent_amount=24, extent_unit="hours", extent_per="month")
    entry.refresh_from_db()
    world.respite = entry
    return world


def _deliver(w, *days_and_hours):
    for day, hours in days_and_hours:
        services.record_delivery(w.respite, w.parent, delivered_on=day, amount=hours)
    w.respite.refresh_from_db()


def test_granted_per_month_is_spread_by_the_days_of_each_month():
    # 24 hours a month: a whole September gives 24, the first 18 days of November 24 * 18 / 30
    assert delivery.granted_between(24, "month", GRANTED_FROM, None, date(2026, 9, 1), date(2026, 9, 30)) == 24
    assert delivery.granted_between(24, "month", GRANTED_FROM, None, date(2026, 11, 1), TODAY) == pytest.approx(
        24 * 18 / 30)
    # 10 hours a week over February 2026 (four weeks)
    assert delivery.granted_between(10, "week", date(2026, 1, 1), None, date(2026, 2, 1),
                                    date(2026, 2, 28)) == pytest.approx(40)
    # nothing granted before the grant starts or after it ends
    assert delivery.granted_between(24, "month", GRANTED_FROM, date(2026, 8, 31), date(2026, 9, 1),
                                    date(2026, 9, 30)) == 0
    # "in total" without an end cannot be spread
    assert delivery.granted_between(24, "total", GRANTED_FROM, None, date(2026, 9, 1), date(2026, 9, 30)) is None


def test_months_hold_delivered_against_granted(respite):
    _deliver(respite, (date(2026, 9, 10), 6), (date(2026, 9, 24), 6), (date(2026, 10, 10), 12),
             (date(2026, 11, 10), 3))
    view = selectors.delivery_view(respite.respite, TODAY)
    by_month = {row.month: row for row in view.months}
    assert [row.month for row in view.months] == [date(2026, m, 1) for m in (8, 9, 10, 11)]
    assert by_month[date(2026, 9, 1)].granted == 24 and by_month[date(2026, 9, 1)].delivered == 12
    assert by_month[date(2026, 9, 1)].share == 50
    assert by_month[date(2026, 10, 1)].delivered == 12
    assert by_month[date(2026, 11, 1)].so_far and by_month[date(2026, 11, 1)].granted == pytest.approx(24 * 18 / 30)
    granted, delivered = view.totals
    assert delivered == 27
    assert granted == pytest.approx(24 * 3 + 24 * 18 / 30)


def test_nothing_delivered_for_four_weeks_is_a_shortfall(respite):
    _deliver(respite, (date(2026, 10, 1), 24))
    found = selectors.family_shortfalls(respite.family, TODAY)[respite.respite.pk]
    assert found.kind == delivery.NOTHING
    assert found.weeks == 4
    assert found.start == date(2026, 10, 22)
    assert found.last_delivery == date(2026, 10, 1)


def test_the_service_map_flags_the_shortfall_from_the_entries_it_has_read(respite):
    _deliver(respite, (date(2026, 10, 1), 24))
    flagged = [a for a in selectors.family_map(respite.family, TODAY).attention if a.kind == "delivery"]
    assert [a.entry.pk for a in flagged] == [respite.respite.pk]
    found = flagged[0].shortfall
    assert found.kind == delivery.NOTHING and found.start == date(2026, 10, 22)
    assert found.last_delivery == date(2026, 10, 1) and found.entry.family == respite.family
    # delivered as granted: nothing to flag, on the map as in the list of shortfalls
    _deliver(respite, (date(2026, 10, 25), 12), (date(2026, 11, 5), 12), (date(2026, 9, 5), 24))
    assert not [a for a in selectors.family_map(respite.family, TODAY).attention if a.kind == "delivery"]
    assert respite.respite.pk not in selectors.family_shortfalls(respite.family, TODAY)


def test_under_three_quarters_in_a_quarter_is_a_shortfall_and_the_threshold_is_the_municipalitys(respite):
    # 10 hours in each of the last three months, against about 72 granted in the quarter
    _deliver(respite, (date(2026, 9, 10), 10), (date(2026, 10, 10), 10), (date(2026, 11, 10), 10))
    found = selectors.family_shortfalls(respite.family, TODAY)[respite.respite.pk]
    quarter_start = date(2026, 8, 20)  # 91 days up to today
    expected_granted = 24 * 12 / 31 + 24 + 24 + 24 * 18 / 30
    assert found.kind == delivery.LOW
    assert found.start == quarter_start
    assert found.granted == pytest.approx(expected_granted)
    assert found.share == pytest.approx(30 / expected_granted * 100)
    # the municipality sets the bar lower: 40 % is enough, so no flag
    services.save_delivery_settings(respite.municipality.pk, respite.leader, 0, weeks=4, share=40)
    assert respite.respite.pk not in selectors.family_shortfalls(respite.family, TODAY)


def test_a_declined_service_is_not_flagged_and_keeps_why(respite):
    services.decline_service(respite.respite, respite.parent, respite.respite.version, declined_on=date(2026, 9, 1),
                             reason="not_good_enough", note="Nye folk hver gang.")
    respite.respite.refresh_from_db()
    assert respite.respite.declined_reason == "not_good_enough"
    assert respite.respite.pk not in selectors.family_shortfalls(respite.family, TODAY)


def test_the_shortfall_is_on_the_coordinators_start_page_and_nobody_elses(client, respite):
    _deliver(respite, (date(2026, 10, 1), 24))
    client.force_login(respite.coordinator)
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Granted, but not delivered as granted" in page
    assert "nothing recorded as delivered in the last 4 weeks" in page
    assert reverse("servicemap:entry_detail", args=[respite.respite.pk]) in page
    client.force_login(respite.caseworker)
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Granted, but not delivered as granted" not in page


def test_a_delivery_in_the_future_is_refused_with_a_message(respite):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.record_delivery(respite.respite, respite.parent, delivered_on=date(2026, 11, 19), amount=3)
    assert caught.value.message_dict["delivered_on"]
    assert not respite.respite.deliveries.exists()


# --------------------------------------------------------------------------------------------------
# Appeals
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def refused(world):
    """Hjelpestønad refused by NAV; the letter reached the family on Monday 2 November 2026."""
    world.nav = t.provider(world.municipality, ProviderKind.NAV, "NAV Testvik")
    entry = services.create_entry(world.family, world.coordinator, catalog_id="hjelpestonad", provider=world.nav)
    app = application(entry, world.coordinator, date(2026, 8, 3))
    world.app = decide(app, world.coordinator, Decision.REFUSED, date(2026, 11, 2), "ftrl § 6-4",
                       decision_on=date(2026, 10, 29),
                       decision_reasons="Tilsynsbehovet er ikke vesentlig større enn for jevnaldrende.")
    return world


def test_the_outline_gives_the_deadline_by_law_and_the_decisions_own_reasons(client, refused):
    # National Insurance Act: six weeks from the day the decision arrived, Monday 14 December 2026
    expected = deadlines.appeal_deadline(date(2026, 11, 2), "ftrl § 6-4").deadline
    assert expected == date(2026, 12, 14)
    client.force_login(refused.coordinator)
    page = client.get(reverse("servicemap:appeal_outline", args=[refused.app.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert formatted(expected) in page or formatted(expected, "j. F Y") in page
    assert "NAV Testvik" in page
    assert "Tilsynsbehovet er ikke vesentlig større enn for jevnaldrende." in page
    text = client.get(reverse("servicemap:appeal_outline", args=[refused.app.pk]) + "?format=txt")
    assert text.status_code == 200
    assert "14. desember 2026" in text.content.decode()  # the family's language: bokmål


def test_the_outline_links_to_the_application_kit_only_where_there_is_one(client, refused):
    client.force_login(refused.coordinator)
    url = reverse("servicemap:appeal_outline", args=[refused.app.pk])
    kit = reverse("servicemap:kit", args=[refused.family.pk, "hjelpestonad"])
    assert kit in client.get(url).content.decode()
    # a municipality's own service has no application kit: no link that would end in 404
    ServiceEntry.objects.filter(pk=refused.app.entry_id).update(catalog_id="lokal_solsikken")
    response = client.get(url)
    assert response.status_code == 200
    assert "/soknadspakke/" not in response.content.decode()
    assert client.get(kit.replace("hjelpestonad", "lokal_solsikken")).status_code == 404


def test_a_granted_decision_has_no_appeal_outline(client, refused):
    entry = services.create_entry(refused.family, refused.coordinator, catalog_id="grunnstonad", provider=refused.nav)
    granted = decide(application(entry, refused.coordinator, date(2026, 8, 3)), refused.coordinator,
                     Decision.GRANTED, date(2026, 11, 2), "ftrl § 6-3")
    client.force_login(refused.coordinator)
    assert client.get(reverse("servicemap:appeal_outline", args=[granted.pk])).status_code == 404


def test_the_coordinators_working_draft_is_hidden_from_the_unit_and_the_family(client, refused):
    client.force_login(refused.coordinator)
    response = client.post(reverse("servicemap:appeal_draft_start", args=[refused.app.pk]))
    assert response.status_code == 302
    draft = AppealDraft.objects.get(application=refused.app)
    marker = "Vi viser til vedtaket"
    draft.text = f"{marker}: ARBEIDSNOTAT"
    draft.save()
    page = client.get(reverse("servicemap:appeal_outline", args=[refused.app.pk])).content.decode()
    assert "ARBEIDSNOTAT" in page
    for reader in (refused.caseworker, refused.parent):
        client.force_login(reader)
        response = client.get(reverse("servicemap:appeal_outline", args=[refused.app.pk]))
        assert response.status_code == 200
        assert "ARBEIDSNOTAT" not in response.content.decode()
        assert client.post(reverse("servicemap:appeal_draft_save", args=[draft.pk]),
                           {"draft-text": "x", "draft-version": draft.version}).status_code == 403
    draft.refresh_from_db()
    assert "ARBEIDSNOTAT" in draft.text


def test_two_reminders_before_the_appeal_deadline_and_none_once_the_appeal_is_sent(refused):
    from los.servicemap.models import Notification, NotificationKind

    deadline = refused.app.appeal_deadline  # Monday 14 December 2026
    assert services.create_appeal_reminders(deadline - timedelta(days=8)) == []
    first = services.create_appeal_reminders(deadline - timedelta(days=7))
    assert set(first) == {refused.coordinator.pk, refused.parent.pk}
    assert services.create_appeal_reminders(deadline - timedelta(days=6)) == []  # once
    final = services.create_appeal_reminders(deadline - timedelta(days=2))
    assert set(final) == {refused.coordinator.pk, refused.parent.pk}
    kinds = list(Notification.objects.filter(recipient=refused.parent).values_list("kind", flat=True))
    assert sorted(kinds) == sorted([NotificationKind.APPEAL_DEADLINE, NotificationKind.APPEAL_FINAL])


def test_no_reminder_once_the_appeal_is_sent(refused):
    services.create_appeal(refused.app, refused.parent, sent_on=date(2026, 11, 17))
    assert services.create_appeal_reminders(refused.app.appeal_deadline - timedelta(days=7)) == []


def test_the_familys_download_holds_deliveries_and_the_diary_but_not_the_coordinators_draft(client, respite):
    import io
    import json
    import zipfile

    from los.carediary import services as diary

    child = respite.family.children.get()
    diary.record_day(child, by=respite.parent, day=TODAY, supervision_minutes=60, care_minutes=30, night_wakings=0,
                     night_minutes=0, version=0)
    _deliver(respite, (date(2026, 10, 1), 24))
    app = respite.respite.applications.get()
    draft = services.start_appeal_draft(app, respite.coordinator, "ARBEIDSNOTAT")
    client.force_login(respite.parent)
    response = client.get(reverse("portal:download", args=[respite.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    models = {o["model"] for o in data["objects"]}
    assert {"carediary.diaryday", "carediary.carediary", "servicemap.delivery"} <= models
    assert ("servicemap.appealdraft", draft.pk) not in {(o["model"], o["pk"]) for o in data["objects"]}
    assert "ARBEIDSNOTAT" not in json.dumps(data)
