"""Thin views: the territory in figures (public and animation), its CSV tables and PDF, the site search."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maillage.core.exports import export_response
from maillage.core.pdf import pdf_response, render_pdf
from maillage.core.ratelimit import client_ip, over_limit
from maillage.dashboard import regional, selectors, services
from maillage.dashboard.forms import SearchForm, YearForm
from maillage.dashboard.permissions import can_animate
from maillage.dashboard.search import site_search

PDF_LIMIT = 10  # PDFs per address and minute


def _year(request: HttpRequest) -> tuple[YearForm, int]:
    form = YearForm(request.GET or None)
    return form, form.year()


def figures(request: HttpRequest) -> HttpResponse:
    form, year = _year(request)
    context = selectors.figures_context(request.territory, year, full=False)
    context.update(form=form, can_animate=can_animate(request.user, request.territory))
    return render(request, "dashboard/figures.html", context)


@login_required
def animation(request: HttpRequest) -> HttpResponse:
    if not can_animate(request.user, request.territory):
        raise PermissionDenied
    form, year = _year(request)
    context = selectors.figures_context(request.territory, year, full=True)
    context.update(form=form, can_animate=True)
    return render(request, "dashboard/animation.html", context)


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    form, year = _year(request)
    try:
        services.refresh_figures(actor=request.user, territory=request.territory, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Les chiffres ont été recalculés.")
    return redirect(reverse("dashboard:animation") + (f"?annee={year}" if year else ""))


def section_csv(request: HttpRequest, key: str) -> HttpResponse:
    _, year = _year(request)
    full = can_animate(request.user, request.territory)
    section = selectors.section_or_none(request.territory, year, key, full=full)
    if section is None:
        raise Http404("Ce tableau de chiffres n'existe pas.")
    suffix = f"-{year}" if year else ""
    return export_response(
        headers=section["headers"],
        rows=section["rows"],
        filename=f"chiffres-{key}{suffix}",
        fmt="csv",
        delimiter=";",
        title=section["title"][:31],
    )


def figures_pdf(request: HttpRequest) -> HttpResponse:
    _, year = _year(request)
    if over_limit(f"dashboard:pdf:{client_ip(request)}", limit=PDF_LIMIT, window=60):
        return HttpResponse(
            "Trop de documents demandés en peu de temps : réessayez dans une minute.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    context = selectors.figures_context(request.territory, year, full=False)
    found = context["snapshot"]
    key = f"dashboard:pdf:{found.pk}:{found.computed_at.isoformat()}"
    data = cache.get(key)
    if data is None:
        context["territory"] = request.territory
        data = render_pdf("dashboard/pdf.html", context, base_url=request.territory.absolute_url("/"))
        cache.set(key, data, 3600)
    suffix = f"-{year}" if year else ""
    return pdf_response(data, f"ess-du-territoire-en-chiffres{suffix}.pdf", private=False)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    groups = site_search(request.territory, query) if query else []
    return render(
        request,
        "dashboard/search.html",
        {"form": form, "query": query, "groups": groups, "count": sum(g.total for g in groups)},
    )


def territories(request: HttpRequest) -> HttpResponse:
    """The instance's territories and their figures side by side (the regional view)."""
    form, year = _year(request)
    context = regional.regional_context(year)
    context.update(form=form, breadcrumbs=[("Territoires de la plateforme", None)])
    return render(request, "dashboard/territories.html", context)
