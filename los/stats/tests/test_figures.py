"""Every figure on the statistics pages against the numbers worked out by hand in ``conftest.stats_world``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import values

pytestmark = pytest.mark.django_db


def get(client, user, name: str, language: str = "nb", **params) -> str:
    client.force_login(user)
    response = client.get(reverse(name), params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def in_window(w, first: int, second: int) -> list[str]:
    """The two windows (within 6 months, in 6–12 months) for one child starting something next August."""
    from los.core.deadlines import add_months

    early = w.august < add_months(w.today, 6)
    return [str(first if early else 0), str(first if not early else 0), str(first + second)]


# --- the coordinating unit -------------------------------------------------------------------------


def test_per_coordinator_figures(client, stats_world):
    w = stats_world
    page = get(client, w.unit_leader, "stats:dashboard")
    rows = values(page, "coordinators")
    # families, overdue actions, measures, evaluations, without contact
    assert rows[str(w.bk.pk)] == ["3", "1", "1", "1", "1"]
    assert rows[str(w.bk2.pk)] == ["2", "0", "0", "0", "1"]
    assert rows[str(w.bk3.pk)] == ["0", "0", "0", "0", "0"]
    assert rows["total"] == ["5", "1", "1", "1", "2"]
    # another municipality's coordinator is not there
    assert len(rows) == 4


def test_load_against_capacity_comes_first_fullest_first(client, stats_world):
    w = stats_world
    page = get(client, w.unit_leader, "stats:dashboard")
    rows = values(page, "load")
    # position, families, capacity (share / 10 × 2.5), load
    assert rows[str(w.bk2.pk)] == ["tilleggsfunksjon, 10 %", "2", "2", "100 %"]
    assert rows[str(w.bk.pk)] == ["egen stilling, 60 %", "3", "15", "20 %"]
    assert rows[str(w.bk3.pk)] == ["tilleggsfunksjon, 4 %", "0", "1", "0 %"]
    assert rows["total"] == ["", "5", "18", "28 %"]
    assert list(rows)[0] == str(w.bk2.pk)  # the fullest first
    assert page.index('id="section-load"') < page.index('id="section-coordinators"') < page.index('id="section-queue"')
    assert 'id="chart-load-title"' in page


def test_the_units_own_norm_sets_the_capacity_and_over_capacity_is_said_in_words(client, stats_world):
    from decimal import Decimal

    w = stats_world
    w.municipality.coordinating_units.update(families_per_10_percent=Decimal("0.5"))
    page = get(client, w.unit_leader, "stats:dashboard", language="en")
    rows = values(page, "load")
    assert rows[str(w.bk.pk)][1:] == ["3", "3", "100 %"]  # 60 % / 10 × 0.5
    assert rows[str(w.bk2.pk)][1:] == ["2", "1", "200 %"]  # at least one family
    assert "Test Bk2 – over capacity" in page
    assert "1 barnekoordinator follows more families than their capacity: Test Bk2 (2 families, capacity 1)." in page
    assert "set by the coordinating unit" in page
    assert values(page, "key")["over_capacity"] == ["1"]


def test_weeks_without_contact_can_be_chosen(client, stats_world):
    w = stats_world
    # in 15 weeks (105 days) Bø's meeting 100 days ago counts as contact; Fjell (70 days) is too new
    rows = values(get(client, w.unit_leader, "stats:dashboard", uker=15), "coordinators")
    assert rows[str(w.bk.pk)][-1] == "0" and rows[str(w.bk2.pk)][-1] == "0"
    rows = values(get(client, w.unit_leader, "stats:dashboard", uker=1), "coordinators")
    # in 1 week: Berg (no contact at all), Bø and Aas (meeting 10 days ago) for bk; Fjell for bk2 (Ek changed
    # its plan 5 days ago)
    assert rows[str(w.bk.pk)][-1] == "3" and rows[str(w.bk2.pk)][-1] == "1"


def test_a_message_between_the_family_and_the_coordinator_counts_as_contact(client, stats_world):
    from django.apps import apps

    w = stats_world
    message = apps.get_model("portal", "Message")
    message.objects.create(family=w.f3, municipality=w.municipality, sender=w.bk, body="Hei!")
    rows = values(get(client, w.unit_leader, "stats:dashboard"), "coordinators")
    assert rows[str(w.bk.pk)][-1] == "0"  # Bø had a message today
    page = get(client, w.unit_leader, "stats:without_contact", language="en")
    assert "Familien Bø" not in page and "Hei!" not in page


def test_queue_coverage_and_changes(client, stats_world):
    w = stats_world
    page = get(client, w.caseworker, "stats:dashboard")
    assert values(page, "queue_age") == {"under_2_weeks": ["1"], "to_1_month": ["1"], "1_2_months": ["1"],
                                         "over_2_months": ["1"], "total": ["4"]}
    assert values(page, "coverage") == {
        "with_coordinator": ["5", "42 %"], "granted_waiting": ["2", "17 %"], "refused_appealed": ["1", "8 %"],
        "request_pending": ["4", "33 %"], "total": ["12", "100 %"]}
    assert values(page, "changes") == {"0": ["4", "80 %"], "1": ["1", "20 %"], "2": ["0", "0 %"],
                                       "3+": ["0", "0 %"], "total": ["5", "100 %"]}
    assert values(page, "key") == {
        "over_capacity": ["0"], "waiting_decision": ["4"], "waited_month": ["2"], "granted_waiting": ["2"], "with_coordinator": ["5"],
        "without_contact": ["2"], "overdue_actions": ["1"], "overdue_measures": ["1"], "missed_evaluations": ["1"]}


def test_plain_language_summary_for_the_unit(client, stats_world):
    page = get(client, stats_world.unit_leader, "stats:dashboard", language="en")
    assert "4 families are waiting for a decision; 2 have waited more than a month." in page
    assert ("2 families have been granted a barnekoordinator and are still waiting for one. "
            "The longest wait so far is 80 days.") in page
    assert "2 families have had no meeting, call, message or plan change in 8 weeks." in page
    assert "Overdue now: 1 action from a meeting and 1 plan measure." in page


def test_the_request_queue_lists_the_families_with_their_age(client, stats_world):
    w = stats_world
    page = get(client, w.caseworker, "stats:queue", language="en")
    for family, age in zip(w.queue, (3, 20, 45, 70), strict=True):
        assert family.display_name in page
        assert reverse("referrals:family_case", args=[family.pk]) in page
        assert f'<td class="los-num">{age}</td>' in page
    # oldest first
    assert page.index("Familien Juv") < page.index("Familien Iversen") < page.index("Familien Gran")
    assert "Familien Borte" not in page  # another municipality


def test_families_without_contact_are_listed(client, stats_world):
    w = stats_world
    page = get(client, w.unit_leader, "stats:without_contact", language="en")
    assert "Familien Bø" in page and "Familien Fjell" in page
    for name in ("Familien Berg", "Familien Aas", "Familien Ek"):
        assert name not in page
    assert "2 families" in page
    assert reverse("families:detail", args=[w.f3.pk]) in page
    # the longest silence first: Fjell never had a coordination group meeting
    assert page.index("Familien Fjell") < page.index("Familien Bø")


# --- the municipality ------------------------------------------------------------------------------


def test_requests_and_decisions(client, stats_world):
    page = get(client, stats_world.unit_leader, "stats:municipal")
    assert values(page, "key") == {"received": ["9"], "open_now": ["4"], "decisions": ["5"],
                                   "share_granted": ["40 %"], "median_decision": ["28"],
                                   "median_appointment": ["240"]}
    assert values(page, "decisions") == {"decisions": ["2", "3", "5", "40 %"]}
    assert values(page, "by_condition") == {
        "physical": ["0", "2", "2", "0 %"], "neurological": ["1", "0", "1", "100 %"],
        "autism": ["1", "1", "2", "50 %"], "hearing": ["0", "1", "1", "0 %"]}
    # met granted, met refused, not met granted, not met refused, unclear, decisions
    assert values(page, "by_criterion") == {"child": ["1", "1", "0", "0", "0", "2"],
                                            "condition": ["1", "0", "0", "1", "0", "2"],
                                            "services": ["1", "0", "0", "0", "1", "2"]}


def test_the_period_filter(client, stats_world):
    w = stats_world
    from .conftest import days_ago

    # the last 35 days: requests F6, F7 (3 and 20 days ago); decisions F10 (12) and F11 (30); appointments none
    page = get(client, w.unit_leader, "stats:municipal", fra=days_ago(35).isoformat(), til=w.today.isoformat())
    assert values(page, "key") == {"received": ["2"], "open_now": ["4"], "decisions": ["2"],
                                   "share_granted": ["50 %"], "median_decision": ["29"],
                                   "median_appointment": ["–"]}


def test_caseloads_beside_the_national_survey(client, stats_world):
    page = get(client, stats_world.leader, "stats:municipal")
    assert values(page, "caseload") == {"1-4": ["2", "100 %", "50 %"], "5-10": ["0", "0 %", "20 %"],
                                        "11-40": ["0", "0 %", "24 %"], "over-40": ["0", "0 %", "6 %"],
                                        "total": ["2", "100 %", "100 %"]}
    assert values(page, "caseload_compare") == {
        "over_10": ["0 %", "30 %"], "over_40": ["0 %", "6 %"], "mean": ["2,5", "10,0"],
        "mean_dedicated": ["3,0", "21,7"], "mean_extra": ["2,0", "4,7"]}
    assert "1 barnekoordinator har ingen familie nå og er ikke talt med her." in page


def test_services_that_are_hard_to_involve(client, stats_world):
    page = get(client, stats_world.unit_leader, "stats:municipal")
    attendance = values(page, "attendance")
    assert attendance == {"nav": ["0", "2", "2", "100 %"], "habu": ["1", "1", "2", "50 %"],
                          "school": ["2", "0", "2", "0 %"], "total": ["3", "3", "6", "50 %"]}
    assert list(attendance) == ["nav", "habu", "school", "total"]  # the hardest first
    actions = values(page, "actions")
    assert actions["nav"] == ["0", "1", "1", "0 %"]
    assert actions["habu"] == ["1", "0", "1", "100 %"] and actions["school"] == ["1", "0", "1", "100 %"]
    assert actions["total"] == ["2", "1", "3", "67 %"]
    assert list(actions)[0] == "nav"


def test_navigator_gaps_per_catalogue_entry(client, stats_world):
    from los.navigator import selectors as navigator

    w = stats_world
    page = get(client, w.unit_leader, "stats:municipal", language="en")
    gaps = values(page, "navigator_gaps")
    # the interpreter: likely for Aas and Ek, but Ek has applied for one
    assert gaps["tolk"] == ["1"]
    # every count is the navigator's own screening of the municipality's open cases (what one applies for)
    screening = navigator.unit_screening(w.municipality, w.today, "en")
    assert {k: int(v[0]) for k, v in gaps.items()} == {i: n for i, _name, n in screening.apply_counts}
    assert "pasient_brukerombud" not in gaps  # to be told about, not applied for


def test_transitions_coming_up(client, stats_world):
    w = stats_world
    page = get(client, w.leader, "stats:municipal", language="en")
    rows = values(get(client, w.unit_leader, "stats:municipal"), "transitions")
    assert rows["turning_18"] == ["1", "1", "2"]  # Aas in 3 months, Bø in 9; Gran has no coordinator
    assert rows["school_start"] == in_window(w, 1, 0)
    assert rows["lower_secondary"] == in_window(w, 1, 0)
    assert rows["upper_secondary"] == in_window(w, 1, 0)
    assert rows["total"][2] == "5"
    assert "Transitions coming up" in page


def test_plain_language_summary_for_the_municipality(client, stats_world):
    page = get(client, stats_world.unit_leader, "stats:municipal", language="en")
    assert "In the period 9 requests came in and 5 decisions were made." in page
    assert "40\u00a0% of the decisions granted a barnekoordinator." in page
    assert "Half the families got their decision within 28 days of asking." in page
    assert "A barnekoordinator here follows 2.5 families on average (the national survey: about 10)." in page
    assert "7 families have a need and no barnekoordinator yet." in page


# --- protected figures for a municipal leader -------------------------------------------------------


def test_a_municipal_leader_gets_small_numbers_hidden(client, protected_world):
    w = protected_world  # the last whole year holds the same events as the last 12 months
    page = get(client, w.leader, "stats:municipal", language="en")
    assert "Numbers under 5 are hidden" in page
    assert values(page, "key") == {"received": ["9"], "open_now": [":"], "decisions": ["5"],
                                   "share_granted": [":"], "median_decision": ["28"], "median_appointment": [":"]}
    assert values(page, "decisions") == {"decisions": [":", ":", "5", ":"]}
    assert all(cell == ":" for row in values(page, "by_condition").values() for cell in row)
    assert values(page, "coverage") == {"with_coordinator": ["5", "42 %"], "granted_waiting": [":", ":"],
                                        "refused_appealed": [":", ":"], "request_pending": [":", ":"],
                                        "total": ["12", "100 %"]}
    assert values(page, "attendance")["total"] == [":", ":", "6", ":"]
    assert values(page, "navigator_gaps")["tolk"] == [":"]
    # what would tell about few families is left out of the summary
    assert "40\u00a0%" not in page and "7 families have a need" not in page
    assert "In the period 9 requests came in and 5 decisions were made." in page
    # no single family is named
    for family in (w.f1, w.f2, w.f3, w.f4, w.f5, *w.queue, w.f10, w.f11, w.f12, w.f13):
        assert family.display_name not in page
    # and rows are never ordered by numbers that are hidden
    assert list(values(page, "attendance")) == ["school", "habu", "nav", "total"]


def test_local_criteria_are_pooled_across_municipalities(client, stats_world):
    from los.accounts.models import Role
    from los.core import testing as t
    from los.referrals.models import Assessment, CriterionAssessment, LocalCriterion, Request

    w = stats_world
    for municipality, request in ((w.municipality, Request.objects.get(family=w.f10)),
                                  (w.other_municipality, Request.objects.get(family=w.foreign_family))):
        criterion = LocalCriterion.objects.create(municipality=municipality, title=f"Lokalt i {municipality.name}")
        assessment, _ = Assessment.objects.get_or_create(request=request, family=request.family,
                                                         municipality=municipality)
        CriterionAssessment.objects.create(assessment=assessment, family=request.family, municipality=municipality,
                                           local_criterion=criterion, label=criterion.title, result="met")
    both = t.user("begge")
    for municipality in (w.municipality, w.other_municipality):
        t.grant(both, municipality, Role.UNIT_LEADER)
    rows = values(get(client, both, "stats:municipal", language="en"), "by_criterion")
    assert rows["local-3"] == ["1", "1", "0", "0", "0", "2"]  # met: Testvik granted, Annenby refused
    page = get(client, both, "stats:municipal", language="en")
    assert "The municipalities&#x27; own criteria (together)" in page or "The municipalities' own criteria" in page
    one = get(client, both, "stats:municipal", language="en", kommune=w.municipality.pk)
    assert "Lokalt i Testvik" in one and "Lokalt i Annenby" not in one
