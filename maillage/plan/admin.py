"""The plan in the Django admin: read-only, except a node's texts and dates, saved and deleted through the
plan's services (so the history, the checks of the tree and the permissions hold as on the site)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from maillage.plan import services
from maillage.plan.models import Contract, Indicator, Measurement, Node, PlanVersion


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shown, never written here: the plan's pages (« Gérer le contrat ») are where it changes."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("title", "territory", "starts_on", "ends_on")


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "contract", "year")


# What the admin may change on a node (its place in the tree, status and progress change on the site).
NODE_ADMIN_FIELDS = (
    "number",
    "title",
    "description",
    "weight",
    "starts_on",
    "ends_on",
    "lead_label",
    "partners_label",
)


@admin.register(Node)
class NodeAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "kind", "status", "progress", "version")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    fields = ("version", "kind", "parent", "status", "progress", *NODE_ADMIN_FIELDS)
    readonly_fields = ("version", "kind", "parent", "status", "progress")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Node, form: ModelForm, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in NODE_ADMIN_FIELDS}
        if data:
            services.update_node(actor=request.user, node=obj, data=data)

    def delete_model(self, request: HttpRequest, obj: Node) -> None:
        services.delete_node(actor=request.user, node=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Node]) -> None:
        for node in queryset:
            services.delete_node(actor=request.user, node=node)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("title", "node", "unit", "target", "metric_key")


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "date", "value", "source")
