"""The directory's facet counts (see `directory`), computed by the database in one round trip: one
`GROUP BY` per facet, joined by `UNION ALL`, each part applying every filter but its own facet's
(disjunctive counts), the total as one more part.

The parts read the matching rows (text, « autour de », territory, published) once: a `MATERIALIZED`
common table expression of the narrow facet columns (`actors_struct_directory` covers them), which each part
groups in memory — never `IN (list of matching ids)`. With no filter at all, the parts read the table
directly (each uses its narrow index of `(territory, status, column)` in order: no sort, no temporary table).
Sectors are grouped by `sector_bits` (few distinct values) and split into bits here.

The facet conditions below are the SQL of `directory.filter_conditions()` over the narrow columns; the test
`test_facet_counts_match_a_naive_count` checks them value by value against a count in Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, models

from maillage.actors import taxonomy
from maillage.actors.models import Structure

if TYPE_CHECKING:
    from maillage.actors.directory import Filters

FACETS = ("family", "inclusion", "sector", "commune", "workforce", "esus", "badge")
COLUMNS = ("id", "family", "inclusion_kind", "workforce_band", "commune_id", "esus", "sector_bits")
# the facet → the column its values are grouped by (esus and the badges are counted, not grouped)
GROUPED = {
    "family": "family",
    "inclusion": "inclusion_kind",
    "sector": "sector_bits",
    "commune": "commune_id",
    "workforce": "workforce_band",
}


def inclusion_codes(values: list[str]) -> list[str]:
    """The inclusion kinds a selection means (a group stands for its kinds)."""
    codes: list[str] = []
    for value in values:
        if value in taxonomy.INCLUSION_GROUPS:
            codes += [k.code for k in taxonomy.INCLUSION_KINDS.values() if k.group == value]
        else:
            codes.append(value)
    return codes


def _in(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def selected_conditions(
    filters: Filters, communes: list[tuple[int, str, str]], badge_ids: dict[str, list[int]]
) -> dict[str, tuple[str, list[Any]]]:
    """Each selected facet's condition, as SQL over the narrow columns (same meaning as
    `directory.filter_conditions()`)."""
    conds: dict[str, tuple[str, list[Any]]] = {}
    if filters.family:
        conds["family"] = _in("family", filters.family)
    if filters.inclusion:
        conds["inclusion"] = _in("inclusion_kind", inclusion_codes(filters.inclusion))
    if filters.sector:
        conds["sector"] = ("(sector_bits & %s) > 0", [taxonomy.sector_bits(filters.sector)])
    if filters.commune:
        pks = [pk for pk, code, _ in communes if code in filters.commune]
        conds["commune"] = _in("commune_id", pks)
    if filters.workforce:
        conds["workforce"] = _in("workforce_band", filters.workforce)
    if filters.esus:
        conds["esus"] = ("esus = %s", [True])
    if filters.badge:
        parts = [_in("id", badge_ids.get(key, [])) for key in filters.badge]
        conds["badge"] = (" AND ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps])
    return conds


def _where(conds: dict[str, tuple[str, list[Any]]], skip: str = "") -> tuple[str, list[Any]]:
    kept = [(sql, params) for facet, (sql, params) in conds.items() if facet != skip]
    if not kept:
        return "", []
    return " WHERE " + " AND ".join(f"({sql})" for sql, _ in kept), [p for _, ps in kept for p in ps]


def count_facets(
    qs: models.QuerySet[Structure],
    filters: Filters,
    communes: list[tuple[int, str, str]],
    badge_ids: dict[str, list[int]],
    *,
    restricted: bool,
) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and every facet value's count (disjunctive) of `qs` (the text, « autour de », territory
    and status, no facet filter), in one statement.

    `restricted`: `qs` holds text or « autour de »: it is read once (`b`, materialised) instead of once per
    part. `m`, the rows every filter keeps, is materialised when a facet is selected: the facets nobody
    selected are grouped over it; a selected facet is grouped over `b` with the other facets' filters."""
    base_sql, base_params = qs.order_by().values(*COLUMNS).query.sql_with_params()
    conds = selected_conditions(filters, communes, badge_ids)
    ctes: list[str] = []
    cte_params: list[Any] = []
    if restricted:
        ctes.append(f"b AS MATERIALIZED ({base_sql})")
        cte_params += base_params
        base_source, per_use = "b", []
    else:
        base_source, per_use = f"({base_sql}) b", list(base_params)
    if conds:
        where_sql, where_params = _where(conds)
        ctes.append(f"m AS MATERIALIZED (SELECT * FROM {base_source}{where_sql})")  # noqa: S608
        cte_params += per_use + where_params
        kept_source, kept_per_use = "m", []
    else:
        kept_source, kept_per_use = base_source, per_use
    parts: list[str] = []
    params: list[Any] = []

    def part(facet: str, value: str, extra: tuple[str, list[Any]] = ("", [])) -> None:
        selected = facet.split(":")[0] in conds
        source = base_source if selected else kept_source
        sql, where_params = _where(conds, facet.split(":")[0]) if selected else ("", [])
        if extra[0]:
            sql = f"{sql} AND {extra[0]}" if sql else f" WHERE {extra[0]}"
        group = f" GROUP BY {value}" if facet in GROUPED else ""
        parts.append(f"SELECT '{facet}', CAST({value} AS TEXT), COUNT(*) FROM {source}{sql}{group}")  # noqa: S608
        params.extend((per_use if selected else kept_per_use) + where_params + extra[1])

    part("total", "NULL")
    for facet, column in GROUPED.items():
        part(facet, column)
    part("esus", "'1'", ("esus = %s", [True]))
    for key, ids in badge_ids.items():
        if ids:
            part(f"badge:{key}", "NULL", _in("id", ids))
    statement = " UNION ALL ".join(parts)
    if ctes:
        statement = f"WITH {', '.join(ctes)} {statement}"
        params = [*cte_params, *params]
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    sectors = list(taxonomy.SECTORS)
    codes = {str(pk): code for pk, code, _ in communes}
    for facet, value, count in rows:
        if not count:
            continue
        if facet == "total":
            total = int(count)
        elif facet == "sector":
            bits = int(value)
            for index, key in enumerate(sectors):
                if bits & (1 << index):
                    counts["sector"][key] = counts["sector"].get(key, 0) + int(count)
        elif facet == "commune":
            if value is not None and value in codes:
                counts["commune"][codes[value]] = int(count)
        elif facet.startswith("badge:"):
            counts["badge"][facet.removeprefix("badge:")] = int(count)
        elif value not in (None, ""):
            counts[facet][value] = int(count)
    return total, counts
