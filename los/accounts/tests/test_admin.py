"""The admin site: the system administrator cannot give himself a role, raise his own permissions, or set anyone's
password; a new person sets their own password with a one-time link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from los.access.models import AuditEvent
from los.access.policy import visible_families
from los.accounts.models import Role, RoleStatus, StaffRole, User
from los.core import testing as t


@pytest.fixture
def admin_client(client, world):
    """The world's system administrator, with the Django admin (staff and superuser, as in the demo)."""
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True, email="admin@testvik.example")
    world.admin.refresh_from_db()
    client.force_login(world.admin)
    return client


def own_change_form(world, **extra):
    """The POST the admin's own user page sends, with an extra role added in the roles table below it."""
    m = world.municipality
    data = {
        "username": "admin", "first_name": "Test", "last_name": "Admin", "email": "admin@testvik.example",
        "phone": "", "preferred_language": "nb", "is_active": "on", "is_staff": "on", "is_superuser": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
        "staff_roles-TOTAL_FORMS": "2", "staff_roles-INITIAL_FORMS": "1", "staff_roles-MIN_NUM_FORMS": "0",
        "staff_roles-MAX_NUM_FORMS": "1000",
        "staff_roles-0-id": str(StaffRole.objects.get(user=world.admin).pk), "staff_roles-0-user": str(world.admin.pk),
        "staff_roles-0-municipality": str(m.pk), "staff_roles-0-role": Role.SYSTEM_ADMIN, "staff_roles-0-active": "on",
        "staff_roles-1-id": "", "staff_roles-1-user": str(world.admin.pk), "staff_roles-1-municipality": str(m.pk),
        "staff_roles-1-role": Role.CASEWORKER, "staff_roles-1-coordinating_unit": str(m.coordinating_units.first().pk),
        "staff_roles-1-active": "on", "_save": "Save",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
class TestNoSelfGrant:
    def test_the_administrator_cannot_give_himself_a_caseworker_role_on_his_own_page(self, admin_client, world):
        response = admin_client.post(reverse("admin:accounts_user_change", args=[world.admin.pk]),
                                     own_change_form(world))
        assert response.status_code in (200, 302)
        assert not StaffRole.objects.filter(user=world.admin, role=Role.CASEWORKER).exists()
        admin = User.objects.get(pk=world.admin.pk)
        assert not visible_families(admin).exists()
        assert admin_client.get(reverse("families:detail", args=[world.family.pk])).status_code == 404

    def test_nor_on_the_staff_role_page(self, admin_client, world):
        m = world.municipality
        response = admin_client.post(reverse("admin:accounts_staffrole_add"), {
            "user": str(world.admin.pk), "municipality": str(m.pk), "role": Role.CASEWORKER,
            "coordinating_unit": str(m.coordinating_units.first().pk), "active": "on", "status": "approved"},
            HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "Nobody asks for a role for themselves" in response.content.decode()
        assert not StaffRole.objects.filter(user=world.admin, role=Role.CASEWORKER).exists()

    def test_a_role_made_in_the_admin_waits_for_another_person(self, admin_client, world):
        m = world.municipality
        newcomer = t.user("ny")
        response = admin_client.post(reverse("admin:accounts_staffrole_add"), {
            "user": str(newcomer.pk), "municipality": str(m.pk), "role": Role.CASEWORKER,
            "coordinating_unit": str(m.coordinating_units.first().pk), "active": "on", "status": "approved"})
        assert response.status_code == 302
        role = StaffRole.objects.get(user=newcomer)
        assert (role.status, role.active, role.requested_by) == (RoleStatus.PENDING, False, world.admin)
        # the same administrator cannot approve it with the admin action
        admin_client.post(reverse("admin:accounts_staffrole_changelist"),
                          {"action": "approve", "_selected_action": [str(role.pk)]})
        assert not StaffRole.objects.get(pk=role.pk).active
        # another system administrator can
        other = t.staff(Role.SYSTEM_ADMIN, m, "admin2")
        User.objects.filter(pk=other.pk).update(is_staff=True, is_superuser=True)
        admin_client.force_login(other)
        admin_client.post(reverse("admin:accounts_staffrole_changelist"),
                          {"action": "approve", "_selected_action": [str(role.pk)]})
        assert StaffRole.objects.get(pk=role.pk).active
        reasons = list(AuditEvent.objects.filter(object_type="StaffRole", object_id=str(role.pk))
                       .order_by("seq").values_list("actor__username", "allowed", "reason"))
        assert [(who, ok) for who, ok, _r in reasons] == [("admin", True), ("admin", False), ("admin2", True)]
        assert all("[admin]" in r for _w, _o, r in reasons)

    def test_own_roles_and_permissions_are_read_only(self, admin_client, world):
        own = StaffRole.objects.get(user=world.admin)
        page = admin_client.get(reverse("admin:accounts_staffrole_change", args=[own.pk]))
        assert page.status_code == 200 and 'name="role"' not in page.content.decode()
        admin_client.post(reverse("admin:accounts_staffrole_change", args=[own.pk]),
                          {"user": str(world.admin.pk), "municipality": str(own.municipality_id),
                           "role": Role.CASEWORKER})
        assert StaffRole.objects.get(pk=own.pk).role == Role.SYSTEM_ADMIN
        admin_client.post(reverse("admin:accounts_staffrole_changelist"),
                          {"action": "deactivate", "_selected_action": [str(own.pk)]})
        assert StaffRole.objects.get(pk=own.pk).active
        User.objects.filter(pk=world.admin.pk).update(is_superuser=False)
        admin_client.post(reverse("admin:accounts_user_change", args=[world.admin.pk]),
                          own_change_form(world, is_superuser="on"))
        assert not User.objects.get(pk=world.admin.pk).is_superuser

    def test_roles_are_never_deleted_in_the_admin(self, admin_client, world):
        role = StaffRole.objects.get(user=world.caseworker)
        assert admin_client.get(reverse("admin:accounts_staffrole_delete", args=[role.pk])).status_code == 403
        assert StaffRole.objects.filter(pk=role.pk).exists()


@pytest.mark.django_db
class TestPasswords:
    def test_the_admin_sets_nobodys_password(self, admin_client, world):
        for person in (world.caseworker, world.admin):
            url = reverse("admin:auth_user_password_change", args=[person.pk])
            assert admin_client.get(url).status_code == 403
            response = admin_client.post(url, {"password1": "a-new-password-2026", "password2": "a-new-password-2026",
                                               "usable_password": "true"})
            assert response.status_code == 403
            assert not User.objects.get(pk=person.pk).check_password("a-new-password-2026")
        page = admin_client.get(reverse("admin:accounts_user_change", args=[world.caseworker.pk])).content.decode()
        assert "password/" not in page

    def test_the_admin_sites_change_password_leads_to_ones_own_page(self, admin_client):
        response = admin_client.get("/admin/password_change/")
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")

    def test_a_new_account_has_no_password_and_the_person_sets_it_with_a_one_time_link(self, admin_client, world,
                                                                                       client):
        response = admin_client.post(reverse("admin:accounts_user_add"), {
            "username": "ny.kollega", "first_name": "Nora", "last_name": "Ny", "email": "nora@testvik.example",
            "preferred_language": "en", "_save": "Save"})
        assert response.status_code == 302
        nora = User.objects.get(username="ny.kollega")
        assert not nora.has_usable_password()
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nora@testvik.example"]
        assert mail.outbox[0].subject == "Set your password for Los"
        link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
        admin_client.logout()
        page = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and "Choose the password you will log in with" in page.content.decode()
        done = client.post(page.redirect_chain[-1][0] if page.redirect_chain else link,
                           {"new_password1": "Nora sitt eget passord 2026", "new_password2": "Nora sitt eget passord 2026"})
        assert done.status_code == 302 and done["Location"] == reverse("accounts:password_set_done")
        assert User.objects.get(pk=nora.pk).check_password("Nora sitt eget passord 2026")
        # the link works once
        again = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert "This link cannot be used" in again.content.decode()
        reasons = list(AuditEvent.objects.filter(object_type="User", object_id=str(nora.pk)).order_by("pk")
                       .values_list("actor__username", "reason"))
        assert reasons == [("admin", "account created (without a password): ny.kollega"),
                           ("admin", "link to set a password sent by e-mail: ny.kollega"),
                           ("ny.kollega", "password set with a one-time link: ny.kollega")]

    def test_the_send_link_action_refuses_ones_own_account(self, admin_client, world):
        User.objects.filter(pk=world.caseworker.pk).update(email="sb@testvik.example")
        admin_client.post(reverse("admin:accounts_user_changelist"),
                          {"action": "send_password_link", "_selected_action": [str(world.caseworker.pk),
                                                                                str(world.admin.pk)]})
        assert [m.to for m in mail.outbox] == [["sb@testvik.example"]]

    def test_one_changes_ones_own_password_with_the_old_one(self, client, world):
        client.force_login(world.caseworker)
        url = reverse("accounts:password_change")
        wrong = client.post(url, {"old_password": "not it", "new_password1": "et helt nytt passord 77",
                                  "new_password2": "et helt nytt passord 77"}, HTTP_ACCEPT_LANGUAGE="en")
        assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
        assert 'value="et helt nytt passord 77"' not in wrong.content.decode()
        ok = client.post(url, {"old_password": t.PASSWORD, "new_password1": "et helt nytt passord 77",
                               "new_password2": "et helt nytt passord 77"})
        assert ok.status_code == 302
        assert User.objects.get(pk=world.caseworker.pk).check_password("et helt nytt passord 77")
        assert AuditEvent.objects.filter(object_type="User", actor=world.caseworker,
                                         reason__startswith="own password changed").exists()


@pytest.mark.django_db
def test_second_factor_secrets_are_not_in_the_admin_and_removing_a_device_is_audited(admin_client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    TOTPDevice.objects.create(user=world.caseworker, name="Los", confirmed=True)
    admin_client.post(reverse("admin:accounts_user_changelist"),
                      {"action": "reset_second_factor", "_selected_action": [str(world.caseworker.pk)]})
    assert not TOTPDevice.objects.filter(user=world.caseworker).exists()
    assert AuditEvent.objects.filter(object_type="User", object_id=str(world.caseworker.pk),
                                     reason__startswith="second factor removed").exists()


@pytest.mark.django_db
def test_account_changes_in_the_admin_are_audited(admin_client, world):
    person = world.caseworker
    role = StaffRole.objects.get(user=person)
    data = {"username": person.username, "first_name": "Test", "last_name": "X", "email": "ny@testvik.example",
            "phone": "", "preferred_language": "nb", "is_active": "on", "_save": "Save",
            "staff_roles-TOTAL_FORMS": "1", "staff_roles-INITIAL_FORMS": "1", "staff_roles-MIN_NUM_FORMS": "0",
            "staff_roles-MAX_NUM_FORMS": "1000", "staff_roles-0-id": str(role.pk), "staff_roles-0-user": str(person.pk)}
    response = admin_client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="User", object_id=str(person.pk)).latest("pk")
    assert event.actor == world.admin and event.reason == f"account changed (email): {person.username}"
