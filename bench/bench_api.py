"""Every list endpoint of the API at N synthetic structures (default 20,000), through Django's test client,
on a fresh SQLite file with the demo loaded:

    .venv/bin/python bench/bench_api.py [N]

- /api/v1/structures: the first page (offset, with facets), a deep page by number, and a walk by cursor
  (keyset, no OFFSET) — 20 and 200 per page;
- the other lists (agenda, charte/versions, charte/signataires, lettre/numeros, contrat/plans, veille);
- the API-key check (a request with a key issued by the animation).
Rate limits are lifted for the bench (MAILLAGE_API_ANONYMOUS_LIMIT).
"""

from __future__ import annotations

import sys
import time

from _setup import ROOT, setup_django, summarise

LISTS = [
    "/api/v1/agenda",
    "/api/v1/charte/versions",
    "/api/v1/charte/signataires",
    "/api/v1/lettre/numeros",
    "/api/v1/contrat/plans",
    "/api/v1/veille",
]


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main(n: int) -> None:
    setup_django(demo=True)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from maillage.api import services
    from maillage.core.actors import SYSTEM
    from maillage.core.models import Territory

    settings.MAILLAGE_API_ANONYMOUS_LIMIT = 10_000_000
    territory = Territory.objects.get(slug="pays-de-grasse")
    started = time.perf_counter()
    generate(territory, n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = territory.structures.filter(status="published").count()
    took = time.perf_counter() - started
    print(f"{connection.vendor}: {total} published structures (generated in {took:.0f} s)")
    client = Client(HTTP_HOST="127.0.0.1")

    def ok(url: str, **params: object) -> dict:
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response.json()

    ok("/api/v1/structures")  # warm-up
    summarise("structures, first page (20, facets)", timed(lambda: ok("/api/v1/structures"), 20))
    deep = max(1, total // 20 - 1)
    summarise(
        f"structures, page {deep} by number (OFFSET)", timed(lambda: ok("/api/v1/structures", page=deep), 10)
    )
    for size in (20, 200):
        first = ok("/api/v1/structures", taille=size)
        token = first["next_cursor"]
        walk = []
        for _ in range(30):
            if token is None:
                break
            start = time.perf_counter()
            answer = ok("/api/v1/structures", taille=size, curseur=token)
            walk.append(time.perf_counter() - start)
            token = answer["next_cursor"]
        summarise(f"structures, next pages by cursor ({size} per page)", walk)
    for url in LISTS:
        ok(url)
        summarise(url, timed(lambda url=url: ok(url), 20))
    issued = services.issue_key(
        actor=SYSTEM, territory=territory, holder_name="Banc", holder_email="banc@example.org", purpose="Banc"
    )
    keyed = Client(HTTP_HOST="127.0.0.1", HTTP_X_API_KEY=issued.clear)
    summarise(
        "structures, first page, with an API key",
        timed(lambda: keyed.get("/api/v1/structures").status_code == 200 or sys.exit(1), 20),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
