"""Periodic work of the agenda (enqueued by the scheduler from `registry.periodic_jobs`, run by the
worker)."""

from __future__ import annotations

from maillage.core.tasks import maillage_task
from maillage.events import services


@maillage_task(idempotent=True)
def materialise_series_task() -> int:
    """Create the occurrences of every series for the coming year (existing dates are left alone)."""
    return services.materialise_all_series()


@maillage_task(idempotent=True)
def send_reminders_task() -> int:
    """Day-before reminders; each registration is reminded once (`reminded_at`)."""
    return services.send_reminders()


@maillage_task(idempotent=True)
def release_holds_task() -> int:
    """Free the seats held by unconfirmed e-mail registrations whose hold expired; promote the waitlist."""
    return services.release_expired_holds()
