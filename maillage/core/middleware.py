"""Resolve the territory a request is for, from its (already validated) host (cached per process: see
`maillage.core.querysets.cached_territory_for_host`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from maillage.core.models import Territory
from maillage.core.querysets import cached_territory_for_host


class TerritoryRequest(HttpRequest):
    """What views receive once the middleware ran: the request and the territory it is for (or None)."""

    territory: Territory | None


class TerritoryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: TerritoryRequest) -> HttpResponse:
        # get_host() validates the Host header against ALLOWED_HOSTS (the territories' domains).
        host = request.get_host().rsplit(":", 1)[0] if request.get_host() else ""
        request.territory = cached_territory_for_host(host.lower())
        return self.get_response(request)
