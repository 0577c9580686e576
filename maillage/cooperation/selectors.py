"""Page contexts of cooperation."""

from __future__ import annotations

from typing import Any

from maillage.actors.models import Practice
from maillage.cooperation import presenting
from maillage.cooperation.models import ImportedItem, Share, Subscription
from maillage.core.models import Territory
from maillage.events.models import Event

MAX_EVENTS = 50


def public_context(territory: Territory) -> dict[str, Any]:
    """What the other territories of the instance share, and what the subscriptions imported."""
    shared = [presenting.of_share(s) for s in Share.objects.shared_with(territory).order_by("-pk")]
    imported = [presenting.of_imported(i) for i in ImportedItem.objects.of(territory).order_by("title", "pk")]
    return {
        "shared_practices": [v for v in shared if v.kind == "practice"],
        "shared_events": [v for v in shared if v.kind == "event"],
        "imported": imported,
    }


def animation_context(territory: Territory) -> dict[str, Any]:
    """The territory's own practices and upcoming public events, each with its share (if any)."""
    shares = {
        (share.kind, share.practice_id or share.event_id): share for share in Share.objects.of(territory)
    }
    practices = Practice.objects.public(territory)
    events = Event.objects.public_agenda(territory).upcoming()[:MAX_EVENTS]
    return {
        "practices": [(p, shares.get(("practice", p.pk))) for p in practices],
        "events": [(e, shares.get(("event", e.pk))) for e in events],
        "shared_count": sum(1 for s in shares.values() if s.status == Share.Status.SHARED),
    }


def subscriptions_context(territory: Territory) -> dict[str, Any]:
    return {"subscriptions": list(Subscription.objects.of(territory))}
