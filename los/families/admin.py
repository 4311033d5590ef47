"""Family data in the admin site goes through the same access policy as the rest of Los.

The system administrator has no relation to any family and therefore sees none: the admin site is
for organisation data (municipalities, units, services, staff). Coordinating-unit staff who are
given admin access see only what the policy lets them see, and every view is audited.
"""

from django.contrib import admin

from los.access.policy import visible_families

from .models import Child, CoordinatorAssignment, Family, FamilyMember


class PolicyAdmin(admin.ModelAdmin):
    family_path = "family"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        allowed = visible_families(request.user)
        if self.family_path == "":
            return qs.filter(pk__in=allowed.values("pk"))
        return qs.filter(**{f"{self.family_path}__in": allowed.values("pk")})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "family":  # the choice of family lists only the families the user may see
            kwargs["queryset"] = visible_families(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # nothing about a family is deleted; retention rules end cases


@admin.register(Family)
class FamilyAdmin(PolicyAdmin):
    family_path = ""
    list_display = ["display_name", "reference", "municipality", "status"]


@admin.register(Child)
class ChildAdmin(PolicyAdmin):
    list_display = ["given_name", "family_name", "family", "birth_date"]


@admin.register(FamilyMember)
class FamilyMemberAdmin(PolicyAdmin):
    list_display = ["given_name", "family_name", "relation", "family"]


@admin.register(CoordinatorAssignment)
class CoordinatorAssignmentAdmin(PolicyAdmin):
    list_display = ["family", "coordinator", "started", "ended"]
