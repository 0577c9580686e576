"""The Trophée's public vote: N voters (default 2,000) confirm their vote from their mailed link, through
gunicorn (2 workers) on PostgreSQL, 8 concurrent clients.

Each voter opens the confirmation page (GET: CSRF cookie and token) then presses « Confirmer mon vote »
(POST, measured). Voters come from distinct addresses behind a trusted proxy (X-Forwarded-For, as nginx
sends), so the per-connection rate limit is the real one. Figures: throughput and p50/p95 of the
confirmation POST. Correctness: counted votes == confirmed voters, exactly (one row per voter, no double).

With `--kill`, a gunicorn worker is killed (SIGKILL) every K-th of the way (default 3 kills): the clients
whose request died retry the same link, as a person pressing the button again would; the check is the same
(no vote lost, none counted twice): the unique constraints and the idempotent confirmation hold it.

Needs a PostgreSQL server; the database named below is dropped and re-created:

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_awards_bench \\
        .venv/bin/python bench/bench_awards.py [VOTERS] [--kill]

BENCH_REUSE_DB=1 keeps a database this script migrated before (the territory « banc » is deleted and rebuilt).
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
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from pathlib import Path
from urllib.parse import urlsplit

from _setup import ROOT, summarise
from procs import children_of

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/maillage_awards_bench"
CLIENTS = 8
KILLS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main(voters: int, kill: bool) -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    reuse = (
        os.environ.get("BENCH_REUSE_DB") == "1"
    )  # a database this script migrated before: skip the migration
    try:
        if not reuse:
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
        "MAILLAGE_TRUSTED_PROXIES": "127.0.0.1",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from maillage.actors.models import Structure
    from maillage.awards import services
    from maillage.awards.models import Edition, Nomination, Vote
    from maillage.awards.services.votes import vote_token
    from maillage.core.actors import system
    from maillage.core.models import Domain, Territory

    logging.getLogger("httpx").setLevel(logging.WARNING)
    if reuse:  # keep the territory and its structures, start the edition again
        Edition.objects.filter(territory__slug="banc").delete()
    else:
        with redirect_stdout(io.StringIO()):
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
    bench = system("banc d'essai")
    territory, created = Territory.objects.get_or_create(
        slug="banc", defaults={"name": "Banc d'essai", "canonical_url": "http://127.0.0.1"}
    )
    if created:
        Domain.objects.create(territory=territory, name="127.0.0.1")
    edition = services.create_edition(
        actor=bench, territory=territory, year=2026, title="Trophée du banc", categories=[("Catégorie", "")]
    )
    services.transition_edition(actor=bench, edition=edition, to="nominations")
    category = edition.categories.get()
    for i in range(6):
        structure, _ = Structure.objects.get_or_create(
            territory=territory, name=f"Structure {i}", slug=f"s{i}", status="published"
        )
        services.nominate(actor=bench, category=category, structure=structure, initiative=f"Initiative {i}")
    services.transition_edition(actor=bench, edition=edition, to="voting")
    nominees = list(Nomination.objects.filter(category=category))
    tokens = [vote_token(nominees[i % len(nominees)], f"votant.{i}@example.org") for i in range(voters)]

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
            "error",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    import httpx

    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{base}/trophees/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    done = {"count": 0}
    lock = threading.Lock()
    retries = {"count": 0}

    def vote(i: int) -> tuple[str, float]:
        ip = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        path = f"/trophees/vote/{tokens[i]}/"
        for _attempt in range(20):
            try:
                with httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": ip}) as http:
                    page = http.get(path)
                    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
                    if found is None and "déjà enregistré" in page.text:
                        return "already", 0.0  # the previous attempt had been counted
                    begin = time.perf_counter()
                    answer = http.post(
                        path, data={"csrfmiddlewaretoken": found.group(1)}, headers={"Referer": base + path}
                    )
                    elapsed = time.perf_counter() - begin
                if answer.status_code == 200 and (
                    "est enregistré" in answer.text or "déjà enregistré" in answer.text
                ):
                    with lock:
                        done["count"] += 1
                    return ("counted" if "est enregistré" in answer.text else "already"), elapsed
                raise RuntimeError(f"HTTP {answer.status_code}")
            except (httpx.HTTPError, RuntimeError, AttributeError):
                with lock:
                    retries["count"] += 1
                time.sleep(0.2)
        return "failed", 0.0

    killed = 0

    def killer() -> None:
        nonlocal killed
        marks = [voters * (k + 1) // (KILLS + 1) for k in range(KILLS)]
        for mark in marks:
            while done["count"] < mark:
                time.sleep(0.01)
            pids = children_of(server.pid)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed += 1

    try:
        watcher = threading.Thread(target=killer, daemon=True) if kill else None
        if watcher:
            watcher.start()
        wall = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(vote, range(voters)))
        wall = time.perf_counter() - wall
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    outcomes = [o for o, _ in results]
    counted = Vote.objects.filter(category=category).count()
    distinct = Vote.objects.filter(category=category).values("address_hash").distinct().count()
    confirmed = voters - outcomes.count("failed")
    correct = counted == confirmed == voters and distinct == voters
    summarise(
        f"vote confirmations via gunicorn -w 2 on PostgreSQL, {CLIENTS} clients"
        + (" with kills" if kill else ""),
        [t for o, t in results if o == "counted" and t],
        throughput_per_s=round(voters / wall, 1),
        voters=voters,
        confirmed_voters=confirmed,
        counted_votes=counted,
        distinct_addresses=distinct,
        workers_killed=killed,
        retried_requests=retries["count"],
        correct=correct,
    )
    if not correct:
        sys.exit(1)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 2000, "--kill" in sys.argv)
