"""The issue's rules, one by one: moves between municipalities, no inheritance, young people, leaders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from los.access import services
from los.access.models import AuditEvent, Category, FamilyTransfer
from los.access.policy import Action, decide, visible_families
from los.accounts.models import Role
from los.core import testing as t
from los.core.models import ProviderKind


def fresh(user):
    """The same person on their next request (no per-request caches)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.django_db
class TestFamilyMove:
    def test_receiving_unit_sees_the_family_from_the_handover_date(self, world):
        mother = world.foreign_family.members.get(relation="mother")
        receiving = world.caseworker  # Testvik; the foreign family lives in Annenby and moves to Testvik
        assert not decide(receiving, Action.VIEW, world.foreign_family).allowed
        transfer = services.record_family_transfer(
            family=world.foreign_family, to_municipality=world.municipality, consented_by=mother,
            handover_date=timezone.localdate() + timedelta(days=7), recorded_by=world.foreign_caseworker)
        assert not decide(fresh(receiving), Action.VIEW, world.foreign_family).allowed  # not yet
        FamilyTransfer.objects.filter(pk=transfer.pk).update(date=timezone.localdate())
        receiving = fresh(receiving)
        decision = decide(receiving, Action.VIEW, world.foreign_family)
        assert decision.allowed and decision.basis == "transfer"
        assert world.foreign_family in visible_families(receiving)
        # the move hands over the case, not the coordinator's side
        assert not decide(receiving, Action.VIEW, world.foreign_family, Category.WORKING_NOTES).allowed
        # a service contact in the receiving municipality gets nothing from a move
        assert not decide(fresh(world.contact), Action.VIEW, world.foreign_family).allowed
        assert AuditEvent.objects.filter(family=world.foreign_family, object_type="FamilyTransfer").exists()
        # the sending unit keeps access until the move is completed
        assert decide(fresh(world.foreign_caseworker), Action.VIEW, world.foreign_family).allowed

    def test_cancelled_move_closes_access_at_once(self, world):
        mother = world.foreign_family.members.get(relation="mother")
        transfer = services.record_family_transfer(
            family=world.foreign_family, to_municipality=world.municipality, consented_by=mother,
            handover_date=timezone.localdate(), recorded_by=world.foreign_caseworker)
        assert decide(fresh(world.caseworker), Action.VIEW, world.foreign_family).allowed
        services.cancel_family_transfer(transfer=transfer, actor=world.foreign_caseworker)
        assert not decide(fresh(world.caseworker), Action.VIEW, world.foreign_family).allowed
        assert world.foreign_family not in visible_families(fresh(world.caseworker))

    def test_a_third_municipality_sees_nothing(self, world):
        third = t.municipality("Tredjeby")
        third_caseworker = t.staff(Role.CASEWORKER, third, "tredje")
        mother = world.foreign_family.members.get(relation="mother")
        services.record_family_transfer(family=world.foreign_family, to_municipality=world.municipality,
                                        consented_by=mother, handover_date=timezone.localdate(),
                                        recorded_by=world.foreign_caseworker)
        assert not decide(third_caseworker, Action.VIEW, world.foreign_family).allowed
        assert not visible_families(third_caseworker).exists()

    def test_receiving_coordinator_assigned_to_the_family_sees_it(self, world):
        mother = world.foreign_family.members.get(relation="mother")
        services.record_family_transfer(family=world.foreign_family, to_municipality=world.municipality,
                                        consented_by=mother, handover_date=timezone.localdate(),
                                        recorded_by=world.foreign_caseworker)
        assert not decide(world.coordinator, Action.VIEW, world.foreign_family).allowed  # not assigned
        t.assign(world.foreign_family, world.coordinator)
        coordinator = fresh(world.coordinator)
        assert decide(coordinator, Action.VIEW, world.foreign_family, Category.WORKING_NOTES).allowed
        assert world.foreign_family in visible_families(coordinator)

    def test_a_move_needs_a_guardian_who_may_consent(self, world):
        from los.families.models import FamilyMember

        sibling = FamilyMember.objects.create(family=world.foreign_family, municipality=world.other_municipality,
                                              relation="sibling", given_name="Søs", family_name="Ken")
        with pytest.raises(services.ConsentError):
            services.record_family_transfer(family=world.foreign_family, to_municipality=world.municipality,
                                            consented_by=sibling, handover_date=timezone.localdate(),
                                            recorded_by=world.foreign_caseworker)
        with pytest.raises(services.ConsentError):
            services.record_family_transfer(family=world.foreign_family, to_municipality=world.other_municipality,
                                            consented_by=world.foreign_family.members.get(relation="mother"),
                                            handover_date=timezone.localdate(), recorded_by=world.foreign_caseworker)


