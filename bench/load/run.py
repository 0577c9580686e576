"""The load test (#22): `maillage serve` (gunicorn, production settings) under a mix of anonymous and
signed-in journeys (locust, bench/load/locustfile.py), then the ceiling of the stack.

    .venv/bin/python bench/load/run.py [--sqlite FILE | --postgres-template DB | --postgres-build]
        [--structures N] [--users 50] [--duration 60] [--ceiling-duration 30] [--think 1]

1. The database: a copy of a prepared one (`--sqlite FILE`, copied with SQLite's backup API, the source opened
   read-only; `--postgres-template DB`: `createdb -T DB h_load_<N>`), or one built here once (the demo plus N
   synthetic structures, bench/data/gen_structures.py; kept in var/load/ and copied for each run). The copy
   gets the bench's accounts and API keys (bench/load/prepare.py); no source database is ever written.
2. `maillage serve` on 127.0.0.1:PORT with `config.settings.prod` (its default workers and threads:
   MAILLAGE_WEB_WORKERS, MAILLAGE_WEB_THREADS), Redis db 13 as the shared cache (`--redis ''`: the database
   cache), mail to an SMTP sink on loopback, MAILLAGE_BENCH_OK_VIEW=1 (the bare « ok » view), behind what
   nginx sends (X-Forwarded-Proto, X-Forwarded-For; MAILLAGE_TRUSTED_PROXIES=127.0.0.1).
3. The mix: USERS people (4 anonymous for 1 signed in), each waiting THINK s on average between pages, for
   DURATION s. Printed per page: requests, throughput, p50/p95/p99, errors.
4. The ceiling: the bare « ok » view alone, then the directory page alone, USERS clients with no think time;
   printed: both throughputs and their ratio, and the web workers' CPU time per request (from /proc, less
   sensitive to the other jobs on the machine than wall time).
Everything is stopped at the end. Exit code 1 if any request failed.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
from bench.procs import children_of, cpu_seconds  # noqa: E402

VAR = ROOT / "var" / "load"
PORT = 18301
SMTP_PORT = 18302
PG = "postgres://postgres@127.0.0.1:5432/"
TARGET_P95_MS = 200
TARGET_RATIO = 0.40


def sh(*argv: str, **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    return subprocess.run(argv, check=True, **kwargs)  # noqa: S603


def uptime() -> str:
    """The load average (1, 5, 15 min): the machine is shared, the figures depend on it."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def base_env(db_env: dict[str, str]) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MAILLAGE_SQLITE_PATH", "REDIS_URL"}
    }
    env.update(db_env)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "MAILLAGE_MEDIA_ROOT": str(VAR / "media"),
            "MAILLAGE_STATIC_ROOT": str(VAR / "static"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def dev_env(db_env: dict[str, str]) -> dict[str, str]:
    return {**base_env(db_env), "DJANGO_SETTINGS_MODULE": "config.settings.dev", "MAILLAGE_DEBUG": "false"}


# --- the database ------------------------------------------------------------------------------------


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's backup API (consistent even with a WAL beside it), the source opened read-only."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def prepare_sqlite(args: argparse.Namespace) -> dict[str, str]:
    source = Path(args.sqlite) if args.sqlite else VAR / f"base-{args.structures}.sqlite3"
    if not args.sqlite:
        print(f"building (or completing) {source}: the demo plus {args.structures} structures", flush=True)
        sh(sys.executable, str(HERE / "prepare.py"), "build", str(args.structures), cwd=ROOT,
           env=dev_env({"MAILLAGE_SQLITE_PATH": str(source)}))  # fmt: skip
    target = VAR / "run.sqlite3"
    started = time.perf_counter()
    sqlite_copy(source, target)
    print(f"copied {source} → {target} in {time.perf_counter() - started:.0f} s", flush=True)
    return {"MAILLAGE_SQLITE_PATH": str(target)}


def prepare_postgres(args: argparse.Namespace) -> dict[str, str]:
    import psycopg

    name = f"h_load_{args.structures // 1000}k"
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if args.postgres_template:
            started = time.perf_counter()
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{args.postgres_template}"')
            print(
                f"createdb -T {args.postgres_template} {name}: {time.perf_counter() - started:.0f} s",
                flush=True,
            )
            return {"DATABASE_URL": PG + name}
        source = f"{name}_base"
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [source]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{source}"')
    print(f"building (or completing) {source}: the demo plus {args.structures} structures", flush=True)
    sh(sys.executable, str(HERE / "prepare.py"), "build", str(args.structures), cwd=ROOT,
       env=dev_env({"DATABASE_URL": PG + source}))  # fmt: skip
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return {"DATABASE_URL": PG + name}


# --- the server ----------------------------------------------------------------------------------------


def serve_env(db_env: dict[str, str], args: argparse.Namespace) -> dict[str, str]:
    env = base_env(db_env)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "MAILLAGE_SECRET_KEY": secrets.token_urlsafe(40),
            "MAILLAGE_BENCH_OK_VIEW": "1",
            "MAILLAGE_TRUSTED_PROXIES": "127.0.0.1",
            "MAILLAGE_LOG_FORMAT": "json",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(SMTP_PORT),
        }
    )
    if args.redis:
        env["REDIS_URL"] = args.redis
    return env


