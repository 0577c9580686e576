"""What the views share: the sheet behind a URL (its structure's members only), the guards, form errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from maillage.actors.models import Structure
from maillage.assessment.models import AnswerSheet, Campaign
from maillage.assessment.permissions import can_animate, can_read_for


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def animators_only(request: HttpRequest) -> None:
    if not can_animate(request.user, request.territory):
        raise PermissionDenied


def campaign_and_structure(request: HttpRequest, year: int, slug: str) -> tuple[Campaign, Structure]:
    """The campaign and the structure of a sheet's URL, when the person belongs to the structure: anyone
    else (the animation included) gets a 403, whether the sheet exists or not."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, request.territory), year=year)
    structure = get_object_or_404(Structure.objects.filter(territory=request.territory), slug=slug)
    if not can_read_for(request.user, structure):
        raise PermissionDenied
    return campaign, structure


def sheet_or_404(request: HttpRequest, year: int, slug: str) -> AnswerSheet:
    campaign, structure = campaign_and_structure(request, year, slug)
    sheet = (
        AnswerSheet.objects.for_user(request.user, request.territory)
        .select_related("campaign__grid", "structure")
        .filter(campaign=campaign, structure=structure)
        .first()
    )
    if sheet is None:
        raise Http404
    return sheet
