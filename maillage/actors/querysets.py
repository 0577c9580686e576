from __future__ import annotations

from typing import Any

from django.db import models

from maillage.actors.models import Structure


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
