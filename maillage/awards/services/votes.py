"""The public vote: one vote per verified address per category.

1. `request_vote` (anonymous form, rate-limited by the view per connection and per address): nothing is
   written; a signed link carrying the category, the nominee and the keyed hash of the address — never the
   clear address — is mailed to the address.
2. `confirm_vote` (the POST of the page that link opens): inside one transaction, checks the vote is still
   open and inserts the vote. The database's unique constraints decide: (category, address hash) refuses a
   second vote of the same address, `token_digest` makes a retried or replayed POST of the same link find
   its vote instead of counting it again (idempotent) — whatever the number of workers, or a crash between
   the commit and the answer.

The hash is an HMAC-SHA256 of the normalised address under a key derived from SECRET_KEY: it proves who
voted (the person can find their vote by their address) and keeps the vote auditable (hash and time) with no
clear address kept.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count

from maillage.awards.models import Category, Edition, EditionStatus, Nomination, Vote
from maillage.awards.services.notices import VOTE_PURPOSE, mail_vote_link
from maillage.core.actors import Actor, require_actor
from maillage.core.tokens import make_token, read_token

VOTE_MAX_AGE = timedelta(days=2)
NOT_OPEN = "Le vote du public n'est pas ouvert pour cette édition : votre vote n'a pas été compté."
ALREADY = (
    "Cette adresse a déjà voté dans cette catégorie : chaque adresse ne compte qu'une fois. "
    "Votre premier vote reste enregistré."
)
BAD_LINK = "Ce lien de vote n'est pas valide : demandez un nouveau lien depuis la page de la catégorie."


def normalise_address(email: str) -> str:
    return (email or "").strip().lower()


def address_hash(email: str) -> str:
    key = hashlib.sha256(f"maillage.awards.vote:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normalise_address(email).encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def vote_token(nomination: Nomination, email: str) -> str:
    return make_token(
        VOTE_PURPOSE, {"c": nomination.category_id, "n": nomination.pk, "h": address_hash(email)}
    )


def request_vote(*, actor: Actor, nomination: Nomination, email: str) -> None:
    """Mail the confirmation link. The same answer whether the address already voted or not: that is
    said on confirmation, so the form tells nobody who voted."""
    require_actor(actor)
    email = normalise_address(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Saisissez une adresse électronique valide."}) from None
    edition = nomination.category.edition
    if edition.status != EditionStatus.VOTING:
        raise ValidationError(NOT_OPEN)
    if nomination.status != "accepted":
        raise ValidationError("Cette initiative n'est pas en lice.")
    mail_vote_link(nomination=nomination, email=email, token=vote_token(nomination, email))


@dataclass(frozen=True)
class Confirmation:
    vote: Vote
    created: bool  # False: this very link had already been confirmed (a retried POST)


def pending_vote(token: str) -> dict[str, Any]:
    """The payload of a valid, unexpired vote link (raises core's TokenError)."""
    payload = read_token(VOTE_PURPOSE, token, VOTE_MAX_AGE)
    if not isinstance(payload, dict) or not {"c", "n", "h"} <= set(payload):
        raise ValidationError(BAD_LINK)
    return payload


@transaction.atomic
def confirm_vote(*, actor: Actor, token: str) -> Confirmation:
    require_actor(actor)
    payload = pending_vote(token)
    digest = token_digest(token)
    done = Vote.objects.filter(token_digest=digest).first()
    if done is not None:
        return Confirmation(vote=done, created=False)
    nomination = (
        Nomination.objects.select_related("category__edition")
        .filter(pk=payload["n"], category_id=payload["c"], status="accepted")
        .first()
    )
    if nomination is None:
        raise ValidationError(BAD_LINK)
    if nomination.category.edition.status != EditionStatus.VOTING:
        raise ValidationError(NOT_OPEN)
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                category_id=nomination.category_id,
                nomination=nomination,
                address_hash=payload["h"],
                token_digest=digest,
            )
    except IntegrityError:
        done = Vote.objects.filter(token_digest=digest).first()
        if done is not None:  # the same link, confirmed by a concurrent POST
            return Confirmation(vote=done, created=False)
        raise ValidationError(ALREADY) from None
    return Confirmation(vote=vote, created=True)


def vote_counts(edition: Edition) -> dict[int, int]:
    """{nomination id: votes}. Callers show them only once the vote is closed."""
    rows = Vote.objects.filter(category__edition=edition).values("nomination_id").annotate(n=Count("pk"))
    return {row["nomination_id"]: row["n"] for row in rows}


def votes_of_address(email: str) -> list[Vote]:
    return list(
        Vote.objects.filter(address_hash=address_hash(email)).select_related(
            "category__edition", "nomination"
        )
    )


def category_of(pk: int) -> Category | None:
    return Category.objects.select_related("edition").filter(pk=pk).first()
