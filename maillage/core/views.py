from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from maillage.core.registry import registry

_LEGAL_TEMPLATES = {
    "legal_notice": "core/legal_notice.html",
    "privacy": "core/privacy.html",
    "accessibility": "core/accessibility.html",
}


def home(request: HttpRequest) -> HttpResponse:
    if request.territory is None:
        raise Http404("Aucun territoire n'est servi à cette adresse.")
    return render(request, "core/home.html", {})


def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    return render(request, _LEGAL_TEMPLATES[page], {})


def sitemap(request: HttpRequest) -> HttpResponse:
    return render(request, "core/sitemap.html", {"entries": registry.menu_for(request)})


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    body = loader.render_to_string(template, {"request": request}, request=None)
    return HttpResponse(body, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    return _error(request, 500, "500.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", {}, status=403)
