"""Background work of the calls: the daily reminders of the reports due from laureates."""

from __future__ import annotations

from maillage.calls.services import send_report_reminders
from maillage.core.actors import system
from maillage.core.tasks import maillage_task


@maillage_task(idempotent=True)
def remind_reports_task() -> int:
    return send_report_reminders(actor=system("rappels des rapports attendus"))
