"""Fixtures for the navigator's page tests: a family Los knows a good deal about."""

import pytest


@pytest.fixture
def nav(world):
    """The world's family (Familien Berg) with a nine-year-old with cerebral palsy and epilepsy at primary
    school, two guardians living apart, a sibling, consents to the school and to HABU, hjelpestønad granted
    and avlastning applied for on the service map."""
    from los.access.models import Category
    from los.core import testing as t
    from los.core.models import ProviderKind
    from los.families.models import FamilyMember
    from los.servicemap.models import EntryState, ServiceEntry

    family = world.family
    world.child = family.children.get()
    world.child.condition_categories = ["physical", "neurological"]
    world.child.setting = "primary_school"
    world.child.save()
    FamilyMember.objects.create(family=family, municipality=family.municipality, relation="father", given_name="Far",
                                family_name="Berg", parental_responsibility=True, daily_care=False, may_consent=True,
                                lives_with_child=False)
    FamilyMember.objects.create(family=family, municipality=family.municipality, relation="sibling",
                                given_name="Søster", family_name="Berg")
    world.habu = t.provider(world.municipality, ProviderKind.HABU, "HABU Testvik")
    world.nav_office = t.provider(world.municipality, ProviderKind.NAV, "NAV Testvik")
    t.consent(family, world.school, categories=[Category.CASE, Category.PLAN])
    t.consent(family, world.habu, categories=[Category.CASE, Category.HEALTH])
    world.granted = ServiceEntry.objects.create(family=family, municipality=family.municipality,
                                                catalog_id="hjelpestonad", provider=world.nav_office,
                                                state=EntryState.GRANTED, sector="state")
    world.applied = ServiceEntry.objects.create(family=family, municipality=family.municipality,
                                                catalog_id="avlastning", child=world.child, state=EntryState.APPLIED)
    return world
