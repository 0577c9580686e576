"""The matching's narrow rows (`MatchRow`): one per supplier offer, a copy of what the ranking reads of the
offer and of its structure. Written here only, in the caller's transaction: by the offer services (an offer
written, a reference added or removed) and by the directory's services through the registry's
`StructureMirror` (a structure created, edited, moved along its states — archived, refused —, located, its
sectors changed; every structure of a territory after a bulk load, e.g. the Sirene import or a restore). A
structure deleted takes its offer and its row with it (cascade)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from maillage.actors import taxonomy as actors_taxonomy
from maillage.actors.models import Structure, StructureSector
from maillage.procurement.matching import fixed_points
from maillage.procurement.models import MatchRow, SupplierOffer
from maillage.procurement.taxonomy import offer_bits

CHUNK = 2000


def _rows(offers: Iterable[SupplierOffer]) -> list[MatchRow]:
    offers = list(offers)
    sectors: dict[int, list[str]] = {}
    pairs = StructureSector.objects.filter(structure_id__in=[o.structure_id for o in offers])
    for structure_id, sector in pairs.values_list("structure_id", "sector"):
        sectors.setdefault(structure_id, []).append(sector)
    rows = []
    for offer in offers:
        structure, commune = offer.structure, offer.structure.commune
        latitude = (
            structure.latitude if structure.latitude is not None else getattr(commune, "latitude", None)
        )
        longitude = (
            structure.longitude if structure.longitude is not None else getattr(commune, "longitude", None)
        )
        rows.append(
            MatchRow(
                offer=offer,
                structure_id=structure.pk,
                territory_id=structure.territory_id,
                published=structure.status == Structure.Status.PUBLISHED,
                name=structure.name,
                inclusion_kind=structure.inclusion_kind,
                insee_code=commune.insee_code if commune is not None else "",
                latitude=latitude,
                longitude=longitude,
                sector_bits=actors_taxonomy.sector_bits(sectors.get(structure.pk, [])),
                offer_bits=offer_bits(offer.offer_types),
                perimeter=offer.perimeter,
                radius_km=offer.radius_km,
                fixed_points=fixed_points(offer.staff, offer.references_count),
            )
        )
    return rows


def _offers():  # noqa: ANN202
    return SupplierOffer.objects.select_related("structure__commune").only(
        "pk",
        "structure_id",
        "offer_types",
        "perimeter",
        "radius_km",
        "staff",
        "references_count",
        "structure__territory_id",
        "structure__status",
        "structure__name",
        "structure__inclusion_kind",
        "structure__latitude",
        "structure__longitude",
        "structure__commune__insee_code",
        "structure__commune__latitude",
        "structure__commune__longitude",
    )


@transaction.atomic
def refresh_match_rows(structure_ids: Sequence[int]) -> None:
    """Rewrite the rows of these structures' offers from the offers and structures as they are now."""
    ids = sorted(set(structure_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        MatchRow.objects.filter(structure_id__in=chunk).delete()
        MatchRow.objects.bulk_create(_rows(_offers().filter(structure_id__in=chunk)), batch_size=500)


@transaction.atomic
def rebuild_match_rows(territory_id: int) -> int:
    """Rewrite the rows of every offer of a territory (after a bulk load). Returns the number of rows."""
    MatchRow.objects.filter(territory_id=territory_id).delete()
    offers = _offers().filter(structure__territory_id=territory_id).order_by("pk")
    count, batch = 0, []
    for offer in offers.iterator(chunk_size=CHUNK):
        batch.append(offer)
        if len(batch) >= CHUNK:
            count += len(MatchRow.objects.bulk_create(_rows(batch), batch_size=500))
            batch = []
    if batch:
        count += len(MatchRow.objects.bulk_create(_rows(batch), batch_size=500))
    return count
