"""The family situation profile built from Los's own data: schema-valid, facts right, unknown facts left out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from los.access.models import Category
from los.core import testing as t
from los.core.models import ProviderKind
from los.families.models import Child
from los.navigator import selectors, services
from los.navigator.engine import evaluate, validate_profile
from los.navigator.models import NavigatorAnswers
from los.servicemap.models import EntryState, ServiceEntry

pytestmark = pytest.mark.django_db


def test_profile_from_the_seeded_family_is_valid_and_right(nav):
    today = timezone.localdate()
    profile = selectors.profile_for_family(nav.family, today)
    validate_profile(profile)
    assert profile["child"] == {
        "age_years": 9,
        "condition_categories": ["neurological", "physical"],
        "setting": "primary_school",
        # the school from the setting and the consent, HABU from the consent, NAV from the granted benefit
        "services_involved": ["habu", "nav", "school"],
    }
    assert profile["family"] == {"guardians": 2, "siblings": 1, "language": "nb", "needs_interpreter": False}
    # the assigned barnekoordinator and the granted hjelpestønad are in place; applied-for avlastning is not
    assert profile["has"] == {"barnekoordinator": True, "hjelpestonad": True}


def test_unknown_facts_are_left_out_so_the_navigator_asks(nav):
    profile = selectors.profile_for_family(nav.family)
    assert "needs" not in profile["child"]
    assert "expected_duration_months" not in profile["child"]
    for fact in ("guardian_in_work", "care_burden_heavy", "reduced_work_because_of_care"):
        assert fact not in profile["family"]
    result = evaluate(profile, timezone.localdate(), "en")
    # whether the child needs extra supervision is unknown: the attendance benefit is in place here, so look
    # at the care allowance, which needs the answer
    assert result.relevance_of("omsorgsstonad") == "possible"
    omsorgsstonad = next(s for s in result.suggestions if s.id == "omsorgsstonad")
    assert omsorgsstonad.questions


def test_a_family_with_little_recorded_gets_a_minimal_valid_profile(world):
    family = t.family(world.municipality, "Familien Lite", child_age=4)
    child = family.children.get()
    child.condition_categories = []
    child.save()
    profile = selectors.profile_for_family(family)
    validate_profile(profile)
    assert profile["child"]["age_years"] == 4
    assert "condition_categories" not in profile["child"]  # nothing recorded is not "no condition"
    assert "services_involved" not in profile["child"]  # at home, no consents: unknown, not "none"
    assert "siblings" not in profile["family"]
    assert "has" not in profile


def test_expected_child_and_interpreter_language(world):
    family = t.family(world.municipality, "Familien Venter", child_age=-1, needs_interpreter=True,
                      interpreter_language="arabisk", preferred_language="en")
    profile = selectors.profile_for_family(family)
    validate_profile(profile)
    assert profile["child"]["age_years"] == -1
    assert profile["family"]["language"] == "ar"
    assert profile["family"]["needs_interpreter"] is True
    result = evaluate(profile, timezone.localdate(), "en")
    assert result.relevance_of("tolk") == "likely"


def test_stored_answers_are_merged_in(nav):
    services.save_answers(nav.family, nav.child, nav.parent,
                          child_answers={"night_care": True, "extra_expenses": False,
                                         "expected_duration_months": 24},
                          family_answers={"guardian_in_work": True, "siblings": 5},
                          child_version=0, family_version=0)
    profile = selectors.profile_for_family(nav.family)
    validate_profile(profile)
    assert profile["child"]["needs"] == {"night_care": True, "extra_expenses": False}
    assert profile["child"]["expected_duration_months"] == 24
    assert profile["family"]["guardian_in_work"] is True
    assert profile["family"]["siblings"] == 1  # what Los has recorded wins over an answer


def test_granted_services_on_the_map_are_in_place_and_involved(nav):
    ServiceEntry.objects.create(family=nav.family, municipality=nav.municipality, catalog_id="bup",
                                child=nav.child, state=EntryState.PARTLY_GRANTED)
    ServiceEntry.objects.create(family=nav.family, municipality=nav.municipality, catalog_id="bpa",
                                child=nav.child, state=EntryState.REFUSED)
    profile = selectors.profile_for_family(nav.family)
    assert profile["has"]["bup"] is True
    assert "bpa" not in profile["has"]
    assert "bup" in profile["child"]["services_involved"]


def test_withdrawn_consent_no_longer_counts_as_a_service_involved(nav):
    consent = nav.family.consents.get(service_provider=nav.habu)
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert "habu" not in selectors.profile_for_family(nav.family)["child"]["services_involved"]


def test_each_child_has_its_own_profile_and_answers(nav):
    sibling = Child.objects.create(family=nav.family, municipality=nav.municipality, given_name="Lillebror",
                                   family_name="Berg", birth_date=timezone.localdate() - timedelta(days=3 * 365 + 30),
                                   condition_categories=["autism"], setting="kindergarten")
    services.save_answers(nav.family, sibling, nav.parent, child_answers={"behaviour_support": True},
                          family_answers={}, child_version=0, family_version=0)
    first = selectors.profile_for_family(nav.family, child=nav.child)
    second = selectors.profile_for_family(nav.family, child=sibling)
    assert second["child"]["age_years"] == 3
    # the school consent belongs to the schoolchild, not to the kindergarten child
    assert second["child"]["services_involved"] == ["habu", "kindergarten", "nav"]
    assert "school" in first["child"]["services_involved"]
    assert second["child"]["needs"] == {"behaviour_support": True}
    assert "needs" not in first["child"]
    assert first["family"]["siblings"] == 2 and second["family"]["siblings"] == 2
    assert NavigatorAnswers.objects.filter(family=nav.family).count() == 2


def test_a_family_without_a_child_in_scope_is_refused_clearly(world):
    family = t.family(world.municipality, "Familien Voksen", child_age=30)
    with pytest.raises(ValueError):
        selectors.profile_for_family(family)


def test_bulk_loading_uses_a_fixed_number_of_queries(world, django_assert_num_queries):
    from los.families.models import Family

    for n in range(3):
        f = t.family(world.municipality, f"Familien Mengde{n}")
        t.consent(f, t.provider(world.municipality, ProviderKind.PPT), categories=[Category.CASE])
    with django_assert_num_queries(8):
        data = selectors.load_family_data(Family.objects.filter(municipality=world.municipality))
    assert len(data) == 5


def test_one_family_is_read_in_five_queries_with_the_facts_of_the_bulk_read(nav, django_assert_num_queries):
    """A family's page reads its family once (the view has it) and its counts, coordinator and plan in one query;
    what it reads is what the bulk read of many families reads."""
    from los.families.models import Family

    NavigatorAnswers.objects.create(family=nav.family, municipality=nav.family.municipality, child=nav.child,
                                    answers={"needs_assistance_daily": True})
    NavigatorAnswers.objects.create(family=nav.family, municipality=nav.family.municipality, child=None,
                                    answers={"guardian_in_work": True})
    family = Family.objects.select_related("municipality").get(pk=nav.family.pk)
    with django_assert_num_queries(5):
        one = selectors.family_data(family)
    bulk = selectors.load_family_data(Family.objects.filter(pk=family.pk))[0]
    assert (one.guardians, one.siblings_recorded, one.has_coordinator, one.has_plan) == (
        bulk.guardians, bulk.siblings_recorded, bulk.has_coordinator, bulk.has_plan) == (2, 1, True, False)
    assert one.consent_services == bulk.consent_services == {"school", "habu"}
    assert one.entries == bulk.entries
    assert [c.pk for c in one.children] == [c.pk for c in bulk.children] == [nav.child.pk]
    assert {k: r.answers for k, r in one.answers.items()} == {k: r.answers for k, r in bulk.answers.items()}
    # the stored answers point to the family and child already read: the access policy reads neither again
    with django_assert_num_queries(0):
        assert one.answers[nav.child.pk].family is family
        assert one.answers[nav.child.pk].child is one.children[0]
        assert one.answers[None].family is family
