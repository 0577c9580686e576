"""Read-only admin: grids, campaigns and answer sheets change through the app's pages (services). A
sheet's answers are not shown here: they are the structure's private answers."""

from __future__ import annotations

from django.contrib import admin

from maillage.assessment.models import AnswerSheet, Campaign, Grid


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grid)
class GridAdmin(ReadOnly):
    list_display = ("territory", "version", "title", "status")
    list_filter = ("territory", "status")


@admin.register(Campaign)
class CampaignAdmin(ReadOnly):
    list_display = ("territory", "year", "grid", "status")
    list_filter = ("territory", "status")


@admin.register(AnswerSheet)
class AnswerSheetAdmin(ReadOnly):
    list_display = ("campaign", "structure", "status", "shared")
    list_filter = ("status", "shared")
    fields = ("campaign", "structure", "status", "submitted_at", "shared")
