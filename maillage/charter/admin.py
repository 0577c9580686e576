"""The charter in Django's admin: read-only, but for a working version's title and preamble, saved through
`services.update_version` (which checks, locks and refuses a frozen text like the pages do). Everything
else — creating a version, moving it, signing, deciding an amendment — happens on the pages, through the
services that log every act."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from maillage.charter import services
from maillage.charter.models import (
    Amendment,
    AmendmentTransition,
    CharterVersion,
    Signature,
    SignatureTransition,
    VersionStatus,
    VersionTransition,
)

LOG_FIELDS = ["from_state", "to_state", "actor", "actor_label", "at", "note"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows; no add, change or delete (the services are the only writers)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LogInline(admin.TabularInline):
    """A machine's history, read-only."""

    extra = 0
    fields = LOG_FIELDS
    readonly_fields = LOG_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransitionInline(LogInline):
    model = VersionTransition


class SignatureTransitionInline(LogInline):
    model = SignatureTransition


class AmendmentTransitionInline(LogInline):
    model = AmendmentTransition


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ["charter", "number", "status", "adopted_on"]
    list_filter = ["status", "charter__territory"]
    fields = ["charter", "number", "title", "preamble", "status", "opened_on", "adopted_on", "superseded_on"]
    readonly_fields = ["charter", "number", "status", "opened_on", "adopted_on", "superseded_on"]
    inlines = [TransitionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a version is created on « Gérer la charte » (it copies the previous articles)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status not in (VersionStatus.DRAFT, VersionStatus.OPEN):
            return False  # an adopted or superseded text is frozen: shown, not editable
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: CharterVersion, form: Any, change: bool) -> None:
        services.update_version(actor=request.user, version=obj, title=obj.title, preamble=obj.preamble)


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["structure", "version", "signer_name", "signed_on", "status"]
    list_filter = ["status", "version__charter__territory"]
    search_fields = ["structure__name", "signer_name"]
    inlines = [SignatureTransitionInline]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "article", "status", "created_at"]
    list_filter = ["status"]
    inlines = [AmendmentTransitionInline]
