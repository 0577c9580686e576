"""API of the directory: the list with the same filters as the search page (and its facets), the detail.

Generic (public) contacts only; the personal contact of a structure never appears."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BeforeValidator

from maillage.actors import directory, taxonomy
from maillage.actors.models import Structure
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


def _yes_no(value: Any) -> Any:
    """`esus=oui` as well as `true` or `1` (the search page's form sends `1`)."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("1", "true", "oui", "on", "vrai"):
            return True
        if word in ("", "0", "false", "non", "off", "faux"):
            return False
    return value


YesNo = Annotated[bool, BeforeValidator(_yes_no)]


class StructureFilters(Schema):
    q: str = ""
    famille: list[str] = []
    inclusion: list[str] = []
    secteur: list[str] = []
    commune: list[str] = []
    effectif: list[str] = []
    badge: list[str] = []
    esus: YesNo = Field(False, description="true, false, 1, 0, oui ou non")
    autour: str = ""
    adresse: str = ""
    rayon: int = 10
    tri: str = ""
    page: int = Field(1, ge=1)


@router.get(
    "/structures",
    summary="Structures publiées du territoire",
    description="Mêmes filtres que la page de recherche : texte `q`, `famille`, `inclusion` (code ou groupe "
    f"{', '.join(taxonomy.INCLUSION_GROUPS)}), `secteur`, `commune` (code INSEE), `effectif`, `esus`, "
    "`autour` (code INSEE) ou `adresse` (localisée avec la Base Adresse Nationale) et `rayon` (km), "
    "`tri` (pertinence, nom, distance). 20 par page, avec les facettes. Une commune ou une adresse "
    "introuvable répond 400 avec le message ; une page au-delà de la dernière répond 404.",
    response={200: StructurePageOut, 400: None, 404: None},
)
def list_structures(request, filters: Query[StructureFilters]):
    territory = request.territory
    known = {code for _pk, code, _name, _lat, _lon in directory.territory_communes(territory)}
    unknown = [code for code in dict.fromkeys(filters.commune) if code not in known]
    if unknown:
        codes = ", ".join(code[:10] for code in unknown[:5])
        raise HttpError(400, f"Commune inconnue dans le territoire (code INSEE) : {codes}.")
    params = request.GET.copy()
    params.setlist("esus", ["1"] if filters.esus else [])  # the page's form reads only « 1 »
    parsed = directory.parse_filters(params, territory, client_key=client_ip(request))
    if parsed.errors:
        raise HttpError(400, " ".join(parsed.errors))
    page = directory.run(parsed, territory, page=filters.page)
    if filters.page > page.num_pages:
        raise HttpError(404, f"La page {filters.page} n'existe pas : il y a {page.num_pages} page(s).")
    return {
        "items": page.structures,
        "count": page.total,
        "page": page.number,
        "pages": page.num_pages,
        "sort": page.sort,
        "facets": page.facets,
    }


@router.get("/structures/{slug}", response={200: StructureDetailOut, 404: None}, summary="Une structure")
def get_structure(request, slug: str):
    structure = (
        Structure.objects.published(request.territory)
        .select_related("commune")
        .prefetch_related("sectors")
        .filter(slug=slug)
        .first()
    )
    if structure is None:
        raise HttpError(404, "Aucune structure publiée du territoire ne porte cet identifiant.")
    return structure
