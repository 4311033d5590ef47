"""The application kit per navigator entry, and the plan and the meetings tied to the service map."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from los.servicemap import kit, selectors, services
from los.servicemap.models import AgreementApplication, Decision, EntryState, MeasureDecision

from .helpers import application, decide

TODAY = date(2026, 11, 18)


def test_the_kit_says_what_los_holds_and_what_is_missing(client, world):
    from los.carediary import services as diary

    child = world.family.children.get()
    client.force_login(world.coordinator)
    url = reverse("servicemap:kit", args=[world.family.pk, "hjelpestonad"]) + f"?barn={child.pk}"
    before = kit.build_kit(world.coordinator, world.family, "hjelpestonad", child, TODAY, "en", reasons_allowed=True)
    diary_item = next(item for item in before.items if item.spec.key == "diary")
    assert diary_item.missing
    for back in range(7):
        diary.record_day(child, by=world.parent, day=TODAY - timedelta(days=back), supervision_minutes=120,
                         care_minutes=60, night_wakings=1, night_minutes=30, version=0)
    after = kit.build_kit(world.coordinator, world.family, "hjelpestonad", child, TODAY, "en", reasons_allowed=True)
    diary_item = next(item for item in after.items if item.spec.key == "diary")
    assert not diary_item.missing and diary_item.held
    assert len(after.missing) == len(before.missing) - 1
    # the draft of the facts is in the family's language and carries the diary's sums: 3 hours a day
    assert "Hjelpestønad" in after.draft or "hjelpestønad" in after.draft
    assert "21" in after.draft  # 21 hours of supervision and care in the week
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "What to attach" in page.content.decode()
    download = client.get(url + "&format=txt")
    assert download["Content-Type"].startswith("text/plain")
    assert download.content.decode() == after.draft


def test_an_unknown_kit_is_not_found_and_a_stranger_is_refused(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("servicemap:kit", args=[world.family.pk, "finnes_ikke"])).status_code == 404
    # a service without the family's consent, and another municipality, do not learn the family exists
    for stranger in (world.contact, world.foreign_caseworker):
        client.force_login(stranger)
        response = client.get(reverse("servicemap:kit", args=[world.family.pk, "hjelpestonad"]))
        assert response.status_code == 404
        assert "Berg" not in response.content.decode()


def test_the_entry_page_links_to_the_kit_only_where_there_is_one(client, world):
    client.force_login(world.coordinator)
    national = services.create_entry(world.family, world.coordinator, catalog_id="hjelpestonad")
    kit_url = reverse("servicemap:kit", args=[world.family.pk, "hjelpestonad"])
    assert kit_url in client.get(reverse("servicemap:entry_detail", args=[national.pk])).content.decode()
    # a municipality's own service has no application kit
    national.__class__.objects.filter(pk=national.pk).update(catalog_id="lokal_solsikken")
    response = client.get(reverse("servicemap:entry_detail", args=[national.pk]))
    assert response.status_code == 200
    assert "/soknadspakke/" not in response.content.decode()


def test_the_navigator_card_links_to_its_kit(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("navigator:family", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("servicemap:kit", args=[world.family.pk, "hjelpestonad"]) in page


@pytest.fixture
def planned(world):
    from los.plans import services as plans

    mother = world.family.members.get()
    world.plan = plans.create_plan(world.family, by=world.coordinator, consent_given_by=mother,
                                   what_matters="At Ida får sove om natten")
    world.measure = plans.create_measure(plan=world.plan, by=world.coordinator, title="Omsorgsstønad til mor",
                                         owner=world.coordinator, due_date=TODAY + timedelta(days=30))
    world.other_measure = plans.create_measure(plan=world.plan, by=world.coordinator, title="Avlastning hver uke",
                                               owner=world.coordinator, due_date=TODAY + timedelta(days=30))
    return world


def test_a_measure_whose_decision_is_refused_is_flagged_on_the_plan_and_the_start_page(client, planned):
    entry = services.create_entry(planned.family, planned.coordinator, catalog_id="omsorgsstonad")
    services.link_measure(planned.measure, planned.coordinator, entry=entry)
    services.link_measure(planned.other_measure, planned.coordinator)
    views = selectors.measure_decisions(planned.family, TODAY)
    assert views[planned.measure.pk].status == selectors.NO_DECISION
    assert views[planned.other_measure.pk].status == selectors.NO_ENTRY
    decide(application(entry, planned.coordinator, date(2026, 9, 1)), planned.coordinator, Decision.REFUSED,
           date(2026, 11, 2), "hol § 3-6")
    views = selectors.measure_decisions(planned.family, TODAY)
    assert views[planned.measure.pk].status == selectors.REFUSED and views[planned.measure.pk].flagged
    client.force_login(planned.coordinator)
    plan_page = client.get(reverse("plans:family_plan", args=[planned.family.pk]),
                           HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Measures that promise what no decision grants yet" in plan_page
    assert "The decision it needs was refused" in plan_page
    start = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Plan measures without the decision they need" in start
    assert "Omsorgsstønad til mor" in start and "Avlastning hver uke" in start


def test_a_measure_becomes_a_new_service_on_the_map_in_one_step(planned):
    link = services.link_measure(planned.other_measure, planned.coordinator, create=True, catalog_id="avlastning")
    assert isinstance(link, MeasureDecision) and link.entry is not None
    assert link.entry.catalog_id == "avlastning" and link.entry.family_id == planned.family.pk
    assert link.municipality_id == planned.family.municipality_id


def test_an_agreement_becomes_an_application_and_its_refusal_shows_beside_it(world):
    from los.meetings.models import Decision as Agreement
    from los.meetings.models import Meeting, MeetingStatus

    day = datetime(2026, 10, 1, 10, tzinfo=ZoneInfo("Europe/Oslo"))
    meeting = Meeting.objects.create(family=world.family, municipality=world.municipality, starts_at=day,
                                     ends_at=day + timedelta(hours=1), status=MeetingStatus.HELD,
                                     ical_uid=f"{uuid.uuid4()}@los", created_by=world.coordinator)
    agreement = Agreement.objects.create(family=world.family, municipality=world.municipality, meeting=meeting,
                                         text="Kommunen søkes om støttekontakt to timer i uka",
                                         created_by=world.coordinator)
    link = services.agreement_to_application(agreement, world.coordinator, catalog_id="stottekontakt",
                                             sent_on=date(2026, 10, 5))
    assert AgreementApplication.objects.filter(agreement=agreement, entry=link.entry).count() == 1
    assert link.entry.state == EntryState.APPLIED or link.entry.applications.count() == 1
    app = link.entry.applications.get()
    decide(app, world.coordinator, Decision.REFUSED, date(2026, 11, 2), "hol § 3-2")
    shown = selectors.agreement_links([agreement.pk])[agreement.pk]
    assert shown.latest_application.decision == Decision.REFUSED
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.agreement_to_application(agreement, world.coordinator, catalog_id="stottekontakt")



def test_a_service_contact_is_shown_no_link_in_the_kit_it_cannot_open(client, planned):
    from los.core import testing as t

    t.consent(planned.family, planned.school, categories=["case", "services", "plan"])  # no health
    client.force_login(planned.contact)
    response = client.get(reverse("servicemap:kit", args=[planned.family.pk, "hjelpestonad"]),
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The individual plan, version" in page  # the plan is listed as held
    hrefs = re.findall(r'href="([^"#?]+)', page.split("<main", 1)[1])
    assert reverse("plans:plan_pdf", args=[planned.plan.pk]) not in hrefs  # exporting it is for the family's side
    assert reverse("navigator:family", args=[planned.family.pk]) not in hrefs  # the navigator shows health
    for href in {h for h in hrefs if h.startswith("/") and not h.startswith("/static/")}:
        assert client.get(href).status_code == 200, href
    client.force_login(planned.coordinator)  # the coordinator has both links
    page = client.get(reverse("servicemap:kit", args=[planned.family.pk, "hjelpestonad"])).content.decode()
    assert reverse("plans:plan_pdf", args=[planned.plan.pk]) in page
    assert reverse("navigator:family", args=[planned.family.pk]) in page
