"""The directory's search: filters from the query string, full text through the core search index, facets
with counts, « autour de » a commune with a radius, sorts, and the map's markers by bounding box.

Full text: the words are matched against `core.SearchDocument` rows of kind « structure » with the same
expression `maillage.core.search` builds (FTS5 on SQLite; tsvector prefix queries on PostgreSQL, with the
trigram fallback for typos when the strict query finds nothing), as a subquery of the structure queryset,
so facets count the whole result and not only a page. Relevance ranks with bm25 / ts_rank.

Facets are disjunctive: each facet's counts apply every other filter but its own, so ticking « ACI » still
shows how many « EI » there are.

Distance: an equirectangular approximation in plain SQL arithmetic (same on both engines, exact to well under
1 % within 50 km), after a bounding-box pre-filter that the (territory, status, latitude, longitude) index
serves.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, models
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from maillage.actors import taxonomy
from maillage.actors.models import Structure, StructureSector
from maillage.core import search as core_search
from maillage.core.geo import BBox, bbox_around
from maillage.core.models import Commune, Territory
from maillage.core.registry import registry
from maillage.core.search_models import SearchDocument

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
    radius: int = 10
    sort: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def near_commune(self) -> Commune | None:
        return getattr(self, "_near", None)

    def effective_sort(self) -> str:
        if (
            self.sort in SORTS
            and (self.sort != "distance" or self.near_commune)
            and (self.sort != "pertinence" or self.q)
        ):
            return self.sort
        if self.q:
            return "pertinence"
        return "distance" if self.near_commune else "nom"

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
            or self.near
        )


def _multi(params: QueryDict | Mapping[str, Any], key: str, allowed: Any) -> list[str]:
    values = params.getlist(key) if hasattr(params, "getlist") else params.get(key, [])
    if isinstance(values, str):
        values = [values]
    return [v for v in dict.fromkeys(values) if v in allowed][:30]


def parse_filters(params: QueryDict | Mapping[str, Any], territory: Territory) -> Filters:
    """Read the filters from a query string; unknown values are ignored, a bad « autour de » is reported."""
    communes = dict(territory.communes.values_list("insee_code", "pk"))
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
    near = str(params.get("autour", "") or "").strip()
    if near:
        commune = territory.communes.filter(insee_code=near).first() if near in communes else None
        if commune is None or commune.latitude is None:
            filters.errors.append("La commune choisie pour « autour de » n'est pas dans le territoire.")
        else:
            filters.near = near
            filters._near = commune  # type: ignore[attr-defined]
    try:
        radius = int(params.get("rayon", 10) or 10)
    except (TypeError, ValueError):
        radius = 10
    filters.radius = radius if radius in RADII else 10
    return filters


# --- full text ------------------------------------------------------------------------------------------


def _text_clauses(words: list[str], *, typos: bool) -> tuple[str, list[Any]]:
    """WHERE clauses on `d` (core_searchdocument) matching every word, for the current engine."""
    if connection.vendor == "sqlite":
        expression = " AND ".join(
            "(" + " OR ".join(f'"{t}"*' for t in sorted({w, core_search.stem(w)})) + ")" for w in words
        )
        return (
            f"d.id IN (SELECT rowid FROM {core_search.FTS_TABLE} WHERE {core_search.FTS_TABLE} MATCH %s)",  # noqa: S608
            [expression],
        )
    clauses, params = [], []
    for word in words:
        tsquery = " | ".join(f"{t}:*" for t in sorted({word, core_search.stem(word)}))
        if typos and len(word) >= core_search.TYPO_MIN_LENGTH:
            clauses.append(
                f"({core_search.PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s) OR d.search_text %%> %s)"
            )
            params += [tsquery, word]
        else:
            clauses.append(f"{core_search.PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)")
            params.append(tsquery)
    return " AND ".join(clauses), params


def _doc_table() -> str:
    return SearchDocument._meta.db_table


def text_subquery(territory: Territory, query: str) -> RawSQL | None:
    """Ids of the territory's public structures matching `query` (None: the query has no word)."""
    words = core_search.query_words(query)
    if not words:
        return None
    typos = False
    if connection.vendor == "postgresql":
        where, params = _text_clauses(words, typos=False)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {_doc_table()} d WHERE d.territory_id = %s AND d.kind = %s "  # noqa: S608
                f"AND {where} LIMIT 1",
                [territory.pk, SEARCH_KIND, *params],
            )
            typos = cursor.fetchone() is None and any(len(w) >= core_search.TYPO_MIN_LENGTH for w in words)
    where, params = _text_clauses(words, typos=typos)
    return RawSQL(  # noqa: S611 (words are [a-z0-9]+ from query_words; values are parameters)
        f"SELECT d.object_id FROM {_doc_table()} d WHERE d.territory_id = %s AND d.kind = %s "  # noqa: S608
        f"AND d.is_public AND {where}",
        (territory.pk, SEARCH_KIND, *params),
    )


