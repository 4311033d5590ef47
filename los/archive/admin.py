from django.contrib import admin

from los.archive.models import ArchiveSettings


@admin.register(ArchiveSettings)
class ArchiveSettingsAdmin(admin.ModelAdmin):
    """What the municipality's archive service sets up (docs/archive.md § 5). Family data is not in the admin."""

    list_display = ["municipality", "organisation_number", "class_id", "access_code", "retention_decision"]
    autocomplete_fields = ["municipality"]
    fieldsets = (
        (None, {"fields": ("municipality", "organisation_number", "records_creator", "archive_title",
                           "series_title")}),
        ("Klassifikasjon", {"fields": ("classification_type", "classification_title", "class_id", "class_title",
                                       "administrative_unit", "journal_unit")}),
        ("Skjerming", {"fields": ("access_code", "screening_basis", "screening_years")}),
        ("Bevaring og kassasjon", {"fields": ("retention_decision", "retention_years", "retention_authority")}),
        ("Arkivsystem", {"fields": ("archive_system", "archive_address")}),
    )
