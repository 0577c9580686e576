"""Read-only admin of the speed-meetings (writes go through the services and the organiser's pages)."""

from django.contrib import admin

from maillage.matchmaking.models import Run, SpeedMeeting


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SpeedMeeting)
class SpeedMeetingAdmin(ReadOnly):
    list_display = ["title", "territory", "status", "rounds", "tables"]


@admin.register(Run)
class RunAdmin(ReadOnly):
    list_display = ["meeting", "status", "is_current", "wishes_met", "wishes_total", "created_at"]
