"""Page contexts of « vis ma vie », scoped to the person."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from maillage.matchmaking.models import (
    Exchange,
    ExchangeCampaign,
    ExchangeStatus,
    Testimony,
    TestimonyStatus,
    Volunteer,
)
from maillage.matchmaking.permissions import can_animate

LEVEL_LABELS = {"wishes": "Vœux satisfaits (pondérés)", "pairs": "Binômes formés"}


def own_volunteer(campaign: ExchangeCampaign, user: Any) -> Volunteer | None:
    if user is None or not user.is_authenticated:
        return None
    return campaign.volunteers.filter(user=user, withdrawn=False).first()


def exchanges_for_user(user: Any, territory: Any):
    """The pairs a person may open: their own, or all of the territory for the animation."""
    qs = Exchange.objects.filter(campaign__territory=territory).select_related("campaign", "a", "b")
    if can_animate(user, territory):
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(a__user=user) | Q(b__user=user))


def published_testimonies(campaign: ExchangeCampaign):
    return (
        Testimony.objects.filter(exchange__campaign=campaign, status=TestimonyStatus.PUBLISHED, consent=True)
        .select_related("author", "exchange")
        .order_by("created_at")
    )


def campaign_context(campaign: ExchangeCampaign, user: Any) -> dict[str, Any]:
    volunteer = own_volunteer(campaign, user)
    mine = None
    if volunteer is not None:
        mine = (
            campaign.exchanges.filter(Q(a=volunteer) | Q(b=volunteer))
            .exclude(status=ExchangeStatus.DECLINED)
            .first()
        )
    active = campaign.volunteers.filter(withdrawn=False)
    return {
        "campaign": campaign,
        "volunteer": volunteer,
        "exchange": mine,
        "counts": {"a": active.filter(side="a").count(), "b": active.filter(side="b").count()},
        "pairs": campaign.exchanges.filter(status=ExchangeStatus.CONFIRMED).count(),
        "testimonies": published_testimonies(campaign),
    }


def wishes_rows(volunteer: Volunteer) -> list[dict[str, Any]]:
    others = volunteer.campaign.volunteers.filter(withdrawn=False).exclude(side=volunteer.side)
    ranks = {pk: index for index, pk in enumerate(volunteer.wishes, start=1)}
    rows = [{"volunteer": other, "rank": ranks.get(other.pk)} for other in others]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["volunteer"].label))
    return rows


def manage_context(campaign: ExchangeCampaign) -> dict[str, Any]:
    volunteers = list(campaign.volunteers.all())
    return {
        "campaign": campaign,
        "volunteers": volunteers,
        "active": [v for v in volunteers if not v.withdrawn],
        "exchanges": list(campaign.exchanges.select_related("a", "b")),
        "testimonies": list(
            Testimony.objects.filter(exchange__campaign=campaign).select_related("author", "exchange")
        ),
        "level_labels": LEVEL_LABELS,
    }
