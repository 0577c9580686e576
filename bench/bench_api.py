"""Every list endpoint of the API at N synthetic structures (default 20,000), through Django's test client:

    .venv/bin/python bench/bench_api.py [N]                                  # a fresh SQLite file, the demo
    .venv/bin/python bench/bench_api.py [N] --postgres postgres://…/db       # a PostgreSQL database
    .venv/bin/python bench/bench_api.py [N] --sqlite PATH                    # a kept SQLite file

A given database is migrated, gets the demo if it has no territory yet, and N structures if it has fewer
generated ones (a 200,000-structure database prepared beforehand is reused as it is: generating takes long).

- /api/v1/structures: the first page (offset, with facets; served from the shared cache, then right after a
  write, when the facets are counted), a deep page by number, and a deep page by cursor (keyset, no OFFSET, no
  count: a cursor at 90 % of the name order) — 20 and 200 per page;
- every other list (`LISTS`, and the laureates of the first year of the calls and of the Trophée that has
  them): its first page, and its last page reached by walking the cursor (the deepest page the data has),
  20 per page;
- the API-key check (a request with a key issued by the animation).
Rate limits are lifted for the bench (MAILLAGE_API_ANONYMOUS_LIMIT); after the warm-up the process freezes its
heap as a web process does (`core.heap.settle()`, called by config/wsgi.py). Each figure also gives the
number of SQL queries of one request.
"""

from __future__ import annotations

import argparse
import sys
import time

from _setup import ROOT, summarise
from bench_directory import setup  # migrates a given database, loads the demo into it if it has none

LISTS = [
    "/api/v1/agenda",
    "/api/v1/charte/versions",
    "/api/v1/charte/signataires",
    "/api/v1/lettre/numeros",
    "/api/v1/contrat/plans",
    "/api/v1/veille",
    "/api/v1/besoins",
    "/api/v1/appels",
    "/api/v1/trophees",
    "/api/v1/formations",
    "/api/v1/utilite-sociale",
    "/api/v1/rencontres",
    "/api/v1/chiffres",
    "/api/v1/cooperation/partages",
]
ROUNDS = 20
MAX_WALK = 500  # pages walked to reach a list's last page


def timed(fn, rounds: int = ROUNDS) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main(n: int, postgres: str | None, sqlite: str | None) -> None:
    setup(postgres, sqlite)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.actors import directory
    from maillage.actors import services as actor_services
    from maillage.actors.api import CURSOR_ORDER, next_cursor
    from maillage.actors.models import Structure
    from maillage.api import services
    from maillage.core import heap
    from maillage.core.actors import SYSTEM
    from maillage.core.models import Territory

    settings.MAILLAGE_API_ANONYMOUS_LIMIT = 10_000_000
    territory = Territory.objects.get(slug="pays-de-grasse")
    started = time.perf_counter()
    if Structure.objects.filter(slug__startswith="bench-").count() < n:
        generate(territory, n)
        note = f"generated in {time.perf_counter() - started:.0f} s"
    else:
        note = "reused"
    if Structure.objects.filter(territory=territory, name_key="").exists():  # bulk rows: columns to fill
        actor_services.rebuild_directory(territory.pk)
    with connection.cursor() as db:
        db.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    total = territory.structures.filter(status="published").count()
    print(f"{connection.vendor}: {total} published structures ({note})")
    client = Client(HTTP_HOST="127.0.0.1")

    def get(url: str, **params: object):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response

    def queries(url: str, **params: object) -> int:
        with CaptureQueriesContext(connection) as captured:
            get(url, **params)
        return len(captured)

    def following(response) -> str | None:
        body = response.json()
        if isinstance(body, dict):
            return body.get("next_cursor")
        return response.headers.get("X-Next-Cursor")

    def by_year(url: str, tail: str) -> list[str]:  # the per-year lists of the years that answer
        years = [row["year"] for row in get(url, taille=200).json()["items"]]
        return [f"{url}/{y}/{tail}" for y in years if client.get(f"{url}/{y}/{tail}").status_code == 200][:1]

    get("/api/v1/structures")  # warm-up
    print(f"start-up heap frozen as the web process does (core/heap.py): {heap.settle()} objects")
    summarise(
        "structures, first page (20, facets)",
        timed(lambda: get("/api/v1/structures")),
        queries=queries("/api/v1/structures"),
    )

    cold = []
    for _ in range(10):
        with transaction.atomic():  # what any write of a structure does: a new directory version
            actor_services.directory_changed(territory.pk)
        cold += timed(lambda: get("/api/v1/structures"), 1)
    summarise("structures, first page right after a write (facets counted, nothing cached)", cold)
    deep = max(1, total // 20 - 1)
    summarise(
        f"structures, page {deep} by number (OFFSET)",
        timed(lambda: get("/api/v1/structures", page=deep), 10),
        queries=queries("/api/v1/structures", page=deep),
    )
    published = directory.base_queryset(Structure.objects.all(), directory.Filters(), territory)
    ordered = published.order_by(*CURSOR_ORDER)
    at = ordered[int(total * 0.9)]
    token = next_cursor(at, total)
    for size in (20, 200):
        summarise(
            f"structures, a page by cursor at 90 % ({size} per page)",
            timed(lambda size=size: get("/api/v1/structures", taille=size, curseur=token)),
            queries=queries("/api/v1/structures", taille=size, curseur=token),
        )
    for url in LISTS + by_year("/api/v1/appels", "laureats") + by_year("/api/v1/trophees", "laureats"):
        first = get(url, taille=20)
        summarise(
            f"{url}, first page", timed(lambda url=url: get(url, taille=20)), queries=queries(url, taille=20)
        )
        token, last, pages = following(first), None, 1
        while token and pages < MAX_WALK:
            last = token
            token = following(get(url, taille=20, curseur=token))
            pages += 1
        if last:
            summarise(
                f"{url}, page {pages} by cursor (the last)",
                timed(lambda url=url, last=last: get(url, taille=20, curseur=last)),
                queries=queries(url, taille=20, curseur=last),
            )
        else:
            body = first.json()
            rows = body if isinstance(body, list) else body.get("items", [])
            print(f"{url}: one page only ({len(rows)} rows)")
    issued = services.issue_key(
        actor=SYSTEM, territory=territory, holder_name="Banc", holder_email="banc@example.org", purpose="Banc"
    )
    keyed = Client(HTTP_HOST="127.0.0.1", HTTP_X_API_KEY=issued.clear)
    summarise(
        "structures, first page, with an API key",
        timed(lambda: keyed.get("/api/v1/structures").status_code == 200 or sys.exit(1)),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int, nargs="?", default=20_000)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--sqlite", default=None)
    args = parser.parse_args()
    main(args.n, args.postgres, args.sqlite)
