"""What the lettre keeps about a person: a subscription (address, commune, consent) and delivery rows.

Export: the subscriptions (and pending requests) of the person's address. Erase: the subscriber rows and
requests of that address are deleted (delivery rows keep only a null reference). Retention: an
unsubscribed address is deleted `UNSUBSCRIBED_RETENTION_DAYS` after the unsubscription (kept that long
only to prove it was honoured) — the delay the subscription page, the consent text and the privacy page
state, from the same constant; an unconfirmed request is deleted when its link expires.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from maillage.core.registry import PersonalDataHook
from maillage.newsletter.models import (
    PENDING_RETENTION,
    PENDING_RETENTION_DAYS,
    UNSUBSCRIBED_RETENTION,
    IssueTransition,
    PendingSubscription,
    Subscriber,
    retention_phrase,
)


def export_subscriptions(user: Any) -> dict[str, Any]:
    rows = Subscriber.objects.filter(email__iexact=user.email).select_related("territory", "commune")
    return {
        "abonnements_lettre": [
            {
                "territoire": s.territory.name,
                "adresse": s.email,
                "commune": s.commune.name if s.commune else None,
                "etat": s.get_status_display(),
                "consentement": s.consent_text,
                "consentement_le": s.consent_at.isoformat(),
                "confirme_le": s.confirmed_at.isoformat(),
                "desabonne_le": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
                "numeros_recus": s.deliveries.filter(state="sent").count(),
            }
            for s in rows
        ],
        "demandes_abonnement_lettre": [
            {"territoire": p.territory.name, "adresse": p.email, "demande_le": p.consent_at.isoformat()}
            for p in PendingSubscription.objects.filter(email__iexact=user.email).select_related("territory")
        ],
    }


def erase_subscriptions(user: Any, *, replacement: Any | None = None) -> None:
    # Issues the person sent stay in the archive's log, without who (the label named them).
    IssueTransition.objects.filter(actor=user).update(actor=None, actor_label="")
    if user.email:
        Subscriber.objects.filter(email__iexact=user.email).delete()
        PendingSubscription.objects.filter(email__iexact=user.email).delete()


def expire_unsubscribed(now: dt.datetime) -> int:
    deleted, _ = Subscriber.objects.filter(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at__lt=now - UNSUBSCRIBED_RETENTION
    ).delete()
    expired, _ = PendingSubscription.objects.filter(consent_at__lt=now - PENDING_RETENTION).delete()
    return deleted + expired


HOOK = PersonalDataHook(
    key="newsletter",
    models=(
        "newsletter.PendingSubscription",
        "newsletter.Subscriber",
        "newsletter.Issue",
    ),
    label="Abonnement à la lettre d'information",
    export=export_subscriptions,
    erase=erase_subscriptions,
    retention=expire_unsubscribed,
    retention_text=f"adresse supprimée {retention_phrase()} ; une demande d'abonnement non confirmée, "
    f"au bout de {PENDING_RETENTION_DAYS} jours",
    order=60,
)
