"""API of the directory (minimal in the foundation; the directory issue adds filters and facets)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from maillage.actors.querysets import StructureQuerySet

router = Router(tags=["structures"])


class CommuneOut(Schema):
    insee_code: str
    name: str


class StructureOut(Schema):
    slug: str
    name: str
    family: str
    commune: CommuneOut | None = None
    public_email: str = ""


@router.get("/structures", response=list[StructureOut], summary="Structures publiées du territoire")
@paginate(PageNumberPagination, page_size=50)
def list_structures(request):
    return StructureQuerySet.for_user(request.user, request.territory).select_related("commune")


@router.get("/structures/{slug}", response=StructureOut, summary="Une structure")
def get_structure(request, slug: str):
    return get_object_or_404(StructureQuerySet.for_user(request.user, request.territory), slug=slug)
