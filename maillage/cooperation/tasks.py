"""The periodic import of subscribed installations.

For each subscription: read the installation first (network, no transaction open), then write the whole
result in one transaction (`services.record_fetch`), or the French reason of the failure
(`services.record_failure`): nothing is ever imported half-way, and an installation that is down, slow or
answers nonsense leaves the previous imports as they were."""

from __future__ import annotations

import logging

from maillage.cooperation import services
from maillage.cooperation.models import Subscription
from maillage.cooperation.remote import RemoteError, read_installation
from maillage.core.actors import system
from maillage.core.tasks import maillage_task

logger = logging.getLogger(__name__)
TASK_ACTOR = system("import des installations suivies")
UNEXPECTED = "L'import s'est arrêté sur une erreur inattendue ; l'équipe technique est prévenue."


def refresh_subscription(subscription_id: int, *, allow_loopback: bool | frozenset[int] | None = None) -> str:
    """Fetch one subscription and record the outcome; returns the resulting state."""
    subscription = Subscription.objects.select_related("territory").get(pk=subscription_id)
    try:
        feed = read_installation(subscription.url, allow_loopback=allow_loopback)
    except RemoteError as exc:
        return services.record_failure(actor=TASK_ACTOR, subscription=subscription, message=str(exc)).state
    except Exception:
        logger.exception("cooperation: unexpected failure reading %s", subscription.url)
        return services.record_failure(actor=TASK_ACTOR, subscription=subscription, message=UNEXPECTED).state
    return services.record_fetch(actor=TASK_ACTOR, subscription=subscription, feed=feed).state


@maillage_task(max_attempts=1, idempotent=True)
def refresh_subscription_task(subscription_id: int) -> str:
    return refresh_subscription(subscription_id)


@maillage_task(max_attempts=1, idempotent=True)
def refresh_subscriptions_task() -> dict[str, int]:
    """Periodic: every subscription of every active territory, one after the other."""
    counts: dict[str, int] = {}
    for pk in Subscription.objects.due().values_list("pk", flat=True):
        state = refresh_subscription(pk)
        counts[state] = counts.get(state, 0) + 1
    return counts
