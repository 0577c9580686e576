"""Personal data of the Trophée: the nominations a person proposed, their jury seats and scores, and their
public votes — found by the keyed hash of their address, the only trace a vote keeps."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction

from maillage.awards.models import EditionStatus, Juror, Nomination, Vote
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


# The keyed hash of a voter's address is what proves « one vote per address »: it is kept while the results
# can be contested — two months after the palmarès is published, the delay of a contentious appeal against
# an administrative decision (code de justice administrative, art. R. 421-1) — then replaced by a random,
# recognisable value. The vote keeps counting (nomination, date, token digest stay): the tally and the
# existence of the audit trail survive, the link to an address does not.
DEFAULT_VOTE_HASH_RETENTION_DAYS = 61
UNLINKED_PREFIX = "delie-"


def vote_hash_retention() -> dt.timedelta:
    return dt.timedelta(
        days=getattr(settings, "AWARDS_VOTE_HASH_RETENTION_DAYS", DEFAULT_VOTE_HASH_RETENTION_DAYS)
    )


def vote_hash_retention_text() -> str:
    days = vote_hash_retention().days
    return (
        "Un vote du public ne garde qu'une empreinte chiffrée de l'adresse ; elle est remplacée "
        f"par une valeur aléatoire {days} jours après la publication du palmarès "
        "(le délai de recours contentieux) : le vote reste compté, plus rien ne le relie à une adresse."
    )


@transaction.atomic
def unlink_old_vote_hashes(now: dt.datetime) -> int:
    """Retention: the votes of editions published more than the retention delay ago lose their address
    hash (each gets a distinct random value, as the one-vote-per-address constraint wants)."""
    votes = Vote.objects.filter(
        category__edition__status=EditionStatus.PUBLISHED,
        category__edition__published_at__lt=now - vote_hash_retention(),
    ).exclude(address_hash__startswith=UNLINKED_PREFIX)
    count = 0
    for pk in list(votes.values_list("pk", flat=True)):
        count += Vote.objects.filter(pk=pk).update(address_hash=UNLINKED_PREFIX + secrets.token_hex(29))
    return count
