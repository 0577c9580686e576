"""API of the directory: the list with the same filters as the search page (and its facets), the detail.

Generic (public) contacts only; the personal contact of a structure never appears."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BeforeValidator

from maillage.actors import directory, taxonomy
from maillage.actors.models import Structure
from maillage.core import cursor
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
    next_cursor: str | None = None


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
    taille: int = Field(directory.PAGE_SIZE, ge=1, le=200, description="structures par page (200 au plus)")
    curseur: str = Field("", max_length=500, description="la valeur `next_cursor` de la page précédente")


CURSOR_ORDER = ("name_key", "pk")  # the name sort's order (directory.run sorts the same way)
CURSOR_SALT = "api.structures"


def next_cursor(last: Structure, total: int) -> str:
    """The cursor of the page after `last`: its place in the name order, then the total counted by the first
    page, carried from page to page (signed with the rest), so that a page after a cursor counts nothing."""
    return cursor.encode([*cursor.values_of(last, CURSOR_ORDER), total], salt=CURSOR_SALT)


@router.get(
    "/structures",
    summary="Structures publiées du territoire",
    description="Mêmes filtres que la page de recherche : texte `q`, `famille`, `inclusion` (code ou groupe "
    f"{', '.join(taxonomy.INCLUSION_GROUPS)}), `secteur`, `commune` (code INSEE), `effectif`, `esus`, "
    "`autour` (code INSEE) ou `adresse` (localisée avec la Base Adresse Nationale) et `rayon` (km), "
    "`tri` (pertinence, nom, distance). `taille` par page (20 par défaut, 200 au plus), avec les "
    "facettes. Pagination par curseur pour le tri par nom : `next_cursor` se passe en `curseur` pour la "
    "page suivante (stable même si des structures sont ajoutées entre deux pages ; les facettes ne sont "
    "données qu'en première page, et `count` et `pages` sont ceux de la première page). Un curseur altéré "
    "répond 400, comme une commune ou une adresse introuvable ; une page au-delà de la dernière répond 404.",
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
    if filters.curseur:
        return _after_cursor(parsed, territory, filters)
    page = directory.run(parsed, territory, page=filters.page, page_size=filters.taille)
    if filters.page > page.num_pages:
        raise HttpError(404, f"La page {filters.page} n'existe pas : il y a {page.num_pages} page(s).")
    following = None
    if page.sort == "nom" and page.has_next and page.structures:
        following = next_cursor(page.structures[-1], page.total)
    return {
        "items": page.structures,
        "count": page.total,
        "page": page.number,
        "pages": page.num_pages,
        "sort": page.sort,
        "facets": page.facets,
        "next_cursor": following,
    }


def _after_cursor(parsed: directory.Filters, territory: Any, filters: StructureFilters) -> dict[str, Any]:
    """A page after a cursor (keyset on the name sort): no OFFSET however deep the page, and no count (the
    total is the first page's, carried in the cursor): one query of `taille + 1` rows, then the sectors."""
    if parsed.effective_sort() != "nom":
        raise HttpError(400, "Le curseur ne sert qu'au tri par nom : pour un autre tri, utilisez « page ».")
    try:
        *values, total = cursor.decode(filters.curseur, salt=CURSOR_SALT, length=len(CURSOR_ORDER) + 1)
        if not isinstance(total, int) or total < 0:
            raise cursor.InvalidCursor()
    except cursor.InvalidCursor as exc:
        raise HttpError(400, str(exc)) from None
    matching = directory.base_queryset(Structure.objects.all(), parsed, territory).filter(
        directory.filter_conditions(parsed, territory)
    )
    items, more = cursor.rows_after(
        matching.select_related("commune").prefetch_related("sectors"),
        order=CURSOR_ORDER,
        values=values,
        size=filters.taille,
    )
    return {
        "items": items,
        "count": total,
        "page": 0,
        "pages": max(1, -(-total // filters.taille)),
        "sort": "nom",
        "facets": [],
        "next_cursor": next_cursor(items[-1], total) if more else None,
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
