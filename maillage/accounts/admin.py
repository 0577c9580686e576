"""Technical administration of people and territory roles (the animators' daily work happens in the site)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.forms import ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from maillage.accounts import services
from maillage.accounts.models import TerritoryRole, User
from maillage.core.actors import Actor, require_actor

# Who is changing a password in the admin, for the form's save (set per request: thread- and task-safe).
_password_actor: ContextVar[Actor | None] = ContextVar("admin_password_actor", default=None)


class ServicePasswordChangeForm(AdminPasswordChangeForm):
    """Django's admin password form (validators, « disable password sign-in »), saved by the service."""

    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data.get("set_usable_password", True)
        return services.set_password_by_superuser(
            actor=require_actor(_password_actor.get()),
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
        )


class TerritoryRoleInline(admin.TabularInline):
    """Shown with the person; roles are granted and revoked on the role admin (or the team page)."""

    model = TerritoryRole
    extra = 0
    fields = ["territory", "role", "created_at"]
    readonly_fields = ["territory", "role", "created_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [TerritoryRoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = None
    change_password_form = ServicePasswordChangeForm

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        token = _password_actor.set(require_actor(request.user))
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people sign up themselves; the first superuser comes from `createsuperuser`

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # erasure runs every app's personal-data hook: the person does it from « Mon espace »

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        services.save_account_by_superuser(
            actor=require_actor(request.user), user=obj, fields=form.changed_data
        )


@admin.register(TerritoryRole)
class TerritoryRoleAdmin(SimpleHistoryAdmin):
    """Grant (add) and revoke (delete) through the services: history, the MFA decision reset, the mail."""

    list_display = ["user", "territory", "role", "created_at"]
    list_filter = ["territory", "role"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
    actions = None  # no bulk deletion: each revocation goes through the services

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a role is granted or revoked, never edited

    def save_model(self, request: HttpRequest, obj: TerritoryRole, form: ModelForm, change: bool) -> None:
        granted = services.grant_territory_role(
            actor=require_actor(request.user), user=obj.user, territory=obj.territory, role=obj.role
        )
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: TerritoryRole) -> None:
        services.revoke_territory_role(
            actor=require_actor(request.user), user=obj.user, territory=obj.territory, role=obj.role
        )
