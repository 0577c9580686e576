"""`maillage scheduler`: the periodic-job loop (one tick every MAILLAGE_SCHEDULER_TICK_SECONDS).

Several may run (one per machine): the database lock in `maillage.core.scheduler.tick` makes each due run
enqueued once. SIGTERM/SIGINT stop it between ticks; `--once` runs a single tick.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from maillage.core.scheduler import tick

logger = logging.getLogger("maillage.scheduler")


class Command(BaseCommand):
    help = "Lance le planificateur des tâches périodiques (met en file les tâches dues)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Un seul passage, puis sortie.")
        parser.add_argument(
            "--tick",
            dest="tick_seconds",
            type=float,
            default=None,
            help="Secondes entre deux passages (défaut : MAILLAGE_SCHEDULER_TICK_SECONDS).",
        )

    def handle(self, *args, once: bool = False, tick_seconds: float | None = None, **options) -> None:
        if once:
            self._report(tick())
            return
        interval = (
            tick_seconds if tick_seconds is not None else float(settings.MAILLAGE_SCHEDULER_TICK_SECONDS)
        )
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            logger.info("Scheduler: %s received, stopping", signal.strsignal(signum))
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        logger.info("Scheduler started (tick %.1f s)", interval)
        while not stop.is_set():
            self._report(self._tick_safely())
            stop.wait(interval)
        close_old_connections()
        logger.info("Scheduler stopped")

    def _tick_safely(self) -> list:
        close_old_connections()  # drop a connection the database closed while we slept
        try:
            return tick()
        except Exception:
            # A database hiccup must not kill the loop (and with it `maillage serve`): retry next tick.
            logger.exception("Scheduler tick failed")
            return []

    def _report(self, enqueued: list) -> None:
        for item in enqueued:
            self.stdout.write(f"{item.key} → tâche {item.task_id}")
