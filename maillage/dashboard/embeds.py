"""Embeds: small pages a partner's site shows in an iframe — the map of structures per commune, the coming
rendez-vous, the charter's signatories — and the page that gives the snippet to paste.

Only these pages may be framed (`frame-ancestors *`, no X-Frame-Options); every other page keeps the site's
policy (`frame-ancestors 'none'`, `X-Frame-Options: DENY`). Their links open the territory's own site in a
new tab. The signatories come through the registry (the charter's « structure badge »): no feature app is
imported here.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt

from maillage.actors.models import Structure
from maillage.core.registry import registry
from maillage.dashboard import selectors
from maillage.events.models import Event

AGENDA_SIZE = 8
SIGNATORIES_SHOWN = 200


def _embed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let any site frame this page, and only this page (the site's policy is « 'none' »: replaced, not
    extended, or browsers would keep refusing every frame)."""
    return xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(view))


def _site(request: HttpRequest, path: str) -> str:
    return request.territory.absolute_url(path)


def embed_index(request: HttpRequest) -> HttpResponse:
    """The page for partners: what each embed shows and the snippet to paste."""
    embeds = [
        ("carte", "La carte des structures par commune", 420),
        ("agenda", "Les prochains rendez-vous", 480),
    ]
    if "charter" in registry.structure_badges:
        embeds.append(("signataires", "Les signataires de la charte", 480))
    items = [
        {
            "key": key,
            "title": title,
            "url": _site(request, f"/integrer/{key}/"),
            "snippet": (
                f'<iframe src="{_site(request, f"/integrer/{key}/")}" title="{title} — '
                f'{request.territory.name}" width="100%" height="{height}" loading="lazy" '
                f'style="border:0"></iframe>'
            ),
        }
        for key, title, height in embeds
    ]
    return render(request, "dashboard/embed_index.html", {"items": items})


@_embed
def embed_map(request: HttpRequest) -> HttpResponse:
    section = selectors.section_or_none(request.territory, 0, "communes", full=False) or {}
    return render(
        request,
        "dashboard/embed_map.html",
        {"points": section.get("points", []), "rows": section.get("rows", []), "home": _site(request, "/")},
    )


@_embed
def embed_agenda(request: HttpRequest) -> HttpResponse:
    events = (
        Event.objects.public_agenda(request.territory)
        .upcoming(timezone.now())
        .only("title", "slug", "start", "venue")[:AGENDA_SIZE]
    )
    rows = [{"event": e, "url": _site(request, f"/agenda/{e.slug}/")} for e in events]
    return render(request, "dashboard/embed_agenda.html", {"rows": rows, "home": _site(request, "/agenda/")})


@_embed
def embed_signatories(request: HttpRequest) -> HttpResponse:
    badge = registry.structure_badges.get("charter")
    structures = (
        Structure.objects.published(request.territory)
        .filter(pk__in=badge.structure_ids(request.territory))
        .select_related("commune")
        .order_by("name")[:SIGNATORIES_SHOWN]
        if badge is not None
        else Structure.objects.none()
    )
    rows = [{"structure": s, "url": _site(request, f"/structures/{s.slug}/")} for s in structures]
    return render(
        request,
        "dashboard/embed_signatories.html",
        {"rows": rows, "label": badge.label if badge else "", "home": _site(request, "/charte/signataires/")},
    )
