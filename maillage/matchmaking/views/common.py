from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from maillage.matchmaking.models import SpeedMeeting
from maillage.matchmaking.permissions import can_animate


def meeting_or_404(request: HttpRequest, pk: int) -> SpeedMeeting:
    return get_object_or_404(SpeedMeeting.objects.for_user(request.user, request.territory), pk=pk)


def animators_only(request: HttpRequest) -> None:
    if not can_animate(request.user, request.territory):
        raise PermissionDenied


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
