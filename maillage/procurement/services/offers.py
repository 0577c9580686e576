"""A structure's supplier offer and its client references. A manager's edit of the offer waits for the
moderation as an `OfferProposal` (accepted or refused with a reason through `OFFER_PROPOSAL_MACHINE`); the
offer the search shows is always the accepted one. The references count is kept on the offer here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from maillage.actors.models import Decision, Structure
from maillage.actors.permissions import is_structure_manager
from maillage.core.actors import Actor, is_system, user_of
from maillage.core.machines import log_creation, transition
from maillage.procurement.models import ClientReference, OfferProposal, SupplierOffer
from maillage.procurement.permissions import (
    can_moderate_offers,
    require_offer_editor,
    require_offer_moderator,
)
from maillage.procurement.services import notices
from maillage.procurement.services.common import Errors, in_territory
from maillage.procurement.services.rows import refresh_match_rows
from maillage.procurement.taxonomy import OfferType, Perimeter, TurnoverBand

OFFER_FIELDS = (
    "offer_types",
    "summary",
    "perimeter",
    "radius_km",
    "communes",
    "staff",
    "turnover_band",
    "labels",
)
OWN_EDIT = (
    "Vous ne pouvez pas modérer votre propre modification : une autre personne de l'animation doit la relire."
)


def _offer_data(offer: SupplierOffer | None) -> dict[str, Any]:
    """The accepted offer's values, in the shape a proposal keeps (communes as primary keys)."""
    if offer is None:
        return {}
    return {
        "offer_types": offer.offer_types,
        "summary": offer.summary,
        "perimeter": offer.perimeter,
        "radius_km": offer.radius_km,
        "communes": sorted(offer.communes.values_list("pk", flat=True)),
        "staff": offer.staff,
        "turnover_band": offer.turnover_band,
        "labels": list(offer.labels),
    }


def _apply(structure: Structure, data: dict[str, Any]) -> SupplierOffer:
    values = {k: v for k, v in data.items() if k != "communes"}
    offer, _created = SupplierOffer.objects.update_or_create(structure=structure, defaults=values)
    offer.communes.set(data.get("communes") or [])
    refresh_match_rows([structure.pk])
    return offer


def _goes_live(actor: Actor, structure: Structure) -> bool:
    """The system and the moderation's edits go live; a structure's manager's edit waits for the moderation
    (even when that manager also moderates: nobody accepts their own edit)."""
    if is_system(actor):
        return True
    return can_moderate_offers(actor, structure.territory) and not is_structure_manager(actor, structure)


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
) -> SupplierOffer | OfferProposal:
    """Check the offer (a French error per bad field, nothing written), then either write it (the moderation,
    the system) or record it as a proposal waiting for the moderation (a manager): the accepted offer stays
    public meanwhile. A new edit while one waits replaces the waiting one. Nothing changed: refused."""
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
    data = {
        "offer_types": "," + ",".join(types) + ",",
        "summary": summary.strip(),
        "perimeter": perimeter,
        "radius_km": radius_km if perimeter == Perimeter.RADIUS else None,
        "communes": sorted(c.pk for c in communes) if perimeter == Perimeter.COMMUNES else [],
        "staff": staff,
        "turnover_band": turnover_band,
        "labels": [label.strip() for label in labels if label.strip()][:20],
    }
    offer = SupplierOffer.objects.filter(structure=structure).first()
    pending = OfferProposal.objects.select_for_update().filter(structure=structure, status=Decision.PENDING)
    if _goes_live(actor, structure):
        return _apply(structure, data)
    if data == _offer_data(offer) and not pending.exists():
        raise ValidationError("Rien n'a changé dans l'offre : il n'y a rien à transmettre à l'animation.")
    proposal = pending.first()
    if proposal is None:
        proposal = record_offer_proposal(actor=actor, structure=structure, author=user_of(actor), data=data)
    else:
        proposal.data, proposal.author = data, user_of(actor)
        proposal.save(update_fields=["data", "author"])
    notices.offer_proposed(proposal, actor=actor)
    return proposal


def record_offer_proposal(
    *, actor: Actor, structure: Structure, author: Any, data: dict[str, Any]
) -> OfferProposal:
    """Write a proposed offer waiting for the moderation (no mail: `save_offer` tells the moderation; the demo
    loader and the registry's examples call this directly)."""
    proposal = OfferProposal.objects.create(structure=structure, author=author, data=dict(data))
    log_creation(proposal, actor=actor, note="Modification proposée")
    return proposal


@transaction.atomic
def decide_offer_proposal(
    *, actor: Actor, proposal: OfferProposal, accept: bool, reason: str = ""
) -> OfferProposal:
    """The moderation accepts a proposed offer (it becomes the public offer) or refuses it, saying why."""
    require_offer_moderator(actor, proposal.structure.territory)
    proposal = OfferProposal.objects.select_for_update().select_related("structure").get(pk=proposal.pk)
    if proposal.status != Decision.PENDING:
        raise ValidationError("Cette modification a déjà été traitée.")
    person = user_of(actor)
    if person is not None and proposal.author_id == person.pk:
        raise PermissionDenied(OWN_EDIT)
    reason = reason.strip()[:500]
    if not accept and not reason:
        raise ValidationError({"reason": "Dites au gestionnaire pourquoi la modification est refusée."})
    if accept:
        _apply(proposal.structure, proposal.data)
    proposal = transition(
        proposal,
        Decision.ACCEPTED if accept else Decision.REFUSED,
        actor=actor,
        note=reason,
        also={"decided_by": person, "decided_at": timezone.now(), "reason": reason},
    )
    notices.offer_decided(proposal, actor=actor, accepted=accept)
    return proposal


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
    reference = ClientReference.objects.create(
        offer=offer, client=client.strip(), year=year, text=text.strip()
    )
    SupplierOffer.objects.filter(pk=offer.pk).update(references_count=F("references_count") + 1)
    refresh_match_rows([structure.pk])
    return reference


@transaction.atomic
def remove_reference(*, actor: Actor, reference: ClientReference) -> None:
    require_offer_editor(actor, reference.offer.structure)
    offer_id, structure_id = reference.offer_id, reference.offer.structure_id
    reference.delete()
    SupplierOffer.objects.filter(pk=offer_id).update(references_count=F("references_count") - 1)
    refresh_match_rows([structure_id])
