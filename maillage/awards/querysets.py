"""Reads of the Trophée, with permission-scoped `for_user()`.

The conflict-of-interest rule is in SQL, as in the calls (whose `tied_q` it reuses): a juror never reads a
nominee whose structure they belong to or declared a conflict with, nor its scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef

from maillage.awards.permissions import can_animate
from maillage.calls.querysets import tied_q
from maillage.core.models import Territory

if TYPE_CHECKING:
    from maillage.awards.models import Edition, Nomination, Score  # noqa: F401

PUBLIC_STATES = ("nominations", "voting", "closed", "published")
JURY_STATES = ("voting", "closed", "published")


def _user_id(user: Any) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def _model(queryset: models.QuerySet[Any], name: str) -> Any:
    return queryset.model._meta.apps.get_model("awards", name)


class EditionQuerySet(models.QuerySet["Edition"]):
    def of_territory(self, territory: Territory) -> EditionQuerySet:
        return self.filter(territory=territory)

    def public(self) -> EditionQuerySet:
        return self.filter(status__in=PUBLIC_STATES)

    def published(self) -> EditionQuerySet:
        return self.filter(status="published")

    def for_user(self, user: Any, territory: Territory) -> EditionQuerySet:
        qs = self.of_territory(territory)
        return qs if can_animate(user, territory) else qs.public()


class NominationQuerySet(models.QuerySet["Nomination"]):
    def of_territory(self, territory: Territory) -> NominationQuerySet:
        return self.filter(category__edition__territory=territory)

    def accepted(self) -> NominationQuerySet:
        return self.filter(status="accepted")

    def laureates(self) -> NominationQuerySet:
        return self.filter(category__edition__status="published").exclude(prize="")

    def not_tied_to(self, user_id: int) -> NominationQuerySet:
        declared = _model(self, "Conflict").objects.filter(
            juror__user_id=user_id,
            juror__edition_id=OuterRef("category__edition_id"),
            structure_id=OuterRef("structure_id"),
        )
        return self.exclude(tied_q(user_id)).exclude(Exists(declared))

    def for_juror(self, user: Any, territory: Territory) -> NominationQuerySet:
        """What a juror scores: accepted nominees of the editions they sit on, never one they are tied to."""
        uid = _user_id(user)
        if uid is None:
            return self.none()
        seat = _model(self, "Juror").objects.filter(edition_id=OuterRef("category__edition_id"), user_id=uid)
        return (
            self.of_territory(territory)
            .accepted()
            .filter(category__edition__status__in=JURY_STATES)
            .filter(Exists(seat))
            .not_tied_to(uid)
        )

    def public(self, territory: Territory) -> NominationQuerySet:
        return self.of_territory(territory).accepted().filter(category__edition__status__in=PUBLIC_STATES)


class ScoreQuerySet(models.QuerySet["Score"]):
    def for_user(self, user: Any, territory: Territory) -> ScoreQuerySet:
        """The animation reads every score; a juror only their own, never of a nominee they are tied to."""
        qs = self.filter(nomination__category__edition__territory=territory)
        if can_animate(user, territory):
            return qs
        uid = _user_id(user)
        if uid is None:
            return self.none()
        allowed = _model(self, "Nomination").objects.for_juror(user, territory).values("pk")
        return qs.filter(juror__user_id=uid, nomination__in=allowed)
