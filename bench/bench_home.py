"""Home page server time: p50/p95 over N requests with Django's test client (no network), on a freshly
migrated file SQLite with the demo loaded, production-like settings (DEBUG off).

    .venv/bin/python bench/bench_home.py [N]        (default N = 200, after 20 warm-up requests)
"""

from __future__ import annotations

import sys
import time

from _setup import setup_django, summarise

WARM_UP = 20


def main(n: int) -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")  # a domain of the demo territory
    for _ in range(WARM_UP):
        assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    query_count = len(queries)  # now: each later request empties the query log the capture reads
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get("/")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    summarise("home (anonymous)", timings, queries=query_count, bytes=len(response.content))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
