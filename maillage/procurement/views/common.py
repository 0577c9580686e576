"""What procurement's views share: the need behind a URL, form errors, breadcrumbs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from maillage.procurement.models import Need


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form (on its field when the form has it)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def need_or_404(request: HttpRequest, pk: int) -> Need:
    return get_object_or_404(
        Need.objects.for_user(request.user, request.territory).select_related("buyer", "commune"), pk=pk
    )


def crumbs(*items: tuple[str, Any]) -> list[tuple[str, Any]]:
    return [("Achats responsables", reverse("procurement:home")), *items]
