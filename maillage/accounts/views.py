"""« Mon espace », the personal-data export and the account erasure. Thin: read, call a service, render."""

from __future__ import annotations

import json

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from maillage.accounts import services
from maillage.accounts.forms import EraseAccountForm, GrantRoleForm, NameForm
from maillage.accounts.models import TerritoryRole
from maillage.accounts.querysets import (
    active_user_by_email,
    email_addresses_of,
    with_totp,
)
from maillage.core.registry import registry


@login_required
def my_space(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Memberships live in `actors`, which accounts may not import: read them through the reverse relation.
    memberships = getattr(user, "memberships", None)
    authenticator_types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return render(
        request,
        "accounts/my_space.html",
        {
            "email_addresses": email_addresses_of(user),
            "roles": TerritoryRole.objects.of_person(user),
            "memberships": (
                memberships.select_related("structure", "structure__territory").order_by("structure__name")
                if memberships is not None
                else []
            ),
            "has_totp": Authenticator.Type.TOTP in authenticator_types,
            "perms_team": user.has_perm("accounts.manage_territory_roles", request.territory),
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in authenticator_types,
            # My registrations, ateliers, signatures…: each module brings its section through the registry.
            "sections": registry.my_space_sections_for(user, getattr(request, "territory", None)),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_name(request: HttpRequest) -> HttpResponse:
    """« Modifier mon nom »: the first and last name asked at sign-up."""
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    form = NameForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_name(actor=user, user=user, **form.cleaned_data)
        messages.success(request, "Votre nom a été enregistré.")
        return redirect("accounts:my_space")
    return render(request, "accounts/edit_name.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    data = services.export_personal_data(
        actor=request.user, user=request.user, territory=getattr(request, "territory", None)
    )
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = services.export_filename(timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def erase_account(request: HttpRequest) -> HttpResponse:
    """GET shows what will be erased; POST with the password erases."""
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            messages.error(request, "Trop de tentatives : réessayez dans quelques minutes.")
            return render(request, "accounts/erase.html", {"form": form}, status=429)
        if form.is_valid():
            services.erase_account(actor=request.user, user=request.user)
            logout(request)
            messages.success(request, "Votre compte et vos données personnelles ont été supprimés.")
            return redirect("core:home")
    return render(request, "accounts/erase.html", {"form": form})


# --- the territory's animation team --------------------------------------------------------------------


def _require_role_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("accounts.manage_territory_roles", request.territory):
        raise PermissionDenied


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest) -> HttpResponse:
    """The territory's animators and moderators; the animation names someone (by the e-mail of an account)."""
    _require_role_manager(request)
    territory = request.territory
    form = GrantRoleForm(request.POST or None, choices=TerritoryRole.Role.choices)
    if request.method == "POST" and form.is_valid():
        person = active_user_by_email(form.cleaned_data["email"])
        if person is None:
            form.add_error(
                "email",
                "Aucun compte actif n'utilise cette adresse : la personne doit d'abord créer son compte.",
            )
        else:
            role = services.grant_territory_role(
                actor=request.user, user=person, territory=territory, role=form.cleaned_data["role"]
            )
            messages.success(request, f"{person.display_name} est {role.get_role_display()} du territoire.")
            return redirect("accounts:team")
    roles = TerritoryRole.objects.for_user(request.user, territory).order_by("role", "user__email")
    return render(
        request,
        "accounts/team.html",
        {"form": form, "roles": roles, "with_totp": with_totp([r.user_id for r in roles])},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def team_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST takes the role back."""
    _require_role_manager(request)
    role = get_object_or_404(TerritoryRole.objects.for_user(request.user, request.territory), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.revoke_territory_role(
                actor=request.user, user=role.user, territory=request.territory, role=role.role
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{role.user.display_name} n'est plus {role.get_role_display()}.")
            return redirect("accounts:team")
    return render(
        request, "accounts/team_revoke.html", {"role": role, "error": error}, status=400 if error else 200
    )
