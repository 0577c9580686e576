"""What the Trophée's views share: the objects behind URLs, guards, and the message page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from maillage.awards.models import Edition
from maillage.awards.permissions import can_animate


def edition_or_404(request: HttpRequest, year: int) -> Edition:
    return get_object_or_404(Edition.objects.for_user(request.user, request.territory), year=year)


def managed_edition_or_404(request: HttpRequest, year: int) -> Edition:
    animators_only(request)
    return get_object_or_404(Edition.objects.of_territory(request.territory), year=year)


def animators_only(request: HttpRequest) -> None:
    if not can_animate(request.user, request.territory):
        raise PermissionDenied


def message(
    request: HttpRequest, title: str, text: str, *, status: int = 200, link: str = ""
) -> HttpResponse:
    response = render(
        request, "awards/message.html", {"title": title, "text": text, "link": link}, status=status
    )
    response["Referrer-Policy"] = "same-origin"
    return response
