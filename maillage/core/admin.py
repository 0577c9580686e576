"""Technical administration of core data. Territories are written through the services; the rest is
read-only (communes come from their CSV, the other tables are the platform's own logs)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from maillage.core import services
from maillage.core.actors import require_actor
from maillage.core.models import Commune, Domain, PersonalDataAccess, ScheduledJob, Territory


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows; no add, change or delete (the services are the only writers)."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DomainInline(admin.TabularInline):
    """Edited with the territory; saved by `TerritoryAdmin.save_formset` through the services."""

    model = Domain
    extra = 0


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "canonical_url", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DomainInline]
    filter_horizontal: list[str] = []
    actions = None  # no bulk deletion: delete_model goes through the services

    def save_model(self, request: HttpRequest, obj: Territory, form: ModelForm, change: bool) -> None:
        services.save_territory(actor=require_actor(request.user), territory=obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Domain:
            super().save_formset(request, form, formset, change)
            return
        names = [
            f.cleaned_data["name"]
            for f in formset.forms
            if f.cleaned_data and f.cleaned_data.get("name") and not f.cleaned_data.get("DELETE")
        ]
        services.set_domains(actor=require_actor(request.user), territory=form.instance, domains=names)
        # What the admin's change message reads (formset.save() would have set them).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request: HttpRequest, obj: Territory) -> None:
        services.delete_territory(actor=require_actor(request.user), territory=obj)


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["name", "insee_code", "population"]
    search_fields = ["name", "insee_code"]


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_run_at", "next_run_at", "run_count"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "territory", "what", "row_count"]
