"""What the needs views share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from maillage.core.actors import system
from maillage.needs import services
from maillage.needs.models import Need
from maillage.needs.permissions import can_animate, can_qualify

DEFAULTS = system("catégories par défaut")


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def animators_only(request: HttpRequest) -> None:
    if not can_animate(request.user, request.territory):
        raise PermissionDenied


def qualifiers_only(request: HttpRequest) -> bool:
    """Refuse who may not qualify needs; True for the animation (every move), False for the atelier."""
    if not can_qualify(request.user, request.territory):
        raise PermissionDenied
    return can_animate(request.user, request.territory)


def need_or_404(request: HttpRequest, pk: int) -> Need:
    return get_object_or_404(
        Need.objects.for_user(request.user, request.territory).select_related("category", "merged_into"),
        pk=pk,
    )


def ensure_categories(request: HttpRequest) -> None:
    services.ensure_categories(actor=DEFAULTS, territory=request.territory)
