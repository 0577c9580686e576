"""Directory search server time: the committed query corpus (bench/data/directory_queries.json) over N
synthetic structures (default 200,000), first results page with facet counts, through Django's test client;
then the map's JSON for a bounding box holding about 5,000 structures.

    .venv/bin/python bench/bench_directory.py [N] [--postgres postgres://…/db]   (an empty database)

SQLite: a fresh temp file as the other benchmarks. PostgreSQL: the given (empty) database is migrated.
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


def setup(postgres: str | None) -> None:
    if not postgres:
        setup_django(demo=True)
        return
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["MAILLAGE_DEBUG"] = "false"
    os.environ["DATABASE_URL"] = postgres
    import django
    from django.core.management import call_command

    django.setup()
    with redirect_stdout(io.StringIO()):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("demo")


def main(n: int, postgres: str | None) -> None:
    setup(postgres)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.db import connection
    from django.test import Client

    from maillage.actors.models import Structure
    from maillage.core.geo import bbox_around
    from maillage.core.models import Territory

    territory = Territory.objects.get(slug="pays-de-grasse")
    started = time.perf_counter()
    generate(territory, n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Structure.objects.filter(territory=territory, status="published").count()
    print(
        f"{connection.vendor}: {total} published structures "
        f"(generated in {time.perf_counter() - started:.0f} s)"
    )
    corpus = json.loads((ROOT / "bench" / "data" / "directory_queries.json").read_text())["queries"]
    client = Client(HTTP_HOST="127.0.0.1")
    for query in corpus[:3]:  # warm-up
        client.get("/structures/?" + query["qs"])
    from maillage.actors.directory import bump_version

    timings, worst, cold = [], [], []
    for query in corpus:  # cold: the cached counts are invalidated before each query
        bump_version(territory.pk)
        start = time.perf_counter()
        assert client.get("/structures/?" + query["qs"]).status_code == 200
        cold.append(time.perf_counter() - start)
    summarise(f"search page, COLD counts, {total} structures, {len(corpus)} queries", cold)
    for _ in range(ROUNDS):
        for query in corpus:
            start = time.perf_counter()
            response = client.get("/structures/?" + query["qs"])
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, query
            timings.append(elapsed)
            worst.append((elapsed, query["qs"]))
    summarise(f"search page, WARM counts, {total} structures, {len(corpus)} queries × {ROUNDS}", timings)
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
    args = parser.parse_args()
    main(args.n, args.postgres)
