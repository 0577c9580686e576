"""The notification centre's data: what happened for a person (`Notification`) and how each person wants to
hear of each kind (`NotificationPreference`; the default comes from the registry's `NotificationKind`).

Written only by `maillage.notifications.services`; read through `maillage.notifications.querysets`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Territory
from maillage.notifications.querysets import NotificationQuerySet, PreferenceQuerySet


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("tout de suite, par courriel")
    DAILY = "daily", _("dans un récapitulatif quotidien")
    WEEKLY = "weekly", _("dans un récapitulatif hebdomadaire (le lundi)")
    NEVER = "never", _("jamais par courriel (seulement sur le site)")


class Notification(models.Model):
    """Something that happened for a person: shown in « Mes notifications », mailed at once or in a digest
    according to the person's choice for its kind (`NotificationPreference`, default from the registry)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Who caused it: a person (None once erased, or for the platform) and how to name them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    # Fixed when created (a later change of mind applies to what comes next).
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notifications_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    Delivery = Delivery

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=80)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notifications_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"
