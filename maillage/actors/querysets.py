from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from maillage.actors.models import Practice, Structure


class StructureQuerySet:
    """Permission-scoped reads of structures."""

    @staticmethod
    def for_user(user: Any, territory: Any) -> models.QuerySet[Structure]:
        qs = Structure.objects.filter(territory=territory)
        if user is not None and user.is_authenticated and user.is_moderator_of(territory):
            return qs
        visible = models.Q(status=Structure.Status.PUBLISHED)
        if user is not None and user.is_authenticated:
            visible |= models.Q(memberships__user=user)
        return qs.filter(visible).distinct()

    @staticmethod
    def published(territory: Any) -> models.QuerySet[Structure]:
        """What the public directory, the map, the exports and the API show."""
        return Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)

    @staticmethod
    def published_count(territory: Any, start: dt.date, end: dt.date) -> int:
        """The metric « structures recensées »: what the directory lists (published records), as of `end`.
        Pending, refused and archived records are not counted: the figure and the list always agree."""
        return StructureQuerySet.published(territory).filter(created_at__date__lte=end).count()


class PracticeQuerySet:
    @staticmethod
    def public(territory: Any) -> models.QuerySet[Practice]:
        return (
            Practice.objects.filter(
                structure__territory=territory,
                structure__status=Structure.Status.PUBLISHED,
                is_published=True,
            )
            .select_related("structure")
            .order_by("title", "pk")
        )
