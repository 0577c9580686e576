"""The scheduler as a django-tasks task."""

from __future__ import annotations

from maillage.core.actors import system
from maillage.core.tasks import maillage_task
from maillage.matchmaking import services
from maillage.matchmaking.models import Run


@maillage_task(max_attempts=1)
def run_scheduler_task(run_id: int) -> str:
    run = Run.objects.select_related("meeting").get(pk=run_id)
    services.execute_run(actor=system("calcul du planning"), run=run)
    return run.status
