"""Helpers shared by the agenda's views: the events a person may see, the one they manage."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from maillage.events import permissions
from maillage.events.models import Event

CHECKIN_PURPOSE = "events.checkin"


CHECKIN_MAX_AGE = dt.timedelta(hours=36)


def _visible(request: HttpRequest):
    return Event.objects.for_user(request.user, request.territory)


def _event_or_404(request: HttpRequest, slug: str) -> Event:
    return get_object_or_404(
        _visible(request).select_related("territory", "commune", "series", "campaign"), slug=slug
    )


def _managed_event(request: HttpRequest, slug: str) -> Event:
    event = _event_or_404(request, slug)
    if not permissions.can_manage_event(request.user, event):
        raise PermissionDenied
    return event


def _require_animator(request: HttpRequest) -> None:
    if not permissions.can_animate(request.user, request.territory):
        raise PermissionDenied
