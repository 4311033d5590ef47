from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import StaffRole, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["municipality"]
    raw_id_fields = ["coordinating_unit", "service_provider"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [StaffRoleInline]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Los", {"fields": ("preferred_language", "phone", "hpr_number")}))
    list_display = ["username", "first_name", "last_name", "email", "is_active"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "position_type", "position_share", "active"]
    list_filter = ["role", "position_type", "active"]
    raw_id_fields = ["user", "coordinating_unit", "service_provider"]
    autocomplete_fields = ["municipality"]
