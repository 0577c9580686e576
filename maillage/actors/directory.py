"""The directory's search: filters from the query string, full text through the core search index, facets
with counts, « autour de » a commune or an address with a radius, sorts, and the map's markers by bounding
box — one engine, the database (docs/adr/0014-annuaire-servi-par-la-base.md).

`base_queryset()` (text and « autour de ») and `filter_conditions()` (the facets) are the only definition of
what a search finds: the list (`run()`), the map (`markers()`), the exports and the API all use them, so the
same filters give the same set everywhere. The facet counts are disjunctive (each facet's counts apply every
other filter but its own, so ticking « ACI » still shows how many « EI » there are) and computed by the
database in one pass (`COUNT(*) FILTER (WHERE …)` per value) over the covering index
`actors_struct_directory`.

Full text: `core.search` documents (FTS5 / tsvector), every query word matching a term it prefixes; a word
(4+ letters) that no term of the territory's vocabulary (`DirectoryTerm`) starts with is corrected against
that vocabulary (the few words of the same initial, optimal-string-alignment distance 1, or 2 from 7
letters) — on both databases alike. Ranking is defined once, in SQL both databases run identically: the
number of query words found in the name, then the name's sort key, then the id.

No search state lives in a process: a page (ids, total, counts) is kept in the shared cache under the
territory's `DirectoryVersion`, which every write raises in its own transaction.

Distance: an equirectangular approximation, exact to well under 1 % within 50 km.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan
from django.http import QueryDict

from maillage.actors import geocoding, taxonomy
from maillage.actors.directory_counts import count_facets, inclusion_codes
from maillage.actors.directory_text import corrections, relevance, text_groups
from maillage.actors.models import DirectoryVersion, Structure
from maillage.actors.near import (  # « autour de »; re-exported for the directory's callers
    ADDRESS_LOOKUPS_PER_HOUR,
    NearPoint,
    locate_address,
    territory_communes,
)
from maillage.core import search as core_search
from maillage.core.geo import BBox, bbox_around
from maillage.core.models import Territory
from maillage.core.registry import registry

__all__ = [
    "ADDRESS_LOOKUPS_PER_HOUR",
    "NearPoint",
    "corrections",
    "inclusion_codes",
    "locate_address",
    "territory_communes",
    "text_groups",
]

SEARCH_KIND = "structure"
SORTS = {"pertinence": "Pertinence", "nom": "Nom", "distance": "Distance"}
RADII = [2, 5, 10, 20, 50]
PAGE_SIZE = 20
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320


@dataclass
class Filters:
    q: str = ""
    family: list[str] = field(default_factory=list)
    inclusion: list[str] = field(default_factory=list)
    sector: list[str] = field(default_factory=list)
    commune: list[str] = field(default_factory=list)
    workforce: list[str] = field(default_factory=list)
    badge: list[str] = field(default_factory=list)
    esus: bool = False
    near: str = ""  # INSEE code of the commune « autour de »
    address: str = ""  # or an address, located with the BAN
    radius: int = 10
    sort: str = ""
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # e.g. « autour de » answered from the commune
    near_point: NearPoint | None = None

    def effective_sort(self) -> str:
        if (
            self.sort in SORTS
            and (self.sort != "distance" or self.near_point)
            and (self.sort != "pertinence" or self.q)
        ):
            return self.sort
        if self.q:
            return "pertinence"
        return "distance" if self.near_point else "nom"

    def is_empty(self) -> bool:
        return not (
            self.q
            or self.family
            or self.inclusion
            or self.sector
            or self.commune
            or self.workforce
            or self.badge
            or self.esus
            or self.near_point
        )


def _multi(params: QueryDict | Mapping[str, Any], key: str, allowed: Any) -> list[str]:
    values = params.getlist(key) if hasattr(params, "getlist") else params.get(key, [])
    if isinstance(values, str):
        values = [values]
    return [v for v in dict.fromkeys(values) if v in allowed][:30]


def parse_filters(
    params: QueryDict | Mapping[str, Any], territory: Territory, *, client_key: str = ""
) -> Filters:
    """Read the filters from a query string; unknown values are ignored, a bad « autour de » is reported.

    « autour de » is a commune (`autour`, an INSEE code) or an address (`adresse`, located with the BAN;
    `client_key` — the client's IP — limits how many new addresses one client may look up)."""
    communes = {code: (pk, name, lat, lon) for pk, code, name, lat, lon in territory_communes(territory)}
    filters = Filters(
        q=str(params.get("q", "") or "")[:200].strip(),
        family=_multi(params, "famille", Structure.Family.values),
        inclusion=_multi(params, "inclusion", set(taxonomy.INCLUSION_KINDS) | set(taxonomy.INCLUSION_GROUPS)),
        sector=_multi(params, "secteur", taxonomy.SECTORS),
        commune=_multi(params, "commune", communes),
        workforce=_multi(params, "effectif", taxonomy.WORKFORCE_BANDS),
        badge=_multi(params, "badge", registry.structure_badges),
        esus=str(params.get("esus", "")) in ("1", "on", "oui"),
        sort=str(params.get("tri", "") or ""),
    )
    address = " ".join(str(params.get("adresse", "") or "").split())[:200]
    near = str(params.get("autour", "") or "").strip()
    if address:
        filters.address = address
        try:
            filters.near_point = locate_address(territory, address, client_key=client_key)
        except geocoding.GeocodingError as exc:
            filters.errors.append(f"« Autour de » {address} : {exc}")
        else:
            if filters.near_point.approximate:
                filters.notices.append(
                    "Le service de localisation des adresses est très demandé en ce moment : la recherche "
                    f"part du centre de {filters.near_point.label}. Réessayez dans un instant pour partir "
                    "de l'adresse exacte."
                )
    elif near:
        commune = communes.get(near)
        if commune is None or commune[2] is None:
            filters.errors.append("La commune choisie pour « autour de » n'est pas dans le territoire.")
        else:
            filters.near = near
            filters.near_point = NearPoint(commune[2], commune[3], commune[1])
    try:
        radius = int(params.get("rayon", 10) or 10)
    except (TypeError, ValueError):
        radius = 10
    filters.radius = radius if radius in RADII else 10
    return filters


# --- full text ------------------------------------------------------------------------------------------


CACHE_SECONDS = 120  # a cached page lives at most this long; a write replaces it at once (new version)


def text_subquery(territory: Territory, query: str) -> RawSQL | None:
    """Ids of the territory's public structures matching `query` (None: the query has no word)."""
    groups = text_groups(territory, query)
    return core_search.terms_subquery(territory, groups, kind=SEARCH_KIND) if groups else None


# --- filtering -------------------------------------------------------------------------------------------


def _km_per_degree_of_longitude(lat: float) -> float:
    """The equirectangular scale of the distance."""
    return KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat))


