"""Reads of the notification centre: chainable querysets, scoped to their person by `for_user()`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from maillage.core.models import Territory
    from maillage.notifications.models import Notification, NotificationPreference

    _NotificationBase = models.QuerySet[Notification]
    _PreferenceBase = models.QuerySet[NotificationPreference]
else:
    _NotificationBase = _PreferenceBase = models.QuerySet


class NotificationQuerySet(_NotificationBase):
    def for_user(self, user: Any) -> NotificationQuerySet:
        """A person's own notifications (nobody else's, whatever their role); none for a visitor."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def in_territory(self, territory: Territory) -> NotificationQuerySet:
        return self.filter(territory=territory)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def due_for_digest(self, now: dt.datetime) -> NotificationQuerySet:
        """Not mailed yet, not read yet, and due: daily ones every day, weekly ones on Mondays too."""
        due = ["daily"] + (["weekly"] if timezone.localtime(now).weekday() == 0 else [])
        return self.filter(mailed_at__isnull=True, read_at__isnull=True, delivery__in=due)


class PreferenceQuerySet(_PreferenceBase):
    def for_user(self, user: Any) -> PreferenceQuerySet:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)
