from django.contrib import admin

from los.ops.models import RetentionHold, RetentionRecord, RetentionRun


@admin.register(RetentionHold)
class RetentionHoldAdmin(admin.ModelAdmin):
    list_display = ("family", "reason", "until", "created_at")
    raw_id_fields = ("family", "created_by")
    exclude = ("municipality",)


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "today", "dry_run")
    readonly_fields = ("started_at", "today", "dry_run", "report")

    def has_add_permission(self, request):
        return False


@admin.register(RetentionRecord)
class RetentionRecordAdmin(admin.ModelAdmin):
    list_display = ("reference", "municipality", "status", "closed_on", "deleted_at", "audit_events")
    list_filter = ("municipality",)
    readonly_fields = [f.name for f in RetentionRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
