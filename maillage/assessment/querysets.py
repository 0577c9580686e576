"""Reads of the self-assessment: chainable querysets, each with a permission-scoped `for_user()`.

States are written as their stored values (« draft », « published », « submitted »…, the choices of
`models.py`, which installs these querysets). A structure's answer sheets are readable by its own members
only: `SheetQuerySet.for_user` never returns another structure's sheet, whoever asks (the animation
included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from maillage.actors.models import Membership
from maillage.assessment.permissions import can_animate
from maillage.core.models import Territory

if TYPE_CHECKING:
    from maillage.assessment.models import AnswerSheet, Campaign, Grid  # noqa: F401


class GridQuerySet(models.QuerySet["Grid"]):
    def of_territory(self, territory: Territory) -> GridQuerySet:
        return self.filter(territory=territory)

    def published(self, territory: Territory) -> Grid | None:
        return self.of_territory(territory).filter(status="published").first()

    def for_user(self, user: Any, territory: Territory) -> GridQuerySet:
        """Published and retired grids for everyone; drafts for the animation."""
        qs = self.of_territory(territory)
        return qs if can_animate(user, territory) else qs.exclude(status="draft")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def of_territory(self, territory: Territory) -> CampaignQuerySet:
        return self.filter(territory=territory)

    def for_user(self, user: Any, territory: Territory) -> CampaignQuerySet:
        """Campaigns are public facts (a year, a grid): every campaign of the territory."""
        return self.of_territory(territory)

    def open(self) -> CampaignQuerySet:
        return self.filter(status="open")


class SheetQuerySet(models.QuerySet["AnswerSheet"]):
    def of_territory(self, territory: Territory) -> SheetQuerySet:
        return self.filter(campaign__territory=territory)

    def submitted(self) -> SheetQuerySet:
        return self.filter(status="submitted")

    def for_user(self, user: Any, territory: Territory) -> SheetQuerySet:
        """The sheets of the structures the person belongs to (any role), in the territory; nothing else."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        mine = Membership.objects.filter(user=user).values("structure_id")
        return self.of_territory(territory).filter(structure_id__in=mine)

    def shared(self, territory: Territory) -> SheetQuerySet:
        """Submitted sheets whose structure chose to show its results on its public profile."""
        return self.of_territory(territory).submitted().filter(shared=True, structure__status="published")
