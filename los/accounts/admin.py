"""Accounts and staff roles in the admin site: nobody grants themselves access.

- A role made or changed here is a *request*: it is saved pending and grants nothing until a different person
  approves it (the actions below, or the unit leader's page); what a role is in, who asked and who decided are
  never edited by hand (``los.accounts.services``, four eyes). Roles are never deleted, only deactivated.
- Nobody changes their own roles, permissions or password here: on one's own account those fields are read
  only, and the actions refuse one's own account.
- Nobody sets another person's password: the admin has no password form. A new account gets no password; the
  person gets an e-mail with a one-time link to set it themselves ("Send a link to set a password").
- Every change is written to the audit log (the role services; account changes below).
- The second factor's secrets (django-otp's device admin) are not shown: an administrator can only remove a
  person's devices, after which the person enrols again at the next log-in.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import StaffRole, User

#: Fields of the approval workflow: set by the role services only.
WORKFLOW_FIELDS = ("status", "active", "requested_by", "requested_at", "decided_by", "decided_at")
#: Account fields whose changes are written to the audit log.
AUDITED_ACCOUNT_FIELDS = ("username", "email", "hpr_number", "is_active", "is_staff", "is_superuser", "groups",
                          "user_permissions")
OWN_ACCOUNT_READ_ONLY = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class StaffRoleInline(admin.TabularInline):
    """The person's roles, read only: roles are requested, approved and deactivated on the staff role pages."""

    model = StaffRole
    fk_name = "user"
    extra = 0
    fields = ("role", "municipality", "service_provider", "title", "status", "active", "requested_by", "decided_by")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AccountCreationForm(forms.ModelForm):
    """A new account without a password: the person sets it with a one-time link sent to the e-mail address."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "preferred_language")


class AccountChangeForm(UserChangeForm):
    password = None  # no password here: the person sets it (a link), nobody else


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [StaffRoleInline]
    form = AccountChangeForm
    add_form = AccountCreationForm
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone", "preferred_language",
                                              "hpr_number")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": AccountCreationForm.Meta.fields}),)
    readonly_fields = ("last_login", "date_joined")
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    actions = ["send_password_link", "reset_second_factor"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new account has no roles yet

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += OWN_ACCOUNT_READ_ONLY  # nobody raises their own permissions
        return fields

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied  # nobody sets another person's password; one's own is changed on one's own page

    def has_delete_permission(self, request, obj=None):
        # accounts are deactivated, not deleted: the audit log and decisions name them
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not change:
            services.record_account_change(user, request.user, "account created (without a password)",
                                           request=request)
            if services.send_password_link(user, by=request.user, request=request):
                self.message_user(request, _("A link to set a password was sent to %(email)s.") % {
                    "email": user.email})
            else:
                self.message_user(request, _("The account has no e-mail address, so no link to set a password was "
                                             "sent. Add one and use “Send a link to set a password”."),
                                  messages.WARNING)
            return
        changed = [name for name in form.changed_data if name in AUDITED_ACCOUNT_FIELDS]
        if changed:
            services.record_account_change(user, request.user, f"account changed ({', '.join(changed)})",
                                           request=request)

    def _others(self, request: HttpRequest, queryset, own_message: str):
        """The selected accounts but the one acting, who is told ``own_message`` instead."""
        for user in queryset:
            if user.pk == request.user.pk:
                self.message_user(request, own_message, messages.WARNING)
            else:
                yield user

    @admin.action(description=_("Send a link to set a password"))
    def send_password_link(self, request: HttpRequest, queryset) -> None:
        sent = 0
        for user in self._others(request, queryset, _("Change your own password on your own page.")):
            if services.send_password_link(user, by=request.user, request=request):
                sent += 1
            else:
                self.message_user(request, _("%(user)s has no e-mail address (or is not active): no link sent.")
                                  % {"user": user.username}, messages.WARNING)
        if sent:
            self.message_user(request, ngettext("A link to set a password was sent to %(n)d person.",
                                                "A link to set a password was sent to %(n)d people.", sent)
                              % {"n": sent})

    @admin.action(description=_("Remove the second factor (the person enrols again at the next log-in)"))
    def reset_second_factor(self, request: HttpRequest, queryset) -> None:
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        done = 0
        for user in self._others(request, queryset, _("Nobody removes their own second factor here.")):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
                services.record_account_change(user, request.user, "second factor removed", request=request)
            done += 1
        if done:
            self.message_user(request, ngettext("The second factor of %(n)d person was removed.",
                                                "The second factor of %(n)d people was removed.", done) % {"n": done})


class StaffRoleForm(forms.ModelForm):
    class Meta:
        model = StaffRole
        fields = ("user", "municipality", "role", "coordinating_unit", "service_provider", "position_type",
                  "position_share", "profession", "title", "started")  # never the workflow's fields

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user is not None and self.acting_user is not None and user.pk == self.acting_user.pk:
            raise forms.ValidationError(_("Nobody asks for a role for themselves: another person must request it."))
        return cleaned


def _role_action(service: Callable[..., object], description: str | Promise,
                 done_message: str | Promise) -> Callable[..., None]:
    """An admin action that applies one of the role services to each selected role (``StaffRoleAdmin._each``)."""

    @admin.action(description=description)
    def action(self: StaffRoleAdmin, request: HttpRequest, queryset: QuerySet[StaffRole]) -> None:
        self._each(request, queryset, service, done_message)

    return action


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    form = StaffRoleForm
    list_display = ["user", "role", "municipality", "status", "active", "requested_by", "decided_by"]
    list_filter = ["status", "active", "role"]
    raw_id_fields = ["user", "coordinating_unit", "service_provider"]
    autocomplete_fields = ["municipality"]
    readonly_fields = WORKFLOW_FIELDS
    actions = ["approve", "refuse", "deactivate", "reactivate"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.acting_user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False  # one's own roles are shown, never changed
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the history of who held a role stays

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.change_role(obj, by=request.user, request=request, via="admin")
            else:
                services.request_role(obj, by=request.user, request=request, via="admin")
        except services.ChangeRefusedError as refused:  # checked by the form; a race is still refused
            raise PermissionDenied(" ".join(refused.messages)) from None
        if obj.status == "pending":
            self.message_user(request, _("The role waits for approval by another person; until then it gives no "
                                         "access."), messages.WARNING)

    def _each(self, request, queryset, action, done_message) -> None:
        done = 0
        for role in queryset.select_related("user", "municipality"):
            try:
                action(role, by=request.user, request=request, via="admin")
                done += 1
            except services.ChangeRefusedError as refused:
                self.message_user(request, f"{role}: {' '.join(refused.messages)}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"n": done})

    approve = _role_action(services.approve_role,
                           _("Approve the selected roles (four eyes: not your own, not ones you asked for)"),
                           _("Roles approved: %(n)d."))
    refuse = _role_action(services.refuse_role, _("Refuse the selected roles"), _("Roles refused: %(n)d."))
    deactivate = _role_action(services.deactivate_role, _("Deactivate the selected roles (at once)"),
                              _("Roles deactivated: %(n)d."))
    reactivate = _role_action(services.reactivate_role,
                              _("Ask for the selected roles to be active again (needs approval)"),
                              _("Roles waiting for approval: %(n)d."))


def _hide_second_factor_secrets() -> None:
    """django-otp's device admins show and accept the TOTP keys: anyone with the admin could then make codes for
    someone else. They are not in this admin site (the user admin removes devices instead)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_hide_second_factor_secrets()
