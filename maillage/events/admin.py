from django.contrib import admin

from maillage.events.models import Campaign, Event, EventTransition, Registration, Series


class TransitionInline(admin.TabularInline):
    model = EventTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "at", "note"]
    can_delete = False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "start", "status", "kind", "capacity"]
    list_filter = ["territory", "status", "kind"]
    search_fields = ["title", "slug"]
    readonly_fields = ["status", "registration_counter", "series", "recurrence_id"]
    inlines = [TransitionInline]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "rrule", "first_start"]
    readonly_fields = ["uid", "materialised_until"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "name", "state", "sequence", "attended"]
    list_filter = ["state"]
    search_fields = ["name", "email"]
    raw_id_fields = ["event", "user", "structure"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "starts_on", "ends_on"]
