"""Reads of the calls: chainable querysets with permission-scoped `for_user()`.

`models.py` installs them, so this module does not import the models: states are their stored values.
The conflict-of-interest rule lives here in SQL: a juror never reads an application of a structure they
belong to or declared a conflict with, nor its scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from maillage.actors.models import Membership
from maillage.calls.permissions import can_animate
from maillage.core.models import Territory

if TYPE_CHECKING:
    from maillage.calls.models import Application, Call, Grant, Juror, Score  # noqa: F401

PUBLIC_CALL_STATES = ("open", "closed", "decided")
REVIEWABLE_STATES = ("eligible", "selected", "rejected")


def _user_id(user: Any) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def tied_q(user_id: int) -> Q:
    """Applications whose structure the person belongs to."""
    return Q(structure__in=Membership.objects.filter(user_id=user_id).values("structure_id"))


def _model(queryset: models.QuerySet[Any], name: str) -> Any:
    """A sibling model of the app (this module cannot import `models`, which imports it)."""
    return queryset.model._meta.apps.get_model("calls", name)


class CallQuerySet(models.QuerySet["Call"]):
    def of_territory(self, territory: Territory) -> CallQuerySet:
        return self.filter(territory=territory)

    def public(self) -> CallQuerySet:
        return self.filter(status__in=PUBLIC_CALL_STATES)

    def for_user(self, user: Any, territory: Territory) -> CallQuerySet:
        qs = self.of_territory(territory)
        return qs if can_animate(user, territory) else qs.public()


class ApplicationQuerySet(models.QuerySet["Application"]):
    def of_territory(self, territory: Territory) -> ApplicationQuerySet:
        return self.filter(call__territory=territory)

    def submitted(self) -> ApplicationQuerySet:
        return self.exclude(status="draft")

    def not_tied_to(self, user_id: int) -> ApplicationQuerySet:
        """Leave out the applications the person is tied to (member of the structure, or a declared
        conflict as a juror of the call)."""
        declared = _model(self, "Conflict").objects.filter(
            juror__user_id=user_id, juror__call_id=OuterRef("call_id"), structure_id=OuterRef("structure_id")
        )
        return self.exclude(tied_q(user_id)).exclude(Exists(declared))

    def for_juror(self, user: Any, territory: Territory) -> ApplicationQuerySet:
        """What a juror evaluates: reviewable applications of calls they sit on (all, or those assigned),
        never one they are tied to."""
        juror_model, assignment_model = _model(self, "Juror"), _model(self, "Assignment")
        uid = _user_id(user)
        if uid is None:
            return self.none()
        seat = juror_model.objects.filter(call_id=OuterRef("call_id"), user_id=uid, status="accepted")
        assigned = assignment_model.objects.filter(
            application_id=OuterRef("pk"), juror__user_id=uid, juror__status="accepted"
        )
        return (
            self.of_territory(territory)
            .filter(status__in=REVIEWABLE_STATES)
            .filter(Exists(seat.filter(all_applications=True)) | Exists(assigned))
            .not_tied_to(uid)
        )

    def for_user(self, user: Any, territory: Territory) -> ApplicationQuerySet:
        """The animation reads all; a member reads their structures' applications; a juror those they
        evaluate."""
        qs = self.of_territory(territory)
        if can_animate(user, territory):
            return qs
        uid = _user_id(user)
        if uid is None:
            return self.none()
        own = qs.filter(structure__in=Membership.objects.filter(user_id=uid).values("structure_id"))
        return own | self.for_juror(user, territory)


class JurorQuerySet(models.QuerySet["Juror"]):
    def accepted(self) -> JurorQuerySet:
        return self.filter(status="accepted")


class ScoreQuerySet(models.QuerySet["Score"]):
    def for_user(self, user: Any, territory: Territory) -> ScoreQuerySet:
        """The animation reads every score of its calls; a juror reads only their own scores of the
        applications they may evaluate (never those of an applicant they are tied to); nobody else any."""
        qs = self.filter(application__call__territory=territory)
        if can_animate(user, territory):
            return qs
        uid = _user_id(user)
        if uid is None:
            return self.none()
        allowed = _model(self, "Application").objects.for_juror(user, territory).values("pk")
        return qs.filter(juror__user_id=uid, application__in=allowed)


class GrantQuerySet(models.QuerySet["Grant"]):
    def of_territory(self, territory: Territory) -> GrantQuerySet:
        return self.filter(application__call__territory=territory)

    def public(self, territory: Territory) -> GrantQuerySet:
        return (
            self.of_territory(territory)
            .exclude(status="cancelled")
            .select_related("application__structure", "application__call")
        )
