"""`maillage serve`: the web server, the task worker and the scheduler, as three supervised child processes.

- web: gunicorn (`MAILLAGE_WEB_WORKERS` processes of `MAILLAGE_WEB_THREADS` threads each — the `gthread`
  worker class; a web process keeps no state of its own, docs/adr/0014-annuaire-servi-par-la-base.md — on
  `MAILLAGE_BIND`), or with `--dev` Django's `runserver --noreload` and the dev settings;
- worker: `maillage worker` (queues default and mail);
- scheduler: `maillage scheduler`.

SIGTERM/SIGINT/SIGHUP are forwarded (SIGTERM to each child; SIGHUP reloads gunicorn). If a child exits on its
own, the others are stopped and `serve` exits non-zero, so that a process manager restarts the whole. Children
run in their own process group (Ctrl+C reaches them once, through `serve`) and, on Linux, die with `serve`.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType

from django.core.management.base import BaseCommand, CommandError

from config import env

logger = logging.getLogger("maillage.serve")

STOP_TIMEOUT_SECONDS = 20.0
POLL_SECONDS = 0.2


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: ask the kernel to send SIGTERM to the child when `serve` dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None


WORKER_CLASS = "gthread"


def build_children(*, dev: bool, bind: str, workers: int, threads: int = 4) -> list[Child]:
    manage = [sys.executable, "-m", "maillage.cli"]
    if dev:
        web = [*manage, "runserver", "--noreload", bind]
    else:
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--worker-class",
            WORKER_CLASS,
            "--threads",
            str(threads),
            "--bind",
            bind,
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "15",
        ]
    return [
        Child("web", web),
        Child("worker", [*manage, "worker"]),
        Child("scheduler", [*manage, "scheduler"]),
    ]


class Command(BaseCommand):
    help = "Lance le serveur web, le travailleur des tâches et le planificateur ensemble."
    requires_system_checks: list = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Serveur de développement de Django (runserver) et réglages de développement.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Fils par processus web gunicorn (défaut : MAILLAGE_WEB_THREADS).",
        )
        parser.add_argument("--bind", default=None, help="Adresse d'écoute (défaut : MAILLAGE_BIND).")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processus web gunicorn (défaut : MAILLAGE_WEB_WORKERS).",
        )

    def handle(
        self,
        *args,
        dev: bool = False,
        bind: str | None = None,
        workers: int | None = None,
        threads: int | None = None,
        **options,
    ) -> None:
        children = build_children(
            dev=dev,
            bind=bind or env.BIND,
            workers=workers or env.GUNICORN_WORKERS,
            threads=threads or env.GUNICORN_THREADS,
        )
        child_env = dict(os.environ)
        if dev:
            child_env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

        stopping: list[int] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if signum == signal.SIGHUP:
                for child in children:
                    if child.name == "web" and child.process and not dev:
                        child.process.send_signal(signal.SIGHUP)
                return
            stopping.append(signum)

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, on_signal)

        for child in children:
            # argv is built above from sys.executable and fixed arguments (bind/workers from our settings).
            child.process = subprocess.Popen(  # noqa: S603
                child.argv,
                env=child_env,
                process_group=0,
                preexec_fn=_die_with_parent,
            )
            self.stdout.write(f"{child.name} démarré (pid {child.process.pid}) : {' '.join(child.argv[1:])}")
            self.stdout.flush()
        where = bind or env.BIND
        self.stdout.write(f"Maillage sert sur http://{where}/ — Ctrl+C pour arrêter.")
        self.stdout.flush()

        failed: Child | None = None
        while not stopping and failed is None:
            for child in children:
                if child.process is not None and child.process.poll() is not None:
                    failed = child
                    break
            else:
                time.sleep(POLL_SECONDS)

        if failed is not None and not stopping:
            code = failed.process.returncode if failed.process else None
            self.stderr.write(f"{failed.name} s'est arrêté (code {code}) : arrêt des autres processus.")
        self._stop(children)
        if failed is not None and not stopping:
            raise CommandError(f"Le processus « {failed.name} » s'est arrêté.", returncode=1)
        self.stdout.write("Maillage arrêté.")

    def _stop(self, children: list[Child]) -> None:
        running = [c for c in children if c.process is not None and c.process.poll() is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in running:
            remaining = max(deadline - time.monotonic(), 0.1)
            try:
                child.process.wait(timeout=remaining)  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in time: killed", child.name)
                child.process.kill()  # type: ignore[union-attr]
                child.process.wait()  # type: ignore[union-attr]
