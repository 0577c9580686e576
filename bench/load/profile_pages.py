"""One request at a time, in-process: what each page of the load test costs the server, apart from the load.

For every GET page of journeys.PAGES (the values from the facts file of the last run): the process's CPU time
per request (median of ROUNDS, after a warm-up: the shared cache is warm, as under load), the wall time, the
number of SQL queries and the slowest one. On SQLite the queries run in this process, so the CPU time holds
them; on PostgreSQL it does not (the wall time does). Production settings, the run's database and cache.

    .venv/bin/python bench/load/profile_pages.py [ROUNDS]      (after bench/load/run.py: it reads var/load/)
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VAR = ROOT / "var" / "load"
SIGNED_IN = {"my_space"}


def main(rounds: int) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    os.environ.setdefault("MAILLAGE_SECRET_KEY", "banc-de-charge-profil")
    os.environ["MAILLAGE_TRUSTED_PROXIES"] = "127.0.0.1"
    os.environ["MAILLAGE_BENCH_OK_VIEW"] = "1"
    import django

    django.setup()
    logging.disable(logging.INFO)  # one log line per request otherwise
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from journeys import MAP_BBOX, OK, PAGES

    from maillage.accounts.models import User

    facts = json.loads((VAR / "facts.json").read_text())
    values = {
        "query": "",
        "bbox": MAP_BBOX,
        "slug": facts["slugs"][0],
        "event": facts["events"][0] if facts["events"] else "",
        "need": facts["needs"][0] if facts["needs"] else 0,
        "year": facts["calls"][0] if facts["calls"] else 0,
    }
    headers = {
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "10.9.9.9",
    }
    anonymous = Client(**headers)
    member = Client(**headers)
    member.force_login(User.objects.get(email=facts["people"][0]["email"]))
    pages = [(key, page.url(**values)) for key, page in PAGES.items() if page.method == "GET"]
    pages += [("directory", PAGES["directory"].url(query="q=ressourcerie")), ("ok", OK.url())]
    print(f"{connection.vendor}, {facts['structures']} structures, {rounds} rounds per page")
    print(f"{'page':<34} {'url':<42} {'cpu ms':>7} {'wall ms':>8} {'queries':>7}  slowest query")
    for key, url in pages:
        client = member if key in SIGNED_IN else anonymous
        extra = {"HTTP_X_API_KEY": facts["people"][0]["api_key"]} if key == "api_key" else {}
        first = client.get(url, **extra)
        if first.status_code != 200:
            print(f"{key:<34} {url[:42]:<42} HTTP {first.status_code}")
            continue
        cpu, wall = [], []
        for _ in range(rounds):
            c, w = time.process_time(), time.perf_counter()
            client.get(url, **extra)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, **extra)
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
        slow = f"{float(slowest['time']) * 1000:.1f} ms {slowest['sql'][:70]}" if slowest else ""
        print(
            f"{PAGES[key].label if key in PAGES else OK.label:<34} {url[:42]:<42} "
            f"{statistics.median(cpu) * 1000:>7.1f} {statistics.median(wall) * 1000:>8.1f} "
            f"{len(captured.captured_queries):>7}  {slow}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
