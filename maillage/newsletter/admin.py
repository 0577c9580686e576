"""The lettre in Django's admin: read-only (every write goes through `services`: subscribing is a double
opt-in, an issue is sent from the animator's pages, a delivery's state belongs to the sending engine)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from maillage.newsletter.models import Delivery, Issue, Subscriber


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ("email", "territory", "status", "confirmed_at")
    list_filter = ("territory", "status")
    search_fields = ("email",)


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "territory", "status", "sent_at")
    list_filter = ("territory", "status")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("issue", "subscriber", "state", "updated_at")
    list_filter = ("state",)
    raw_id_fields = ("issue", "subscriber")
