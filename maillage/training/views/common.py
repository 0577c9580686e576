"""What the training views share: guards, form errors, breadcrumbs."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse

from maillage.training import permissions


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form (on its field when the form has it)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def animators_only(request: HttpRequest) -> None:
    if not permissions.can(request.user, permissions.ANIMATE, request.territory):
        raise PermissionDenied


def advisers_only(request: HttpRequest) -> None:
    if not permissions.can(request.user, permissions.ADVISE, request.territory):
        raise PermissionDenied


def crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Accueil", "/"), ("Formations et accompagnement", reverse("training:home")), *items]


def is_animator(request: HttpRequest) -> bool:
    return permissions.can(request.user, permissions.ANIMATE, request.territory)


def is_adviser(request: HttpRequest) -> bool:
    return permissions.can(request.user, permissions.ADVISE, request.territory)
