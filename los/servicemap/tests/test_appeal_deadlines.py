"""The appeal deadline shown for a decision follows its legal basis (fvl 3, pbrl 4, ftrl 6 weeks),
moves past weekends and public holidays, and is always computed by los.core.deadlines."""

import re
from datetime import date

import pytest
from django.urls import reverse

from los.core import deadlines
from los.servicemap import services
from los.servicemap.models import Application, Decision, EntryState

from .helpers import application, decide, formatted

SENT = date(2025, 1, 6)


@pytest.mark.parametrize(("catalog_id", "basis", "received", "expected", "weeks_text"), [
    # Tuesday 4 March 2025 + 3/4/6 weeks, all working days
    ("parkeringstillatelse", "fvl § 29", date(2025, 3, 4), date(2025, 3, 25), "3 weeks under the Public Administration Act"),
    ("avlastning", "hol § 3-6", date(2025, 3, 4), date(2025, 4, 1), "4 weeks under the Patients’ and Users’ Rights Act"),
    ("hjelpestonad", "ftrl § 6-4", date(2025, 3, 4), date(2025, 4, 15), "6 weeks under the National Insurance Act"),
])
def test_deadline_per_legal_basis_is_shown(client, sm, catalog_id, basis, received, expected, weeks_text):
    entry = services.create_entry(sm.family, sm.coordinator, catalog_id=catalog_id)
    app = decide(application(entry, sm.coordinator, SENT), sm.coordinator, Decision.REFUSED, received, basis)
    assert app.appeal_deadline == deadlines.appeal_deadline(received, basis).deadline == expected
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:entry_detail", args=[entry.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert formatted(expected) in page
    assert weeks_text in page


@pytest.mark.parametrize(("basis", "received", "nominal", "moved"), [
    # fvl: Saturday 8 March + 3 weeks = Saturday 29 March -> Monday 31 March
    ("fvl § 29", date(2025, 3, 8), date(2025, 3, 29), date(2025, 3, 31)),
    # fvl: Thursday 10 April + 3 weeks = 1 May (public holiday) -> Friday 2 May
    ("fvl § 29", date(2025, 4, 10), date(2025, 5, 1), date(2025, 5, 2)),
    # pbrl: Thursday 1 May + 4 weeks = Ascension Day 29 May -> Friday 30 May
    ("pbrl § 2-8", date(2025, 5, 1), date(2025, 5, 29), date(2025, 5, 30)),
    # ftrl: Saturday 5 April + 6 weeks = Saturday 17 May -> Monday 19 May
    ("ftrl § 6-3", date(2025, 4, 5), date(2025, 5, 17), date(2025, 5, 19)),
])
def test_deadline_moves_past_weekends_and_holidays(client, sm, basis, received, nominal, moved):
    app = decide(application(sm.entry, sm.coordinator, SENT), sm.coordinator, Decision.REFUSED, received, basis)
    assert app.appeal_deadline == moved
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:entry_detail", args=[sm.entry.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert formatted(moved) in page
    assert f"The deadline would have been {formatted(nominal)}" in page


def test_the_form_offers_the_catalogues_usual_legal_basis(client, sm):
    app = application(sm.entry, sm.coordinator, SENT)
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:entry_detail", args=[sm.entry.pk])).content.decode()
    assert f'name="decision-{app.pk}-legal_basis" value="ftrl § 6-4"' in page
    app = decide(app, sm.coordinator, Decision.REFUSED, date(2025, 3, 4), "ftrl § 6-4")
    assert app.appeal_rule == "FTRL" and app.appeal_deadline == date(2025, 4, 15)


