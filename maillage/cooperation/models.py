"""Cooperation between territories: what a territory shares with the others of the instance (`Share`), the
other Maillage installations it subscribes to (`Subscription`) and what it imported from them
(`ImportedItem`, with its provenance: the installation's URL and the item's id there)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.actors.models import Practice
from maillage.cooperation.querysets import ImportedItemQuerySet, ShareQuerySet, SubscriptionQuerySet
from maillage.core.machines import Machine, TransitionLog, register
from maillage.core.models import Territory
from maillage.events.models import Event


class Kind(models.TextChoices):
    PRACTICE = "practice", _("fiche pratique")
    EVENT = "event", _("rendez-vous")


class Share(models.Model):
    """A practice sheet or an event that its territory shares with the other territories of the instance
    (and, through the public API, with the installations that subscribe to it)."""

    class Status(models.TextChoices):
        SHARED = "shared", _("partagé")
        WITHDRAWN = "withdrawn", _("retiré")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.SHARED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=models.Q(practice__isnull=False),
                name="cooperation_share_practice",
            ),
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(event__isnull=False), name="cooperation_share_event"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="practice", practice__isnull=False, event__isnull=True)
                    | models.Q(kind="event", event__isnull=False, practice__isnull=True)
                ),
                name="cooperation_share_one_object",
            ),
        ]

    def __str__(self) -> str:
        return str(self.item)

    @property
    def item(self) -> Practice | Event:
        return self.practice if self.practice is not None else self.event  # type: ignore[return-value]

    @property
    def title(self) -> str:
        return self.item.title


class ShareTransition(TransitionLog):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        pass


SHARE_MACHINE = register(
    Machine(
        model="cooperation.Share",
        moves={Share.Status.SHARED: {Share.Status.WITHDRAWN}, Share.Status.WITHDRAWN: {Share.Status.SHARED}},
        log="cooperation.ShareTransition",
    )
)


class Subscription(models.Model):
    """A territory follows another Maillage installation: its public API's shared items are imported by a
    periodic task. `state` says how the last fetch went; `last_error` is the French reason of a failure."""

    class State(models.TextChoices):
        NEW = "new", _("jamais récupéré")
        OK = "ok", _("à jour")
        ERROR = "error", _("en erreur")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("adresse de l'API publique"), max_length=500)
    name = models.CharField(_("nom de l'installation"), max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    last_error = models.CharField(max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    items_count = models.PositiveIntegerField(default=0)
    last_added = models.PositiveIntegerField(default=0)
    last_updated = models.PositiveIntegerField(default=0)
    last_removed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "url", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "url"], name="cooperation_subscription_unique")
        ]

    def __str__(self) -> str:
        return self.name or self.url


class SubscriptionTransition(TransitionLog):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        pass


SUBSCRIPTION_MACHINE = register(
    Machine(
        model="cooperation.Subscription",
        field="state",
        moves={
            Subscription.State.NEW: {Subscription.State.OK, Subscription.State.ERROR},
            Subscription.State.OK: {Subscription.State.ERROR},
            Subscription.State.ERROR: {Subscription.State.OK},
        },
        log="cooperation.SubscriptionTransition",
    )
)


class ImportedItem(models.Model):
    """A practice or an event imported from a subscribed installation, read-only here. Its provenance is
    the subscription (the installation's API URL) and `remote_id`, unique together: a fetch run twice
    imports nothing twice."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    remote_id = models.CharField(max_length=64)
    source_url = models.URLField(_("page d'origine"), max_length=500)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    body = models.TextField(_("description"), blank=True)
    origin_territory = models.CharField(_("territoire d'origine"), max_length=200)
    origin_structure = models.CharField(_("structure"), max_length=200, blank=True)
    themes = models.JSONField(default=list)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImportedItemQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "remote_id"], name="cooperation_imported_item_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title
