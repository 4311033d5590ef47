from django.contrib import admin

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
    list_display = ["host", "member", "purpose", "valid_from", "valid_to"]
