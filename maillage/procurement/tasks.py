"""Periodic work of procurement (enqueued by the scheduler, run by the worker)."""

from __future__ import annotations

from maillage.core.actors import system
from maillage.core.tasks import maillage_task
from maillage.procurement import services
from maillage.procurement.services import mailing


@maillage_task(idempotent=True)
def send_daily_batches_task() -> int:
    """One more batch for each sent need that has fewer « intéressé » answers than wanted (never twice to the
    same supplier: see `services.sending`)."""
    return services.send_daily_batches(actor=system("envoi quotidien des besoins"))


@maillage_task(idempotent=True)
def ask_outcomes_task() -> int:
    """Ask the buyers of needs past their deadline whether a contract followed (once per need)."""
    return services.ask_outcomes(actor=system("suite des besoins"))


@maillage_task(queue_name="mail", max_attempts=5)
def send_need_mail_task(recipient_id: int) -> str:
    """Mail a need to a supplier without a manager account, at most once: not idempotent, so a run its worker
    never ended is not re-run by the reaper — its recipient says « état inconnu » (see `services.mailing`)."""
    return mailing.deliver_need_mail(recipient_id)
