"""What each person may see of the training module: every list goes through `for_user(user, territory)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q

from maillage.actors.models import Membership

if TYPE_CHECKING:
    from maillage.core.models import Territory

M = TypeVar("M", bound=models.Model)


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _animates(user: Any, territory: Territory) -> bool:
    return _signed_in(user) and (user.is_superuser or user.is_animator_of(territory))


def _advises(user: Any, territory: Territory) -> bool:
    return _signed_in(user) and territory.training_advisers.filter(user=user).exists()


def _structure_ids(user: Any) -> models.QuerySet[Membership, int]:
    return Membership.objects.filter(user=user).values_list("structure_id", flat=True)


class CensusQuerySet(models.QuerySet[M]):
    def for_user(self, user: Any, territory: Territory) -> CensusQuerySet[M]:
        """Drafts are seen by the animation only; open and closed censuses by everyone."""
        mine = self.filter(territory=territory)
        if _animates(user, territory):
            return mine
        return mine.exclude(status="draft")


class BookingQuerySet(models.QuerySet[M]):
    def for_user(self, user: Any, territory: Territory) -> BookingQuerySet[M]:
        """The animation sees every booking; an adviser those of their office hours; a person those of
        their structures."""
        mine = self.filter(office_hours__territory=territory)
        if not _signed_in(user):
            return mine.none()
        if _animates(user, territory):
            return mine
        return mine.filter(Q(office_hours__adviser__user=user) | Q(structure_id__in=_structure_ids(user)))


class SupportRecordQuerySet(models.QuerySet[M]):
    def for_user(self, user: Any, territory: Territory) -> SupportRecordQuerySet[M]:
        """Seen by the animation and the advisers of the territory, and by the structure's members only."""
        mine = self.filter(territory=territory)
        if not _signed_in(user):
            return mine.none()
        if _animates(user, territory) or _advises(user, territory):
            return mine
        return mine.filter(structure_id__in=_structure_ids(user))


class ResourceQuerySet(models.QuerySet[M]):
    def for_user(self, user: Any, territory: Territory) -> ResourceQuerySet[M]:
        """The library is public: the territory's resources."""
        return self.filter(territory=territory)
