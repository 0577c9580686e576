"""The needs register in Django's admin: read-only (the pages and their services are the only writers)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from maillage.needs.models import Need, NeedCategory, NeedTransition, Support


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransitionInline(admin.TabularInline):
    model = NeedTransition
    fields = ["from_state", "to_state", "actor", "actor_label", "at", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ["title", "territory", "category", "status", "created_at"]
    list_filter = ["territory", "status", "category"]
    search_fields = ["title"]
    inlines = [TransitionInline]


@admin.register(NeedCategory)
class NeedCategoryAdmin(ReadOnlyAdmin):
    list_display = ["label", "territory", "is_active", "position"]


@admin.register(Support)
class SupportAdmin(ReadOnlyAdmin):
    list_display = ["need", "confirmed", "created_at"]
