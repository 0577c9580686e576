"""The Django admin of actors: every write goes through the services, so that the search document, the
directory's index and caches and the logs follow (an archived structure leaves the public directory and
the search at once). A structure is created on the site (« inscrire une structure »), never here; its
memberships are managed on the site too (the inline only shows them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from maillage.actors import services
from maillage.actors.models import STRUCTURE_MACHINE, Membership, Structure


class StructureAdminForm(forms.ModelForm):
    """Refuses before saving what the services would refuse: a status move outside the machine, a
    refusal without its reason, a field the site's form would not accept."""

    class Meta:
        model = Structure
        fields = [*services.EDITABLE_FIELDS, "status", "refusal_reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        before, after = self.instance.status, cleaned.get("status")  # the instance is still the saved row
        if after and after != before:
            if not STRUCTURE_MACHINE.can(before, after):
                self.add_error(
                    "status",
                    f"Impossible de passer une fiche « {Structure.Status(before).label} » "
                    f"à « {Structure.Status(after).label} ».",
                )
            elif after == Structure.Status.REFUSED and not (cleaned.get("refusal_reason") or "").strip():
                self.add_error(
                    "refusal_reason", "Indiquez le motif du refus : il est envoyé aux gestionnaires."
                )
        data = {f: cleaned[f] for f in self.changed_data if f in services.EDITABLE_FIELDS and f in cleaned}
        if data:
            try:
                services.clean_structure_data(self.instance.territory, data)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = ["user", "role", "created_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Structure)
class StructureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "territory", "family", "commune", "status"]
    list_filter = ["territory", "family", "status"]
    search_fields = ["name", "siret", "rna"]
    inlines = [MembershipInline]
    form = StructureAdminForm
    raw_id_fields = ["commune"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # « Inscrire une structure » on the site: duplicates checked, slug, geocoding, logs

    def save_model(self, request: HttpRequest, obj: Structure, form: Any, change: bool) -> None:
        fresh = Structure.objects.get(pk=obj.pk)
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.EDITABLE_FIELDS}
        if data:
            services.update_structure(actor=request.user, structure=fresh, data=data)
        to_status = form.cleaned_data.get("status", fresh.status)
        if to_status != fresh.status:
            services.transition_structure(
                actor=request.user,
                structure=fresh,
                to_status=to_status,
                reason=form.cleaned_data.get("refusal_reason", ""),
            )
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Structure) -> None:
        services.delete_structure(actor=request.user, structure=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Structure]) -> None:
        for structure in queryset:
            services.delete_structure(actor=request.user, structure=structure)