def _distance2(lat: float, lon: float) -> Any:
    kx = _km_per_degree_of_longitude(lat)
    dx = (F("longitude") - lon) * kx
    dy = (F("latitude") - lat) * KM_PER_DEG_LAT
    return dx * dx + dy * dy


def filter_conditions(filters: Filters, territory: Territory, *, skip: str = "") -> Q:
    """The Q of every filter but `skip` (the facet being counted)."""
    cond = Q()
    if filters.family and skip != "family":
        cond &= Q(family__in=filters.family)
    if filters.inclusion and skip != "inclusion":
        cond &= Q(inclusion_kind__in=inclusion_codes(filters.inclusion))
    if filters.sector and skip != "sector":
        cond &= Q(GreaterThan(F("sector_bits").bitand(taxonomy.sector_bits(filters.sector)), 0))
    if filters.commune and skip != "commune":
        cond &= Q(commune__insee_code__in=filters.commune)
    if filters.workforce and skip != "workforce":
        cond &= Q(workforce_band__in=filters.workforce)
    if filters.esus and skip != "esus":
        cond &= Q(esus=True)
    if filters.badge and skip != "badge":
        for key in filters.badge:
            cond &= Q(pk__in=registry.structure_badges[key].structure_ids(territory))
    return cond & near_box(filters)


def near_box(filters: Filters) -> Q:
    """The bounding box of « autour de » (what the indexes can use; the distance itself is in
    `base_queryset()`)."""
    point = filters.near_point
    if point is None:
        return Q()
    box = bbox_around(point.latitude, point.longitude, filters.radius)
    return Q(
        latitude__gte=box.south, latitude__lte=box.north, longitude__gte=box.west, longitude__lte=box.east
    )


def base_queryset(
    base: models.QuerySet[Structure],
    filters: Filters,
    territory: Territory,
    *,
    groups: list[list[str]] | None = None,
) -> models.QuerySet:
    """The published structures matching the text and the « autour de » (the facets are applied later).
    `groups`: the query's `text_groups()`, when the caller has them already."""
    qs = base.filter(territory=territory, status=Structure.Status.PUBLISHED)
    if filters.q:
        groups = text_groups(territory, filters.q) if groups is None else groups
        if groups:
            qs = qs.filter(pk__in=core_search.terms_subquery(territory, groups, kind=SEARCH_KIND))
    point = filters.near_point
    if point is not None:
        qs = qs.annotate(distance2=_distance2(point.latitude, point.longitude)).filter(
            distance2__lte=filters.radius**2
        )
    return qs


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    key: str  # query-string name
    label: str
    values: list[FacetValue]


