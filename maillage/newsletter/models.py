"""The lettre d'information: subscribers (double opt-in only), issues, and one delivery row per recipient.

State machines (core's one machine: a readable table each, every move logged who/when/from/to):

- a subscriber: confirmed ⇄ unsubscribed (`SUBSCRIBER_MACHINE`, logged in `SubscriberTransition`);
- an issue: draft → sending → sent (`ISSUE_MACHINE`, logged in `IssueTransition`);
- a delivery: pending → sending → sent | failed, and sending → pending when the SMTP server did not take
  the message (`DELIVERY_MACHINE`, logged in `DeliveryTransition`). The sending engine claims a chunk of
  rows (pending → sending, committed), hands them to the SMTP server outside any transaction, then records
  their fate (committed per chunk): a worker killed in between leaves at most that chunk « sending » —
  its fate is unknown, so a resumed send never re-sends it but reports it. The delivery log is compact: a
  row is created « pending » with its issue's draft → sending line (no creation line per delivery), and
  each of its moves is one short line (states, system label, time).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Commune, Territory
from maillage.newsletter import querysets

LETTRE_TITLE = "La Maille"
LETTRE_TAGLINE = "la lettre d'information de l'économie sociale et solidaire du territoire"


# One delay, used by the subscription page, the consent text, the privacy page and the purge job: an
# unsubscribed address is kept this long (to prove the unsubscription was honoured), then deleted.
UNSUBSCRIBED_RETENTION_DAYS = 30
UNSUBSCRIBED_RETENTION = dt.timedelta(days=UNSUBSCRIBED_RETENTION_DAYS)
# A subscription request not confirmed within this delay is deleted (its link expires with it).
PENDING_RETENTION_DAYS = 3
PENDING_RETENTION = dt.timedelta(days=PENDING_RETENTION_DAYS)


def retention_phrase() -> str:
    """« 30 jours après votre désabonnement »: how long an address is kept, in the words of every page."""
    return f"{UNSUBSCRIBED_RETENTION_DAYS} jours après votre désabonnement"


class PendingSubscription(models.Model):
    """A subscription request waiting for its confirmation. The link mailed to the address carries only
    this row's id (signed, single-use, expiring): no address ever travels in a URL, so none lands in access
    logs. Deleted on confirmation, or after `PENDING_RETENTION` by the purge job."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("adresse électronique"))
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    consent_at = models.DateTimeField(_("consentement donné le"))

    class Meta:
        verbose_name = _("demande d'abonnement")
        indexes = [models.Index(fields=["consent_at"], name="pending_subscription_at")]

    def __str__(self) -> str:
        return f"{self.pk}"


class Subscriber(models.Model):
    """A confirmed (or since unsubscribed) address. Before the opt-in is confirmed, only a short-lived
    `PendingSubscription` exists."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("abonné")
        UNSUBSCRIBED = "unsubscribed", _("désabonné")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField(_("adresse électronique"))
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    consent_text = models.TextField(_("texte du consentement"))
    consent_at = models.DateTimeField(_("consentement donné le"))
    confirmed_at = models.DateTimeField(_("confirmé le"))
    unsubscribed_at = models.DateTimeField(_("désabonné le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = querysets.SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonné")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "email"], name="subscriber_unique_email"),
        ]

    def __str__(self) -> str:
        return self.email


SUBSCRIBER_MACHINE = register(
    Machine(
        model="newsletter.Subscriber",
        moves={
            Subscriber.Status.CONFIRMED: {Subscriber.Status.UNSUBSCRIBED},
            Subscriber.Status.UNSUBSCRIBED: {Subscriber.Status.CONFIRMED},
        },
        log="newsletter.SubscriberTransition",
    )
)


class SubscriberTransition(TransitionLog):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="transitions")

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.from_state or '∅'} → {self.to_state}"


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SENDING = "sending", _("envoi en cours")
        SENT = "sent", _("envoyé")

    class Segment(models.TextChoices):
        ALL = "all", _("tous les abonnés")
        MEMBERS = "members", _("les abonnés membres d'une structure du territoire")
        ATELIER = "atelier", _("les membres d'un atelier abonnés à la lettre")
        COMMUNE = "commune", _("les abonnés d'une commune")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="lettre_issues")
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=200)
    editorial = models.TextField(_("éditorial"), blank=True, help_text=_("En Markdown."))
    providers = models.JSONField(_("rubriques"), default=list, blank=True)
    blocks = models.JSONField(_("contenu composé"), default=list, blank=True)
    since = models.DateTimeField(_("nouveautés depuis le"), null=True, blank=True)
    segment = models.CharField(
        _("destinataires"), max_length=20, choices=Segment.choices, default=Segment.ALL
    )
    segment_value = models.CharField(_("précision des destinataires"), max_length=50, blank=True)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    composed_at = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True)

    objects = querysets.IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("numéro de la lettre")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["territory", "number"], name="issue_unique_number")]

    def __str__(self) -> str:
        return f"{LETTRE_TITLE} n° {self.number} — {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


ISSUE_MACHINE = register(
    Machine(
        model="newsletter.Issue",
        moves={
            Issue.Status.DRAFT: {Issue.Status.SENDING},
            Issue.Status.SENDING: {Issue.Status.SENT},
            Issue.Status.SENT: set(),
        },
        log="newsletter.IssueTransition",
    )
)


class IssueTransition(TransitionLog):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="transitions")

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.from_state or '∅'} → {self.to_state}"


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, related_name="deliveries"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    message_id = models.CharField(max_length=250, blank=True)
    error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = querysets.DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("envoi")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_unique_recipient"),
        ]
        indexes = [models.Index(fields=["issue", "state"], name="delivery_issue_state")]

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.pk}: {self.state}"


DELIVERY_MACHINE = register(
    Machine(
        model="newsletter.Delivery",
        moves={
            Delivery.State.PENDING: {Delivery.State.SENDING, Delivery.State.FAILED},
            # Back to pending: the SMTP server did not take the message (the run is retried later).
            Delivery.State.SENDING: {Delivery.State.SENT, Delivery.State.FAILED, Delivery.State.PENDING},
            Delivery.State.SENT: set(),
            Delivery.State.FAILED: set(),
        },
        log="newsletter.DeliveryTransition",
        field="state",
    )
)


class DeliveryTransition(TransitionLog):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="transitions")

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.from_state or '∅'} → {self.to_state}"
