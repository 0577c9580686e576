"""`maillage reap_tasks`: mark task runs left RUNNING by a killed worker as FAILED; re-enqueue idempotent
ones."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from maillage.core.tasks import reap_stale_tasks


class Command(BaseCommand):
    help = "Clôt en échec les tâches restées « en cours » (travailleur arrêté) et relance les idempotentes."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=float,
            default=None,
            help="Ancienneté minimale d'une exécution en cours (défaut : MAILLAGE_TASK_REAP_AFTER).",
        )

    def handle(self, *args, older_than_minutes: float | None = None, **options) -> None:
        older_than = dt.timedelta(minutes=older_than_minutes) if older_than_minutes is not None else None
        report = reap_stale_tasks(older_than=older_than)
        self.stdout.write(f"{report.reaped} exécution(s) close(s), {report.requeued} relancée(s).")
