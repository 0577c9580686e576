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


@maillage_task(queue_name="mail", max_attempts=4)
def registration_mail_task(registration_id: int) -> bool:
    """The seat-or-waitlist mail of a registration by account, queued with the registration itself. Not
    idempotent (a run killed after its commit is not re-run by the reaper: no second mail)."""
    return services.send_registration_mail(registration_id=registration_id)
