"""`maillage serve` and `maillage scheduler` as real processes, on a temporary SQLite database.

The database is migrated and given a territory answering on 127.0.0.1; serve is started on a free port,
answers /api/v1/sante, runs the scheduler and the worker (the reaper job gets enqueued and run), and stops
all its children on SIGTERM — or all of them, non-zero, when one dies.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

# Starts its own installation in a subprocess, on SQLite whatever the suite's database: the SQLite pass only
# (scripts/run_tests.py leaves the « processes » tests out of the PostgreSQL pass).
pytestmark = pytest.mark.processes

ROOT = Path(settings.BASE_DIR)
# Generous limits that only bound a broken run; nothing asserts a duration.
DEADLINE_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    condition: Callable[[], object],
    what: str,
    process: subprocess.Popen | None = None,
    log: Path | None = None,
) -> object:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.2)
    output = log.read_text(errors="replace") if log is not None and log.exists() else ""
    raise AssertionError(f"{what} did not happen.\n{output[-4000:]}")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "maillage.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,  # noqa: S603
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def site_env(tmp_path_factory) -> dict[str, str]:
    """A migrated SQLite database with a territory on 127.0.0.1, and the environment that points at it."""
    path = tmp_path_factory.mktemp("serve") / "maillage.sqlite3"
    # Its own SQLite file: the suite's replica (MAILLAGE_REPLICA_URL, the PostgreSQL stage) is no copy of it.
    dropped = {"DATABASE_URL", "REDIS_URL", "MAILLAGE_REPLICA_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "MAILLAGE_SQLITE_PATH": str(path),
            "MAILLAGE_DEBUG": "false",
            "MAILLAGE_DEFAULT_TERRITORY": "local",
            "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "PYTHONUNBUFFERED": "1",
        }
    )
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(
        env,
        "shell",
        "-c",
        "from maillage.core.models import Domain, Territory; "
        "t, _ = Territory.objects.get_or_create(slug='local', defaults={'name': 'Territoire local', "
        "'canonical_url': 'http://127.0.0.1'}); Domain.objects.get_or_create(territory=t, name='127.0.0.1')",
    )
    env["_SQLITE"] = str(path)
    return env


def query(env: dict[str, str], sql: str) -> list[tuple]:
    with sqlite3.connect(env["_SQLITE"], timeout=30) as db:
        return db.execute(sql).fetchall()


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def child_pids(log: Path) -> dict[str, int]:
    return {
        name: int(pid) for name, pid in re.findall(r"^(\w+) démarré \(pid (\d+)\)", log.read_text(), re.M)
    }


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def start_serve(env: dict[str, str], tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, Path, int]:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "maillage.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                *extra,
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, log, port


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.parametrize("mode", [["--dev"], []], ids=["runserver", "gunicorn"])
def test_serve_answers_runs_worker_and_scheduler_and_stops_on_sigterm(site_env, tmp_path, mode):
    process, log, port = start_serve(site_env, tmp_path, *mode)
    try:
        wait_for(
            lambda: http_status(f"http://127.0.0.1:{port}/api/v1/sante") == 200,
            "GET /api/v1/sante → 200",
            process,
            log,
        )
        pids = wait_for(lambda: (p := child_pids(log)) and len(p) == 3 and p, "three children", process, log)
        assert set(pids) == {"web", "worker", "scheduler"}
        # The scheduler enqueued the reaper job and the worker ran it.
        wait_for(
            lambda: query(
                site_env,
                "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE task_path = "
                "'maillage.core.tasks.reap_stale_tasks_task' AND status = 'SUCCESSFUL'",
            ),
            "reaper job scheduled and run",
            process,
            log,
        )

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=DEADLINE_SECONDS) == 0, log.read_text()
        assert not [name for name, pid in pids.items() if alive(pid)]
    finally:
        stop(process)


def test_serve_stops_everything_when_a_child_dies(site_env, tmp_path):
    process, log, port = start_serve(site_env, tmp_path, "--dev")
    try:
        pids = wait_for(lambda: (p := child_pids(log)) and len(p) == 3 and p, "three children", process, log)
        wait_for(lambda: http_status(f"http://127.0.0.1:{port}/api/v1/sante") == 200, "web up", process, log)
        os.kill(pids["worker"], signal.SIGKILL)
        assert process.wait(timeout=DEADLINE_SECONDS) != 0
        assert not [name for name, pid in pids.items() if alive(pid)]
        assert "worker s'est arrêté" in log.read_text()
    finally:
        stop(process)


def test_scheduler_command_stops_cleanly_on_sigterm(site_env, tmp_path):
    log = tmp_path / "scheduler.log"
    query(site_env, "DELETE FROM core_scheduledjob")
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "maillage.cli", "scheduler", "--tick", "0.2"],  # noqa: S603
            env=site_env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: query(site_env, "SELECT count(*) FROM core_scheduledjob WHERE run_count > 0")[0][0] >= 3,
            "core's periodic jobs claimed",
            process,
            log,
        )
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=DEADLINE_SECONDS) == 0, log.read_text()
    finally:
        stop(process)
