"""The navigator's demo data: the demo family's answers and a caseload worth screening."""

from datetime import date

import pytest
from django.urls import reverse

from los.core.demo import seed as core_seed
from los.families.models import Family
from los.navigator import demo as navigator_demo
from los.navigator import selectors
from los.navigator.engine import validate_profile
from los.navigator.models import NavigatorAnswers

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(db, monkeypatch):
    """The demo municipality with the navigator's seeder."""
    if "navigator" not in core_seed.APP_SEEDERS:
        monkeypatch.setattr(core_seed, "APP_SEEDERS", [*core_seed.APP_SEEDERS, "navigator"])
    return core_seed.build("demo", seed=1, today=TODAY)  # the seed `seed_demo` uses


def test_the_demo_family_has_answers_and_a_rich_list(demo):
    family = demo.demo_family
    rows = NavigatorAnswers.objects.filter(family=family)
    assert rows.count() == 2
    assert rows.get(child__isnull=False).answers == navigator_demo.DEMO_CHILD
    profile = selectors.profile_for_family(family, TODAY)
    validate_profile(profile)
    listing = selectors.listing(profile, TODAY, "nb", selectors.family_data(family, TODAY).map_states(
        family.children.first()))
    assert listing.groups["likely"] and listing.groups["possible"] and listing.groups["in_place"]
    assert listing.question_count > 0  # something is left for the family to answer


def test_about_a_third_of_active_families_have_answered(demo):
    active = Family.objects.filter(status="active").count()
    answered = NavigatorAnswers.objects.filter(child__isnull=False).values("family").distinct().count()
    assert 0.2 * active <= answered <= 0.5 * active
    for row in NavigatorAnswers.objects.all()[:100]:
        assert row.municipality_id == row.family.municipality_id
        assert row.child_id is None or row.child.family_id == row.family_id


def test_the_demo_coordinator_has_a_caseload_to_screen(client, demo):
    from los.accounts.models import User

    client.force_login(User.objects.get(username="koordinator"))
    response = client.get(reverse("navigator:screening"), HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    screening = response.context["screening"]
    assert screening.families >= 5 and screening.apply_counts
    assert "Familien Sæther" in response.content.decode()


def test_the_demo_local_service_loads_like_a_catalogue_entry():
    from datetime import date

    from los.navigator import demo as navigator_demo
    from los.navigator.catalog import load_catalog, local_entry

    data = {**navigator_demo.DEMO_LOCAL_ENTRY, "last_checked": "2026-11-17",
            "sources": [{**row, "checked": "2026-11-17"} for row in navigator_demo.DEMO_LOCAL_ENTRY["sources"]]}
    entry = local_entry(data, load_catalog(), check_dates=(date(2026, 12, 7),))
    assert entry.names["en"] == "Solsikken respite house" and entry.texts["who"]["en"] == entry.texts["who"]["nb"]
