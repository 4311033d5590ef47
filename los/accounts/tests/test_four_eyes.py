"""Nobody grants themselves access: roles are requested by one person and approved by another, and every change
of a role is in the audit log."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from los.access import audit
from los.access.models import AuditEvent
from los.access.policy import decide, visible_families
from los.accounts import services
from los.accounts.models import Role, RoleStatus, StaffRole
from los.core import testing as t


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(world):
    """Two system administrators and the leader of the coordinating unit, besides the world's staff."""
    world.admin2 = t.staff(Role.SYSTEM_ADMIN, world.municipality, "admin2")
    world.unit_leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    world.newcomer = t.user("ny.saksbehandler")
    return world


def caseworker_role(world, user=None, municipality=None, role=Role.CASEWORKER):
    m = municipality or world.municipality
    return StaffRole(user=user or world.newcomer, municipality=m, role=role,
                     coordinating_unit=m.coordinating_units.first())


def role_events(role):
    return list(AuditEvent.objects.filter(object_type="StaffRole", object_id=str(role.pk)).order_by("seq")
                .values_list("actor__username", "allowed", "reason"))


@pytest.mark.django_db
class TestFourEyes:
    def test_a_requested_role_grants_nothing_until_another_person_approves_it(self, people):
        w = people
        role = services.request_role(caseworker_role(w), by=w.admin)
        assert (role.status, role.active) == (RoleStatus.PENDING, False)
        w.newcomer.refresh_from_db()
        assert w.newcomer.active_roles() == []
        assert not decide(w.newcomer, "view", w.family) and not visible_families(w.newcomer).exists()

        services.approve_role(role, by=w.admin2)
        newcomer = type(w.newcomer).objects.get(pk=w.newcomer.pk)
        assert decide(newcomer, "view", w.family) and visible_families(newcomer).filter(pk=w.family.pk).exists()
        role.refresh_from_db()
        assert (role.status, role.active, role.requested_by, role.decided_by) == (
            RoleStatus.APPROVED, True, w.admin, w.admin2)
        assert [(who, ok, reason.split(":")[0]) for who, ok, reason in role_events(role)] == [
            ("admin", True, "role requested (waiting for approval)"), ("admin2", True, "role approved (now in force)")]
        assert list(audit.verify()) == []

    def test_the_person_who_asked_cannot_approve_and_the_attempt_is_recorded(self, people):
        w = people
        role = services.request_role(caseworker_role(w), by=w.admin)
        with pytest.raises(services.ChangeRefusedError, match="another person must approve"):
            services.approve_role(role, by=w.admin)
        role.refresh_from_db()
        assert not role.active and role.status == RoleStatus.PENDING
        assert role_events(role)[-1][:2] == ("admin", False)
        assert "refused: approval by the person who requested it" in role_events(role)[-1][2]

    def test_nobody_asks_for_or_approves_a_role_of_their_own(self, people):
        w = people
        with pytest.raises(services.ChangeRefusedError):
            services.request_role(caseworker_role(w, user=w.admin), by=w.admin)
        assert not StaffRole.objects.filter(user=w.admin, role=Role.CASEWORKER).exists()
        role = services.request_role(caseworker_role(w, user=w.admin2), by=w.admin)
        with pytest.raises(services.ChangeRefusedError, match="own"):
            services.approve_role(role, by=w.admin2)
        assert not StaffRole.objects.get(pk=role.pk).active

    def test_the_unit_leader_approves_the_units_roles_but_not_administrators_nor_other_municipalities(self, people):
        w = people
        role = services.request_role(caseworker_role(w), by=w.admin)
        assert [r.pk for r in services.pending_for(w.unit_leader)] == [role.pk]
        services.approve_role(role, by=w.unit_leader)
        admin_role = services.request_role(caseworker_role(w, user=t.user("admin3"), role=Role.SYSTEM_ADMIN),
                                           by=w.admin)
        foreign = services.request_role(caseworker_role(w, user=t.user("utenbys"), municipality=w.other_municipality),
                                        by=w.admin)
        for other in (admin_role, foreign):
            with pytest.raises(services.ChangeRefusedError, match="may not approve"):
                services.approve_role(other, by=w.unit_leader)
        assert services.pending_for(w.unit_leader) == []
        # a caseworker, a coordinator or a municipal leader approves nothing
        for person in (w.caseworker, w.coordinator, w.leader):
            assert not services.may_approve(person, foreign) and services.pending_for(person) == []

    def test_changing_what_a_role_opens_makes_it_wait_again_and_details_do_not(self, people):
        w = people
        role = StaffRole.objects.get(user=w.contact)
        role.title = "Kontaktlærer 5. trinn"
        services.change_role(role, by=w.admin)
        assert StaffRole.objects.get(pk=role.pk).active
        role.role, role.service_provider = Role.CASEWORKER, None
        services.change_role(role, by=w.admin)
        role.refresh_from_db()
        assert (role.status, role.active, role.requested_by) == (RoleStatus.PENDING, False, w.admin)
        contact = type(w.contact).objects.get(pk=w.contact.pk)
        assert not decide(contact, "view", w.family)
        assert "waiting for approval again" in role_events(role)[-1][2]

    def test_deactivation_ends_access_at_once_and_reactivation_is_a_new_request(self, people):
        w = people
        role = StaffRole.objects.get(user=w.caseworker)
        services.deactivate_role(role, by=w.admin)
        caseworker = type(w.caseworker).objects.get(pk=w.caseworker.pk)
        assert not decide(caseworker, "view", w.family)
        services.reactivate_role(role, by=w.admin)
        role.refresh_from_db()
        assert (role.status, role.active) == (RoleStatus.PENDING, False)
        services.approve_role(role, by=w.unit_leader)
        assert decide(type(w.caseworker).objects.get(pk=w.caseworker.pk), "view", w.family)
        assert [r.split(":")[0] for _who, _ok, r in role_events(role)] == [
            "role deactivated", "re-activation requested (waiting for approval)", "role approved (now in force)"]

    def test_nobody_deactivates_or_reactivates_their_own_role(self, people):
        w = people
        own = StaffRole.objects.get(user=w.admin)
        for action in (services.deactivate_role, services.reactivate_role):
            with pytest.raises(services.ChangeRefusedError):
                action(own, by=w.admin)
        assert StaffRole.objects.get(pk=own.pk).active

    def test_the_database_refuses_an_unapproved_role_in_force_and_a_self_approved_one(self, people):
        w = people
        with pytest.raises(IntegrityError), transaction.atomic():
            StaffRole.objects.create(user=w.newcomer, municipality=w.municipality, role=Role.CASEWORKER,
                                     active=True, status=RoleStatus.PENDING)
        with pytest.raises(IntegrityError), transaction.atomic():
            StaffRole.objects.create(user=w.newcomer, municipality=w.municipality, role=Role.CASEWORKER,
                                     active=True, status=RoleStatus.APPROVED, decided_by=w.newcomer)
        with pytest.raises(IntegrityError), transaction.atomic():
            StaffRole.objects.create(user=w.newcomer, municipality=w.municipality, role=Role.CASEWORKER,
                                     active=True, status=RoleStatus.APPROVED, requested_by=w.admin,
                                     decided_by=w.admin)


