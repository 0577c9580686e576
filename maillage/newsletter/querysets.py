"""Reads of the lettre: chainable QuerySets, each with a `for_user()` scoped by `permissions`.

The public sees the sent issues of its territory; the animator everything, subscribers included.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from maillage.core.models import Territory
from maillage.newsletter import permissions


class IssueQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> IssueQuerySet:
        return self.filter(territory=territory)

    def sent(self) -> IssueQuerySet:
        return self.filter(status="sent")

    def published(self, territory: Territory) -> IssueQuerySet:
        """The archive: sent issues, latest first."""
        return self.in_territory(territory).sent().order_by("-number")

    def for_user(self, user: Any, territory: Territory) -> IssueQuerySet:
        qs = self.in_territory(territory)
        return qs if permissions.can_manage(user, territory) else qs.sent()


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self) -> SubscriberQuerySet:
        return self.filter(status="confirmed")

    def unsubscribed(self) -> SubscriberQuerySet:
        return self.filter(status="unsubscribed")

    def for_user(self, user: Any, territory: Territory) -> SubscriberQuerySet:
        if not permissions.can_manage(user, territory):
            return self.none()
        return self.filter(territory=territory).select_related("commune")


class DeliveryQuerySet(models.QuerySet):
    def pending(self) -> DeliveryQuerySet:
        return self.filter(state="pending")

    def failed(self) -> DeliveryQuerySet:
        return self.filter(state="failed")

    def for_user(self, user: Any, territory: Territory) -> DeliveryQuerySet:
        if not permissions.can_manage(user, territory):
            return self.none()
        return self.filter(issue__territory=territory)