@pytest.mark.django_db
class TestNoInheritance:
    def test_colleagues_at_the_coordinators_workplace_inherit_nothing(self, world):
        home = t.provider(world.municipality, ProviderKind.AVLASTNING, "Avlastningsboligen")
        coordinator = t.staff(Role.BARNEKOORDINATOR, world.municipality, "bk.bolig", service_provider=home,
                              position_type="extra_function", position_share=4)
        t.assign(world.family, coordinator)
        colleague = t.staff(Role.SERVICE_CONTACT, world.municipality, "miljo", service_provider=home)
        assert decide(coordinator, Action.VIEW, world.family).allowed
        assert not decide(colleague, Action.VIEW, world.family).allowed
        assert not visible_families(colleague).exists()

    def test_a_consent_naming_one_person_does_not_open_for_colleagues(self, world):
        colleague = t.staff(Role.SERVICE_CONTACT, world.municipality, "kollega", service_provider=world.school)
        t.consent(world.family, person=world.contact, categories=["case", "plan"])
        assert decide(world.contact, Action.VIEW, world.family, Category.PLAN).allowed
        assert not decide(colleague, Action.VIEW, world.family).allowed

    def test_inactive_role_gives_nothing(self, world):
        world.coordinator.staff_roles.update(active=False)
        assert not decide(fresh(world.coordinator), Action.VIEW, world.family).allowed


@pytest.mark.django_db
class TestRolesAndCategories:
    def test_line_managers_and_caseworkers_never_see_working_notes_or_messages(self, world):
        unit_leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
        for person in (world.caseworker, unit_leader):
            for category in (Category.WORKING_NOTES, Category.MESSAGES, Category.ACCESS_LOG):
                assert not decide(person, Action.VIEW, world.family, category).allowed
                assert world.family not in visible_families(person, category)
            assert decide(person, Action.VIEW, world.family, Category.PLAN).allowed

    def test_municipal_leader_never_sees_a_single_family_in_any_category(self, world):
        for category in Category:
            assert not decide(world.leader, Action.VIEW, world.family, category).allowed
            assert not visible_families(world.leader, category).exists()

    def test_service_contact_never_sees_the_coordinators_side_even_if_a_consent_lists_it(self, world):
        t.consent(world.family, world.school, categories=["case", "working_notes", "messages", "consents"])
        for category in (Category.WORKING_NOTES, Category.MESSAGES, Category.CONSENTS, Category.ACCESS_LOG):
            decision = decide(world.contact, Action.VIEW, world.family, category)
            assert not decision.allowed and decision.basis == "category_not_covered"
            assert not visible_families(world.contact, category).exists()

    def test_nobody_changes_the_access_log(self, world):
        for person in (world.parent, world.coordinator):
            assert decide(person, Action.VIEW, world.family, Category.ACCESS_LOG).allowed
            assert not decide(person, Action.CHANGE, world.family, Category.ACCESS_LOG).allowed

    def test_siblings_are_visible_to_guardians(self, world):
        from los.families.models import FamilyMember

        sibling = FamilyMember.objects.create(family=world.family, municipality=world.municipality,
                                              relation="sibling", given_name="Lillebror", family_name="Berg")
        assert decide(world.parent, Action.VIEW, sibling).allowed
        assert not decide(world.contact, Action.VIEW, sibling).allowed

    def test_young_person_under_16_with_a_log_in_sees_nothing(self, world):
        child = world.family.children.get()
        child.user = t.user("barn")
        child.save()
        assert not decide(child.user, Action.VIEW, world.family).allowed
        assert not visible_families(child.user).exists()

    def test_young_person_16_sees_own_case_but_not_siblings_health_or_working_notes(self, world):
        from los.families.models import Child

        child = world.family.children.get()
        child.birth_date = timezone.localdate() - timedelta(days=16 * 365 + 30)
        child.user = t.user("ungdom")
        child.save()
        sibling = Child.objects.create(family=world.family, municipality=world.municipality, given_name="Lille",
                                       family_name="Berg", birth_date=timezone.localdate() - timedelta(days=3000))
        assert decide(child.user, Action.VIEW, world.family).allowed
        assert decide(child.user, Action.VIEW, child, Category.HEALTH).allowed
        assert not decide(child.user, Action.VIEW, sibling, Category.HEALTH).allowed
        assert not decide(child.user, Action.VIEW, world.family, Category.WORKING_NOTES).allowed
        assert list(visible_families(child.user)) == [world.family]

    def test_refusals_without_relation_do_not_reveal_the_family(self, world):
        for person in (world.leader, world.admin, world.foreign_caseworker, world.contact):
            assert decide(person, Action.VIEW, world.family).basis in {"no_relation", "no_consent"}

    def test_visible_families_matches_decide_for_every_role_and_category(self, world):
        t.consent(world.family, world.school, categories=["case", "plan", "health"])
        people = [world.parent, world.coordinator, world.caseworker, world.leader, world.admin, world.contact,
                  world.foreign_caseworker]
        families = [world.family, world.other_family, world.foreign_family]
        for person in people:
            for category in Category:
                listed = set(visible_families(person, category))
                allowed = {f for f in families if decide(person, Action.VIEW, f, category).allowed}
                assert listed == allowed, (person, category)
