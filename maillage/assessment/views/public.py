"""Pages anyone may read: the home page of the self-assessment, the grid, the territory's view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.assessment import selectors
from maillage.assessment.models import Grid
from maillage.assessment.permissions import can_animate


def home(request: HttpRequest) -> HttpResponse:
    context = selectors.home_context(request.user, request.territory)
    context["breadcrumbs"] = [("Utilité sociale", None)]
    context["can_animate"] = can_animate(request.user, request.territory)
    return render(request, "assessment/home.html", context)


def grid_page(request: HttpRequest) -> HttpResponse:
    grid = Grid.objects.published(request.territory)
    return render(
        request,
        "assessment/grid.html",
        {
            "grid": grid,
            "themes": selectors.grid_themes(grid) if grid else [],
            "breadcrumbs": selectors.crumbs(("La grille", None)),
        },
    )


def territory_view(request: HttpRequest) -> HttpResponse:
    context = selectors.territory_context(request.territory, request.GET)
    context["breadcrumbs"] = selectors.crumbs(("Résultats du territoire", None))
    return render(request, "assessment/territory.html", context)
