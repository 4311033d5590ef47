"""Admin: only the municipality's meeting policy (from its delegation decision). Family data (groups,
meetings, minutes, actions) is never shown in the admin: it is read through the access policy only."""

from django.contrib import admin

from los.meetings.models import MeetingPolicy


@admin.register(MeetingPolicy)
class MeetingPolicyAdmin(admin.ModelAdmin):
    list_display = ("municipality", "allow_professional_meetings", "reminder_days_before")
    list_filter = ("allow_professional_meetings",)
    search_fields = ("municipality__name", "municipality__number")
