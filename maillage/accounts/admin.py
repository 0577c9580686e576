"""Technical administration of people and territory roles (the animators' daily work happens in the site)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from maillage.accounts.models import TerritoryRole, User


class TerritoryRoleInline(admin.TabularInline):
    model = TerritoryRole
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [TerritoryRoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(TerritoryRole)
class TerritoryRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "territory", "role", "created_at"]
    list_filter = ["territory", "role"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
