"""Needs (« dépôt de besoin »): written by a buyer structure's managers, validated by the animation, closed by
either. Every status change goes through the need's machine (`NEED_MACHINE`) and is logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.actors.taxonomy import SECTORS
from maillage.core.actors import Actor, user_of
from maillage.core.machines import log_creation, transition
from maillage.core.uploads import clean_upload
from maillage.procurement.models import Need, NeedAttachment, NeedStatus
from maillage.procurement.permissions import can_animate, can_buy_for, require_animator, require_buyer
from maillage.procurement.services import notices
from maillage.procurement.services.common import Errors, in_territory
from maillage.procurement.taxonomy import NeedKind, OfferType, Reserved

MAX_ATTACHMENTS = 5
NEED_FIELDS = (
    "kind",
    "offer_type",
    "title",
    "description",
    "sectors",
    "commune",
    "amount_min",
    "amount_max",
    "deadline",
    "start_date",
    "reserved",
    "clause_hours",
    "anonymous",
)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _check(buyer: Structure, data: dict[str, Any], today: dt.date) -> None:
    errors = Errors()
    if data.get("kind") not in NeedKind.values:
        errors.add("kind", "Choisissez le type de besoin parmi la liste proposée.")
    if data.get("offer_type") not in OfferType.values:
        errors.add("offer_type", "Choisissez la nature de l'achat parmi la liste proposée.")
    if not str(data.get("title") or "").strip():
        errors.add("title", "Donnez un titre au besoin.")
    if not str(data.get("description") or "").strip():
        errors.add("description", "Décrivez le besoin.")
    sectors = data.get("sectors") or []
    if any(s not in SECTORS for s in sectors):
        errors.add("sectors", "Choisissez les secteurs parmi la liste proposée.")
    if not in_territory(data.get("commune"), buyer.territory):
        errors.add("commune", "Le lieu du besoin doit être une commune du territoire.")
    low, high = data.get("amount_min"), data.get("amount_max")
    for name, value in (("amount_min", low), ("amount_max", high)):
        if value is not None and Decimal(value) < 0:
            errors.add(name, "Un montant ne peut pas être négatif.")
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        errors.add("amount_max", "Le montant maximum doit être supérieur ou égal au montant minimum.")
    deadline = data.get("deadline")
    if deadline is None:
        errors.add("deadline", "Indiquez la date limite de réponse.")
    elif deadline < today:
        errors.add("deadline", "La date limite de réponse est déjà passée : choisissez une date à venir.")
    start = data.get("start_date")
    if start is not None and deadline is not None and start < deadline:
        errors.add("start_date", "La prestation ne peut pas commencer avant la date limite de réponse.")
    if data.get("reserved", "") not in Reserved.values:
        errors.add("reserved", "Choisissez le type de marché réservé parmi la liste proposée.")
    if int(data.get("clause_hours") or 0) < 0:
        errors.add("clause_hours", "Le nombre d'heures ne peut pas être négatif.")
    errors.raise_if_any()


@transaction.atomic
def create_need(*, actor: Actor, buyer: Structure, today: dt.date | None = None, **data: Any) -> Need:
    """A draft need of the buyer structure (fields: NEED_FIELDS)."""
    require_buyer(actor, buyer)
    unknown = set(data) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"unknown need fields {sorted(unknown)}")
    data.setdefault("reserved", "")
    data.setdefault("clause_hours", 0)
    _check(buyer, data, _today(today))
    need = Need.objects.create(
        territory=buyer.territory,
        buyer=buyer,
        author=user_of(actor),
        **{**data, "sectors": list(data.get("sectors") or [])},
    )
    log_creation(need, actor=actor)
    return need


@transaction.atomic
def update_need(*, actor: Actor, need: Need, today: dt.date | None = None, **data: Any) -> Need:
    require_buyer(actor, need.buyer)
    if need.status != NeedStatus.DRAFT:
        raise ValidationError("Seul un besoin en brouillon peut être modifié.")
    merged = {name: getattr(need, name) for name in NEED_FIELDS} | data
    _check(need.buyer, merged, _today(today))
    for name in NEED_FIELDS:
        setattr(need, name, merged[name])
    need.save()
    return need


@transaction.atomic
def add_attachment(*, actor: Actor, need: Need, file: Any) -> NeedAttachment:
    """A document joined to a draft need, through core's upload checks (sniffed, re-encoded, size)."""
    require_buyer(actor, need.buyer)
    if need.status != NeedStatus.DRAFT:
        raise ValidationError("Les documents se joignent tant que le besoin est en brouillon.")
    if need.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(f"Un besoin compte au plus {MAX_ATTACHMENTS} documents.")
    cleaned = clean_upload(file, kind="document")
    return NeedAttachment.objects.create(need=need, file=cleaned.file, name=cleaned.name, size=cleaned.size)


@transaction.atomic
def submit_need(*, actor: Actor, need: Need, today: dt.date | None = None) -> Need:
    require_buyer(actor, need.buyer)
    if need.deadline < _today(today):
        raise ValidationError(
            "La date limite de réponse est passée : modifiez-la avant de soumettre le besoin."
        )
    transition(need, NeedStatus.SUBMITTED, actor=actor)
    notices.need_submitted(need, actor=actor)
    return need


@transaction.atomic
def validate_need(*, actor: Actor, need: Need) -> Need:
    require_animator(actor, need.territory)
    transition(need, NeedStatus.VALIDATED, actor=actor)
    notices.need_decided(need, actor=actor, validated=True)
    return need


@transaction.atomic
def return_need(*, actor: Actor, need: Need, note: str) -> Need:
    """The animation sends a submitted need back to its buyer (as a draft), saying why."""
    require_animator(actor, need.territory)
    if not note.strip():
        raise ValidationError({"note": "Dites à l'acheteur ce qu'il faut revoir."})
    transition(need, NeedStatus.DRAFT, actor=actor, note=note.strip()[:300])
    notices.need_decided(need, actor=actor, validated=False, note=note.strip())
    return need


@transaction.atomic
def close_need(*, actor: Actor, need: Need, note: str = "") -> Need:
    if not (can_buy_for(actor, need.buyer) or can_animate(actor, need.territory)):
        require_buyer(actor, need.buyer)
    transition(need, NeedStatus.CLOSED, actor=actor, note=note[:300])
    return need


def sectors_valid(values: Sequence[str]) -> bool:
    return all(v in SECTORS for v in values)
