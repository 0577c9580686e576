#!/usr/bin/env python3
"""Run the test suite: `scripts/run_tests.py {sqlite|postgres} [pytest args]` (called by `make test`).

- sqlite: the whole suite, browser tests included, on SQLite, in parallel (pytest-xdist).
- postgres: the same suite, browser and nginx tests excluded (pages and proxy, not the database), on
  the PostgreSQL database named by DATABASE_URL; pytest-django creates `test_<name>` afresh (one per xdist
  worker: `test_<name>_gw0`, …). With MAILLAGE_REPLICA_URL set (scripts/with_replica.sh, the CI), the
  `replica` alias reads those same databases on a streaming replica and the router is on; without it (a
  developer's `make test-postgres`), everything reads the primary.

Browser tests need Debian's Chromium at /usr/bin/chromium. Without it they are skipped, and this script says
so; under CI=true a missing Chromium fails the run (see tests/browser/fixtures.py).

The exit code is pytest's, except that « no tests ran » (5) is a failure too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/maillage"
# pytest's closing line, with or without its "=====" frame (-q drops it).
SUMMARY = re.compile(
    r"^(\d+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?)|no tests ran)\b.* in [\d.]+s"
)


def workers() -> str:
    return os.environ.get("MAILLAGE_TEST_WORKERS") or str(min(os.cpu_count() or 1, 2))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"sqlite", "postgres"}:
        print(__doc__)
        print("usage: scripts/run_tests.py {sqlite|postgres} [pytest args]", file=sys.stderr)
        return 2
    backend, extra = argv[0], argv[1:]
    env = dict(os.environ)
    # Always the test settings, whatever the shell exports (`maillage` itself defaults to production).
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    # The sync Playwright API inside Django's live-server tests (see tests/browser/fixtures.py).
    env["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    args = [sys.executable, "-m", "pytest", "-n", workers(), "--dist", "worksteal", "-ra", "--durations=20"]

    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        if not CHROMIUM.exists():
            if in_ci():
                print(
                    f"ERREUR : Chromium est absent ({CHROMIUM}) et CI=true : les tests navigateur ne peuvent "
                    "pas être ignorés. Installez-le : apt-get install chromium",
                    flush=True,
                )
            else:
                print(
                    f"ATTENTION : Chromium est absent ({CHROMIUM}) : les tests navigateur seront IGNORÉS. "
                    "Installez-le avec « apt-get install chromium » pour les lancer.",
                    flush=True,
                )
    else:
        env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
        # Browser and nginx tests check pages and the proxy, not the database: they run in the SQLite pass
        # only (the CI's « deployment » stage runs nginx in front of PostgreSQL). So do the « processes »
        # tests, whose subprocess installations drop DATABASE_URL and run on SQLite anyway.
        args += ["-m", "not browser and not nginx and not processes", "--create-db"]
        print(
            f"PostgreSQL : {redact(env['DATABASE_URL'])} (bases de test créées à neuf ; tests navigateur "
            "nginx et « processes » exclus, ils tournent avec SQLite)",
            flush=True,
        )
        replica_url = env.get("MAILLAGE_REPLICA_URL", "")
        print(
            f"Réplique : {redact(replica_url)} (routeur des lectures actif)"
            if replica_url
            else "Réplique : aucune (MAILLAGE_REPLICA_URL vide) : toutes les lectures vont au primaire",
            flush=True,
        )

    args += extra
    print("$ " + " ".join(args[1:]), flush=True)
    proc = subprocess.Popen(  # noqa: S603 (our own argv)
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    summary = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)
        stripped = line.strip().strip("=").strip()
        if SUMMARY.match(stripped):
            summary = stripped
    code = proc.wait()
    sys.stdout.flush()
    label = "SQLite + navigateur" if backend == "sqlite" else "PostgreSQL"
    print(f"Résumé pytest ({label}) : {summary or 'aucune ligne de résumé'} (code {code})", flush=True)
    if code == 5:
        print("ÉCHEC : aucun test n'a été exécuté.", flush=True)
        return 1
    return code


def redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
