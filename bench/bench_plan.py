"""The plan: the public accountability page, the roadmap and the evaluation draft on a big plan, and the
CSV export/import round-trip.

Workload: the demo (the seed's plan) plus a synthetic plan year of 4 objectives × 5 operational objectives ×
20 actions (400 actions, 100 indicators with 12 measurements each, entered by hand so they are in the
exported file). Usage: bench_plan.py [N requests]."""

from __future__ import annotations

import datetime as dt
import sys
import time
from decimal import Decimal

from _setup import setup_django, summarise


def make_plan() -> int:
    """The synthetic plan year (after the demo's); returns its year."""
    from maillage.plan import services
    from maillage.plan.models import Contract, Measurement, PlanVersion

    contract = Contract.objects.get(territory__slug="pays-de-grasse")
    year = PlanVersion.objects.filter(contract=contract).order_by("-year").first().year + 1
    version = services.create_version(actor=None, contract=contract, year=year)
    for o in range(4):
        objective, _ = services.create_node(
            actor=None,
            version=version,
            data={"kind": "objective", "number": str(o + 1), "title": f"Objectif {o + 1}"},
        )
        for p in range(5):
            operational, _ = services.create_node(
                actor=None,
                version=version,
                data={
                    "kind": "operational",
                    "parent": objective,
                    "number": f"{o + 1}.{p + 1}",
                    "title": f"OO {p}",
                },
            )
            for a in range(20):
                action, _ = services.create_node(
                    actor=None,
                    version=version,
                    data={
                        "kind": "action",
                        "parent": operational,
                        "number": f"{o + 1}.{p + 1}.{a + 1}",
                        "title": f"Action {a}",
                    },
                )
                services.set_progress(actor=None, node=action, progress=(a * 5) % 100)
                if a % 4 == 0:
                    indicator = services.add_indicator(
                        actor=None, node=action, title="Indicateur", target=Decimal(100)
                    )
                    Measurement.objects.bulk_create(
                        Measurement(indicator=indicator, date=dt.date(year - 2, m + 1, 1), value=m * 5)
                        for m in range(12)
                    )
    return year


def main(n: int) -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.plan import transfer
    from maillage.plan.models import PlanVersion

    year = make_plan()
    version = PlanVersion.objects.get(contract__territory__slug="pays-de-grasse", year=year)
    client = Client()
    for label, url in [
        ("plan page (400 actions)", f"/contrat/{year}/"),
        ("plan page filtered by status", f"/contrat/{year}/?statut=in_progress"),
        ("roadmap (400 actions)", f"/contrat/{year}/feuille-de-route/"),
        ("export CSV (1,724 rows: 424 nodes, 100 indicators, 1,200 measures)", f"/contrat/{year}/export.csv"),
    ]:
        for _ in range(3):
            client.get(url, HTTP_HOST="127.0.0.1")
        times = []
        for _ in range(n):
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, HTTP_HOST="127.0.0.1")
        summarise(label, times, queries=len(queries), kb=round(len(response.content) / 1024))
    body = client.get(f"/contrat/{year}/export.csv", HTTP_HOST="127.0.0.1").content
    rows = transfer.read_table(body, "csv")
    for dry_run in (True, False):
        start = time.perf_counter()
        report = transfer.import_plan(actor=None, version=version, rows=rows, dry_run=dry_run)
        summarise(
            f"import unchanged CSV, dry_run={dry_run} ({len(rows)} rows)",
            [time.perf_counter() - start],
            unchanged=report.unchanged,
        )
    for row in rows:
        if row["type"] == transfer.NODE:
            row["intitulé"] += " (modifié)"
    start = time.perf_counter()
    report = transfer.import_plan(actor=None, version=version, rows=rows, dry_run=False)
    summarise(
        f"import CSV, every node title changed ({len(rows)} rows)",
        [time.perf_counter() - start],
        updated=report.updated,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
