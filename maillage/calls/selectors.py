"""Page contexts and figures of the calls: the ranking read from the scores, the deliberation totals, the
fund's balance per year, the laureates, the SCDL « Subventions » rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from maillage.actors.models import Membership, Structure
from maillage.calls.models import (
    Application,
    AppStatus,
    Call,
    Endowment,
    Grant,
    GrantStatus,
    Juror,
    Payment,
    Score,
    Specification,
    SpecStatus,
)
from maillage.calls.ranking import Ranked, rank
from maillage.core.models import Territory


def open_specifications(territory: Territory):
    """The versions of the territory's specifications open for comments (written before their call opens)."""
    return Specification.objects.filter(call__territory=territory, status=SpecStatus.OPEN).select_related(
        "call"
    )


def managed_structures(user: Any, territory: Territory):
    if not getattr(user, "is_authenticated", False):
        return Structure.objects.none()
    return Structure.objects.filter(
        territory=territory,
        pk__in=Membership.objects.filter(user=user, role="manager").values("structure_id"),
    ).order_by("name")


def current_call(territory: Territory, user: Any) -> Call | None:
    return Call.objects.for_user(user, territory).order_by("-year").first()


def seat_of(user: Any, call: Call) -> Juror | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Juror.objects.filter(call=call, user=user, status="accepted").first()


@dataclass(frozen=True)
class RankingRow:
    ranked: Ranked
    application: Application


def ranking(call: Call) -> list[RankingRow]:
    weights = dict(call.criteria.values_list("pk", "weight"))
    rows = Score.objects.filter(
        application__call=call, application__status__in=("eligible", "selected", "rejected")
    )
    ranked = rank(
        rows.values_list("juror_id", "application_id", "criterion_id", "value"),
        weights,
        normalised=call.normalise_scores,
    )
    apps = Application.objects.select_related("structure").in_bulk([r.application_id for r in ranked])
    return [RankingRow(ranked=r, application=apps[r.application_id]) for r in ranked]


def unscored(call: Call) -> list[Application]:
    scored = Score.objects.filter(application__call=call).values("application_id")
    return list(
        call.applications.filter(status="eligible").exclude(pk__in=scored).select_related("structure")
    )


@dataclass(frozen=True)
class FundYear:
    year: int
    endowed: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        return self.endowed - self.committed

    @property
    def to_pay(self) -> Decimal:
        return self.committed - self.paid


def fund_balance(territory: Territory) -> list[FundYear]:
    """Per year: endowments, commitments (grants of that year's call), payments made on them."""
    endowed = dict(
        Endowment.objects.filter(territory=territory)
        .values("year")
        .annotate(s=Sum("amount"))
        .values_list("year", "s")
    )
    grants = Grant.objects.of_territory(territory).exclude(status=GrantStatus.CANCELLED)
    committed = dict(
        grants.values("application__call__year")
        .annotate(s=Sum("amount"))
        .values_list("application__call__year", "s")
    )
    paid = dict(
        Payment.objects.filter(grant__in=grants)
        .values("grant__application__call__year")
        .annotate(s=Sum("amount"))
        .values_list("grant__application__call__year", "s")
    )
    years = sorted(set(endowed) | set(committed) | set(paid), reverse=True)
    zero = Decimal(0)
    return [FundYear(y, endowed.get(y) or zero, committed.get(y) or zero, paid.get(y) or zero) for y in years]


def laureates(territory: Territory):
    return (
        Grant.objects.public(territory)
        .filter(application__structure__status="published")
        .order_by("-application__call__year", "application__structure__name")
    )


def paid_total(grant: Grant) -> Decimal:
    return grant.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def my_applications(user: Any, territory: Territory):
    return (
        Application.objects.of_territory(territory)
        .filter(structure__memberships__user=user)
        .select_related("call", "structure")
        .distinct()
    )


def applications_to_review(call: Call):
    return (
        call.applications.exclude(status=AppStatus.DRAFT).select_related("structure").order_by("status", "pk")
    )


def laureate_structure_ids(territory: Territory):
    return Structure.objects.filter(
        Q(call_applications__status=AppStatus.SELECTED) & Q(call_applications__call__territory=territory)
    ).values_list("pk", flat=True)
