"""Background work of the notification centre: the digests."""

from __future__ import annotations

from maillage.core.tasks import maillage_task
from maillage.notifications import services


@maillage_task(max_attempts=3)
def send_digests_task() -> int:
    """Periodic (daily): one mail per person grouping every notification due (weekly ones on Mondays)."""
    return services.send_digests()
