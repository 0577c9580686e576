"""Periodic work of the dashboard (enqueued by the scheduler from `registry.periodic_jobs`)."""

from __future__ import annotations

from maillage.core.actors import system
from maillage.core.tasks import maillage_task
from maillage.dashboard import services


@maillage_task(idempotent=True)
def refresh_figures_task() -> int:
    """Recompute the figures of every territory (to date, the current year and every year kept)."""
    return services.refresh_all(actor=system("calcul périodique des chiffres"))


@maillage_task(idempotent=True)
def build_open_data_task() -> int:
    """Regenerate the bulk downloads of every territory (nightly)."""
    return services.build_open_data(actor=system("données ouvertes de la nuit"))
