"""What the calls' views share: guards, the objects behind URLs, form errors, breadcrumbs."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from maillage.calls.models import Application, Call
from maillage.calls.permissions import can_animate


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def animators_only(request: HttpRequest) -> None:
    if not can_animate(request.user, request.territory):
        raise PermissionDenied


def call_or_404(request: HttpRequest, year: int) -> Call:
    return get_object_or_404(Call.objects.for_user(request.user, request.territory), year=year)


def managed_call_or_404(request: HttpRequest, year: int) -> Call:
    animators_only(request)
    return get_object_or_404(Call.objects.of_territory(request.territory), year=year)


def application_or_404(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.for_user(request.user, request.territory).select_related("call", "structure"),
        pk=pk,
    )


def crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Appels à projets", reverse("calls:home")), *items]
