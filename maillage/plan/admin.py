from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from maillage.plan.models import Contract, Indicator, Measurement, Node, PlanVersion


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ("title", "territory", "starts_on", "ends_on")


@admin.register(PlanVersion)
class PlanVersionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "contract", "year")


@admin.register(Node)
class NodeAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "kind", "status", "progress", "version")
    list_filter = ("kind", "status")
    search_fields = ("title",)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("title", "node", "unit", "target", "metric_key")


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "date", "value", "source")
