"""Background work of the plan: the daily recording of computed indicators (so their history stays)."""

from __future__ import annotations

from django.utils import timezone

from maillage.core.actors import system
from maillage.core.models import Territory
from maillage.core.tasks import maillage_task
from maillage.plan import services
from maillage.plan.models import Contract


@maillage_task(max_attempts=3, idempotent=True)
def compute_indicators_task() -> dict[str, int]:
    """Periodic (daily): today's value of every computed indicator, per territory with a contract."""
    today = timezone.localdate()
    counts: dict[str, int] = {}
    actor = system("calcul quotidien des indicateurs")
    territory_ids = Contract.objects.values_list("territory_id", flat=True)
    for territory in Territory.objects.filter(pk__in=territory_ids, is_active=True):
        counts[territory.slug] = services.compute_measurements(actor=actor, territory=territory, today=today)
    return counts
