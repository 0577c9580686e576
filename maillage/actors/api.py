"""API of the directory: the list with the same filters as the search page (and its facets), the detail.

Generic (public) contacts only; the personal contact of a structure never appears."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from maillage.actors import directory, taxonomy
from maillage.actors.models import Structure
from maillage.actors.querysets import StructureQuerySet
from maillage.core.ratelimit import client_ip

router = Router(tags=["structures"])


class CommuneOut(Schema):
    insee_code: str
    name: str


class StructureOut(Schema):
    slug: str
    name: str
    family: str
    inclusion_kind: str = ""
    esus: bool = False
    sectors: list[str] = []
    commune: CommuneOut | None = None
    latitude: float | None = None
    longitude: float | None = None
    distance_km: float | None = None
    public_email: str = ""

    @staticmethod
    def resolve_sectors(obj: Structure) -> list[str]:
        return obj.sector_keys

    @staticmethod
    def resolve_distance_km(obj: Structure) -> float | None:
        d = getattr(obj, "distance_km", None)
        return round(d, 2) if d is not None else None


class StructureDetailOut(StructureOut):
    siren: str = ""
    siret: str = ""
    rna: str = ""
    legal_form: str = ""
    legal_form_label: str = ""
    workforce_band: str = ""
    labels: list[str] = []
    address: str = ""
    postal_code: str = ""
    website: str = ""
    public_phone: str = ""
    description: str = ""
    practices: list[str] = []

    @staticmethod
    def resolve_practices(obj: Structure) -> list[str]:
        return [p.title for p in obj.practices.filter(is_published=True)]


class FacetValueOut(Schema):
    key: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    key: str
    label: str
    values: list[FacetValueOut]


class StructurePageOut(Schema):
    items: list[StructureOut]
    count: int
    page: int
    pages: int
    sort: str
    facets: list[FacetOut]


class ErrorOut(Schema):
    detail: str


class StructureFilters(Schema):
    q: str = ""
    famille: list[str] = []
    inclusion: list[str] = []
    secteur: list[str] = []
    commune: list[str] = []
    effectif: list[str] = []
    badge: list[str] = []
    esus: bool = False
    autour: str = ""
    adresse: str = ""
    rayon: int = 10
    tri: str = ""
    page: int = 1


@router.get(
    "/structures",
    summary="Structures publiées du territoire",
    description="Mêmes filtres que la page de recherche : texte `q`, `famille`, `inclusion` (code ou groupe "
    f"{', '.join(taxonomy.INCLUSION_GROUPS)}), `secteur`, `commune` (code INSEE), `effectif`, `esus`, "
    "`autour` (code INSEE) ou `adresse` (localisée avec la Base Adresse Nationale) et `rayon` (km), "
    "`tri` (pertinence, nom, distance). 20 par page, avec les facettes. Une commune ou une adresse "
    "introuvable répond 400 avec le message.",
    response={200: StructurePageOut, 400: ErrorOut},
)
def list_structures(request, filters: Query[StructureFilters]):
    territory = request.territory
    parsed = directory.parse_filters(request.GET, territory, client_key=client_ip(request))
    if parsed.errors:
        return 400, {"detail": " ".join(parsed.errors)}
    page = directory.run(parsed, territory, page=filters.page)
    return {
        "items": page.structures,
        "count": page.total,
        "page": page.number,
        "pages": page.num_pages,
        "sort": page.sort,
        "facets": page.facets,
    }


@router.get("/structures/{slug}", response=StructureDetailOut, summary="Une structure")
def get_structure(request, slug: str):
    return get_object_or_404(
        StructureQuerySet.published(request.territory).select_related("commune").prefetch_related("sectors"),
        slug=slug,
    )
