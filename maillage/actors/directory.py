"""The directory's search: filters from the query string, full text through the core search index, facets
with counts, « autour de » a commune or an address with a radius, sorts, and the map's markers by bounding
box.

A search page is answered from the in-memory facet index (`directory_index`): the filters become boolean
masks, the facet counts are disjunctive (each facet's counts apply every other filter but its own, so ticking
« ACI » still shows how many « EI » there are), and the page is cut from the masks in name, distance or
relevance order. The full text is answered by the index's term index (the structures' search texts, as
`core.search` writes them: same prefix matches as the database's full-text index, BM25 scores as SQLite's
FTS5); on PostgreSQL, a query that finds nothing then gets the database's typo tolerance (trigrams).

The map's markers and the exports, which read whole rows, stay SQL querysets (`base_queryset()` and
`filter_conditions()`) with the same semantics; `tests/actors/test_directory.py` checks that both agree.

Distance: an equirectangular approximation (same in NumPy and in SQL, exact to well under 1 % within 50 km).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from maillage.actors import directory_index, geocoding, taxonomy
from maillage.actors.models import Structure, StructureSector
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

__all__ = ["ADDRESS_LOOKUPS_PER_HOUR", "NearPoint", "locate_address", "territory_communes"]

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


def text_subquery(territory: Territory, query: str) -> RawSQL | None:
    """Ids of the territory's public structures matching `query` (None: the query has no word)."""
    return core_search.matching_ids(territory, query, kind=SEARCH_KIND)


# --- filtering -------------------------------------------------------------------------------------------


def _km_per_degree_of_longitude(lat: float) -> float:
    """The equirectangular scale shared by the SQL distance and the index's."""
    return KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat))


def _distance2(lat: float, lon: float) -> Any:
    kx = _km_per_degree_of_longitude(lat)
    dx = (F("longitude") - lon) * kx
    dy = (F("latitude") - lat) * KM_PER_DEG_LAT
    return dx * dx + dy * dy


def _inclusion_codes(values: list[str]) -> list[str]:
    codes: list[str] = []
    for value in values:
        if value in taxonomy.INCLUSION_GROUPS:
            codes += [k.code for k in taxonomy.INCLUSION_KINDS.values() if k.group == value]
        else:
            codes.append(value)
    return codes


def filter_conditions(filters: Filters, territory: Territory, *, skip: str = "") -> Q:
    """The Q of every filter but `skip` (the facet being counted)."""
    cond = Q()
    if filters.family and skip != "family":
        cond &= Q(family__in=filters.family)
    if filters.inclusion and skip != "inclusion":
        cond &= Q(inclusion_kind__in=_inclusion_codes(filters.inclusion))
    if filters.sector and skip != "sector":
        cond &= Q(pk__in=StructureSector.objects.filter(sector__in=filters.sector).values("structure_id"))
    if filters.commune and skip != "commune":
        cond &= Q(commune__insee_code__in=filters.commune)
    if filters.workforce and skip != "workforce":
        cond &= Q(workforce_band__in=filters.workforce)
    if filters.esus and skip != "esus":
        cond &= Q(esus=True)
    if filters.badge and skip != "badge":
        for key in filters.badge:
            cond &= Q(pk__in=registry.structure_badges[key].structure_ids(territory))
    point = filters.near_point
    if point is not None:
        box = bbox_around(point.latitude, point.longitude, filters.radius)
        cond &= Q(
            latitude__gte=box.south, latitude__lte=box.north, longitude__gte=box.west, longitude__lte=box.east
        )
    return cond


def base_queryset(
    base: models.QuerySet[Structure], filters: Filters, territory: Territory
) -> models.QuerySet:
    """The published structures matching the text and the « autour de » (the facets are applied later)."""
    qs = base.filter(territory=territory, status=Structure.Status.PUBLISHED)
    if filters.q:
        sub = text_subquery(territory, filters.q)
        if sub is not None:
            qs = qs.filter(pk__in=sub)
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