def ranked_page(
    territory: Territory, query: str, queryset: models.QuerySet[Structure], offset: int, limit: int
) -> list[int]:
    """Structure ids of one page of `queryset`, best text match first."""
    words = core_search.query_words(query)
    ids_sql, ids_params = queryset.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "sqlite":
        fts = core_search.FTS_TABLE
        expression = _text_clauses(words, typos=False)[1][0]
        sql = (
            f"SELECT d.object_id FROM {fts} JOIN {_doc_table()} d ON d.id = {fts}.rowid "  # noqa: S608
            f"WHERE {fts} MATCH %s AND d.territory_id = %s AND d.kind = %s AND d.object_id IN ({ids_sql}) "
            f"ORDER BY bm25({fts}), d.title LIMIT %s OFFSET %s"
        )
        params = [expression, territory.pk, SEARCH_KIND, *ids_params, limit, offset]
    else:
        all_terms = " | ".join(f"{t}:*" for w in words for t in sorted({w, core_search.stem(w)}))
        sql = (
            f"SELECT d.object_id FROM {_doc_table()} d WHERE d.territory_id = %s AND d.kind = %s "  # noqa: S608
            f"AND d.object_id IN ({ids_sql}) ORDER BY ts_rank({core_search.PG_VECTOR}, "
            "to_tsquery('simple'::regconfig, %s)) + 0.1 * word_similarity(%s, d.search_text) DESC, d.title "
            "LIMIT %s OFFSET %s"
        )
        params = [territory.pk, SEARCH_KIND, *ids_params, all_terms, " ".join(words), limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(row[0]) for row in cursor.fetchall()]


# --- filtering -------------------------------------------------------------------------------------------


