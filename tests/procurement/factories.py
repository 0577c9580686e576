"""Procurement objects for tests, made through the services (the system actor passes the checks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from maillage.actors.models import StructureSector
from maillage.core.actors import SYSTEM
from maillage.procurement import services
from tests.factories import CommuneFactory, StructureFactory

GRASSE = {"insee_code": "06069"}


def supplier(
    territory: Any,
    *,
    name: str,
    sectors: tuple[str, ...] = ("environnement",),
    offer_types=("services",),
    perimeter: str = "department",
    commune: Any = None,
    inclusion_kind: str = "",
    staff: int | None = 5,
    radius_km: int | None = None,
    **extra: Any,
) -> Any:
    structure = StructureFactory(
        territory=territory,
        name=name,
        inclusion_kind=inclusion_kind,
        commune=commune or territory.communes.first(),
        **extra,
    )
    for sector in sectors:
        StructureSector.objects.create(structure=structure, sector=sector)
    services.save_offer(
        actor=SYSTEM,
        structure=structure,
        offer_types=list(offer_types),
        perimeter=perimeter,
        staff=staff,
        radius_km=radius_km,
    )
    return structure


def need_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "quote",
        "offer_type": "services",
        "title": "Entretien des espaces verts",
        "description": "Tonte et taille autour de trois écoles.",
        "sectors": ["environnement"],
        "deadline": timezone.localdate() + dt.timedelta(days=20),
    }
    return data | overrides


def need(buyer: Any, *, status: str = "draft", **overrides: Any) -> Any:
    item = services.create_need(actor=SYSTEM, buyer=buyer, **need_data(**overrides))
    if status == "draft":
        return item
    services.submit_need(actor=SYSTEM, need=item)
    if status == "submitted":
        return item
    services.validate_need(actor=SYSTEM, need=item)
    if status == "validated":
        return item
    services.send_next_batch(actor=SYSTEM, need=item)
    item.refresh_from_db()
    return item


def far_commune(territory: Any) -> Any:
    commune = CommuneFactory(insee_code="83137", name="Toulon", latitude=43.124, longitude=5.928)
    territory.communes.add(commune)
    return commune