@dataclass
class DirectoryPage:
    structures: list[Structure]
    total: int
    number: int
    num_pages: int
    sort: str
    facets: list[Facet]
    communes: list[tuple[int, str, str]] = field(default_factory=list)  # (id, INSEE code, name) by name

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def current_version(territory: Territory) -> int:
    """The territory's directory version (raised in the transaction of every write)."""
    row = DirectoryVersion.objects.filter(territory=territory).values_list("version", flat=True).first()
    return int(row or 0)


# The query-string names the search page reads (the anonymous page cache keeps no page with any other).
PAGE_PARAMS = (
    "q",
    "famille",
    "inclusion",
    "secteur",
    "commune",
    "effectif",
    "badge",
    "esus",
    "adresse",
    "autour",
    "rayon",
    "tri",
    "page",
)


def page_version(territory: Territory) -> str:
    """What the directory's whole page shows besides the query string, as a version for the anonymous page
    cache: the directory's version (raised by every write of a structure), the structures carrying each
    badge (the charter's signatories, the laureates: other modules' writes) and the territory's own fields
    (its name, colour and settings, shown in every page's frame)."""
    badges = {
        key: sorted(set(spec.structure_ids(territory))) for key, spec in registry.structure_badges.items()
    }
    own = [getattr(territory, f.attname) for f in territory._meta.concrete_fields]
    digest = hashlib.sha256(json.dumps([badges, own], sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{current_version(territory)}.{digest}"


def _facets(
    counts: dict[str, dict[str, int]], filters: Filters, communes: list[tuple[int, str, str]]
) -> list[Facet]:
    result: list[Facet] = []
    family = counts["family"]
    result.append(
        Facet(
            "famille",
            "Famille de l'ESS",
            [
                FacetValue(v, str(label), family.get(v, 0), v in filters.family)
                for v, label in Structure.Family.choices
            ],
        )
    )
    inclusion = counts["inclusion"]
    values = []
    for group, group_label in taxonomy.INCLUSION_GROUPS.items():
        kinds = [k for k in taxonomy.INCLUSION_KINDS.values() if k.group == group]
        values.append(
            FacetValue(
                group, group_label, sum(inclusion.get(k.code, 0) for k in kinds), group in filters.inclusion
            )
        )
        values += [
            FacetValue(k.code, k.label, inclusion.get(k.code, 0), k.code in filters.inclusion) for k in kinds
        ]
    result.append(Facet("inclusion", "Structure inclusive", values))
    result.append(
        Facet(
            "secteur",
            "Secteur d'activité",
            [
                FacetValue(s.key, s.label, counts["sector"].get(s.key, 0), s.key in filters.sector)
                for s in taxonomy.SECTORS.values()
            ],
        )
    )
    result.append(
        Facet(
            "commune",
            "Commune",
            [
                FacetValue(code, name, counts["commune"].get(code, 0), code in filters.commune)
                for _, code, name in communes
            ],
        )
    )
    esus = counts["esus"].get("1", 0)
    result.append(Facet("esus", "Agrément", [FacetValue("1", "Agréée ESUS", esus, filters.esus)]))
    workforce = counts["workforce"]
    result.append(
        Facet(
            "effectif",
            "Effectif salarié",
            [
                FacetValue(code, label, workforce.get(code, 0), code in filters.workforce)
                for code, label in taxonomy.WORKFORCE_BANDS.items()
                if workforce.get(code) or code in filters.workforce
            ],
        )
    )
    badges = sorted(registry.structure_badges.values(), key=lambda b: (b.order, b.key))
    if badges:
        result.append(
            Facet(
                "badge",
                "Engagements",
                [
                    FacetValue(b.key, b.label, counts["badge"].get(b.key, 0), b.key in filters.badge)
                    for b in badges
                ],
            )
        )
    for facet in result:  # hide empty values, but keep what is selected
        facet.values = [v for v in facet.values if v.count or v.selected]
    return [f for f in result if f.values]


def _cache_key(territory: Territory, version: int, parts: Any) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"actors:directory:{territory.pk}:{version}:{digest}"


def run(
    filters: Filters,
    territory: Territory,
    *,
    page: int = 1,
    with_facets: bool = True,
    page_size: int = PAGE_SIZE,
) -> DirectoryPage:
    """One page of the territory's published structures matching `filters`, with the facet counts."""
    badge_ids = {
        key: sorted(set(spec.structure_ids(territory))) for key, spec in registry.structure_badges.items()
    }
    communes = [(pk, code, name) for pk, code, name, _, _ in territory_communes(territory)]
    sort = filters.effective_sort()
    point = filters.near_point
    version = current_version(territory)
    key = _cache_key(
        territory,
        version,
        [
            filters.q,
            filters.family,
            filters.inclusion,
            filters.sector,
            filters.commune,
            filters.workforce,
            filters.badge,
            filters.esus,
            [point.latitude, point.longitude, filters.radius] if point else None,
            sort,
            page,
            page_size,
            with_facets,
            badge_ids,
        ],
    )
    answer = cache.get(key)
    if answer is None:
        answer = _answer(filters, territory, sort, page, page_size, with_facets, communes, badge_ids)
        cache.set(key, answer, CACHE_SECONDS)
    ids: list[int] = answer["ids"]
    # the rows are re-read as published: a page is never shown with a structure archived since
    by_id = (
        Structure.objects.filter(status=Structure.Status.PUBLISHED)
        .select_related("commune")
        .prefetch_related("sectors")
        .in_bulk(ids)
    )
    structures = [by_id[i] for i in ids if i in by_id]
    specs = sorted(registry.structure_badges.values(), key=lambda b: (b.order, b.key))
    carried = {spec.key: set(badge_ids[spec.key]) for spec in specs}
    for structure in structures:
        structure.distance_km = None
        if point is not None and structure.is_located:
            kx = _km_per_degree_of_longitude(point.latitude)
            dx = (structure.longitude - point.longitude) * kx
            dy = (structure.latitude - point.latitude) * KM_PER_DEG_LAT
            structure.distance_km = math.sqrt(dx * dx + dy * dy)
        for spec in specs:
            if structure.pk in carried[spec.key]:
                structure.__dict__.setdefault("badges", []).append((spec.label, spec.kind))
    return DirectoryPage(
        structures=structures,
        total=answer["total"],
        number=answer["number"],
        num_pages=answer["num_pages"],
        sort=sort,
        facets=_facets(answer["counts"], filters, communes) if with_facets else [],
        communes=communes,
    )


def _answer(
    filters: Filters,
    territory: Territory,
    sort: str,
    page: int,
    page_size: int,
    with_facets: bool,
    communes: list[tuple[int, str, str]],
    badge_ids: dict[str, list[int]],
) -> dict[str, Any]:
    """The page's ids, the total and the counts, from the database (what the cache keeps)."""
    groups = text_groups(territory, filters.q) if filters.q else []
    qs = base_queryset(Structure.objects.all(), filters, territory, groups=groups)
    if with_facets:
        source = qs.filter(near_box(filters))
        total, counts = count_facets(
            source, filters, communes, badge_ids, restricted=bool(groups) or filters.near_point is not None
        )
    else:
        total, counts = qs.filter(filter_conditions(filters, territory)).count(), {}
    num_pages = max(1, math.ceil(total / page_size))
    number = min(max(1, page), num_pages)
    offset = (number - 1) * page_size
    matching = qs.filter(filter_conditions(filters, territory))
    if sort == "pertinence" and groups:
        matching = matching.annotate(score=relevance(groups)).order_by("-score", "name_key", "pk")
    elif sort == "distance" and filters.near_point is not None:
        matching = matching.order_by("distance2", "name_key", "pk")
    else:
        matching = matching.order_by("name_key", "pk")
    ids = list(matching.values_list("pk", flat=True)[offset : offset + page_size]) if total else []
    return {"ids": ids, "total": total, "number": number, "num_pages": num_pages, "counts": counts}


def markers(
    base: models.QuerySet[Structure],
    filters: Filters,
    territory: Territory,
    bbox: BBox,
    *,
    limit: int = 10_000,
) -> list[dict[str, Any]]:
    """The map's markers inside `bbox` for the current filters (light rows, no ORM objects)."""
    qs = (
        base_queryset(base, filters, territory)
        .filter(filter_conditions(filters, territory))
        .filter(
            latitude__gte=bbox.south,
            latitude__lte=bbox.north,
            longitude__gte=bbox.west,
            longitude__lte=bbox.east,
        )
    )
    rows = qs.order_by().values_list("slug", "name", "latitude", "longitude", "family")[:limit]
    return [
        {"s": slug, "n": name, "lat": round(lat, 6), "lon": round(lon, 6), "f": fam}
        for slug, name, lat, lon, fam in rows
    ]


def badges_of(structure: Structure) -> list[tuple[str, str]]:
    """The registered badges a structure carries, as (label, kind)."""
    return [
        (spec.label, spec.kind)
        for spec in sorted(registry.structure_badges.values(), key=lambda b: (b.order, b.key))
        if structure.pk in set(spec.structure_ids(structure.territory))
    ]


def practice_ids(territory: Territory, query: str) -> set[int]:
    """Ids of the published practices matching `query` (through the core search)."""
    results = core_search.search(territory, query, kinds=["practice"], limit=200)
    return set(results.ids("practice"))