def collectstatic(env: dict[str, str]) -> None:
    if not (VAR / "static" / "staticfiles.json").exists():
        print("collectstatic (once, into var/load/static)", flush=True)
        sh(sys.executable, "-m", "maillage.cli", "collectstatic", "--noinput", "-v", "0", cwd=ROOT, env=env)


def wait_up(base: str, process: subprocess.Popen) -> None:
    import httpx

    headers = {"X-Forwarded-Proto": "https"}
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("maillage serve s'est arrêté au démarrage (voir var/load/serve.log)")
        try:
            if httpx.get(base + "/_banc/ok", headers=headers, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("maillage serve ne répond pas")


def warm_up(base: str, facts: Path) -> None:
    """Each anonymous page once, one at a time, before the measures: what the periodic jobs and the first
    visitors leave behind (the dashboard's kept figures, the caches) is there, as on a running site. The first
    answers' times are printed: a page computed on its first visit shows here."""
    import json

    import httpx

    sys.path.insert(0, str(HERE))
    from journeys import MAP_BBOX, PAGES

    known = json.loads(facts.read_text())
    values = {
        "query": "",
        "bbox": MAP_BBOX,
        "slug": known["slugs"][0],
        "event": known["events"][0] if known["events"] else "",
        "need": known["needs"][0] if known["needs"] else 0,
        "year": known["calls"][0] if known["calls"] else 0,
    }
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.255.0.1"}
    slow = []
    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        for key, page in PAGES.items():
            if page.method != "GET" or key in {"my_space", "api_key"}:
                continue
            started = time.perf_counter()
            status = client.get(page.url(**values)).status_code
            took = time.perf_counter() - started
            slow.append(f"{key} {status} {took * 1000:.0f} ms")
    print("warm-up (first visit of each page): " + ", ".join(slow), flush=True)


def web_master(log: Path) -> int:
    found = re.search(r"web démarré \(pid (\d+)\)", log.read_text())
    if not found:
        raise SystemExit("pid of the web process not found in serve.log")
    return int(found.group(1))


# --- locust --------------------------------------------------------------------------------------------


def _run_locust(  # noqa: PLR0913
    prefix: Path, classes: list[str], users: int, seconds: int, base: str, env: dict, log: IO[str]
) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
            "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", base,
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10", *classes,
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False,
    )  # fmt: skip


def locust(name: str, classes: list[str], users: int, seconds: int, base: str, env: dict[str, str]) -> dict:
    prefix = VAR / name
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(f"{prefix}.log", "w") as log:  # locust's own summary and warnings
        _run_locust(prefix, classes, users, seconds, base, env, log)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as f:
            failures = list(csv.DictReader(f))
    return {
        "rows": rows,
        "failures": failures,
        "client_cpu": client_cpu,
        "wall": time.perf_counter() - started,
    }


def fmt_table(rows: list[dict]) -> list[str]:
    lines = [
        f"{'page':<36} {'requests':>8} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}",
    ]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"]))):
        name = "all pages" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"{name[:36]:<36} {row['Request Count']:>8} {float(row['Requests/s']):>7.1f} {row['50%']:>6} "
            f"{row['95%']:>6} {row['99%']:>6} {row['Failure Count']:>6}"
        )
    return lines


