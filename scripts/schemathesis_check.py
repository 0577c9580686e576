#!/usr/bin/env python3
"""Check the API against its own OpenAPI schema with Schemathesis: `scripts/schemathesis_check.py`.

In a temporary folder it builds a SQLite database, loads the demo (`maillage demo`), serves the site on a free
loopback port from a thread of this process (the development settings with DEBUG off, a local memory cache,
the geocoder pointed at a refused loopback address so no request leaves the machine), then runs `st run` on
/api/v1/openapi.json (its path parameters given an example found in the demo) with the checks
not_a_server_error, response_schema_conformance, status_code_conformance and content_type_conformance, every
phase but the stateful one.

It prints the figures — test cases, server errors, schema violations (all the failed checks) — and exits
non-zero when any check failed or Schemathesis could not run. Options: `--max-examples N` (per operation and
phase, 30 by default), `--seed S` (0 by default: the same cases each run), `--keep` (keep the folder),
`--folder PATH` (reuse a kept folder's database instead of loading the demo again).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
SCHEMA_CHECKS = {"response_schema_conformance", "status_code_conformance", "content_type_conformance"}

SETTINGS = """\
from config.settings.dev import *  # noqa: F403

DEBUG = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# « autour d'une adresse »: the safe HTTP client refuses loopback, so no lookup leaves the machine.
MAILLAGE_GEOCODER_URL = "http://127.0.0.1:9"
MAILLAGE_GEOCODER_RATE = 1000.0
MAILLAGE_HTTP_ALLOW_LOOPBACK = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "CRITICAL"}}
# Tasks run inside the served process, as in the tests: no worker runs beside this server, so the health
# check (/api/v1/sante) has no worker heartbeat to wait for; mails stay in memory.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "mail"]}
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Schemathesis sends thousands of requests from one address within minutes: the per-address limit of the
# API (600 an hour, maillage/api/access.py) is tested in tests/api/test_access.py, not here.
MAILLAGE_API_ANONYMOUS_LIMIT = 10_000_000
"""


def prepare(folder: Path) -> None:
    """Environment and settings of the served site, before Django starts."""
    (folder / "schemathesis_settings.py").write_text(SETTINGS)
    (folder / "static").mkdir(exist_ok=True)
    sys.path.insert(0, str(folder))
    for name in ("DATABASE_URL", "REDIS_URL", "MAILLAGE_EXTRA_ALLOWED_HOSTS", "MAILLAGE_DEFAULT_TERRITORY"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="schemathesis_settings",
        MAILLAGE_DEBUG="0",
        MAILLAGE_SQLITE_PATH=str(folder / "maillage.sqlite3"),
        MAILLAGE_MEDIA_ROOT=str(folder / "media"),
        MAILLAGE_STATIC_ROOT=str(folder / "static"),
    )


def load_demo(folder: Path) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    if (folder / "maillage.sqlite3").exists():
        return  # a kept folder (--folder): the demo is there
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("demo")


def serve() -> tuple[object, int]:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def _get(base: str, path: str) -> object:
    with urllib.request.urlopen(f"{base}{path}", timeout=30) as response:  # noqa: S310 (our loopback server)
        return json.load(response)


# Path parameters get an example that exists in the demo, read from the API's own lists, so that the
# examples phase reaches the detail operations' answers (random values almost always find nothing: 404).
EXAMPLES = {
    "/api/v1/structures/{slug}": ("slug", "/api/v1/structures", lambda data: data["items"][0]["slug"]),
    "/api/v1/agenda/{slug}": ("slug", "/api/v1/agenda?past=true", lambda data: data[0]["slug"]),
    "/api/v1/charte/versions/{number}": (
        "number",
        "/api/v1/charte/versions",
        lambda data: data[-1]["number"],
    ),
    "/api/v1/lettre/numeros/{number}": ("number", "/api/v1/lettre/numeros", lambda data: data[0]["number"]),
    "/api/v1/contrat/plans/{year}": ("year", "/api/v1/contrat/plans", lambda data: data[-1]["year"]),
    "/api/v1/contrat/plans/{year}/indicateurs": (
        "year",
        "/api/v1/contrat/plans",
        lambda data: data[-1]["year"],
    ),
    "/api/v1/besoins/{need_id}": ("need_id", "/api/v1/besoins", lambda data: data["items"][0]["id"]),
    "/api/v1/appels/{year}": ("year", "/api/v1/appels", lambda data: data["items"][0]["year"]),
    "/api/v1/appels/{year}/laureats": (
        "year",
        "/api/v1/appels?statut=decided",
        lambda data: data["items"][0]["year"],
    ),
    "/api/v1/trophees/{year}": ("year", "/api/v1/trophees", lambda data: data["items"][0]["year"]),
    "/api/v1/trophees/{year}/laureats": (
        "year",
        "/api/v1/trophees",
        lambda data: next(e["year"] for e in data["items"] if e["status"] == "published"),
    ),
    "/api/v1/utilite-sociale/{year}": (
        "year",
        "/api/v1/utilite-sociale",
        lambda data: data["items"][0]["year"],
    ),
}


def schema_with_examples(base: str, folder: Path) -> Path:
    """The served OpenAPI schema, its path parameters given an example from the demo."""
    schema = _get(base, "/api/v1/openapi.json")
    for path, (name, list_path, pick) in EXAMPLES.items():
        try:
            value = pick(_get(base, list_path))
        except (IndexError, KeyError, StopIteration):
            print(f"Pas d'exemple pour {path} : {list_path} est vide.")
            continue
        for parameter in schema["paths"][path]["get"].get("parameters", []):
            if parameter["name"] == name and parameter["in"] == "path":
                parameter["schema"]["examples"] = [value]
    target = folder / "openapi.json"
    target.write_text(json.dumps(schema))
    return target


def run_schemathesis(port: int, folder: Path, *, max_examples: int, seed: int) -> tuple[int, Path]:
    events = folder / "events.ndjson"
    base = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        str(schema_with_examples(base, folder)),
        "--url",
        base,
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        "2",
        "--request-timeout",
        "20",
        "--suppress-health-check",
        "too_slow",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(events),
    ]
    env = {**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "NO_COLOR": "1"}
    returncode = subprocess.run(command, cwd=folder, env=env, check=False).returncode  # noqa: S603
    return returncode, events


def figures(events: Path) -> dict:
    """Test cases, server errors and schema violations, read from Schemathesis's NDJSON events."""
    cases = 0
    failed: Counter[str] = Counter()
    for line in events.read_text().splitlines() if events.exists() else []:
        event = json.loads(line)
        for kind, payload in event.items():
            if kind != "ScenarioFinished" or not isinstance(payload, dict):
                continue
            recorder = payload.get("recorder") or {}
            cases += len(recorder.get("cases") or {})
            for checks in (recorder.get("checks") or {}).values():
                for check in checks:
                    if str(check.get("status", "")).lower() in ("failure", "error"):
                        failed[check.get("name", "?")] += 1
    return {
        "cases": cases,
        "server_errors": failed.get("not_a_server_error", 0),
        "schema_violations": sum(n for name, n in failed.items() if name in SCHEMA_CHECKS),
        "failed_checks": dict(failed),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--folder", type=Path, help="a folder kept by --keep: reuse its database")
    args = parser.parse_args(argv)
    started = time.monotonic()
    folder = args.folder.resolve() if args.folder else Path(tempfile.mkdtemp(prefix="maillage-schemathesis-"))
    keep = args.keep or bool(args.folder)
    os.chdir(ROOT)
    try:
        prepare(folder)
        load_demo(folder)
        server, port = serve()
        loaded = time.monotonic()
        print(f"Démo chargée en {loaded - started:.0f} s ; API servie sur http://127.0.0.1:{port}/api/v1/")
        returncode, events = run_schemathesis(port, folder, max_examples=args.max_examples, seed=args.seed)
        print(f"Schemathesis a tourné {time.monotonic() - loaded:.0f} s.")
        server.shutdown()
        found = figures(events)
    finally:
        if keep:
            print(f"Dossier conservé : {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    failed = sum(found["failed_checks"].values())
    print(
        f"Schemathesis : {found['cases']} cas, {found['server_errors']} erreur(s) serveur, "
        f"{found['schema_violations']} violation(s) du schéma "
        f"(checks en échec : {found['failed_checks'] or 'aucun'}) ; {time.monotonic() - started:.0f} s"
    )
    if found["cases"] == 0:
        print("ERREUR : aucun cas n'a été exécuté.", file=sys.stderr)
        return 1
    return 1 if returncode != 0 or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
