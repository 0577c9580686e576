from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from maillage.actors.querysets import StructureQuerySet


def structure_list(request: HttpRequest) -> HttpResponse:
    qs = StructureQuerySet.for_user(request.user, request.territory).select_related("commune")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "actors/structure_list.html", {"page": page})


def structure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    structure = get_object_or_404(StructureQuerySet.for_user(request.user, request.territory), slug=slug)
    return render(request, "actors/structure_detail.html", {"structure": structure})
