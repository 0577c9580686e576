"""« Autour de » an address while the geocoder's shared rate budget is spent (issue #12.5): the directory
page must answer at once, from the commune named in the address, instead of sleeping on the budget inside
the web request (before the fix: up to 50 waits of one budget interval, enough for gunicorn to kill the
worker). Django's test client, demo loaded, DEBUG off; every request names a new address (no cache hit)
and comes from its own client address (no per-client limit). No request leaves the machine: the budget is
spent, so the geocoder is never called.

    .venv/bin/python bench/bench_near.py [N]        (default N = 100)
"""

from __future__ import annotations

import sys
import time

from _setup import setup_django, summarise


def main(n: int) -> None:
    setup_django()
    from django.core.cache import cache
    from django.test import Client

    from maillage.actors.geocoding import THROTTLE_KEY

    client = Client(HTTP_HOST="127.0.0.1")
    timings = []
    for i in range(n):
        cache.set(THROTTLE_KEY, time.time() + 3600, timeout=3600)  # the shared budget: spent for an hour
        address = f"{i + 1} avenue de la Gare, 06130 Grasse"
        start = time.perf_counter()
        response = client.get(
            "/structures/", {"adresse": address, "rayon": "5"}, REMOTE_ADDR=f"10.1.{i // 250}.{i % 250 + 1}"
        )
        timings.append(time.perf_counter() - start)
        page = response.content.decode()
        assert response.status_code == 200, response.status_code
        assert "part du centre de" in page, "the page must say it started from the commune's centre"
    summarise("directory « autour de » an address, geocoder budget spent", timings)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
