from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from maillage.core.hosts import invalidate_allowed_hosts
from maillage.core.models import Commune, Domain, PersonalDataAccess, ScheduledJob, Territory
from maillage.core.querysets import forget_cached_territories


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "canonical_url", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DomainInline]
    filter_horizontal: list[str] = []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._forget()

    @staticmethod
    def _forget() -> None:
        """A territory or its domains changed: the hosts and the per-process territories are read again."""
        transaction.on_commit(invalidate_allowed_hosts)
        transaction.on_commit(forget_cached_territories)


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "population"]
    search_fields = ["name", "insee_code"]
    filter_horizontal = ["territories"]


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "next_run_at", "run_count"]
    readonly_fields = ["name", "last_run_at", "next_run_at", "last_task_id", "run_count"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "territory", "what", "row_count"]
    readonly_fields = ["created_at", "actor", "territory", "what", "row_count"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
