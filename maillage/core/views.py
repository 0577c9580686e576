"""Core pages: the territory's home, legal pages, site map, the per-territory theme, error pages."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import etag, require_GET

from maillage.core.contract import objectives_for
from maillage.core.middleware import TerritoryRequest
from maillage.core.models import Territory
from maillage.core.registry import ContentBlock, registry

logger = logging.getLogger(__name__)

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


# --- home ------------------------------------------------------------------------------------------


def upcoming_blocks(territory: Territory) -> list[ContentBlock]:
    """What is coming next, from every module's content provider (`build(territory, since, options)`).

    `since` is now (an aware datetime); providers return a `ContentBlock` (whose `html` they escape
    themselves) or None when they have nothing to show.
    """
    now = timezone.now()
    blocks = []
    for provider in sorted(registry.content_providers.values(), key=lambda p: p.key):
        block = provider.build(territory=territory, since=now, options={})
        if block is not None:
            blocks.append(ContentBlock(title=block.title, html=mark_safe(block.html), text=block.text))  # noqa: S308
    return blocks


def home(request: TerritoryRequest) -> HttpResponse:
    territory = request.territory
    if territory is None:
        raise Http404("Aucun territoire n'est servi à cette adresse.")
    return render(
        request,
        "core/home.html",
        {"objectives": objectives_for(territory), "upcoming": upcoming_blocks(territory)},
    )


# --- legal pages -----------------------------------------------------------------------------------

_LEGAL_TEMPLATES = {
    "legal_notice": ("core/legal_notice.html", "Mentions légales"),
    "privacy": ("core/privacy.html", "Données personnelles"),
    "accessibility": ("core/accessibility.html", "Déclaration d'accessibilité"),
}

_NOT_SET = "non renseigné par l'administrateur du site"


def legal_info(territory: Territory | None) -> dict[str, str]:
    """The facts the legal pages print, from `territory.settings` (keys below) with sensible defaults."""
    conf = dict(territory.settings or {}) if territory is not None else {}
    name = territory.name if territory is not None else "Maillage"
    contact_email = territory.contact_email if territory is not None else ""
    contact_address = territory.contact_address if territory is not None else ""

    def get(key: str, default: str) -> str:
        value = conf.get(key)
        return str(value).strip() if value not in (None, "") else default

    publisher_address = get("publisher_address", contact_address or _NOT_SET)
    return {
        "site_url": territory.canonical_url if territory is not None else "",
        "publisher_name": get("publisher_name", name),
        "publisher_address": publisher_address,
        "publisher_address_inline": ", ".join(
            line.strip() for line in publisher_address.splitlines() if line.strip()
        ),
        "publisher_siret": get("publisher_siret", ""),
        "publication_director": get("publication_director", f"le représentant légal de {name}"),
        "host_name": get("host_name", _NOT_SET),
        "host_address": get("host_address", _NOT_SET),
        "host_contact": get("host_contact", _NOT_SET),
        "privacy_contact": get("privacy_contact", contact_email or _NOT_SET),
        "dpo_contact": get("dpo_contact", ""),
        "accessibility_contact": get("accessibility_contact", contact_email or _NOT_SET),
        "accessibility_date": get("accessibility_date", ""),
    }


def legal_page(request: TerritoryRequest, page: str) -> HttpResponse:
    template, title = _LEGAL_TEMPLATES[page]
    context = {
        "legal": legal_info(request.territory),
        "breadcrumbs": [("Accueil", reverse("core:home")), (title, None)],
        "personal_data_hooks": registry.ordered_personal_data() if page == "privacy" else [],
    }
    return render(request, template, context)


def sitemap(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/sitemap.html",
        {
            "entries": registry.menu_for(request),
            "breadcrumbs": [("Accueil", reverse("core:home")), ("Plan du site", None)],
        },
    )


# --- theme -----------------------------------------------------------------------------------------


def _accent(request: HttpRequest) -> str:
    territory = getattr(request, "territory", None)
    accent = territory.accent_color if territory is not None else settings.MAILLAGE_ACCENT_COLOR
    # Never echo anything but a colour into CSS, whatever the database holds.
    return accent.lower() if _HEX.match(accent or "") else settings.MAILLAGE_ACCENT_COLOR


def _theme_body(request: HttpRequest) -> str:
    return f":root{{--accent:{_accent(request)};}}\n"


def _theme_etag(request: HttpRequest) -> str:
    return hashlib.sha256(_theme_body(request).encode()).hexdigest()[:20]


@require_GET
@etag(_theme_etag)
def theme_css(request: HttpRequest) -> HttpResponse:
    """The territory's accent colour as a CSS custom property (CSP forbids inline styles)."""
    response = HttpResponse(_theme_body(request), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- errors ----------------------------------------------------------------------------------------


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {}, status=404)


_BARE_503 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Service indisponible</title></head>'
    "<body><h1>Service momentanément indisponible</h1><p>Réessayez dans une minute.</p></body></html>"
)
_BARE_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur du serveur</title></head>'
    "<body><h1>Une erreur est survenue</h1><p>Réessayez dans quelques minutes.</p></body></html>"
)


# How long a client should wait before trying again when the database does not answer (seconds).
DATABASE_RETRY_AFTER = 60


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (not a bad query): a 503, not a 500."""
    return isinstance(exc, (OperationalError, InterfaceError))


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors and no database: the database may be what failed. Django calls this handler
    # inside its `except` block, so the exception being handled is the one that reached the top.
    if database_unavailable(sys.exc_info()[1]):
        return _database_unavailable(request)
    try:
        body: str = loader.render_to_string("500.html", {}, request=None)
    except Exception:  # the template layer itself failed: answer anyway
        logger.exception("the 500 page could not be rendered")
        body = _BARE_500
    return HttpResponse(body, status=500)


def _database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: a page in French, or problem details for the API (same shape as `api`'s)."""
    if request.path.startswith("/api/v1/"):
        response: HttpResponse = HttpResponse(
            json.dumps(
                {
                    "type": "/api/#probleme-service-indisponible",
                    "title": "Service momentanément indisponible",
                    "status": 503,
                    "detail": "La base de données ne répond pas ; réessayez dans une minute.",
                    "instance": request.get_full_path(),
                },
                ensure_ascii=False,
            ),
            status=503,
            content_type="application/problem+json; charset=utf-8",
        )
    else:
        try:
            body: str = loader.render_to_string("503.html", {}, request=None)
        except Exception:
            logger.exception("the 503 page could not be rendered")
            body = _BARE_503
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", {}, status=403)


# --- load test -------------------------------------------------------------------------------------


def bench_ok(request: HttpRequest) -> HttpResponse:
    """« ok », nothing else: the ceiling of this stack (gunicorn and the whole middleware) that the load test
    compares the directory page with. Only in the URL conf when MAILLAGE_BENCH_OK_VIEW is on (bench/load/)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
