"""Subscriptions to the lettre: double opt-in, confirmation, unsubscription (core's machine, logged).

Subscribing stores a short-lived `PendingSubscription` (address, commune, moment of consent); the mailed
link carries only its id, signed, single-use and expiring — never the address, which would land in access
logs. The subscriber row is created when the person confirms (POST); the request is then deleted. The
person has no account: confirming and unsubscribing are logged as « Visiteur (lien du courriel) ».
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor, is_system, require_actor, visitor
from maillage.core.machines import log_creation, transition
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.models import Commune, Territory
from maillage.core.tokens import make_token
from maillage.newsletter import rendering
from maillage.newsletter.models import (
    PENDING_RETENTION,
    UNSUBSCRIBED_RETENTION_DAYS,
    PendingSubscription,
    Subscriber,
)

CONFIRM_PURPOSE = "newsletter-confirm"
CONFIRM_MAX_AGE = PENDING_RETENTION
CONSENT_TEXT = (
    "J'accepte de recevoir la lettre d'information du territoire par courriel. Mon adresse sert uniquement "
    "à cet envoi ; seule l'équipe d'animation du contrat y a accès ; elle est supprimée "
    f"{UNSUBSCRIBED_RETENTION_DAYS} jours après mon désabonnement (un lien de désabonnement figure dans "
    "chaque lettre)."
)
# A link that is no longer honoured: an old-style link (it carried the address), or a request since
# confirmed, expired or erased.
STALE_LINK_MESSAGE = (
    "Ce lien de confirmation n'est plus valable. Abonnez-vous de nouveau depuis la page de la lettre "
    "d'information : vous recevrez un nouveau lien."
)
MAIL_LINK = visitor("lien du courriel")


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."}
        ) from None
    return email


def confirmation_token(pending: PendingSubscription) -> str:
    """The token of a confirmation link: the request's id and territory, signed — no address."""
    return make_token(CONFIRM_PURPOSE, {"t": pending.territory_id, "r": pending.pk}, single_use=True)


def pending_request(*, territory: Territory, payload: Any) -> PendingSubscription | None:
    """The request a confirmation link designates, or None for a link no longer honoured (an old-style
    link carrying the address, a request confirmed, expired or erased since)."""
    if (
        not isinstance(payload, dict)
        or payload.get("t") != territory.pk
        or not isinstance(payload.get("r"), int)
    ):
        return None
    return (
        PendingSubscription.objects.filter(
            territory=territory, pk=payload["r"], consent_at__gte=timezone.now() - PENDING_RETENTION
        )
        .select_related("commune")
        .first()
    )


def _new_request(territory: Territory, email: str, commune: Commune | None) -> PendingSubscription:
    return PendingSubscription.objects.create(
        territory=territory, email=email, commune=commune, consent_at=timezone.now()
    )


@transaction.atomic
def request_subscription(*, territory: Territory, email: str, commune: Commune | None = None) -> bool:
    """Keep the request and send its confirmation link to `email` (after commit). Returns whether a mail
    was sent (never shown to the person: the page answers the same whether the address is known or not)."""
    email = normalise_email(email)
    if Subscriber.objects.filter(territory=territory, email=email).confirmed().exists():
        return False  # already subscribed: nothing to do, nothing revealed
    if commune is not None and not territory.communes.filter(pk=commune.pk).exists():
        commune = None
    pending = _new_request(territory, email, commune)
    send_mail_on_commit(
        territory=territory,
        to=email,
        template="lettre_confirm",
        context={
            "lettre_title": rendering.lettre_title(),
            "confirm_url": territory_url(territory, "newsletter:confirm", token=confirmation_token(pending)),
            "consent_text": CONSENT_TEXT,
        },
    )
    return True


@transaction.atomic
def record_pending_subscription(*, actor: Actor, territory: Territory, email: str) -> PendingSubscription:
    """A request without its mail, for the registry's example confirmation link (the system only)."""
    if not is_system(require_actor(actor)):
        raise PermissionDenied("Réservé aux exemples de la plateforme.")
    return _new_request(territory, normalise_email(email), None)


@transaction.atomic
def confirm_subscription(*, territory: Territory, payload: Any) -> Subscriber:
    """Create (or re-activate) the subscriber of a confirmation link's request; the consent is recorded
    with the date the form was sent and its exact text. The address's pending requests are deleted."""
    if isinstance(payload, dict) and payload.get("t") not in (None, territory.pk):
        raise ValidationError("Ce lien a été envoyé pour un autre territoire.")
    pending = pending_request(territory=territory, payload=payload)
    if pending is None:
        raise ValidationError(STALE_LINK_MESSAGE)
    subscriber = _confirm(
        actor=MAIL_LINK,
        territory=territory,
        email=pending.email,
        commune=pending.commune,
        consent_text=CONSENT_TEXT,
        consent_at=pending.consent_at,
    )
    PendingSubscription.objects.filter(territory=territory, email=pending.email).delete()
    return subscriber


def _confirm(
    *,
    actor: Actor,
    territory: Territory,
    email: str,
    commune: Commune | None,
    consent_text: str,
    consent_at: Any,
) -> Subscriber:
    """The one place a subscriber is created or re-activated (logged)."""
    now = timezone.now()
    subscriber = Subscriber.objects.filter(territory=territory, email=email).first()
    if subscriber is None:
        subscriber = Subscriber.objects.create(
            territory=territory,
            email=email,
            commune=commune,
            consent_text=consent_text,
            consent_at=consent_at,
            confirmed_at=now,
        )
        log_creation(subscriber, actor=actor)
        return subscriber
    fields = {
        "commune": commune,
        "consent_text": consent_text,
        "consent_at": consent_at,
        "confirmed_at": now,
        "unsubscribed_at": None,
    }
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return transition(subscriber, Subscriber.Status.CONFIRMED, actor=actor, also=fields)
    for name, value in fields.items():
        setattr(subscriber, name, value)
    subscriber.save(update_fields=list(fields))
    return subscriber


@transaction.atomic
def record_subscriber(*, actor: Actor, territory: Territory, email: str, consent_text: str) -> Subscriber:
    """A confirmed subscriber for the demo and the registry's examples (the system only): found by
    address, else created (logged)."""
    if not is_system(require_actor(actor)):
        raise PermissionDenied("Réservé aux données de démonstration et aux exemples.")
    email = normalise_email(email)
    existing = Subscriber.objects.filter(territory=territory, email=email).first()
    if existing is not None:
        return existing
    return _confirm(
        actor=actor,
        territory=territory,
        email=email,
        commune=None,
        consent_text=consent_text,
        consent_at=timezone.now(),
    )


@transaction.atomic
def unsubscribe(*, territory: Territory, payload: dict[str, Any]) -> Subscriber | None:
    """Unsubscribe the address a link was made for. Idempotent (a second POST changes nothing)."""
    if payload.get("t") != territory.pk:
        raise ValidationError("Ce lien a été envoyé pour un autre territoire.")
    subscriber_pk = payload.get("s")
    if isinstance(subscriber_pk, str) and subscriber_pk.isdigit():
        subscriber_pk = int(subscriber_pk)
    if not isinstance(subscriber_pk, int):
        return None
    subscriber = Subscriber.objects.filter(territory=territory, pk=subscriber_pk).first()
    if subscriber is None or subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return subscriber
    return transition(
        subscriber,
        Subscriber.Status.UNSUBSCRIBED,
        actor=MAIL_LINK,
        also={"unsubscribed_at": timezone.now()},
    )
