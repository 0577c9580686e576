"""A task worker as a real process for the fault tests: `maillage worker` on the PostgreSQL test database (the
settings of `worker_settings`), its output in a log file, killed with SIGKILL or stopped at the end."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.core.test_serve import ROOT, free_port
from tests.faults.test_registration_burst import serve_env

DEADLINE_SECONDS = 300  # bounds a broken run only (a loaded machine is slow); nothing asserts a duration


def worker_env(smtp_port: int | None = None) -> dict[str, str]:
    env = serve_env(smtp_port or free_port())
    env["DJANGO_SETTINGS_MODULE"] = "tests.faults.worker_settings"
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("a") as out:
        return subprocess.Popen(  # noqa: S603 (our own argv)
            [sys.executable, "-m", "maillage.cli", "worker", "--interval", "0.2", "--no-startup-delay"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def wait_until(condition: Callable[[], object], what: str, log: Path, step: float = 0.05) -> object:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"{what} did not happen.\n{log.read_text(errors='replace')[-4000:]}")


def finished(path: str) -> bool:
    """Every run of the task `path` is finished (none READY or RUNNING), and there is at least one."""
    runs = DBTaskResult.objects.filter(task_path=path)
    return (
        runs.exists()
        and not runs.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()
    )