def bump_version(territory_id: int) -> None:
    """Called after every write of a structure: the territory's facet index is rebuilt at the next search."""
    directory_index.bump_version(territory_id)


def text_scores(territory: Territory, query: str, *, ranked: bool = True) -> list[tuple[int, float]]:
    """Every public structure of the territory matching `query`, with its relevance (higher is better)."""
    return core_search.scored_matches(territory, query, kind=SEARCH_KIND, ranked=ranked)


def _text_search(
    index: directory_index.DirectoryIndex, territory: Territory, words: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(positions, scores) of the structures matching every word: from the index's own term index (same
    matches as the database's full-text index, BM25 scores); on PostgreSQL, when nothing matches, the
    database's typo tolerance (trigrams) has its turn."""
    positions, scores = index.terms.search([core_search.prefixes(w) for w in words])
    if positions.size or connection.vendor != "postgresql":
        return positions, scores
    if not any(len(w) >= core_search.TYPO_MIN_LENGTH for w in words):
        return positions, scores
    return index.positions_with_scores(text_scores(territory, " ".join(words)))


def _facet_masks(
    index: directory_index.DirectoryIndex,
    filters: Filters,
    badge_masks: dict[str, np.ndarray],
    communes: list[tuple[int, str, str]],
) -> dict[str, np.ndarray]:
    """One mask per facet that filters (a facet with nothing ticked filters nothing)."""
    masks: dict[str, np.ndarray] = {}
    if filters.family:
        masks["family"] = index.family.mask(filters.family)
    if filters.inclusion:
        masks["inclusion"] = index.inclusion.mask(_inclusion_codes(filters.inclusion))
    if filters.sector:
        any_sector = np.zeros(index.size, dtype=bool)
        for key in filters.sector:
            if key in index.sectors:
                any_sector |= index.sectors[key]
        masks["sector"] = any_sector
    if filters.commune:
        masks["commune"] = index.commune.mask([pk for pk, code, _ in communes if code in filters.commune])
    if filters.workforce:
        masks["workforce"] = index.workforce.mask(filters.workforce)
    if filters.esus:
        masks["esus"] = index.esus
    if filters.badge:
        every_badge = np.ones(index.size, dtype=bool)
        for key in filters.badge:
            every_badge &= badge_masks[key]
        masks["badge"] = every_badge
    return masks


def _all_but(base: np.ndarray, masks: dict[str, np.ndarray], skip: str) -> np.ndarray:
    result = base.copy()
    for name, mask in masks.items():
        if name != skip:
            result &= mask
    return result


def _top(candidates: np.ndarray, keys: np.ndarray, k: int) -> np.ndarray:
    """The `k` first candidate positions by ascending key, ties by position (= by name)."""
    if candidates.size > k > 0:
        threshold = np.partition(keys, k - 1)[k - 1]
        keep = keys <= threshold  # every tie at the threshold, so the order below is exact
        candidates, keys = candidates[keep], keys[keep]
    order = np.lexsort((candidates, keys))
    return candidates[order][:k]


def _facets(
    index: directory_index.DirectoryIndex,
    base: np.ndarray,
    masks: dict[str, np.ndarray],
    filters: Filters,
    badge_masks: dict[str, np.ndarray],
    communes: list[tuple[int, str, str]],
) -> list[Facet]:
    result: list[Facet] = []
    family = index.family.counts(_all_but(base, masks, "family"))
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
    inclusion = index.inclusion.counts(_all_but(base, masks, "inclusion"))
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
    scope = _all_but(base, masks, "sector")
    result.append(
        Facet(
            "secteur",
            "Secteur d'activité",
            [
                FacetValue(
                    s.key,
                    s.label,
                    int(np.count_nonzero(scope & index.sectors[s.key])) if s.key in index.sectors else 0,
                    s.key in filters.sector,
                )
                for s in taxonomy.SECTORS.values()
            ],
        )
    )
    by_commune = index.commune.counts(_all_but(base, masks, "commune"))  # by id
    result.append(
        Facet(
            "commune",
            "Commune",
            [
                FacetValue(code, name, by_commune.get(pk, 0), code in filters.commune)
                for pk, code, name in communes
            ],
        )
    )
    esus = int(np.count_nonzero(_all_but(base, masks, "esus") & index.esus))
    result.append(Facet("esus", "Agrément", [FacetValue("1", "Agréée ESUS", esus, filters.esus)]))
    workforce = index.workforce.counts(_all_but(base, masks, "workforce"))
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
        scope = _all_but(base, masks, "badge")
        result.append(
            Facet(
                "badge",
                "Engagements",
                [
                    FacetValue(
                        b.key,
                        b.label,
                        int(np.count_nonzero(scope & badge_masks[b.key])),
                        b.key in filters.badge,
                    )
                    for b in badges
                ],
            )
        )
    for facet in result:  # hide empty values, but keep what is selected
        facet.values = [v for v in facet.values if v.count or v.selected]
    return [f for f in result if f.values]


def run(
    filters: Filters,
    territory: Territory,
    *,
    page: int = 1,
    with_facets: bool = True,
    page_size: int = PAGE_SIZE,
) -> DirectoryPage:
    """One page of the territory's published structures matching `filters`, with the facet counts."""
    index = directory_index.get(territory)
    badge_masks = {
        key: index.mask_of(spec.structure_ids(territory)) for key, spec in registry.structure_badges.items()
    }
    base = index.everything()
    scores = None
    if filters.q:
        words = core_search.query_words(filters.q)
        if words:
            positions, found = index.text_matches(
                ("q", tuple(words)), lambda: _text_search(index, territory, words)
            )
            base = np.zeros(index.size, dtype=bool)
            base[positions] = True
            scores = np.full(index.size, -np.inf)
            scores[positions] = found
    distance2 = None
    point = filters.near_point
    if point is not None:
        kx = _km_per_degree_of_longitude(point.latitude)
        with np.errstate(invalid="ignore"):
            distance2 = ((index.longitude - point.longitude) * kx) ** 2 + (
                (index.latitude - point.latitude) * KM_PER_DEG_LAT
            ) ** 2
            base &= distance2 <= filters.radius**2  # NaN (not located) compares False
    communes = [(pk, code, name) for pk, code, name, _, _ in territory_communes(territory)]
    masks = _facet_masks(index, filters, badge_masks, communes)
    matching = _all_but(base, masks, "")
    candidates = np.flatnonzero(matching)
    total = int(candidates.size)
    num_pages = max(1, math.ceil(total / page_size))
    number = min(max(1, page), num_pages)
    offset = (number - 1) * page_size
    sort = filters.effective_sort()
    wanted = offset + page_size
    if sort == "pertinence" and scores is not None:
        ordered = _top(candidates, -scores[candidates], wanted)
    elif sort == "distance" and distance2 is not None:
        ordered = _top(candidates, distance2[candidates], wanted)
    else:
        ordered = candidates[:wanted]  # positions are in name order
    page_positions = ordered[offset:wanted]
    ids = [int(pk) for pk in index.pks[page_positions]]
    by_id = Structure.objects.select_related("commune").prefetch_related("sectors").in_bulk(ids)
    structures = [by_id[i] for i in ids if i in by_id]
    for position, structure in zip(page_positions, structures, strict=False):
        d2 = distance2[position] if distance2 is not None else None
        structure.distance_km = math.sqrt(d2) if d2 is not None else None
    specs = sorted(registry.structure_badges.values(), key=lambda b: (b.order, b.key))
    for position, structure in zip(page_positions, structures, strict=False):
        for spec in specs:
            if badge_masks[spec.key][position]:
                structure.__dict__.setdefault("badges", []).append((spec.label, spec.kind))
    return DirectoryPage(
        structures=structures,
        total=total,
        number=number,
        num_pages=num_pages,
        sort=sort,
        facets=_facets(index, base, masks, filters, badge_masks, communes) if with_facets else [],
        communes=communes,
    )


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
