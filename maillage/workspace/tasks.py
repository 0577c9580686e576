"""Background work of the workspace: the feeds of the news watch."""

from __future__ import annotations

from maillage.core.tasks import maillage_task
from maillage.workspace import services


@maillage_task(max_attempts=1)
def import_feeds_task() -> dict[str, int]:
    """Periodic (hourly): import every active feed; a broken feed is recorded, the others go on."""
    return services.import_all_feeds()
