"""Reads of the needs register, scoped by `for_user()`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q

if TYPE_CHECKING:
    from maillage.core.models import Territory

UNCONFIRMED = "unconfirmed"


class NeedQuerySet(models.QuerySet):
    def of_territory(self, territory: Territory | None) -> NeedQuerySet:
        if territory is None:
            return self.none()
        return self.filter(territory=territory)

    def public(self) -> NeedQuerySet:
        """What everybody sees: every need except those still waiting for their e-mail confirmation."""
        return self.exclude(status=UNCONFIRMED)

    def for_user(self, user: Any, territory: Territory | None) -> NeedQuerySet:
        """Every reader sees the confirmed needs of the territory (the register is public)."""
        return self.of_territory(territory).public()

    def with_support_count(self) -> NeedQuerySet:
        return self.annotate(
            support_count=Count("supports", filter=Q(supports__confirmed=True), distinct=True)
        )


class SupportQuerySet(models.QuerySet):
    def confirmed(self) -> SupportQuerySet:
        return self.filter(confirmed=True)

    def for_user(self, user: Any, territory: Territory | None) -> SupportQuerySet:
        if territory is None:
            return self.none()
        return self.filter(need__territory=territory, confirmed=True)
