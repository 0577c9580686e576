"""Procurement in the admin: read only (every write goes through the services and the site's pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from maillage.procurement.models import Need, PurchaseLine, Recipient, SupplierOffer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ("title", "buyer", "status", "deadline", "reserved")
    list_filter = ("status", "reserved", "territory")


@admin.register(SupplierOffer)
class SupplierOfferAdmin(ReadOnlyAdmin):
    list_display = ("structure", "offer_types", "perimeter", "staff")


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyAdmin):
    list_display = ("need", "structure", "score", "sent_at", "answer")


@admin.register(PurchaseLine)
class PurchaseLineAdmin(ReadOnlyAdmin):
    list_display = ("buyer", "year", "supplier_name", "amount", "is_ess", "is_local")
    list_filter = ("year",)
