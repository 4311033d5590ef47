"""The access policy: what each role may see, by relation and consent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from los.access.models import Category
from los.access.policy import Action, decide, visible_families
from los.core import testing as t


@pytest.mark.django_db
class TestFamilyAccess:
    def test_guardian_sees_own_family_but_not_working_notes(self, world):
        assert decide(world.parent, Action.VIEW, world.family).allowed
        assert not decide(world.parent, Action.VIEW, world.family, Category.WORKING_NOTES).allowed
        assert not decide(world.parent, Action.VIEW, world.other_family).allowed

    def test_coordinator_sees_only_assigned_families(self, world):
        assert decide(world.coordinator, Action.VIEW, world.family).allowed
        assert decide(world.coordinator, Action.VIEW, world.family, Category.WORKING_NOTES).allowed
        assert not decide(world.coordinator, Action.VIEW, world.other_family).allowed
        assert set(visible_families(world.coordinator)) == {world.family}

    def test_ended_assignment_closes_access(self, world):
        world.family.coordinator_assignments.update(ended=timezone.localdate() - timedelta(days=1))
        assert not decide(world.coordinator, Action.VIEW, world.family).allowed
        assert not visible_families(world.coordinator).exists()

    def test_caseworker_sees_municipality_but_not_working_notes_or_messages(self, world):
        assert decide(world.caseworker, Action.VIEW, world.other_family).allowed
        assert not decide(world.caseworker, Action.VIEW, world.family, Category.WORKING_NOTES).allowed
        assert not decide(world.caseworker, Action.VIEW, world.family, Category.MESSAGES).allowed
        assert not decide(world.caseworker, Action.VIEW, world.foreign_family).allowed
        assert world.foreign_family not in visible_families(world.caseworker)

    def test_municipal_leader_and_admin_see_no_single_family(self, world):
        for person in (world.leader, world.admin):
            assert not decide(person, Action.VIEW, world.family).allowed
            assert not visible_families(person).exists()

    def test_service_contact_needs_consent_covering_the_category(self, world):
        assert not decide(world.contact, Action.VIEW, world.family).allowed
        consent = t.consent(world.family, world.school, categories=["plan"])
        assert decide(world.contact, Action.VIEW, world.family).allowed  # who the family is
        assert decide(world.contact, Action.VIEW, world.family, Category.PLAN).allowed
        assert not decide(world.contact, Action.VIEW, world.family, Category.HEALTH).allowed
        assert not decide(world.contact, Action.CHANGE, world.family, Category.PLAN).allowed
        assert list(visible_families(world.contact, Category.PLAN)) == [world.family]
        assert not visible_families(world.contact, Category.HEALTH).exists()
        consent.withdrawn_at = timezone.now()
        consent.save()
        assert not decide(world.contact, Action.VIEW, world.family, Category.PLAN).allowed
        assert not visible_families(world.contact).exists()

    def test_expired_consent_closes_access(self, world):
        consent = t.consent(world.family, world.school)
        consent.valid_to = timezone.now() - timedelta(seconds=1)
        consent.save()
        assert not decide(world.contact, Action.VIEW, world.family).allowed

    def test_colleague_at_same_service_does_not_inherit_coordinator_access(self, world):
        colleague = t.staff("service_contact", world.municipality, "kollega", service_provider=world.school)
        # the coordinator's family is not visible to a colleague at the school without consent
        assert not decide(colleague, Action.VIEW, world.family).allowed

    def test_inter_municipal_agreement_lets_host_unit_serve_member(self, world):
        from los.core.models import MunicipalityAgreement

        assert not decide(world.caseworker, Action.VIEW, world.foreign_family).allowed
        MunicipalityAgreement.objects.create(host=world.municipality, member=world.other_municipality,
                                             purpose="Felles koordinerende enhet",
                                             valid_from=timezone.localdate() - timedelta(days=10))
        world.caseworker._los_municipality_cache = {}
        assert decide(world.caseworker, Action.VIEW, world.foreign_family).allowed

    def test_only_the_family_gives_consent(self, world):
        assert decide(world.parent, Action.SHARE, world.family).allowed
        assert not decide(world.coordinator, Action.SHARE, world.family).allowed
        assert not decide(world.caseworker, Action.SHARE, world.family).allowed

    def test_young_person_controls_own_health_information(self, world):
        child = world.family.children.get()
        child.birth_date = timezone.localdate() - timedelta(days=17 * 365)
        child.shares_health_with_guardians = False
        child.save()
        assert not decide(world.parent, Action.VIEW, child, Category.HEALTH).allowed
        assert decide(world.parent, Action.VIEW, child, Category.PLAN).allowed

    def test_anonymous_is_refused(self, world):
        from django.contrib.auth.models import AnonymousUser

        assert not decide(AnonymousUser(), Action.VIEW, world.family).allowed
        assert not visible_families(AnonymousUser()).exists()
