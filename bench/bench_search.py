"""Core search speed: `core.search.search()` as the header's search box (`/recherche/`) calls it — one call
per indexed kind (structures, practices, news; the structures' query with its misspelled words corrected
against the directory's vocabulary, `dashboard.search.structure_query`), 8 hits each with the total — over N
synthetic structures (default 20,000, `bench/data/gen_structures.py`: 11 words drawn from 33 per structure,
so a single word matches about a third of them), then the whole `/recherche/` page through Django's test
client.

    .venv/bin/python bench/bench_search.py [N] [--postgres postgres://…/db] [--sqlite PATH]

The database options are those of `bench_directory.py` (a database holding the N structures is reused, so
both benchmarks may share one file). The query corpus: broad words, rare words, prefixes, two and three
words, misspellings (PostgreSQL tolerates them in `core.search`; SQLite finds nothing), no match.
"""

from __future__ import annotations

import argparse
import sys
import time

from _setup import ROOT, percentile, summarise
from bench_directory import setup

QUERIES = [
    "ressourcerie",  # broad word, ~1/3
    "structure",  # in every description
    "solidaire",
    "ressour",  # prefix
    "jardins maraichage",
    "velo theatre energie",
    "tremplin 12345",  # one row
    "12345",
    "insertion atelier",
    "epicerie",
    "resourcerie",  # misspellings
    "jardinn",
    "insertoin",
    "xylophone",  # nothing
    "zzzzzz",
]
ROUNDS = 3
TARGET_MS = 100


def main(n: int, postgres: str | None, sqlite: str | None) -> None:
    setup(postgres, sqlite)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.db import connection
    from django.test import Client

    from maillage.actors import services
    from maillage.actors.models import Structure
    from maillage.core import search as core_search
    from maillage.core.models import Territory
    from maillage.dashboard.search import INDEXED_KINDS, PER_KIND, structure_query

    territory = Territory.objects.get(slug="pays-de-grasse")
    started = time.perf_counter()
    if Structure.objects.filter(slug__startswith="bench-").count() < n:
        generate(territory, n)
        services.rebuild_directory(territory.pk)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        note = f"generated in {time.perf_counter() - started:.0f} s"
    else:
        note = "reused"
    total = Structure.objects.filter(territory=territory, status="published").count()
    print(f"{connection.vendor}: {total} published structures ({note})")

    def header_search(query: str) -> int:
        found = 0
        for kind in INDEXED_KINDS:  # as the header does: the structures' words read as the directory does
            asked = structure_query(territory, query) if kind == "structure" else query
            found += core_search.search(territory, asked, kinds=[kind], limit=PER_KIND).total
        return found

    header_search("ressourcerie")  # warm-up (connections, statements)
    timings, worst, cpu = [], [], []
    for _ in range(ROUNDS):
        for query in QUERIES:
            start, cpu_start = time.perf_counter(), time.process_time()
            found = header_search(query)
            elapsed = time.perf_counter() - start
            cpu.append(time.process_time() - cpu_start)
            timings.append(elapsed)
            worst.append((elapsed, query, found))
    summarise(
        f"core.search.search() × {len(INDEXED_KINDS)} kinds, {len(QUERIES)} queries × {ROUNDS}", timings
    )
    summarise("  CPU time of this process, same calls (the machine's load inflates the above)", cpu)
    for elapsed, query, found in sorted(worst, reverse=True)[:3]:
        print(f"  slowest: {elapsed * 1000:.0f} ms  « {query} » ({found} documents)")
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/recherche/", {"q": "atelier"})
    pages = []
    for _ in range(ROUNDS):
        for query in QUERIES:
            start = time.perf_counter()
            response = client.get("/recherche/", {"q": query})
            pages.append(time.perf_counter() - start)
            assert response.status_code == 200, (query, response.status_code)
    summarise(f"/recherche/ page, {len(QUERIES)} queries × {ROUNDS}", pages)
    p95 = percentile([t * 1000 for t in timings], 95)
    print(f"core search p95 {p95:.1f} ms (target ≤ {TARGET_MS} ms at 20,000)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=20_000)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--sqlite", default=None)
    args = parser.parse_args()
    main(args.n, args.postgres, args.sqlite)
