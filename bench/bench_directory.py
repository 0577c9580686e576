"""Directory search server time: the committed query corpus (bench/data/directory_queries.json) over N
synthetic structures (default 200,000), first results page with facet counts, through Django's test client;
then the map's JSON for a bounding box holding about 5,000 structures.

    .venv/bin/python bench/bench_directory.py [N] [--postgres postgres://…/db] [--sqlite PATH]

SQLite: a fresh temp file as the other benchmarks, or the file given with --sqlite. PostgreSQL: the given
database is migrated. A database that already holds the N synthetic structures (a previous run with the same
--sqlite or --postgres) is reused as it is: generating 200,000 structures takes about five minutes.

The search page is served from the directory's in-memory facet index (`maillage.actors.directory_index`),
rebuilt in each process after a write of a structure: the benchmark reports that rebuild on its own, then
the corpus with a fresh text cache (each query's full text goes to the database: « cold »), then three
rounds in which repeated queries reuse their cached text matches (« warm »).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from contextlib import redirect_stdout

from _setup import ROOT, setup_django, summarise

ROUNDS = 3


def setup(postgres: str | None, sqlite: str | None) -> None:
    if not postgres and not sqlite:
        setup_django(demo=True)
        return
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["MAILLAGE_DEBUG"] = "false"
    if postgres:
        os.environ["DATABASE_URL"] = postgres
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["MAILLAGE_SQLITE_PATH"] = sqlite
    import django
    from django.core.management import call_command

    django.setup()
    with redirect_stdout(io.StringIO()):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("demo")


def main(n: int, postgres: str | None, sqlite: str | None) -> None:
    setup(postgres, sqlite)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.db import connection
    from django.test import Client

    from maillage.actors.models import Structure
    from maillage.core.geo import bbox_around
    from maillage.core.models import Territory

    territory = Territory.objects.get(slug="pays-de-grasse")
    started = time.perf_counter()
    if Structure.objects.filter(slug__startswith="bench-").count() < n:
        generate(territory, n)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        note = f"generated in {time.perf_counter() - started:.0f} s"
    else:
        note = "reused"
    total = Structure.objects.filter(territory=territory, status="published").count()
    print(f"{connection.vendor}: {total} published structures ({note})")
    corpus = json.loads((ROOT / "bench" / "data" / "directory_queries.json").read_text())["queries"]
    client = Client(HTTP_HOST="127.0.0.1")
    from maillage.actors import directory_index

    builds = []
    for _ in range(3):  # the index rebuild that follows a write of a structure (in a thread, at this size)
        start = time.perf_counter()
        directory_index.build(territory)
        builds.append(time.perf_counter() - start)
    summarise(f"facet index rebuild after a write, {total} structures", builds)
    directory_index.get(territory)
    directory_index.wait_for_rebuilds()
    client.get("/structures/")  # warm-up (templates, connections)
    stale = []
    for _ in range(3):  # a search right after a write: answered by the previous index while it rebuilds
        directory_index.bump_version(territory.pk)
        start = time.perf_counter()
        assert client.get("/structures/?famille=cooperative").status_code == 200
        stale.append(time.perf_counter() - start)
        directory_index.wait_for_rebuilds()
    summarise("search page right after a write (previous index answers)", stale)
    client.get("/structures/")  # warm-up (templates, connections)
    timings, worst, cold = [], [], []
    for query in corpus:  # cold: every query's text goes to the database
        directory_index.get(territory).clear_text_cache()
        start = time.perf_counter()
        assert client.get("/structures/?" + query["qs"]).status_code == 200
        elapsed = time.perf_counter() - start
        cold.append(elapsed)
        worst.append((elapsed, query["qs"]))
    summarise(f"search page, COLD text, {total} structures, {len(corpus)} queries", cold)
    for elapsed, qs in sorted(worst, reverse=True)[:3]:
        print(f"  slowest: {elapsed * 1000:.0f} ms  ?{qs}")
    worst = []
    for query in corpus:  # warm: each query seen once in this process (the cold loop kept only the last)
        client.get("/structures/?" + query["qs"])
    for _ in range(ROUNDS):
        for query in corpus:
            start = time.perf_counter()
            response = client.get("/structures/?" + query["qs"])
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, query
            timings.append(elapsed)
            worst.append((elapsed, query["qs"]))
    summarise(f"search page, WARM text, {total} structures, {len(corpus)} queries × {ROUNDS}", timings)
    for elapsed, qs in sorted(worst, reverse=True)[:3]:
        print(f"  slowest: {elapsed * 1000:.0f} ms  ?{qs}")
    # The map: a bounding box around Mouans-Sartoux sized to hold about 5,000 structures.
    commune = territory.communes.get(insee_code="06084")
    radius = 1.0
    while True:
        box = bbox_around(commune.latitude, commune.longitude, radius)
        inside = Structure.objects.filter(
            territory=territory,
            status="published",
            latitude__range=(box.south, box.north),
            longitude__range=(box.west, box.east),
        ).count()
        if inside >= 5000 or radius > 40:
            break
        radius *= 1.25
    bbox = f"{box.west},{box.south},{box.east},{box.north}"
    map_timings = []
    for _ in range(20):
        start = time.perf_counter()
        response = client.get("/structures/carte.json", {"bbox": bbox})
        map_timings.append(time.perf_counter() - start)
    summarise(f"map JSON, {response.json()['count']} markers", map_timings, bytes=len(response.content))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=200_000)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--sqlite", default=None)
    args = parser.parse_args()
    main(args.n, args.postgres, args.sqlite)
