from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from maillage.actors.models import Membership, Structure


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Structure)
class StructureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "territory", "family", "commune", "status"]
    list_filter = ["territory", "family", "status"]
    search_fields = ["name", "siret", "rna"]
    inlines = [MembershipInline]
