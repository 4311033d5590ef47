"""Screening: the coordinator's caseload and the coordinating unit's counts."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent, Category
from los.accounts.models import Role
from los.core import testing as t
from los.core.models import ProviderKind
from los.navigator import selectors, services
from los.navigator.engine import evaluate
from los.servicemap.models import EntryState, ServiceEntry

pytestmark = pytest.mark.django_db


def _hand_built(world, name="Familien Hånd"):
    """A family built by hand: a 6-year-old with autism and an intellectual disability at primary school,
    who needs much supervision day and night for years, two parents in work who need an interpreter
    (Somali), PPT involved; avlastning applied for, BUP refused, grunnstønad only considered."""
    family = t.family(world.municipality, name, needs_interpreter=True, interpreter_language="somali")
    t.assign(family, world.coordinator)
    child = family.children.get()
    child.birth_date = timezone.localdate() - timedelta(days=6 * 365 + 40)
    child.fodselsnummer = ""
    child.condition_categories = ["autism", "intellectual"]
    child.setting = "primary_school"
    child.save()
    t.consent(family, t.provider(world.municipality, ProviderKind.PPT, f"PPT {name}"), categories=[Category.CASE])
    services.save_answers(family, child, None,
                          child_answers={"extra_supervision_and_care": True, "night_care": True,
                                         "behaviour_support": True, "communication_support": True,
                                         "expected_duration_months": 60},
                          family_answers={"guardian_in_work": True, "care_burden_heavy": True},
                          child_version=0, family_version=0)
    for catalog_id, state in (("avlastning", EntryState.APPLIED), ("bup", EntryState.REFUSED),
                              ("grunnstonad", EntryState.CONSIDERED)):
        ServiceEntry.objects.create(family=family, municipality=family.municipality, catalog_id=catalog_id,
                                    child=child, state=state)
    return family, child


def test_screening_lists_exactly_the_likely_but_missing_entries(world):
    family, child = _hand_built(world)
    today = timezone.localdate()
    result = selectors.screen_families(selectors.caseload(world.coordinator), today, "en")
    row = next(r for r in result.rows if r.family.pk == family.pk)
    assert (row.family.display_name, row.child.pk, row.child.given_name) == (family.display_name, child.pk,
                                                                            child.given_name)
    listed = [entry_id for entry_id, _name in row.missing]
    # by hand: the full evaluation of the same profile, likely and not in place, minus what the service map
    # says has been applied for or decided
    full = evaluate(selectors.profile_for_family(family, today), today, "en")
    likely = {s.id for s in full.suggestions if s.relevance == "likely"}
    assert set(listed) == likely - {"avlastning", "bup"}
    assert {"hjelpestonad", "tolk"} <= set(listed)  # much care day and night; an interpreter is needed
    assert "avlastning" not in listed  # applied for
    assert "bup" not in listed  # refused: looked into, the appeal is on the service map
    assert "barnekoordinator" not in listed  # in place
    assert "ppt" not in listed  # PPT is involved
    assert len(listed) == len(set(listed))


def test_screening_page_shows_counts_per_entry_and_the_families(client, world):
    family, _child = _hand_built(world)
    second, _ = _hand_built(world, "Familien Annen")
    client.force_login(world.coordinator)
    response = client.get(reverse("navigator:screening"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    screening = response.context["screening"]
    counts = {entry_id: n for entry_id, _name, n in screening.counts}
    assert counts["hjelpestonad"] == 2 and counts["tolk"] == 2
    assert "Familien Hånd" in page and "Familien Annen" in page
    assert "Attendance benefit (hjelpestønad)" in page
    assert reverse("navigator:family", args=[family.pk]) in page
    # the world's own family has no hand-built needs and is screened too
    assert screening.families == 3
    assert AuditEvent.objects.filter(actor=world.coordinator, object_type="navigator_screening").exists()


def test_screening_page_in_norwegian(client, world):
    _hand_built(world)
    client.force_login(world.coordinator)
    page = client.get(reverse("navigator:screening"), HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    assert "Sjekk familiane mine" in page and "Hjelpestønad" in page


def _screening_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("navigator:screening"))
    assert response.status_code == 200
    return len(queries)


def test_screening_query_count_is_constant_at_two_caseload_sizes(client, world):
    coordinator = t.staff(Role.BARNEKOORDINATOR, world.municipality, "mange.familier")
    for n in range(2):
        _family, _ = _hand_built(world, f"Familien Liten{n}")
        _family.coordinator_assignments.update(coordinator=coordinator)
    _screening_queries(client, coordinator)  # the first audit event of all also creates the chain's head
    small = _screening_queries(client, coordinator)
    for n in range(10):
        _family, _ = _hand_built(world, f"Familien Stor{n}")
        _family.coordinator_assignments.update(coordinator=coordinator)
    large = _screening_queries(client, coordinator)
    assert large == small
    assert len(selectors.screen_families(selectors.caseload(coordinator)).rows) == 12


def test_screening_sorts_only_the_families_and_their_children(world):
    """The other rows are read unsorted: a national screening sorted 200,000 consents and service-map rows by
    the models' default order, on disk (docs/benchmarks.md). The result keeps the families' order."""
    for n in range(3):
        _hand_built(world, f"Familien {'CBA'[n]}")
    with CaptureQueriesContext(connection) as captured:
        result = selectors.screen_families(selectors.caseload(world.coordinator))
    sorted_reads = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"].upper()]
    assert [sql.split(" FROM ")[1].split()[0].strip('"') for sql in sorted_reads] == ["families_family",
                                                                                      "families_child"]
    names = [row.family.display_name for row in result.rows]
    assert names == sorted(names) and {"Familien A", "Familien B", "Familien C"} <= set(names)


def test_a_coordinator_only_screens_their_own_families(client, world):
    _hand_built(world)
    other = t.staff(Role.BARNEKOORDINATOR, world.municipality, "annen.koordinator")
    client.force_login(other)
    response = client.get(reverse("navigator:screening"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "You have no families as barnekoordinator right now." in page
    assert "Familien Hånd" not in page and "Familien Berg" not in page


# --- the coordinating unit -----------------------------------------------------------------------


def test_leader_sees_only_counts(client, world):
    family, _ = _hand_built(world)
    client.force_login(world.leader)
    response = client.get(reverse("navigator:unit"), {"tilbud": "hjelpestonad"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    apply = {row.key: row.cells[0] for row in response.context["sections"][0][2].body_rows}
    assert "hjelpestonad" in apply
    assert "You see figures only." in page
    for name in ("Familien Hånd", "Familien Berg", "Familien Dal", "Barn "):
        assert name not in page
    assert response.context["rows"] is None
    assert reverse("navigator:family", args=[family.pk]) not in page


def _counts(page: str, table: str) -> dict[str, str]:
    body = page.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    return {key: re.sub(r"<[^>]+>", "", cell).replace("hidden", "").strip()
            for key, cell in re.findall(r'<tr data-row="([^"]+)">.*?<td class="nav-num">(.*?)</td></tr>', body, re.S)}


def test_a_leader_gets_the_counts_with_small_numbers_hidden_as_on_the_statistics(client, world):
    """Before, a municipal leader saw counts of 1–4 here that the statistics hid."""
    for n in range(6):
        family, child = _hand_built(world, f"Familien Hånd {n}")
        if n < 4:  # four have applied for an interpreter: two are left
            ServiceEntry.objects.create(family=family, municipality=family.municipality, catalog_id="tolk",
                                        child=child, state=EntryState.APPLIED)
    client.force_login(world.caseworker)  # the unit sees exact counts
    exact = _counts(client.get(reverse("navigator:unit"), HTTP_ACCEPT_LANGUAGE="en").content.decode(), "apply")
    assert exact["tolk"] == "2" and any(int(v) >= 5 for v in exact.values())
    client.force_login(world.leader)
    page = client.get(reverse("navigator:unit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    shown = _counts(page, "apply")
    assert shown.keys() == exact.keys()
    for key, value in exact.items():
        assert shown[key] == (":" if int(value) < 5 else value)
    assert "Numbers under 5 are hidden" in page
    # in a fixed order (by name), never by numbers that may be hidden
    names = [name for name in re.findall(r'<tr data-row="[^"]+"><th scope="row">([^<]+)</th>',
                                         page.split('data-table="apply"', 1)[1].split("</table>", 1)[0])]
    assert names == sorted(names)


def test_the_leaders_counts_are_the_months_snapshot(client, world):
    from los.stats.models import NowSnapshot

    for n in range(5):
        _hand_built(world, f"Familien Hånd {n}")
    client.force_login(world.leader)
    before = _counts(client.get(reverse("navigator:unit"), HTTP_ACCEPT_LANGUAGE="en").content.decode(), "apply")
    _hand_built(world, "Familien Senere")
    after = _counts(client.get(reverse("navigator:unit"), HTTP_ACCEPT_LANGUAGE="en").content.decode(), "apply")
    assert before == after and NowSnapshot.objects.filter(municipality=world.municipality).count() == 1
    client.force_login(world.caseworker)
    live = _counts(client.get(reverse("navigator:unit"), HTTP_ACCEPT_LANGUAGE="en").content.decode(), "apply")
    assert live["hjelpestonad"] == "6"


def test_unit_caseworker_sees_counts_and_may_click_through(client, world):
    family, child = _hand_built(world)
    client.force_login(world.caseworker)
    overview = client.get(reverse("navigator:unit"), HTTP_ACCEPT_LANGUAGE="en")
    assert overview.status_code == 200
    assert "Familien Hånd" not in overview.content.decode()  # counts first, names only on request
    response = client.get(reverse("navigator:unit"), {"tilbud": "hjelpestonad"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Families that may be missing: Attendance benefit (hjelpestønad)" in page
    assert "Familien Hånd" in page
    assert f"{reverse('navigator:family', args=[family.pk])}?barn={child.pk}" in page
    assert "Familien Utenbys" not in page  # another municipality
    assert AuditEvent.objects.filter(actor=world.caseworker, object_type="navigator_unit_families").exists()


def test_unit_counts_cover_only_the_municipality_and_open_cases(world):
    _hand_built(world)
    closed, _ = _hand_built(world, "Familien Avsluttet")
    closed.status = "closed"
    closed.save()
    foreign = t.family(world.other_municipality, "Familien Borte")
    del foreign
    result = selectors.unit_screening(world.municipality, timezone.localdate(), "en")
    names = {row.family.display_name for row in result.rows}
    assert "Familien Hånd" in names
    assert "Familien Avsluttet" not in names and "Familien Borte" not in names


@pytest.mark.parametrize("who", ["coordinator", "parent", "contact"])
def test_the_unit_page_is_not_for_others(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("navigator:unit")).status_code == 403


def test_unit_page_in_bokmal(client, world):
    _hand_built(world)
    client.force_login(world.leader)
    page = client.get(reverse("navigator:unit"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Rettigheter og tjenester familier kan mangle" in page


def test_entries_to_tell_about_are_catalogue_entries_without_a_decision():
    from los.navigator.engine import load_catalog

    catalog = load_catalog()
    for entry_id in selectors.TO_TELL_ABOUT:
        assert catalog.entry(entry_id).appeal_rule is None


def test_screening_keeps_what_to_apply_for_apart_from_what_to_tell_about(client, world):
    _hand_built(world)
    client.force_login(world.coordinator)
    response = client.get(reverse("navigator:screening"), HTTP_ACCEPT_LANGUAGE="en")
    screening = response.context["screening"]
    apply_ids = {entry_id for entry_id, _name, _n in screening.apply_counts}
    tell_ids = {entry_id for entry_id, _name, _n in screening.tell_counts}
    assert "hjelpestonad" in apply_ids and not apply_ids & selectors.TO_TELL_ABOUT
    assert tell_ids <= selectors.TO_TELL_ABOUT
    assert apply_ids | tell_ids == {entry_id for entry_id, _name, _n in screening.counts}
    if tell_ids:
        assert "Worth telling the family about" in response.content.decode()