def _distance2(lat: float, lon: float) -> Any:
    kx = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat))
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
    commune = filters.near_commune
    if commune is not None:
        box = bbox_around(commune.latitude, commune.longitude, filters.radius)
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
    commune = filters.near_commune
    if commune is not None:
        qs = qs.annotate(distance2=_distance2(commune.latitude, commune.longitude)).filter(
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


def facets(qs: models.QuerySet[Structure], filters: Filters, territory: Territory) -> list[Facet]:
    result: list[Facet] = []

    def counts(field_name: str, skip: str) -> dict[Any, int]:
        rows = (
            qs.filter(filter_conditions(filters, territory, skip=skip))
            .order_by()
            .values(field_name)
            .annotate(n=Count("pk"))
        )
        return {row[field_name]: row["n"] for row in rows}

    family = counts("family", "family")
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
    inclusion = counts("inclusion_kind", "inclusion")
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
    sector_rows = (
        StructureSector.objects.filter(
            structure__in=qs.filter(filter_conditions(filters, territory, skip="sector"))
            .order_by()
            .values("pk")
        )
        .order_by()
        .values("sector")
        .annotate(n=Count("pk"))
    )
    sectors = {row["sector"]: row["n"] for row in sector_rows}
    result.append(
        Facet(
            "secteur",
            "Secteur d'activité",
            [
                FacetValue(s.key, s.label, sectors.get(s.key, 0), s.key in filters.sector)
                for s in taxonomy.SECTORS.values()
            ],
        )
    )
    communes = counts("commune_id", "commune")  # by id: no join to the communes table
    result.append(
        Facet(
            "commune",
            "Commune",
            [
                FacetValue(code, name, communes.get(pk, 0), code in filters.commune)
                for pk, code, name in territory.communes.order_by("name").values_list(
                    "pk", "insee_code", "name"
                )
            ],
        )
    )
    esus = qs.filter(filter_conditions(filters, territory, skip="esus"), esus=True).count()
    result.append(Facet("esus", "Agrément", [FacetValue("1", "Agréée ESUS", esus, filters.esus)]))
    workforce = counts("workforce_band", "workforce")
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
        scoped = qs.filter(filter_conditions(filters, territory, skip="badge"))
        result.append(
            Facet(
                "badge",
                "Engagements",
                [
                    FacetValue(
                        b.key,
                        b.label,
                        scoped.filter(pk__in=b.structure_ids(territory)).count(),
                        b.key in filters.badge,
                    )
                    for b in badges
                ],
            )
        )
    for facet in result:  # hide empty values, but keep what is selected
        facet.values = [v for v in facet.values if v.count or v.selected]
    return [f for f in result if f.values]


@dataclass
class DirectoryPage:
    structures: list[Structure]
    total: int
    number: int
    num_pages: int
    sort: str
    facets: list[Facet]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


FACET_CACHE_SECONDS = 300


def _version_key(territory: Territory) -> str:
    return f"actors:directory-version:{territory.pk}"


def bump_version(territory_id: int) -> None:
    """Called after every write of a structure: cached counts of that territory are stale."""
    cache.set(f"actors:directory-version:{territory_id}", uuid.uuid4().hex, timeout=None)


def _counts_key(filters: Filters, territory: Territory) -> str:
    version = cache.get(_version_key(territory)) or "0"
    parts = [
        filters.q,
        filters.family,
        filters.inclusion,
        filters.sector,
        filters.commune,
        filters.workforce,
        filters.badge,
        filters.esus,
        filters.near,
        filters.radius,
    ]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]
    return f"actors:directory-counts:{territory.pk}:{version}:{digest}"


def run(
    base: models.QuerySet[Structure],
    filters: Filters,
    territory: Territory,
    *,
    page: int = 1,
    with_facets: bool = True,
    page_size: int = PAGE_SIZE,
) -> DirectoryPage:
    qs = base_queryset(base, filters, territory)
    matching = qs.filter(filter_conditions(filters, territory))
    # The total and the facet counts of a search are cached until the next write of a structure of the
    # territory (or FACET_CACHE_SECONDS, for badges that other modules change).
    key = _counts_key(filters, territory)
    cached = cache.get(key)
    if cached is None or (with_facets and cached[1] is None):
        cached = (matching.count(), facets(qs, filters, territory) if with_facets else None)
        cache.set(key, cached, timeout=FACET_CACHE_SECONDS)
    total, facet_list = cached
    num_pages = max(1, math.ceil(total / page_size))
    number = min(max(1, page), num_pages)
    offset = (number - 1) * page_size
    sort = filters.effective_sort()
    related = matching.select_related("commune").prefetch_related("sectors")
    if sort == "pertinence":
        ids = ranked_page(territory, filters.q, matching, offset, page_size)
        by_id = related.in_bulk(ids)
        structures = [by_id[i] for i in ids if i in by_id]
    elif sort == "distance":
        structures = list(related.order_by("distance2", "name", "pk")[offset : offset + page_size])
    else:
        structures = list(related.order_by("name", "pk")[offset : offset + page_size])
    for structure in structures:
        d2 = getattr(structure, "distance2", None)
        structure.distance_km = math.sqrt(d2) if d2 is not None else None
    badge_specs = list(registry.structure_badges.values())
    if badge_specs and structures:
        page_ids = {s.pk for s in structures}
        for spec in badge_specs:
            carriers = set(spec.structure_ids(territory)) & page_ids
            for s in structures:
                if s.pk in carriers:
                    s.__dict__.setdefault("badges", []).append((spec.label, spec.kind))
    return DirectoryPage(
        structures=structures,
        total=total,
        number=number,
        num_pages=num_pages,
        sort=sort,
        facets=facet_list or [],
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
