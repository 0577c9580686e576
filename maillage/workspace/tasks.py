"""Background work of the workspace: the notification digests."""

from __future__ import annotations

from maillage.core.tasks import maillage_task
from maillage.workspace import notifications, services


@maillage_task(max_attempts=3)
def send_digests_task() -> int:
    """Periodic (daily): one mail per person grouping every notification due (weekly ones on Mondays)."""
    return notifications.send_digests()


@maillage_task(max_attempts=1)
def import_feeds_task() -> dict[str, int]:
    """Periodic (hourly): import every active feed; a broken feed is recorded, the others go on."""
    return services.import_all_feeds()
