"""Read-only admin of the training module (every write goes through the services and the pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from maillage.training.models import Booking, Census, OfficeHours, Resource, SupportRecord


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Census)
class CensusAdmin(ReadOnly):
    list_display = ("title", "territory", "status", "deadline")


@admin.register(Booking)
class BookingAdmin(ReadOnly):
    list_display = ("office_hours", "start", "structure", "state")


@admin.register(OfficeHours)
class OfficeHoursAdmin(ReadOnly):
    list_display = ("title", "territory", "adviser")


@admin.register(SupportRecord)
class SupportRecordAdmin(ReadOnly):
    list_display = ("structure", "kind", "date")


@admin.register(Resource)
class ResourceAdmin(ReadOnly):
    list_display = ("title", "territory", "topic")
