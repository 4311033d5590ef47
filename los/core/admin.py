from django.contrib import admin

from . import services
from .models import CoordinatingUnit, Municipality, MunicipalityAgreement, ServiceProvider


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "county", "population"]
    search_fields = ["name", "number"]


@admin.register(CoordinatingUnit)
class CoordinatingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "placement"]
    list_filter = ["municipality"]


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "municipality", "organisation_number"]
    list_filter = ["kind", "level"]
    search_fields = ["name"]


@admin.register(MunicipalityAgreement)
class MunicipalityAgreementAdmin(admin.ModelAdmin):
    """An agreement opens the member municipality's families to the host's staff: every change is written to the
    audit log of both (``los.core.services.save_agreement``). An agreement is ended (``valid to``), never deleted,
    so that the log's history of who could see what stays explained."""

    list_display = ["host", "member", "purpose", "valid_from", "valid_to"]

    def save_model(self, request, obj, form, change):
        services.save_agreement(obj, by=request.user, request=request, via="admin")

    def has_delete_permission(self, request, obj=None):
        return False
