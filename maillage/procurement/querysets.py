"""Reads of procurement, each with the permissions applied (`for_user`)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from maillage.core.models import Territory


def _managed_ids(user: Any) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return list(user.memberships.values_list("structure_id", flat=True))


def _animates(user: Any, territory: Territory) -> bool:
    return bool(
        user is not None and user.is_authenticated and (user.is_superuser or user.is_animator_of(territory))
    )


class NeedQuerySet(models.QuerySet):
    def of_territory(self, territory: Territory) -> NeedQuerySet:
        return self.filter(territory=territory)

    def for_user(self, user: Any, territory: Territory) -> NeedQuerySet:
        """The animation sees every need of the territory; a buyer's members see their structure's needs;
        a supplier sees the needs that were sent to one of its structures."""
        qs = self.of_territory(territory)
        if _animates(user, territory):
            return qs
        mine = _managed_ids(user)
        if not mine:
            return qs.none()
        sent_to_me = Q(recipients__structure_id__in=mine, recipients__sent_at__isnull=False)
        return qs.filter(Q(buyer_id__in=mine) | sent_to_me).distinct()

    def of_buyers(self, user: Any, territory: Territory) -> NeedQuerySet:
        return self.of_territory(territory).filter(buyer_id__in=_managed_ids(user))


class RecipientQuerySet(models.QuerySet):
    def sent(self) -> RecipientQuerySet:
        return self.filter(sent_at__isnull=False)

    def unsent(self) -> RecipientQuerySet:
        return self.filter(sent_at__isnull=True)

    def answered(self) -> RecipientQuerySet:
        return self.exclude(answer="")

    def for_supplier(self, user: Any, territory: Territory) -> RecipientQuerySet:
        """What the person's structures received (sent only)."""
        return (
            self.sent()
            .filter(structure_id__in=_managed_ids(user), need__territory=territory)
            .select_related("need", "structure")
        )


class PurchaseLineQuerySet(models.QuerySet):
    def of_buyer(self, buyer: Any, year: int | None = None) -> PurchaseLineQuerySet:
        qs = self.filter(buyer=buyer)
        return qs if year is None else qs.filter(year=year)


class ShortlistQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory) -> ShortlistQuerySet:
        """A buyer structure's shortlists are its members' only (not even the animation's)."""
        return self.filter(buyer__territory=territory, buyer_id__in=_managed_ids(user))


class AnswerDocumentQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory) -> AnswerDocumentQuerySet:
        """A document joined to an answer: the animation, the buyer's members and the supplier's members."""
        qs = self.filter(recipient__need__territory=territory, recipient__sent_at__isnull=False)
        if _animates(user, territory):
            return qs
        mine = _managed_ids(user)
        return qs.filter(Q(recipient__structure_id__in=mine) | Q(recipient__need__buyer_id__in=mine))
