"""Permission-scoped, chainable reads of actors: `Structure.objects.for_user(user, territory)`,
`Structure.objects.published(territory)`, `Practice.objects.public(territory)`… (each model's manager is its
queryset's `as_manager()`). Who may see what is asked of `permissions`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from maillage.core.models import Territory

PUBLISHED = "published"  # Structure.Status.PUBLISHED (models.py builds its managers from this module)
PENDING = "pending"  # Decision.PENDING


def _moderates(user: Any, territory: Territory) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.has_perm("actors.moderate_directory", territory)
    )


class StructureQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> StructureQuerySet:
        return self.filter(territory=territory)

    def published(self, territory: Territory | None = None) -> StructureQuerySet:
        """What the public directory, the map, the exports and the API show."""
        qs = self.filter(status=PUBLISHED)
        return qs.filter(territory=territory) if territory is not None else qs

    def for_user(self, user: Any, territory: Territory) -> StructureQuerySet:
        """Published records; every record to the moderation; their own records to members."""
        qs = self.filter(territory=territory)
        if _moderates(user, territory):
            return qs
        visible = models.Q(status=PUBLISHED)
        if user is not None and user.is_authenticated:
            visible |= models.Q(memberships__user=user)
        return qs.filter(visible).distinct()


class PracticeQuerySet(models.QuerySet):
    def public(self, territory: Territory) -> PracticeQuerySet:
        """Published practices of published structures of the territory, by title."""
        return (
            self.filter(structure__territory=territory, structure__status=PUBLISHED, is_published=True)
            .select_related("structure")
            .order_by("title", "pk")
        )

    def for_user(self, user: Any, territory: Territory) -> PracticeQuerySet:
        """The public ones, and every practice of the structures the person may edit."""
        public = models.Q(structure__status=PUBLISHED, is_published=True)
        if user is not None and user.is_authenticated:
            if user.has_perm("core.animate_territory", territory):
                return self.filter(structure__territory=territory)
            public |= models.Q(structure__memberships__user=user, structure__memberships__role="manager")
        return self.filter(public, structure__territory=territory).distinct()


class DecisionQuerySet(models.QuerySet):
    """Proposed edits and management requests: decided once, by the moderation (and, for a management
    request, by the structure's managers)."""

    def pending(self) -> DecisionQuerySet:
        return self.filter(status=PENDING)

    def for_user(self, user: Any, territory: Territory) -> DecisionQuerySet:
        qs = self.filter(structure__territory=territory)
        if _moderates(user, territory):
            return qs
        if user is None or not user.is_authenticated or not hasattr(self.model, "user"):
            return qs.none()
        managed = models.Q(structure__memberships__user=user, structure__memberships__role="manager")
        return qs.filter(managed | models.Q(user=user)).distinct()


class ErrorReportQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory) -> ErrorReportQuerySet:
        """The reports (anonymous texts) are read by the moderation only."""
        qs = self.filter(structure__territory=territory)
        return qs if _moderates(user, territory) else qs.none()
