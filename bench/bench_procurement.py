"""Responsible procurement server times: matching one need against N structures (the directory bench's
generator, a supplier offer added to each), explanation included; and the buyer dashboard with 20,000
purchase-ledger lines.

    .venv/bin/python bench/bench_procurement.py [N] [--postgres postgres://…/db] [--sqlite PATH] [--rounds R]

SQLite: a fresh temp file with the demo, as the other benchmarks, or the file given with --sqlite. PostgreSQL:
the given database is migrated and the demo loaded; synthetic structures already there (a previous run, or a
copy of the directory bench's database) are reused. Offers and ledger lines are written straight into the
tables (bulk inserts), like the directory generator — so give it a copy, never a shared database.

Each line gives the wall time (p50/p95), this process's CPU time (on SQLite the queries run in it) and, on
PostgreSQL, the server's own planning + execution time of each matching query (`EXPLAIN (ANALYZE)`, summed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal

from _setup import (
    ROOT,
    percentile,
    summarise,  # noqa: I001
)
from bench_directory import setup

TYPES = ["goods", "services", "works", "staffing"]
PERIMETERS = ["department", "department", "radius", "france"]


def add_offers(territory) -> int:  # noqa: ANN001
    from maillage.procurement.models import SupplierOffer

    rng = random.Random(7)
    todo = list(
        territory.structures.filter(slug__startswith="bench-", supplier_offer__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for start in range(0, len(todo), 5000):
        SupplierOffer.objects.bulk_create(
            [
                SupplierOffer(
                    structure_id=pk,
                    offer_types="," + ",".join(sorted(set(rng.sample(TYPES, rng.choice([1, 2]))))) + ",",
                    perimeter=rng.choice(PERIMETERS),
                    radius_km=rng.choice([10, 30, 60]),
                    staff=rng.choice([None, 2, 5, 12, 40]),
                    references_count=rng.choice([0, 0, 1, 2, 4]),
                )
                for pk in todo[start : start + 5000]
            ],
            batch_size=1000,
        )
    return len(todo)


def add_ledger(buyer, lines: int) -> None:  # noqa: ANN001
    from maillage.procurement.models import PurchaseLine

    if PurchaseLine.objects.filter(buyer=buyer, year=2025).count() >= lines:
        return
    rng = random.Random(3)
    PurchaseLine.objects.bulk_create(
        [
            PurchaseLine(
                buyer=buyer,
                year=2025,
                date=dt.date(2025, 1, 1) + dt.timedelta(days=k % 360),
                supplier_siret=f"{10_000_000_000_000 + k % 900:014d}",
                supplier_name=f"Fournisseur {k % 900}",
                amount=Decimal(rng.randrange(100, 50_000)),
                clause_hours=rng.choice([0, 0, 0, 35]),
                is_ess=k % 5 == 0,
                is_siae=k % 11 == 0,
                is_disability=k % 13 == 0,
                is_local=k % 2 == 0,
            )
            for k in range(lines)
        ],
        batch_size=2000,
    )


def explain_ms(queries: list[dict]) -> tuple[float, float]:  # noqa: ANN001
    """PostgreSQL's own planning and execution times (ms) of the given SELECTs, summed."""
    from django.db import connection

    planning = execution = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            if not query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            planning += plan[0]["Planning Time"]
            execution += plan[0]["Execution Time"]
    return planning, execution


def timed_rounds(rounds: int, call) -> tuple[list[float], list[float]]:  # noqa: ANN001
    wall, cpu = [], []
    for _ in range(rounds):
        start, cpu_start = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return wall, cpu


def main(n: int, postgres: str | None, sqlite: str | None, rounds: int) -> None:
    setup(postgres, sqlite)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.actors.models import Structure
    from maillage.core.actors import SYSTEM
    from maillage.core.models import Territory
    from maillage.procurement import services
    from maillage.procurement.matching import eligible_suppliers, ranked_matches
    from maillage.procurement.models import MatchRow
    from maillage.procurement.services.rows import rebuild_match_rows

    territory = Territory.objects.get(slug="pays-de-grasse")
    if Structure.objects.filter(slug__startswith="bench-").count() < n:
        started = time.perf_counter()
        generate(territory, n - Structure.objects.filter(slug__startswith="bench-").count())
        print(f"generated structures in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    added = add_offers(territory)
    if added or not MatchRow.objects.filter(territory=territory).exists():
        rebuild_match_rows(territory.pk)  # the offers were bulk-inserted: their narrow rows are written here
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {added} offers added in {time.perf_counter() - started:.0f} s")
    buyer = Structure.objects.get(slug="service-des-achats-de-l-agglomeration")
    needs = {
        "open need, sector + commune": services.create_need(
            actor=SYSTEM,
            buyer=buyer,
            kind="quote",
            offer_type="services",
            title="Bench ouvert",
            description="x",
            sectors=["environnement"],
            commune=territory.communes.get(insee_code="06069"),
            deadline=dt.date.today() + dt.timedelta(days=30),
        ),
        "reserved need L2113-13": services.create_need(
            actor=SYSTEM,
            buyer=buyer,
            kind="quote",
            offer_type="services",
            title="Bench réservé",
            description="x",
            sectors=["proprete", "environnement"],
            commune=territory.communes.get(insee_code="06069"),
            reserved="L2113-13",
            deadline=dt.date.today() + dt.timedelta(days=30),
        ),
    }
    total = Structure.objects.filter(territory=territory).count()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, need in needs.items():
        eligible = eligible_suppliers(need).count()
        with CaptureQueriesContext(connection) as captured:
            matches = ranked_matches(need, limit=10)  # warm-up
        queries = list(captured.captured_queries)
        assert matches and all(len(m.parts) == 6 for m in matches)
        wall, cpu = timed_rounds(rounds, lambda need=need: ranked_matches(need, limit=10))
        extra = {"cpu_p50_ms": round(percentile([c * 1000 for c in cpu], 50), 1), "queries": len(queries)}
        if connection.vendor == "postgresql":
            plans = [explain_ms(queries) for _ in range(5)]
            extra["pg_planning_ms_p50"] = round(percentile([p for p, _ in plans], 50), 1)
            extra["pg_execution_ms_p50"] = round(percentile([e for _, e in plans], 50), 1)
        summarise(f"match + explain top 10, {label}, {total} structures ({eligible} eligible)", wall, **extra)

    add_ledger(buyer, 20_000)
    with connection.cursor() as cursor:  # as autovacuum would after a real import (index-only scans need it)
        cursor.execute(
            "VACUUM ANALYZE procurement_purchaseline" if connection.vendor == "postgresql" else "ANALYZE"
        )
    from maillage.accounts.models import User

    nadia = User.objects.get(email="nadia.acheteuse@demo.maillage.fr")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(nadia)
    url = f"/achats/acheteurs/{buyer.slug}/?annee=2025"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    queries = list(captured.captured_queries)
    slowest = max(queries, key=lambda q: float(q["time"]))
    slowest_ms = float(slowest["time"]) * 1000
    print(f"  dashboard: {len(captured)} queries, slowest {slowest_ms:.1f} ms: {slowest['sql'][:160]}")

    def page() -> None:
        assert client.get(url).status_code == 200

    wall, cpu = timed_rounds(rounds, page)
    extra = {"cpu_p50_ms": round(percentile([c * 1000 for c in cpu], 50), 1), "queries": len(queries)}
    summarise("buyer dashboard, 20,000 ledger lines (whole page)", wall, **extra)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=200_000)
    parser.add_argument("--postgres")
    parser.add_argument("--sqlite")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    main(args.n, args.postgres, args.sqlite, args.rounds)
