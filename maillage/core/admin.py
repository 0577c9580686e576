from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from maillage.core.models import Commune, Domain, PersonalDataAccess, ScheduledJob, Territory


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "canonical_url", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DomainInline]
    filter_horizontal: list[str] = []


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
