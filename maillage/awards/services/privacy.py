"""Personal data of the Trophée: the nominations a person proposed, their jury seats and scores, and their
public votes — found by the keyed hash of their address, the only trace a vote keeps."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from maillage.awards.models import Juror, Nomination, Vote
from maillage.awards.services.votes import address_hash, votes_of_address


def export_person(user: Any) -> dict[str, Any]:
    return {
        "propositions": [
            {"édition": n.category.edition.year, "catégorie": n.category.name, "structure": n.structure.name}
            for n in Nomination.objects.filter(proposed_by=user).select_related(
                "category__edition", "structure"
            )
        ],
        "jurys": [
            {"édition": j.edition.year, "notes": j.scores.count()}
            for j in Juror.objects.filter(user=user).select_related("edition")
        ],
        "votes": [
            {
                "édition": v.category.edition.year,
                "catégorie": v.category.name,
                "empreinte de l'adresse": v.address_hash,
                "confirmé le": v.confirmed_at.isoformat(),
            }
            for v in votes_of_address(user.email)
        ]
        if user.email
        else [],
    }


@transaction.atomic
def erase_person(user: Any, *, replacement: Any | None = None) -> None:
    """Proposals lose their author, jury seats go (with their scores), votes keep counting but their hash
    no longer leads to the person (replaced by a random one)."""
    Nomination.objects.filter(proposed_by=user).update(proposed_by=replacement)
    Juror.objects.filter(user=user).delete()
    if user.email:
        for vote in Vote.objects.filter(address_hash=address_hash(user.email)):
            Vote.objects.filter(pk=vote.pk).update(address_hash=secrets.token_hex(32))
