"""Reads of the dashboard: its cached figures. Figures are public (aggregates, no person in them)."""

from __future__ import annotations

from typing import Any

from django.db import models

from maillage.core.models import Territory


class SnapshotQuerySet(models.QuerySet):
    def of(self, territory: Territory, year: int = 0) -> SnapshotQuerySet:
        return self.filter(territory=territory, year=year)

    def of_territory(self, territory: Territory) -> SnapshotQuerySet:
        return self.filter(territory=territory)

    def for_user(self, user: Any, territory: Territory) -> SnapshotQuerySet:
        """Every snapshot of the territory: the figures are public aggregates."""
        return self.filter(territory=territory)
