"""Who may open which statistics page, the filter, the audit trail and the three languages."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from los.access.models import AuditAction, AuditEvent
from los.accounts.models import Role, RoleStatus, StaffRole
from los.core import testing as t

from .helpers import values

pytestmark = pytest.mark.django_db

UNIT_PAGES = ["stats:dashboard", "stats:unit_download", "stats:queue", "stats:without_contact"]
LEADER_PAGES = ["stats:municipal", "stats:municipal_download", "stats:export", "stats:export_download"]
ALL_PAGES = UNIT_PAGES + LEADER_PAGES


@pytest.mark.parametrize("name", ALL_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, stats_world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/konto/logg-inn/" in response["Location"]


@pytest.mark.parametrize("role", ["parent", "contact", "nav_contact", "coordinator", "admin"])
@pytest.mark.parametrize("name", ALL_PAGES)
def test_families_service_contacts_coordinators_and_admins_get_nothing(client, stats_world, role, name):
    client.force_login(getattr(stats_world, role))
    response = client.get(reverse(name))
    assert response.status_code in (403, 404)
    assert b"Familien" not in response.content


@pytest.mark.parametrize("name", UNIT_PAGES)
def test_caseworkers_see_the_unit_pages_only(client, stats_world, name):
    client.force_login(stats_world.caseworker)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", LEADER_PAGES)
def test_caseworkers_do_not_see_the_municipal_statistics(client, stats_world, name):
    client.force_login(stats_world.caseworker)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ALL_PAGES)
def test_the_unit_leader_sees_everything(client, stats_world, name):
    client.force_login(stats_world.unit_leader)
    assert client.get(reverse(name)).status_code == 200


def test_the_entry_page_sends_a_municipal_leader_to_the_municipal_statistics(client, stats_world):
    client.force_login(stats_world.leader)
    response = client.get(reverse("stats:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("stats:municipal")
    for name in ("stats:unit_download", "stats:queue", "stats:without_contact"):
        assert client.get(reverse(name)).status_code == 403
    for name in LEADER_PAGES:
        assert client.get(reverse(name)).status_code == 200


def test_the_base_layout_links_the_entry_page_for_leaders(client, stats_world):
    for user in (stats_world.leader, stats_world.unit_leader):
        client.force_login(user)
        assert f'href="{reverse("stats:dashboard")}"' in client.get(reverse("core:home")).content.decode()


def test_another_municipality_sees_only_its_own(client, stats_world):
    w = stats_world
    client.force_login(w.foreign_caseworker)
    page = client.get(reverse("stats:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert values(page, "queue_age")["total"] == ["1"]
    assert values(page, "coverage")["with_coordinator"] == ["1", "50 %"]
    queue = client.get(reverse("stats:queue")).content.decode()
    assert "Familien Borte" in queue and "Familien Gran" not in queue
    # a municipality the user does not serve cannot be chosen
    page = client.get(reverse("stats:dashboard"), {"kommune": w.municipality.pk}).content.decode()
    assert "Testvik" not in page and values(page, "queue_age")["total"] == ["1"]


def test_a_unit_leader_of_two_municipalities_chooses_one_or_both(client, stats_world):
    w = stats_world
    t.grant(t.user("tosidig"), w.municipality, Role.UNIT_LEADER)
    leader = StaffRole.objects.get(user__username="tosidig").user
    t.grant(leader, w.other_municipality, Role.UNIT_LEADER)
    client.force_login(leader)
    both = client.get(reverse("stats:municipal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All my municipalities" in both and "Annenby" in both and "Testvik" in both
    assert values(both, "key")["received"] == ["11"]  # 9 in Testvik, 2 in Annenby
    one = client.get(reverse("stats:municipal"), {"kommune": w.municipality.pk}).content.decode()
    assert values(one, "key")["received"] == ["9"]
    wrong = client.get(reverse("stats:municipal"), {"kommune": "999999"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Select a valid choice" in wrong and values(wrong, "key")["received"] == ["11"]


def test_a_municipal_leader_of_two_municipalities_sees_one_at_a_time(client, protected_world):
    """Protected figures are never added up over municipalities: Testvik and Annenby together minus Testvik
    would be Annenby's hidden count."""
    w = protected_world
    leader = t.user("tosidig")
    for municipality in (w.municipality, w.other_municipality):
        StaffRole.objects.create(user=leader, municipality=municipality, role=Role.MUNICIPAL_LEADER,
                                 active=True, status=RoleStatus.APPROVED)  # in force (as approved by another)
    client.force_login(leader)
    first = client.get(reverse("stats:municipal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All my municipalities" not in first and "Annenby" in first and "Testvik" in first
    assert values(first, "key")["received"] == [":"]  # Annenby, the first by name: 2 requests
    one = client.get(reverse("stats:municipal"), {"kommune": w.municipality.pk}).content.decode()
    assert values(one, "key")["received"] == ["9"]
    every = client.get(reverse("stats:municipal"), {"kommune": ""}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert values(every, "key")["received"] == [":"]  # never 11
    for name in ("stats:municipal_download", "stats:export_download"):
        csv = client.get(reverse(name), {"kommune": ""}).content.decode("utf-8-sig")
        assert ",11\r\n" not in csv and "Annenby" in csv and "Testvik" not in csv


@pytest.mark.parametrize(("params", "message"), [
    ({"fra": "2026-02-31"}, "Write the date as dd.mm.yyyy."),
    ({"til": "2999-01-01"}, "The period cannot end after today."),
    ({"fra": "2026-05-01", "til": "2026-04-01"}, "The start of the period must be on or before its end."),
])
def test_bad_filter_input_is_explained_and_kept(client, stats_world, params, message):
    client.force_login(stats_world.unit_leader)
    response = client.get(reverse("stats:municipal"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "ds-error-summary" in page
    for value in params.values():
        assert f'value="{value}"' in page
    # the figures are still there, for the default period
    assert values(page, "key")["received"] == ["9"]


@pytest.mark.parametrize("weeks", ["0", "53", "tre"])
def test_bad_weeks_are_explained(client, stats_world, weeks):
    client.force_login(stats_world.unit_leader)
    page = client.get(reverse("stats:dashboard"), {"uker": weeks}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Give a number of weeks from 1 to 52." in page
    assert "Without contact in 8 weeks" in page  # the default is used


def test_downloads_and_lists_leave_an_audit_trail(client, stats_world):
    w = stats_world
    client.force_login(w.leader)
    client.get(reverse("stats:export_download"), {"format": "xlsx"})
    event = AuditEvent.objects.filter(actor=w.leader, object_type="stats_anonymised_export").get()
    assert event.action == AuditAction.EXPORT and event.municipality_id == w.municipality.pk
    assert event.family_id is None
    client.force_login(w.unit_leader)
    client.get(reverse("stats:queue"))
    client.get(reverse("stats:without_contact"))
    client.get(reverse("stats:unit_download"))
    assert AuditEvent.objects.filter(actor=w.unit_leader, object_type="stats_request_queue",
                                     action=AuditAction.VIEW).exists()
    assert AuditEvent.objects.filter(actor=w.unit_leader, object_type="stats_without_contact").exists()
    assert AuditEvent.objects.filter(actor=w.unit_leader, object_type="stats_unit_dashboard",
                                     action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize(("language", "unit", "municipal", "export"), [
    ("nb", "Oversikt for koordinerende enhet", "Statistikk for kommunen", "Anonymisert uttrekk til evaluering og forskning"),
    ("nn", "Oversikt for koordinerande eining", "Statistikk for kommunen", "Anonymisert uttrekk til evaluering og forsking"),
    ("en", "The coordinating unit's overview", "Statistics for the municipality",
     "Anonymised export for evaluation and research"),
])
def test_pages_in_three_languages(client, stats_world, language, unit, municipal, export):
    client.force_login(stats_world.unit_leader)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    assert unit in html.unescape(client.get(reverse("stats:dashboard"), **headers).content.decode())
    assert municipal in client.get(reverse("stats:municipal"), **headers).content.decode()
    assert export in client.get(reverse("stats:export"), **headers).content.decode()


def test_charts_have_a_title_and_a_table_beside_them(client, stats_world):
    client.force_login(stats_world.unit_leader)
    page = client.get(reverse("stats:municipal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    charts = page.count('<svg class="los-chart"')
    assert charts >= 5
    assert page.count('role="img"') >= charts and page.count("<title id=\"chart-") == charts
    assert page.count("Show the figures as a table") == charts
    assert 'style="' not in page.split("<main")[1]  # the CSP forbids inline styles


def test_protected_figures_are_for_a_whole_period_and_the_unit_chooses_freely(client, protected_world):
    w = protected_world
    client.force_login(w.leader)
    page = client.get(reverse("stats:municipal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="periode"' in page and 'name="fra"' not in page and 'name="til"' not in page
    assert "2026: 1 January 2026 to 31 December 2026" in page and "whole calendar years that have ended" in page
    assert '<option value="2026" selected>' in page and '<option value="2027"' not in page  # not ended yet
    client.force_login(w.unit_leader)  # the unit sees exactly the period it asked for
    params = {"fra": "2026-11-20", "til": "2026-12-31"}
    page = client.get(reverse("stats:municipal"), params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "20 November 2026 to 31 December 2026" in page and 'name="periode"' not in page
