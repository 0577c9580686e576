"""Responsible procurement server times: matching one need against N structures (the directory bench's
generator, a supplier offer added to each), explanation included; and the buyer dashboard with 20,000
purchase-ledger lines.

    .venv/bin/python bench/bench_procurement.py [N] [--postgres postgres://…/db] [--rounds R]

SQLite: a fresh temp file with the demo, as the other benchmarks. PostgreSQL: the given database is migrated
and the demo loaded; synthetic structures already there (a previous run) are reused. Offers and ledger lines
are written straight into the tables (bulk inserts), like the directory generator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal

from _setup import (
    ROOT,
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


def main(n: int, postgres: str | None, rounds: int) -> None:
    setup(postgres, None)
    sys.path.insert(0, str(ROOT / "bench"))
    from data.gen_structures import generate
    from django.db import connection
    from django.test import Client

    from maillage.actors.models import Structure
    from maillage.core.actors import SYSTEM
    from maillage.core.models import Territory
    from maillage.procurement import services
    from maillage.procurement.matching import eligible_suppliers, ranked_matches

    territory = Territory.objects.get(slug="pays-de-grasse")
    if Structure.objects.filter(slug__startswith="bench-").count() < n:
        started = time.perf_counter()
        generate(territory, n - Structure.objects.filter(slug__startswith="bench-").count())
        print(f"generated structures in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    added = add_offers(territory)
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
    for label, need in needs.items():
        eligible = eligible_suppliers(need).count()
        ranked_matches(need, limit=10)  # warm-up
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            matches = ranked_matches(need, limit=10)
            timings.append(time.perf_counter() - start)
        assert matches and all(len(m.parts) == 6 for m in matches)
        summarise(f"match + explain top 10, {label}, {total} structures ({eligible} eligible)", timings)

    add_ledger(buyer, 20_000)
    from maillage.accounts.models import User

    nadia = User.objects.get(email="nadia.acheteuse@demo.maillage.fr")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(nadia)
    url = f"/achats/acheteurs/{buyer.slug}/?annee=2025"
    assert client.get(url).status_code == 200
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    summarise("buyer dashboard, 20,000 ledger lines (whole page)", timings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=200_000)
    parser.add_argument("--postgres")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    main(args.n, args.postgres, args.rounds)
