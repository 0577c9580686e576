"""100 concurrent registrations against one 30-seat event, on PostgreSQL, through gunicorn (2 workers).

Correctness: every request answers (no lost request: 100 redirects), exactly 30 seats taken, 70 on the
waitlist,
`sequence` 1..100 without gap. Figures: throughput (registrations per second over the POST phase) and the
POST latency p50/p95 at 8 concurrent clients (real HTTP on loopback, gunicorn sync workers, DEBUG off), and
the CPU time the server spent per registration (gunicorn workers + the bench database's PostgreSQL backends,
read from /proc over the POST phase): the client and the server share the machine, so latency also measures
whatever else runs on it, while the CPU per registration does not.

Needs a PostgreSQL server; the database named below is dropped and re-created:

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_events_bench \\
        .venv/bin/python bench/bench_events_registration.py [CLIENTS]      (default 8 concurrent clients)
"""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from pathlib import Path
from urllib.parse import urlsplit

from _setup import ROOT, summarise

REGISTRATIONS = 100
CAPACITY = 30
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/maillage_events_bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(server_pid: int, database: str) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn workers (children of `server_pid`) and by the PostgreSQL
    backends of `database` (Linux /proc; zeros elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    web = db = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            data = stat.read_text()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        fields = data[data.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick
        if int(fields[1]) == server_pid:
            web += used
        elif cmdline.startswith(b"postgres: ") and f" {database} ".encode() in cmdline:
            db += used
    return web, db


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main(clients: int) -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    try:
        recreate_database(url)
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL unavailable ({exc}): skipped")
        return
    workdir = Path(tempfile.mkdtemp(prefix="maillage-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "MAILLAGE_DEBUG": "false",
        "DATABASE_URL": url,
        "MAILLAGE_MEDIA_ROOT": str(workdir / "media"),
        "MAILLAGE_STATIC_ROOT": str(workdir / "static"),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from maillage.accounts.models import User
    from maillage.core.models import Domain, Territory
    from maillage.events.models import Event, Registration

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a log line per request would cost the client CPU

    with redirect_stdout(io.StringIO()):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
    territory = Territory.objects.create(name="Banc d'essai", slug="banc", canonical_url="http://127.0.0.1")
    Domain.objects.create(territory=territory, name="127.0.0.1")
    start = timezone.now() + dt.timedelta(days=10)
    event = Event.objects.create(
        territory=territory, title="Rendez-vous du banc", slug="rdv-banc", start=start,
        end=start + dt.timedelta(hours=2), status="published", venue="Salle", capacity=CAPACITY,
    )  # fmt: skip
    users = User.objects.bulk_create(User(email=f"bench{i}@example.org") for i in range(REGISTRATIONS))
    sessions = []
    for user in users:
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies["sessionid"].value)

    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        import httpx

        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/agenda/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        path = f"/agenda/{event.slug}/inscription/"

        def prepare(session: str) -> httpx.Client:
            http = httpx.Client(base_url=base, cookies={"sessionid": session}, timeout=30)
            page = http.get(path)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            http.headers["X-Bench-Token"] = token
            return http

        with ThreadPoolExecutor(clients) as pool:
            prepared = list(pool.map(prepare, sessions))

        def register(http: httpx.Client) -> tuple[int, float]:
            begin = time.perf_counter()
            response = http.post(
                path, data={"csrfmiddlewaretoken": http.headers["X-Bench-Token"], "structure_name": ""}
            )
            return response.status_code, time.perf_counter() - begin

        database = urlsplit(url).path.lstrip("/")
        cpu_before = cpu_seconds(server.pid, database)
        wall = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(register, prepared))
        wall = time.perf_counter() - wall
        cpu_after = cpu_seconds(server.pid, database)
        cpu_web, cpu_db = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
        for http in prepared:
            http.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    codes = [code for code, _ in results]
    rows = list(
        Registration.objects.filter(event=event).order_by("sequence").values_list("sequence", "state")
    )
    registered = sum(1 for _, state in rows if state == "registered")
    waitlisted = sum(1 for _, state in rows if state == "waitlisted")
    gap_free = [seq for seq, _ in rows] == list(range(1, REGISTRATIONS + 1))
    correct = (
        codes.count(302) == REGISTRATIONS
        and registered == CAPACITY
        and waitlisted == REGISTRATIONS - CAPACITY
        and gap_free
    )
    summarise(
        f"registrations via gunicorn -w 2 on PostgreSQL, {clients} clients",
        [t for _, t in results],
        throughput_per_s=round(REGISTRATIONS / wall, 1),
        server_cpu_ms_per_registration=round((cpu_web + cpu_db) * 1000 / REGISTRATIONS, 1),
        web_cpu_ms=round(cpu_web * 1000 / REGISTRATIONS, 1),
        db_cpu_ms=round(cpu_db * 1000 / REGISTRATIONS, 1),
        answered_302=codes.count(302),
        registered=registered,
        waitlisted=waitlisted,
        gap_free=gap_free,
        correct=correct,
    )
    if not correct:
        sys.exit(1)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 and int(sys.argv[1]) < 100 else 8)
