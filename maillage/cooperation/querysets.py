"""Reads of cooperation. Every list is scoped to a territory: what it shares (`ShareQuerySet.of`), what the
other territories of the instance share with it (`shared_with`), its subscriptions and their imports.

A share shows only while its object is still public where it comes from (a published practice of a
published structure; a public, published event): unpublishing the object hides the share everywhere."""

from __future__ import annotations

from typing import Any

from django.db import models

from maillage.events.choices import Status as EventStatus
from maillage.events.choices import Visibility

SHARED = "shared"  # Share.Status.SHARED (models.py builds its managers from this module)
PUBLISHED_STRUCTURE = "published"
EVENT_SHOWN = [EventStatus.PUBLISHED, EventStatus.CLOSED]


def _still_public() -> models.Q:
    practice = models.Q(
        kind="practice", practice__is_published=True, practice__structure__status=PUBLISHED_STRUCTURE
    )
    event = models.Q(kind="event", event__visibility=Visibility.PUBLIC, event__status__in=EVENT_SHOWN)
    return practice | event


class ShareQuerySet(models.QuerySet):
    def _related(self) -> ShareQuerySet:
        return self.select_related("territory", "practice__structure", "event")

    def of(self, territory: Any) -> ShareQuerySet:
        """Every share of the territory (shared or withdrawn), for its animation."""
        return self.filter(territory=territory)._related()

    def public(self) -> ShareQuerySet:
        """Shared, and still public where it comes from."""
        return self.filter(_still_public(), status=SHARED)._related()

    def published_by(self, territory: Any) -> ShareQuerySet:
        """What the territory offers to the others (and to subscribed installations, through the API)."""
        return self.public().filter(territory=territory)

    def shared_with(self, territory: Any) -> ShareQuerySet:
        """What the other active territories of the instance share with this one."""
        return self.public().filter(territory__is_active=True).exclude(territory=territory)


class SubscriptionQuerySet(models.QuerySet):
    def of(self, territory: Any) -> SubscriptionQuerySet:
        return self.filter(territory=territory)

    def due(self) -> SubscriptionQuerySet:
        """Every subscription of an active territory (the periodic task refreshes them all)."""
        return self.filter(territory__is_active=True)


class ImportedItemQuerySet(models.QuerySet):
    def of(self, territory: Any) -> ImportedItemQuerySet:
        """The items imported by the territory's subscriptions (never another territory's)."""
        return self.filter(subscription__territory=territory).select_related("subscription")
