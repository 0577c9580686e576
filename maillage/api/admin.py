"""API keys in Django's admin: read-only (the « Clés d'API » page and its services issue and revoke them).
The key's hash is not shown: it is of no use to a reader."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from maillage.api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "holder_name",
        "territory",
        "hourly_limit",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["territory"]
    search_fields = ["prefix", "holder_name"]
    fields = [
        "territory",
        "prefix",
        "holder_name",
        "holder_email",
        "purpose",
        "hourly_limit",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