def aggregated(result: dict) -> dict:
    return next(r for r in result["rows"] if r["Name"] == "Aggregated")


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--sqlite", help="a prepared SQLite file (copied, never written)")
    source.add_argument("--postgres-template", help="a prepared PostgreSQL database (createdb -T)")
    source.add_argument("--postgres-build", action="store_true", help="build a PostgreSQL database here")
    parser.add_argument("--structures", type=int, default=20_000, help="synthetic structures when building")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mix")
    parser.add_argument("--ceiling-duration", type=int, default=30, help="seconds of each ceiling run")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between two pages of a person")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/13", help="the shared cache ('' : database)"
    )
    parser.add_argument("--skip-mix", action="store_true", help="only the ceiling runs")
    args = parser.parse_args()

    VAR.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {uptime()}", flush=True)
    postgres = bool(args.postgres_template or args.postgres_build)
    db_env = prepare_postgres(args) if postgres else prepare_sqlite(args)
    facts = VAR / "facts.json"
    sh(sys.executable, str(HERE / "prepare.py"), "describe", str(facts), cwd=ROOT, env=dev_env(db_env))
    env = serve_env(db_env, args)
    collectstatic(env)
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()  # our own db number: the previous run's cache
    base = f"http://127.0.0.1:{args.port}"
    log = VAR / "serve.log"
    sink = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{SMTP_PORT}",
         "-c", "aiosmtpd.handlers.Sink"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(log, "w") as out:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "maillage.cli", "serve", "--bind", f"127.0.0.1:{args.port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    failed = 0
    try:
        wait_up(base, server)
        warm_up(base, facts)
        master = web_master(log)
        workers = children_of(master)
        print(f"maillage serve (config.settings.prod) on {base}: gunicorn {len(workers)} workers", flush=True)
        locust_env = {**env, "LOAD_FACTS": str(facts), "LOAD_THINK": str(args.think)}

        def phase(name: str, classes: list[str], seconds: int) -> dict:
            pids = children_of(master)
            cpu = cpu_seconds(pids)
            result = locust(name, classes, args.users, seconds, base, locust_env)
            result["server_cpu"] = cpu_seconds(pids) - cpu
            total = aggregated(result)
            count = int(total["Request Count"]) or 1
            result["cpu_ms_per_request"] = 1000 * result["server_cpu"] / count
            print(
                f"  server CPU {result['server_cpu']:.1f} s "
                f"({result['cpu_ms_per_request']:.1f} ms per request), "
                f"locust CPU {result['client_cpu']:.1f} s, load average now {uptime()}",
                flush=True,
            )
            for failure in result["failures"][:10]:
                print(
                    f"  error ×{failure['Occurrences']}: {failure['Method']} {failure['Name']}: "
                    f"{failure['Error']}"
                )
            return result

        engine = "PostgreSQL" if postgres else "SQLite"
        results = {}
        if not args.skip_mix:
            print(f"\n== mix: {args.users} people (4 anonymous : 1 signed in), {args.duration} s, think ≈ "
                  f"{args.think} s, {engine}", flush=True)  # fmt: skip
            results["mix"] = phase("mix", ["Visitor", "Member"], args.duration)
            print("\n".join(fmt_table(results["mix"]["rows"])), flush=True)
        print(
            f"\n== ceiling: {args.users} clients, no think time, {args.ceiling_duration} s each", flush=True
        )
        results["ok"] = phase("ok", ["OkOnly"], args.ceiling_duration)
        results["directory"] = phase("directory", ["DirectoryOnly"], args.ceiling_duration)
        results["corpus"] = phase("corpus", ["DirectoryCorpus"], args.ceiling_duration)
        ok, directory = aggregated(results["ok"]), aggregated(results["directory"])
        corpus = aggregated(results["corpus"])
        print(
            "\n".join(
                fmt_table(
                    [
                        {**ok, "Name": "« ok » nu"},
                        {**directory, "Name": "annuaire (/structures/)"},
                        {**corpus, "Name": "annuaire (corpus, au hasard)"},
                    ]
                )
            )
        )
        corpus_ratio = float(corpus["Requests/s"]) / max(float(ok["Requests/s"]), 1e-9)
        print(
            f"directory over the corpus / ceiling: throughput {corpus_ratio:.1%} "
            f"({results['corpus']['cpu_ms_per_request']:.1f} ms of web workers' CPU per request)"
        )
        ratio = float(directory["Requests/s"]) / max(float(ok["Requests/s"]), 1e-9)
        cpu_ratio = results["ok"]["cpu_ms_per_request"] / max(
            results["directory"]["cpu_ms_per_request"], 1e-9
        )
        print(
            f"directory / ceiling: throughput {ratio:.1%}; web workers' CPU per request "
            f"{results['ok']['cpu_ms_per_request']:.1f} ms (ok) vs "
            f"{results['directory']['cpu_ms_per_request']:.1f} "
            f"ms (directory) = {cpu_ratio:.1%} (target ≥ {TARGET_RATIO:.0%})"
        )
        failed = sum(int(aggregated(r)["Failure Count"]) for r in results.values())
        if "mix" in results:
            slow = [
                r["Name"]
                for r in results["mix"]["rows"]
                if r["Name"] != "Aggregated"
                and r["95%"] not in ("N/A", "")
                and float(r["95%"]) > TARGET_P95_MS
            ]
            print(f"pages over p95 {TARGET_P95_MS} ms in the mix: {', '.join(slow) or 'none'}")
        print(f"errors: {failed}; load average after: {uptime()}")
    finally:
        with_timeout_stop(server)
        sink.terminate()
        sink.wait(timeout=10)
    return 1 if failed else 0


def with_timeout_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


if __name__ == "__main__":
    sys.exit(main())
