"""The agenda in the Django admin: read-only (every write goes through `events.services`, from the agenda's
own pages: they check, log the machines' moves and tell the registrants)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from maillage.events.models import (
    Campaign,
    Event,
    EventTransition,
    Registration,
    RegistrationTransition,
    Series,
)


class ReadOnly:
    """No add, change or delete: the admin only shows."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransitionInline(ReadOnly, admin.TabularInline):
    model = EventTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "actor", "actor_label", "at", "note"]


class RegistrationTransitionInline(ReadOnly, admin.TabularInline):
    model = RegistrationTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "actor", "actor_label", "at", "note"]


@admin.register(Event)
class EventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "territory", "start", "status", "kind", "capacity"]
    list_filter = ["territory", "status", "kind"]
    search_fields = ["title", "slug"]
    inlines = [TransitionInline]


@admin.register(Series)
class SeriesAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "territory", "rrule", "first_start"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["event", "name", "state", "sequence", "attended"]
    list_filter = ["state"]
    search_fields = ["name", "email"]
    raw_id_fields = ["event", "user", "structure"]
    inlines = [RegistrationTransitionInline]


@admin.register(Campaign)
class CampaignAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "territory", "starts_on", "ends_on"]
