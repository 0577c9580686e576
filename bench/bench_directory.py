"""Directory search server time: the committed query corpus (bench/data/directory_queries.json: facets,
broad and rare words, misspellings) over N synthetic structures (default 20,000), first results page with
facet counts, through Django's test client; the pages that are not searches; the worker's memory after
1,000 varied searches; then the map's JSON for a bounding box holding about 5,000 structures.

    .venv/bin/python bench/bench_directory.py [N] [--postgres postgres://…/db] [--sqlite PATH]

SQLite: a fresh temp file as the other benchmarks, or the file given with --sqlite. PostgreSQL: the given
database is migrated, and gets the demo if it has no demo territory yet. A database that already holds the N
synthetic structures (a previous run with the same --sqlite or --postgres) is reused as it is: generating
200,000 structures takes about five minutes.

The directory is served by the database (docs/adr/0014-annuaire-servi-par-la-base.md): « cold » is every
query computed by the database (the shared cache emptied by a new directory version before each query, as
any write does), « warm » the same queries answered from the shared cache. The figures of the in-memory index
this replaced, measured by the same corpus before it was deleted, are printed beside
(bench/data/directory_old_index.json).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import resource
import sys
import time
from contextlib import redirect_stdout

from _setup import ROOT, percentile, setup_django, summarise

ROUNDS = 3
SEARCHES_FOR_MEMORY = 1000


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
    logging.getLogger("maillage.request").setLevel(logging.WARNING)  # one line per request otherwise
    from maillage.core.models import Territory

    with redirect_stdout(io.StringIO()):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if not Territory.objects.filter(slug="pays-de-grasse").exists():  # a reused database has it
            call_command("demo")


def rss_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def old_figures(vendor: str, total: int) -> None:
    path = ROOT / "bench" / "data" / "directory_old_index.json"
    runs = json.loads(path.read_text())["runs"] if path.exists() else []
    near = [r for r in runs if r["vendor"] == vendor and abs(r["structures"] - total) <= total * 0.1]
    for run in near:
        print(f"  previous in-memory index, same corpus ({run['measured']}, {run['structures']} structures):")
        for line in run["lines"]:
            print(f"    {line}")


CPU: list[float] = []  # this process's CPU time per request (on SQLite the queries run in it)


def timed(client, url: str) -> float:  # noqa: ANN001
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    CPU.append(time.process_time() - cpu)
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main(n: int, postgres: str | None, sqlite: str | None) -> None:
    setup(postgres, sqlite)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.db import connection, transaction
    from django.test import Client

    from maillage.actors import services
    from maillage.actors.models import Structure
    from maillage.core.geo import bbox_around
    from maillage.core.models import Territory

    territory = Territory.objects.get(slug="pays-de-grasse")
    started = time.perf_counter()
    if Structure.objects.filter(slug__startswith="bench-").count() < n:
        generate(territory, n)
        note = f"generated in {time.perf_counter() - started:.0f} s"
    else:
        note = "reused"
    if Structure.objects.filter(territory=territory, name_key="").exists():  # bulk rows: columns to fill
        services.rebuild_directory(territory.pk)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    total = Structure.objects.filter(territory=territory, status="published").count()
    print(f"{connection.vendor}: {total} published structures ({note})")
    old_figures(connection.vendor, total)
    corpus = json.loads((ROOT / "bench" / "data" / "directory_queries.json").read_text())["queries"]
    client = Client(HTTP_HOST="127.0.0.1")

    def write() -> None:  # what every write of a structure does to the directory: a new version
        with transaction.atomic():
            services.directory_changed(territory.pk)

    client.get("/structures/")  # warm-up (templates, connections)
    after_write = []
    for _ in range(5):
        write()
        after_write.append(timed(client, "/structures/?famille=cooperative"))
    summarise("search page right after a write (nothing cached)", after_write)
    cold, worst, typos = [], [], []
    CPU.clear()
    for _ in range(2):
        for query in corpus:  # cold: a write before each query, so the database computes every one
            write()
            elapsed = timed(client, "/structures/?" + query["qs"])
            cold.append(elapsed)
            worst.append((elapsed, query["qs"]))
            if query["share"].startswith("typo"):
                typos.append(elapsed)
    summarise(f"search page, COLD (computed), {total} structures, {len(corpus)} queries × 2", cold)
    summarise("  of which misspelled queries", typos)
    summarise("  CPU time of this process, same requests (the machine's load inflates the above)", CPU)
    for elapsed, qs in sorted(worst, reverse=True)[:3]:
        print(f"  slowest: {elapsed * 1000:.0f} ms  ?{qs}")
    timings = []
    for _ in range(ROUNDS):
        for query in corpus:
            timings.append(timed(client, "/structures/?" + query["qs"]))
    summarise(f"search page, WARM (shared cache), {len(corpus)} queries × {ROUNDS}", timings)
    # Pages that are not searches: they must not grow with the territory.
    slug = (
        Structure.objects.filter(territory=territory, status="published")
        .order_by("pk")
        .values_list("slug", flat=True)[total // 2]
    )
    for label, url in [
        ("home page", "/"),
        ("a structure's profile", f"/structures/{slug}/"),
        ("API list", "/api/v1/structures"),
    ]:
        timed(client, url)
        summarise(f"{label}, {total} structures", [timed(client, url) for _ in range(20)])
    # Memory: 1,000 varied searches (pages, words, facets), each computed (a write every 10 searches).
    before = rss_mb()
    words = ["ressourcerie", "jardins", "atelier", "velo", "insertion", "resourcerie", "jardinn", "culture"]
    for k in range(SEARCHES_FOR_MEMORY):
        if k % 10 == 0:
            write()
        query = corpus[k % len(corpus)]["qs"]
        client.get(f"/structures/?{query}&q={words[k % len(words)]}&page={1 + k % 7}")
    print(
        f"worker memory (RSS): {before:.0f} MB before, {rss_mb():.0f} MB after {SEARCHES_FOR_MEMORY} varied "
        f"searches, {total} structures"
    )
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
    print(f"cold p95 {percentile([c * 1000 for c in cold], 95):.1f} ms (target ≤ 50 ms at 20,000)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=20_000)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--sqlite", default=None)
    args = parser.parse_args()
    main(args.n, args.postgres, args.sqlite)
