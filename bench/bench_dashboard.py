"""The territory in figures and the header search at N synthetic structures (default 20,000), through
Django's test client:

    .venv/bin/python bench/bench_dashboard.py [N] [--postgres postgres://…/db] [--sqlite PATH]

The database options are those of `bench_directory.py` (without them: a fresh SQLite file with the demo; a
database already holding the N structures is reused as it is, so the benchmarks may share one).

- computing the figures (what the hourly job does; the page then reads the kept snapshot);
- the public figures page and the animation's view, served from the kept figures (with their date);
- a CSV table of the figures;
- the header search over structures, practices, events, news and plan pages (one word and two words).
"""

from __future__ import annotations

import argparse
import sys
import time

from _setup import ROOT, summarise
from bench_directory import setup

QUERIES = [
    "ressourcerie",
    "cooperative",
    "jardin",
    "insertion solidaire",
    "reemploi",
    "atelier",
    "emploi",
    "zzzz",
]


def timed(fn, rounds: int) -> list[float]:
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
    from django.db import connection
    from django.test import Client

    from maillage.accounts.models import TerritoryRole
    from maillage.actors import services as actor_services
    from maillage.actors.models import Structure
    from maillage.core.actors import SYSTEM
    from maillage.core.models import Territory
    from maillage.dashboard import services

    territory = Territory.objects.get(slug="pays-de-grasse")
    started = time.perf_counter()
    if Structure.objects.filter(slug__startswith="bench-").count() < n:
        generate(territory, n)
        actor_services.rebuild_directory(territory.pk)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        note = f"generated in {time.perf_counter() - started:.0f} s"
    else:
        note = "reused"
    total = territory.structures.filter(status="published").count()
    print(f"{connection.vendor}: {total} published structures ({note})")

    summarise(
        f"compute the figures (hourly job), {total} structures",
        timed(lambda: services.refresh_figures(actor=SYSTEM, territory=territory), 3),
    )
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get("/chiffres/").status_code == 200  # warm-up
    summarise("public figures page (kept figures)", timed(lambda: client.get("/chiffres/"), 30))
    summarise("figures CSV (one table)", timed(lambda: client.get("/chiffres/communes.csv"), 30))
    animator = (
        TerritoryRole.objects.filter(territory=territory, role="animator").select_related("user").first()
    )
    if animator is not None:
        staff = Client(HTTP_HOST="127.0.0.1")
        staff.force_login(animator.user)
        staff.get("/chiffres/animation/")
        summarise("animation view (kept figures)", timed(lambda: staff.get("/chiffres/animation/"), 20))
    searches = []
    for _ in range(3):
        for query in QUERIES:
            start = time.perf_counter()
            assert client.get("/recherche/", {"q": query}).status_code == 200
            searches.append(time.perf_counter() - start)
    summarise(f"header search, {len(QUERIES)} queries × 3", searches)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=20_000)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--sqlite", default=None)
    args = parser.parse_args()
    main(args.n, args.postgres, args.sqlite)
