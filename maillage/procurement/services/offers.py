"""A structure's supplier offer and its client references, written by the structure's managers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from maillage.actors.models import Structure
from maillage.core.actors import Actor
from maillage.procurement.models import ClientReference, SupplierOffer
from maillage.procurement.permissions import require_offer_editor
from maillage.procurement.services.common import Errors, in_territory
from maillage.procurement.taxonomy import OfferType, Perimeter, TurnoverBand


@transaction.atomic
def save_offer(
    *,
    actor: Actor,
    structure: Structure,
    offer_types: Sequence[str],
    summary: str = "",
    perimeter: str = Perimeter.DEPARTMENT,
    radius_km: int | None = None,
    communes: Sequence[Any] = (),
    staff: int | None = None,
    turnover_band: str = "",
    labels: Sequence[str] = (),
) -> SupplierOffer:
    """Create or replace the structure's offer; a French error per bad field, nothing written."""
    require_offer_editor(actor, structure)
    errors = Errors()
    types = [t for t in OfferType.values if t in set(offer_types)]
    if not types or len(types) != len(set(offer_types)):
        errors.add("offer_types", "Choisissez au moins un type d'offre parmi la liste proposée.")
    if perimeter not in Perimeter.values:
        errors.add("perimeter", "Choisissez un périmètre parmi la liste proposée.")
    if perimeter == Perimeter.RADIUS and not (radius_km and 1 <= radius_km <= 1000):
        errors.add("radius_km", "Indiquez un rayon entre 1 et 1 000 km.")
    if perimeter == Perimeter.COMMUNES:
        if not communes:
            errors.add("communes", "Choisissez au moins une commune servie.")
        elif any(not in_territory(c, structure.territory) for c in communes):
            errors.add("communes", "Les communes servies doivent appartenir au territoire.")
    if staff is not None and staff < 0:
        errors.add("staff", "L'effectif ne peut pas être négatif.")
    if turnover_band not in TurnoverBand.values:
        errors.add("turnover_band", "Choisissez une tranche de chiffre d'affaires parmi la liste proposée.")
    errors.raise_if_any()
    offer, _created = SupplierOffer.objects.update_or_create(
        structure=structure,
        defaults={
            "offer_types": "," + ",".join(types) + ",",
            "summary": summary.strip(),
            "perimeter": perimeter,
            "radius_km": radius_km if perimeter == Perimeter.RADIUS else None,
            "staff": staff,
            "turnover_band": turnover_band,
            "labels": [label.strip() for label in labels if label.strip()][:20],
        },
    )
    offer.communes.set(list(communes) if perimeter == Perimeter.COMMUNES else [])
    return offer


@transaction.atomic
def add_reference(
    *, actor: Actor, structure: Structure, client: str, year: int, text: str, today: dt.date | None = None
) -> ClientReference:
    require_offer_editor(actor, structure)
    offer = SupplierOffer.objects.filter(structure=structure).first()
    errors = Errors()
    this_year = (today or dt.date.today()).year
    if offer is None:
        errors.add("__all__", "Décrivez d'abord l'offre de la structure, puis ajoutez ses références.")
    if not client.strip():
        errors.add("client", "Indiquez le client.")
    if not (1990 <= year <= this_year):
        errors.add("year", f"L'année doit être comprise entre 1990 et {this_year}.")
    if not text.strip():
        errors.add("text", "Décrivez la prestation en quelques mots.")
    errors.raise_if_any()
    assert offer is not None
    return ClientReference.objects.create(offer=offer, client=client.strip(), year=year, text=text.strip())


@transaction.atomic
def remove_reference(*, actor: Actor, reference: ClientReference) -> None:
    require_offer_editor(actor, reference.offer.structure)
    reference.delete()
