"""What the charter's views share: the version behind a URL, the page guards, form errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from maillage.charter.models import CharterVersion
from maillage.charter.permissions import can_animate, can_contribute


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form (on its field when the form has it)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def animators_only(request: HttpRequest) -> None:
    if not can_animate(request.user, request.territory):
        raise PermissionDenied


def contributors_only(request: HttpRequest) -> None:
    if not can_contribute(request.user, request.territory):
        raise PermissionDenied


def version_or_404(request: HttpRequest, number: int) -> CharterVersion:
    """The version numbered `number`, when the person may read it (drafts: the animation only)."""
    return get_object_or_404(
        CharterVersion.objects.for_user(request.user, request.territory).select_related("charter"),
        number=number,
    )
