"""Periodic work of the training module (enqueued by the scheduler from `registry.periodic_jobs`)."""

from __future__ import annotations

from maillage.core.actors import system
from maillage.core.tasks import maillage_task
from maillage.training import services

SCHEDULER = system("formations : tâche planifiée")


@maillage_task(idempotent=True)
def census_reminders_task() -> int:
    """Remind the structures that have not answered, a week before the deadline; close the past ones."""
    return services.remind_due_censuses(actor=SCHEDULER) + services.close_due_censuses(actor=SCHEDULER)


@maillage_task(idempotent=True)
def office_hours_task() -> int:
    """Slots for the next twelve weeks; day-before reminders of bookings; sessions opening to the public."""
    return (
        services.materialise_all()
        + services.send_booking_reminders(actor=SCHEDULER)
        + services.open_due_sessions(actor=SCHEDULER)
    )
