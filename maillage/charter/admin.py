"""Read-mostly admin of the charter (writes go through the pages and services, which log every act)."""

from django.contrib import admin

from maillage.charter.models import Amendment, CharterVersion, Signature, SignatureEvent, VersionTransition


class TransitionInline(admin.TabularInline):
    model = VersionTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "note", "at"]


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ["charter", "number", "status", "adopted_on"]
    list_filter = ["status", "charter__territory"]
    readonly_fields = ["status", "opened_on", "adopted_on", "superseded_on"]
    inlines = [TransitionInline]


class SignatureEventInline(admin.TabularInline):
    model = SignatureEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "note", "at"]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["structure", "version", "signer_name", "signed_on", "status"]
    list_filter = ["status", "version__charter__territory"]
    search_fields = ["structure__name", "signer_name"]
    readonly_fields = ["version", "structure", "signed_by", "status", "withdrawn_on", "created_at"]
    inlines = [SignatureEventInline]


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["pk", "article", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["article", "author", "status", "decided_by", "decided_at", "original_text"]