@pytest.mark.parametrize("catalog_id", ["hjelpestonad", "ledsagerbevis"])
def test_a_blank_legal_basis_stays_blank_and_is_shown_as_missing(client, sm, catalog_id):
    """A decision recorded without its legal basis is stored without one (never as the appeal rule "fvl § 29" or a
    guess from the catalogue), no deadline is computed, and the pages say that the basis is missing."""
    entry = services.create_entry(sm.family, sm.coordinator, catalog_id=catalog_id)
    app = decide(application(entry, sm.coordinator, SENT), sm.coordinator, Decision.REFUSED, date(2025, 3, 4), "")
    app.refresh_from_db()
    assert app.legal_basis == "" and app.legal_basis_key == "" and app.appeal_rule == ""
    assert app.appeal_deadline is None
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:entry_detail", args=[entry.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Missing: see the decision letter" in page
    assert "fvl § 29" not in re.sub(r'<input[^>]*>|<datalist.*?</datalist>|<p[^>]*_helptext.*?</p>', "", page,
                                     flags=re.S)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Appeal deadline unknown" in page


def test_unknown_legal_basis_is_refused_with_a_clear_message_and_nothing_changes(client, sm):
    app = application(sm.entry, sm.coordinator, SENT)
    client.force_login(sm.coordinator)
    response = client.post(reverse("servicemap:decision_record", args=[app.pk]), {
        f"decision-{app.pk}-version": app.version, f"decision-{app.pk}-decision": "refused",
        f"decision-{app.pk}-decision_received_on": "2025-03-04", f"decision-{app.pk}-legal_basis": "lov om ingenting § 1",
    }, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Los does not know the appeal rules for “lov om ingenting § 1”" in page
    assert 'value="lov om ingenting § 1"' in page  # what the user typed is kept
    app.refresh_from_db()
    assert app.decision == Decision.PENDING and app.appeal_deadline is None


def test_unknown_received_date_gives_no_guessed_deadline(client, sm):
    app = decide(application(sm.entry, sm.coordinator, SENT), sm.coordinator, Decision.REFUSED, None, "ftrl § 6-4")
    assert app.appeal_deadline is None
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Appeal deadline unknown" in page


def test_appeal_sets_state_and_shows_whether_it_was_in_time(client, sm):
    app = decide(application(sm.entry, sm.coordinator, SENT), sm.coordinator, Decision.REFUSED, date(2025, 3, 4))
    appeal = services.create_appeal(app, sm.coordinator, sent_on=date(2025, 4, 20))
    sm.entry.refresh_from_db()
    assert sm.entry.state == EntryState.APPEALED
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:entry_detail", args=[sm.entry.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "sent after the deadline" in page
    appeal.refresh_from_db()
    services.update_appeal(appeal, sm.coordinator, appeal.version, status="decided", outcome="granted",
                           sent_on=appeal.sent_on, outcome_on=date(2025, 8, 1))
    sm.entry.refresh_from_db()
    assert sm.entry.state == EntryState.GRANTED


def test_family_page_warns_about_a_near_appeal_deadline(client, sm):
    from django.utils import timezone

    today = timezone.localdate()
    received = today.replace(day=1) if today.day > 1 else today
    app = decide(application(sm.entry, sm.coordinator, received), sm.coordinator, Decision.REFUSED, received)
    assert app.appeal_deadline >= today
    client.force_login(sm.parent)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The deadline to appeal is" in page and formatted(app.appeal_deadline) in page
    services.set_no_appeal(Application.objects.get(pk=app.pk), sm.parent, app.version, True)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The deadline to appeal is" not in page


def test_stale_version_is_a_conflict_and_changes_nothing(client, sm):
    app = application(sm.entry, sm.coordinator, SENT)
    client.force_login(sm.coordinator)
    old_version = app.version
    decide(app, sm.coordinator, Decision.GRANTED, date(2025, 3, 4))
    response = client.post(reverse("servicemap:decision_record", args=[app.pk]), {
        f"decision-{app.pk}-version": old_version, f"decision-{app.pk}-decision": "refused",
        f"decision-{app.pk}-decision_received_on": "2025-03-05", f"decision-{app.pk}-legal_basis": "ftrl § 6-4",
    }, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this while you were working on it" in page
    assert re.search(r'value="refused"[^>]*(selected|checked)', page)  # what was chosen is kept
    app.refresh_from_db()
    assert app.decision == Decision.GRANTED and app.decision_received_on == date(2025, 3, 4)
    # the form is moved on to the saved version: saving again is a choice made after seeing it
    assert f'name="decision-{app.pk}-version" value="{app.version}"' in page