@pytest.mark.django_db
class TestUnitLeaderPage:
    def test_the_leader_approves_a_caseworker_on_the_page(self, client, people):
        w = people
        role = services.request_role(caseworker_role(w), by=w.admin)
        client.force_login(w.unit_leader)
        home = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "One staff role is waiting for your approval." in home
        page = client.get(reverse("accounts:pending_roles"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "ny.saksbehandler" in page and "Asked for by Test Admin" in page
        response = client.post(reverse("accounts:approve_role", args=[role.pk]), HTTP_ACCEPT_LANGUAGE="en",
                               follow=True)
        assert "is approved and in force" in response.content.decode()
        assert StaffRole.objects.get(pk=role.pk).active
        assert role_events(role)[-1][0] == "enhetsleder" and "[Los]" in role_events(role)[-1][2]

    def test_others_do_not_find_the_page_nor_decide(self, client, people):
        w = people
        role = services.request_role(caseworker_role(w), by=w.admin)
        client.force_login(w.caseworker)
        assert client.get(reverse("accounts:pending_roles")).status_code == 404
        assert client.post(reverse("accounts:approve_role", args=[role.pk])).status_code == 404
        assert not StaffRole.objects.get(pk=role.pk).active

    def test_the_one_who_asked_is_refused_with_a_message(self, client, people):
        w = people
        role = services.request_role(caseworker_role(w), by=w.unit_leader)
        client.force_login(w.unit_leader)
        response = client.post(reverse("accounts:approve_role", args=[role.pk]), HTTP_ACCEPT_LANGUAGE="en",
                               follow=True)
        assert "another person must approve it" in response.content.decode()
        assert not StaffRole.objects.get(pk=role.pk).active


@pytest.mark.django_db
class TestStaffRoleCommand:
    def run(self, *args):
        out = io.StringIO()
        call_command("staff_role", *args, stdout=out)
        return out.getvalue()

    def test_request_and_approve_on_the_command_line_are_two_people(self, people):
        w = people
        out = self.run("request", "--by", "admin", "--user", "ny.saksbehandler", "--municipality",
                       w.municipality.number, "--role", "caseworker")
        role = StaffRole.objects.get(user=w.newcomer)
        assert f"Role {role.pk}" in out and not role.active
        with pytest.raises(CommandError, match="another person"):
            self.run("approve", str(role.pk), "--by", "admin")
        self.run("approve", str(role.pk), "--by", "admin2")
        assert StaffRole.objects.get(pk=role.pk).active
        assert "manage.py staff_role" in role_events(role)[-1][2]

    def test_bootstrap_only_while_there_is_no_system_administrator(self, people):
        w = people
        with pytest.raises(CommandError, match="already a system administrator"):
            self.run("bootstrap", "--user", "ny.saksbehandler", "--municipality", w.municipality.number)
        StaffRole.objects.filter(role=Role.SYSTEM_ADMIN).update(active=False)
        self.run("bootstrap", "--user", "ny.saksbehandler", "--municipality", w.municipality.number)
        role = StaffRole.objects.get(user=w.newcomer)
        assert role.active and role.role == Role.SYSTEM_ADMIN
        assert "first system administrator" in role_events(role)[-1][2]
