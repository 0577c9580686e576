"""A buyer's shortlists of suppliers (« listes de fournisseurs »): made from the supplier search, renamed,
deleted, and used to send a validated need to hand-picked suppliers.

A shortlist belongs to a buyer structure: only its managers write it (`require_buyer`). Sending a need to a
shortlist records each supplier as a `Recipient` like a matched one (with its explained score) and mails it
once: a supplier that already received the need is left out (the unique need × structure constraint backs
it), and a reserved need still only reaches the structures the reserved contract is open to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.actors import Actor, user_of
from maillage.core.db import lock_row
from maillage.core.machines import transition
from maillage.procurement.matching import shortlist_matches
from maillage.procurement.models import Need, NeedStatus, Recipient, Shortlist, ShortlistEntry
from maillage.procurement.permissions import can_buy_for, require_buyer
from maillage.procurement.services import notices

MAX_NAME = 120
OTHER_BUYER = "Cette liste appartient à un autre acheteur : vous ne pouvez pas l'utiliser."


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Donnez un nom à la liste."})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": f"Le nom de la liste compte au plus {MAX_NAME} caractères."})
    return name


def _suppliers(buyer: Structure, ids: Iterable[Any]) -> list[Structure]:
    """The chosen structures that are suppliers of the buyer's territory (with a public offer)."""
    wanted = {int(i) for i in ids if str(i).isdigit()}
    found = list(
        Structure.objects.filter(
            pk__in=wanted,
            territory_id=buyer.territory_id,
            status=Structure.Status.PUBLISHED,
            supplier_offer__isnull=False,
        ).exclude(pk=buyer.pk)
    )
    if not found:
        raise ValidationError({"suppliers": "Cochez au moins un fournisseur de la recherche."})
    return found


@transaction.atomic
def create_shortlist(
    *, actor: Actor, buyer: Structure, name: str, suppliers: Iterable[Any] = ()
) -> Shortlist:
    require_buyer(actor, buyer)
    name = _clean_name(name)
    chosen = _suppliers(buyer, suppliers)
    if Shortlist.objects.filter(buyer=buyer, name__iexact=name).exists():
        raise ValidationError({"name": f"Une liste « {name} » existe déjà : choisissez-la ou un autre nom."})
    shortlist = Shortlist.objects.create(buyer=buyer, name=name, author=user_of(actor))
    ShortlistEntry.objects.bulk_create([ShortlistEntry(shortlist=shortlist, structure=s) for s in chosen])
    return shortlist


def _require_owner(actor: Actor, shortlist: Shortlist) -> None:
    if not can_buy_for(actor, shortlist.buyer):
        raise PermissionDenied(OTHER_BUYER)


@transaction.atomic
def add_to_shortlist(*, actor: Actor, shortlist: Shortlist, suppliers: Iterable[Any]) -> int:
    """Add suppliers to an existing list; returns how many were new (one already there is not added twice)."""
    _require_owner(actor, shortlist)
    chosen = _suppliers(shortlist.buyer, suppliers)
    present = set(shortlist.entries.values_list("structure_id", flat=True))
    new = [ShortlistEntry(shortlist=shortlist, structure=s) for s in chosen if s.pk not in present]
    ShortlistEntry.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def rename_shortlist(*, actor: Actor, shortlist: Shortlist, name: str) -> Shortlist:
    _require_owner(actor, shortlist)
    name = _clean_name(name)
    if Shortlist.objects.filter(buyer=shortlist.buyer, name__iexact=name).exclude(pk=shortlist.pk).exists():
        raise ValidationError({"name": f"Une autre liste s'appelle déjà « {name} »."})
    shortlist.name = name
    shortlist.save(update_fields=["name"])
    return shortlist


@transaction.atomic
def remove_from_shortlist(*, actor: Actor, shortlist: Shortlist, structure_id: int) -> None:
    _require_owner(actor, shortlist)
    shortlist.entries.filter(structure_id=structure_id).delete()


@transaction.atomic
def delete_shortlist(*, actor: Actor, shortlist: Shortlist) -> None:
    _require_owner(actor, shortlist)
    shortlist.delete()


@transaction.atomic
def send_to_shortlist(*, actor: Actor, need: Need, shortlist: Shortlist) -> list[Recipient]:
    """Send a validated (or already sent) need to the suppliers of one of the buyer's shortlists that have
    not received it yet, each recorded and mailed once."""
    require_buyer(actor, need.buyer)
    _require_owner(actor, shortlist)
    if shortlist.buyer_id != need.buyer_id:
        raise PermissionDenied(OTHER_BUYER)
    need = lock_row(Need.objects.all(), need.pk)
    if need.status not in (NeedStatus.VALIDATED, NeedStatus.SENT):
        raise ValidationError("Seul un besoin validé par l'animation peut être envoyé aux fournisseurs.")
    already = Recipient.objects.filter(need=need)
    start_rank = already.count()
    ids = shortlist.entries.exclude(structure_id__in=already.values("structure_id")).values("structure_id")
    matches = shortlist_matches(need, ids)
    if not matches:
        raise ValidationError(
            "Aucun fournisseur de cette liste ne peut recevoir ce besoin : tous l'ont déjà reçu, "
            "ou le marché réservé ne leur est pas ouvert."
        )
    now = timezone.now()
    recipients = []
    for offset, match in enumerate(matches, start=1):
        recipient = Recipient.objects.create(
            need=need,
            structure=match.structure,
            score=match.score,
            parts=match.parts,
            rank=start_rank + offset,
            sent_at=now,
        )
        notices.need_sent_to(recipient, actor=actor)
        recipients.append(recipient)
    if need.status == NeedStatus.VALIDATED:
        transition(
            need, NeedStatus.SENT, actor=actor, note=f"{len(recipients)} fournisseurs (liste « {shortlist} »)"
        )
    return recipients
