"""The territory in figures and the header search at N synthetic structures (default 20,000), through
Django's test client, on a fresh SQLite file with the demo loaded:

    .venv/bin/python bench/bench_dashboard.py [N]

- computing the figures (what the hourly job does; the page then reads the kept snapshot);
- the public figures page and the animation's view, served from the kept figures (with their date);
- a CSV table of the figures;
- the header search over structures, practices, events, news and plan pages (one word and two words).
"""

from __future__ import annotations

import sys
import time

from _setup import ROOT, setup_django, summarise

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


def main(n: int) -> None:
    setup_django(demo=True)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.db import connection
    from django.test import Client

    from maillage.accounts.models import TerritoryRole
    from maillage.core.actors import SYSTEM
    from maillage.core.models import Territory
    from maillage.dashboard import services

    territory = Territory.objects.get(slug="pays-de-grasse")
    started = time.perf_counter()
    generate(territory, n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = territory.structures.filter(status="published").count()
    took = time.perf_counter() - started
    print(f"{connection.vendor}: {total} published structures (generated in {took:.0f} s)")

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
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
