"""The calls in the admin: read-only (every write goes through the services and the app's pages)."""

from __future__ import annotations

from django.contrib import admin

from maillage.calls.models import Application, Call, Grant, Juror


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(ReadOnly):
    list_display = ("year", "title", "territory", "status")


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ("title", "structure", "call", "status")
    list_filter = ("status",)


@admin.register(Juror)
class JurorAdmin(ReadOnly):
    list_display = ("name", "call", "status")


@admin.register(Grant)
class GrantAdmin(ReadOnly):
    list_display = ("application", "amount", "status")
