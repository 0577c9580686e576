"""Matching a need with the directory's suppliers, by database queries, with an explainable score.

`eligible_suppliers(need)` is the queryset of the structures a need may reach: published structures of the
need's territory with a supplier offer, whose perimeter covers the need's place, that sell what the need
buys or work in one of its sectors — and, for a reserved need, **only** the structures whose inclusion kind
the reserved contract is open to (`taxonomy.RESERVED_KINDS`): the filter is in the query itself, so no later
step can let a non-eligible structure through.

`ranked_matches(need, limit)` orders the candidates by their total in the database, reading the narrow rows
(`MatchRow`: one per offer, a copy of the offer's and the structure's columns the ranking needs, kept by
`services.rows`) and selecting only ids and totals, first among the structures of the need's sectors when
that is provably enough (`_best_ids`); then it reads the points of every part for the first `limit` only
and explains them in words. The parts (100 points in all):

| part | points |
| --- | --- |
| secteur | 35 when one of the need's sectors is the structure's |
| périmètre ou distance | 20 within 10 km of the need's place, 15 within 25 km, 10 within 50 km, 5 beyond |
| type d'offre | 15 when the structure sells what the need buys (goods, services, works, staffing) |
| capacité | 10 from 10 people, 6 from 3, 3 from 1 |
| références | 10 from 3 client references, 6 for 2, 3 for 1 |
| charte | 10 for a signatory of the charter in force (read through the registry's badge) |
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from maillage.actors.models import Structure, StructureSector
from maillage.actors.taxonomy import SECTORS, sector_bits
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.procurement.models import MatchRow, Need, SupplierOffer
from maillage.procurement.taxonomy import OfferType, Perimeter, eligible_kinds, offer_bits

KM_PER_DEGREE_LAT = 110.57
PART_LABELS = {
    "sector": "Secteur d'activité",
    "distance": "Périmètre et distance",
    "offer_type": "Type d'offre",
    "capacity": "Capacité",
    "references": "Références clients",
    "charter": "Signataire de la charte",
}
PART_MAX = {"sector": 35, "distance": 20, "offer_type": 15, "capacity": 10, "references": 10, "charter": 10}


@dataclass
class Match:
    structure: Structure
    score: int
    parts: list[dict[str, Any]] = field(default_factory=list)
    distance_km: float | None = None


def _department(insee_code: str) -> str:
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


def fixed_points(staff: int | None, references: int) -> int:
    """The capacity and references parts, which depend on the offer alone (the `Case`s of `_scored`, kept on
    the narrow rows)."""
    staff = staff or 0
    capacity = 10 if staff >= 10 else 6 if staff >= 3 else 3 if staff >= 1 else 0
    return capacity + (10 if references >= 3 else 6 if references == 2 else 3 if references == 1 else 0)


def _squared_km(lat0: float, lon0: float, lat: Any = None, lon: Any = None) -> Any:
    """The squared distance (km²) from (lat0, lon0) to the structure (its position, else its commune's; or
    the given expressions: the narrow rows' stored position)."""
    if lat is None:
        lat = Coalesce(F("latitude"), F("commune__latitude"), output_field=FloatField())
        lon = Coalesce(F("longitude"), F("commune__longitude"), output_field=FloatField())
    k_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    dy = (lat - Value(lat0)) * Value(KM_PER_DEGREE_LAT)
    dx = (lon - Value(lon0)) * Value(k_lon)
    return dy * dy + dx * dx


def _charter_ids(territory: Territory) -> Any:
    badge = registry.structure_badges.get("charter")
    return badge.structure_ids(territory) if badge is not None else []


def candidates(
    *,
    territory: Territory,
    sectors: list[str],
    offer_type: str,
    commune: Any,
    reserved: str,
    exclude_id: int | None = None,
) -> QuerySet[Structure]:
    """The eligible structures, annotated with `d2` (km², or None without a place). Shared by the matching
    of a need and by « potentiel »."""
    qs = Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED).filter(
        supplier_offer__isnull=False
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    kinds = eligible_kinds(reserved)
    if kinds is not None:
        qs = qs.filter(inclusion_kind__in=sorted(kinds))
    fit = Q(supplier_offer__offer_types__contains=f",{offer_type},") if offer_type else Q()
    if sectors:
        in_sector = Exists(StructureSector.objects.filter(structure=OuterRef("pk"), sector__in=sectors))
        fit = (fit | Q(in_sector)) if offer_type else Q(in_sector)
    if fit:
        qs = qs.filter(fit)
    if commune is None:
        return qs.annotate(d2=Value(None, output_field=FloatField()))
    qs = qs.annotate(d2=_squared_km(commune.latitude, commune.longitude))
    covers = (
        Q(supplier_offer__perimeter=Perimeter.FRANCE)
        | Q(
            supplier_offer__perimeter=Perimeter.DEPARTMENT,
            commune__insee_code__startswith=_department(commune.insee_code),
        )
        # The offers serving the commune, read once (a join would repeat a structure per served commune).
        | Q(
            supplier_offer__perimeter=Perimeter.COMMUNES,
            supplier_offer__in=SupplierOffer.communes.through.objects.filter(commune=commune).values(
                "supplieroffer_id"
            ),
        )
        | Q(
            supplier_offer__perimeter=Perimeter.RADIUS,
            d2__lte=F("supplier_offer__radius_km") * F("supplier_offer__radius_km"),
        )
    )
    return qs.filter(covers)


def eligible_suppliers(need: Need) -> QuerySet[Structure]:
    return candidates(
        territory=need.territory,
        sectors=list(need.sectors),
        offer_type=need.offer_type,
        commune=need.commune,
        reserved=need.reserved,
        exclude_id=need.buyer_id,
    )


def _distance_points(need: Need) -> Any:
    if need.commune is None:
        return Value(0, output_field=IntegerField())
    return Case(
        When(d2__lte=100, then=Value(20)),
        When(d2__lte=625, then=Value(15)),
        When(d2__lte=2500, then=Value(10)),
        default=Value(5),
        output_field=IntegerField(),
    )


def _scored(qs: QuerySet[Structure], need: Need, *, in_sector: bool = False) -> QuerySet[Structure]:
    """`qs` with each part of the score (`p_…`) and their total (`score`). `in_sector`: every structure of
    `qs` is known to share a sector with the need (no subquery per candidate for that part)."""
    int_: Any = IntegerField()
    sector = (
        Value(35, output_field=int_)
        if in_sector
        else Case(
            When(
                Exists(
                    StructureSector.objects.filter(structure=OuterRef("pk"), sector__in=list(need.sectors))
                ),
                then=Value(35),
            ),
            default=Value(0),
            output_field=int_,
        )
        if need.sectors
        else Value(0, output_field=int_)
    )
    distance = _distance_points(need)
    offer_type = Case(
        When(supplier_offer__offer_types__contains=f",{need.offer_type},", then=Value(15)),
        default=Value(0),
        output_field=int_,
    )
    capacity = Case(
        When(supplier_offer__staff__gte=10, then=Value(10)),
        When(supplier_offer__staff__gte=3, then=Value(6)),
        When(supplier_offer__staff__gte=1, then=Value(3)),
        default=Value(0),
        output_field=int_,
    )
    # The count is kept on the offer by the reference services (no subquery per candidate).
    qs = qs.annotate(p_refs_n=F("supplier_offer__references_count"))
    references = Case(
        When(p_refs_n__gte=3, then=Value(10)),
        When(p_refs_n=2, then=Value(6)),
        When(p_refs_n=1, then=Value(3)),
        default=Value(0),
        output_field=int_,
    )
    charter = Case(
        When(pk__in=_charter_ids(need.territory), then=Value(10)), default=Value(0), output_field=int_
    )
    return qs.annotate(
        p_sector=sector,
        p_distance=distance,
        p_offer_type=offer_type,
        p_capacity=capacity,
        p_references=references,
        p_charter=charter,
    ).annotate(
        score=F("p_sector")
        + F("p_distance")
        + F("p_offer_type")
        + F("p_capacity")
        + F("p_references")
        + F("p_charter")
    )


def _why(key: str, row: Structure, need: Need, distance: float | None) -> str:
    points = getattr(row, f"p_{key}")
    if key == "sector":
        mine = {s.sector for s in row.sectors.all()}
        common = [SECTORS[s].label for s in need.sectors if s in mine and s in SECTORS]
        return f"Secteur commun : {', '.join(common)}." if common else "Aucun secteur commun."
    if key == "distance":
        if distance is None:
            return "Besoin sans lieu précisé."
        offer = row.supplier_offer
        return f"À {distance:.0f} km du lieu du besoin ; périmètre servi : {offer.get_perimeter_display()}."
    if key == "offer_type":
        wanted = OfferType(need.offer_type).label
        return f"Propose des {wanted}." if points else f"Ne déclare pas proposer des {wanted}."
    if key == "capacity":
        staff = row.supplier_offer.staff
        return f"Effectif déclaré : {staff} personnes." if staff else "Effectif non renseigné."
    if key == "references":
        n = row.p_refs_n
        return f"{n} référence(s) client déclarée(s)." if n else "Aucune référence client déclarée."
    return "Signataire de la charte en vigueur." if points else "N'a pas signé la charte en vigueur."


def explain(row: Structure, need: Need) -> Match:
    distance = math.sqrt(row.d2) if getattr(row, "d2", None) is not None else None
    parts = [
        {
            "key": key,
            "label": PART_LABELS[key],
            "points": int(getattr(row, f"p_{key}")),
            "max": PART_MAX[key],
            "why": _why(key, row, need, distance),
        }
        for key in PART_LABELS
    ]
    return Match(structure=row, score=int(row.score), parts=parts, distance_km=distance)


def _row_candidates(need: Need, exclude_ids: Any) -> tuple[QuerySet[MatchRow], Q]:
    """The eligible suppliers as narrow rows (the rules of `candidates`, on the stored copy), annotated with
    `d2`; and the condition « shares one of the need's sectors »."""
    qs = MatchRow.objects.filter(territory=need.territory, published=True).exclude(structure_id=need.buyer_id)
    if exclude_ids is not None:
        qs = qs.exclude(structure_id__in=exclude_ids)
    kinds = eligible_kinds(need.reserved)
    if kinds is not None:
        qs = qs.filter(inclusion_kind__in=sorted(kinds))
    bit = offer_bits(f",{need.offer_type},")
    sells = Q(GreaterThan(F("offer_bits").bitand(bit), 0))
    mask = sector_bits(need.sectors)
    shares = Q(GreaterThan(F("sector_bits").bitand(mask), 0))
    fit = sells if need.offer_type else Q()
    if need.sectors:
        fit = (fit | shares) if need.offer_type else shares
    if fit:
        qs = qs.filter(fit)
    commune = need.commune
    if commune is None:
        return qs.annotate(d2=Value(None, output_field=FloatField())), shares
    qs = qs.annotate(d2=_squared_km(commune.latitude, commune.longitude, F("latitude"), F("longitude")))
    covers = (
        Q(perimeter=Perimeter.FRANCE)
        | Q(perimeter=Perimeter.DEPARTMENT, insee_code__startswith=_department(commune.insee_code))
        | Q(
            perimeter=Perimeter.COMMUNES,
            offer_id__in=SupplierOffer.communes.through.objects.filter(commune=commune).values(
                "supplieroffer_id"
            ),
        )
        | Q(perimeter=Perimeter.RADIUS, d2__lte=F("radius_km") * F("radius_km"))
    )
    return qs.filter(covers), shares


def _row_ranking(
    qs: QuerySet[MatchRow], need: Need, shares: Q, limit: int, *, in_sector: bool = False
) -> list[tuple[int, int]]:
    """(structure id, score) of the `limit` best rows of `qs`, by score, name and id: the total of `_scored`,
    computed from the stored columns (`fixed_points` holds the capacity and references parts)."""
    int_: Any = IntegerField()
    if in_sector:
        sector: Any = Value(35, output_field=int_)
    else:
        sector = Case(When(shares, then=Value(35)), default=Value(0), output_field=int_)
    distance = _distance_points(need)
    bit = offer_bits(f",{need.offer_type},")
    offer_type = Case(
        When(GreaterThan(F("offer_bits").bitand(bit), 0), then=Value(15)), default=Value(0), output_field=int_
    )
    charter = Case(
        When(structure_id__in=_charter_ids(need.territory), then=Value(10)),
        default=Value(0),
        output_field=int_,
    )
    ordered = qs.annotate(score=sector + distance + offer_type + F("fixed_points") + charter).order_by(
        "-score", "name", "structure_id"
    )
    return list(ordered.values_list("structure_id", "score")[:limit])


def _best_ids(need: Need, limit: int, exclude_ids: Any = None) -> list[int]:
    """The ids of the `limit` best eligible structures, in order — the same as ranking every eligible one.

    Read from the narrow rows. First tier: the structures in one of the need's sectors. Any other structure
    scores at most the score without the sector part (`PART_MAX` less the sector, and less the distance for a
    need without a place). When the tier's `limit`-th score is above that bound, no other structure can enter
    the list — not even on a tie, which the name would break — so the tier's list is the whole answer;
    otherwise every eligible structure is ranked."""
    if limit <= 0:
        return []
    rows, shares = _row_candidates(need, exclude_ids)
    if need.sectors:
        bound = sum(PART_MAX.values()) - PART_MAX["sector"]
        if need.commune is None:
            bound -= PART_MAX["distance"]
        tier = _row_ranking(rows.filter(shares), need, shares, limit, in_sector=True)
        if len(tier) == limit and tier[-1][1] > bound:
            return [pk for pk, _ in tier]
    return [pk for pk, _ in _row_ranking(rows, need, shares, limit)]


def ranked_matches(need: Need, *, limit: int = 50, exclude_ids: Any = None) -> list[Match]:
    """The `limit` best eligible suppliers of a need, best first, each with its explained score.

    Two steps: the ranking selects only ids and totals (`_best_ids`), then the parts, the offer, the commune
    and the sectors are read for those `limit` structures only, still through the eligibility filter."""
    ids = _best_ids(need, limit, exclude_ids)
    if not ids:
        return []
    rows = (
        _scored(eligible_suppliers(need).filter(pk__in=ids), need)
        .select_related("supplier_offer", "commune")
        .prefetch_related("sectors")
    )
    position = {pk: n for n, pk in enumerate(ids)}
    return [explain(row, need) for row in sorted(rows, key=lambda row: position[row.pk])]


def shortlist_matches(need: Need, structure_ids: Any) -> list[Match]:
    """The structures of a shortlist a need may be sent to, best first, each with its explained score: the
    buyer chose them, so sector, offer type and perimeter only weigh in the score — but a reserved need still
    reaches only the structures its reserved contract is open to (the filter is in the query)."""
    qs = Structure.objects.filter(
        pk__in=structure_ids,
        territory=need.territory,
        status=Structure.Status.PUBLISHED,
        supplier_offer__isnull=False,
    ).exclude(pk=need.buyer_id)
    kinds = eligible_kinds(need.reserved)
    if kinds is not None:
        qs = qs.filter(inclusion_kind__in=sorted(kinds))
    if need.commune is None:
        qs = qs.annotate(d2=Value(None, output_field=FloatField()))
    else:
        qs = qs.annotate(d2=_squared_km(need.commune.latitude, need.commune.longitude))
    rows = (
        _scored(qs, need)
        .select_related("supplier_offer", "commune")
        .prefetch_related("sectors")
        .order_by("-score", "name", "pk")
    )
    return [explain(row, need) for row in rows]
