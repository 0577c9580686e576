"""« Mon espace », the personal-data export and the account erasure. Thin: read, call a service, render."""

from __future__ import annotations

import json

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from maillage.accounts import services
from maillage.accounts.forms import EraseAccountForm
from maillage.accounts.querysets import TerritoryRoleQuerySet, email_addresses_of


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
            "roles": TerritoryRoleQuerySet.of_person(user),
            "memberships": (
                memberships.select_related("structure", "structure__territory").order_by("structure__name")
                if memberships is not None
                else []
            ),
            "has_totp": Authenticator.Type.TOTP in authenticator_types,
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in authenticator_types,
        },
    )


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
