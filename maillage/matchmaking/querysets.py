"""Reads of the speed-meetings, scoped to the person."""

from __future__ import annotations

from typing import Any

from django.db import models

from maillage.matchmaking.permissions import can_animate


class SpeedMeetingQuerySet(models.QuerySet):
    def of_territory(self, territory: Any) -> SpeedMeetingQuerySet:
        return self.filter(territory=territory)

    def for_user(self, user: Any, territory: Any) -> SpeedMeetingQuerySet:
        """Drafts for the animation only; the others for everybody of the territory."""
        qs = self.of_territory(territory).select_related("event")
        if can_animate(user, territory):
            return qs
        return qs.exclude(status="draft")


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Any) -> CampaignQuerySet:
        """« Vis ma vie » campaigns: drafts for the animation only."""
        qs = self.filter(territory=territory)
        if can_animate(user, territory):
            return qs
        return qs.exclude(status="draft")
