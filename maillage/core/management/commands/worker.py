"""`maillage worker`: django-tasks-db's `db_worker` with Maillage's defaults (queues default and mail, no
autoreload: a reload would kill a running task), and one change: the database out of reach (a restart of
PostgreSQL, a network cut) no longer ends the worker — which made `maillage serve` stop the whole site.
It logs, waits (1 s, doubling up to 30 s) and carries on when the database is back. A task that was running
when the database went away is left to django-tasks' own state (its result could not be written either)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

DEFAULT_QUEUES = "default,mail"
MAX_WAIT = 30.0
logger = logging.getLogger("maillage.worker")


class ResilientWorker(Worker):
    """A `Worker` whose loop survives the database going away."""

    def run(self) -> None:
        wait = 1.0
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as exc:
                if not self.running:
                    return
                if time.monotonic() - started > 2 * MAX_WAIT:
                    wait = 1.0  # it had been working for a while: a new outage starts from 1 s again
                logger.warning("Base de données injoignable (%s) : nouvel essai dans %.0f s.", exc, wait)
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, MAX_WAIT)


class Command(DbWorkerCommand):
    help = "Lance le travailleur des tâches de fond (files « default » et « mail »)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name=DEFAULT_QUEUES, reload=False)

    def handle(self, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        exclude = options["exclude_queues"]
        worker = ResilientWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=exclude.split(",") if exclude else [],
        )
        worker.configure_signals()  # never the autoreloader: it would kill a running task
        worker.run()
