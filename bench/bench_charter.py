"""The charter under a fixed workload: 400 published structures, v1 (12 articles) adopted and signed by all,
v2 (3 articles changed, 1 added) adopted and re-signed by half. Server time with Django's test client (no
network) on a freshly migrated file SQLite, DEBUG off:

- the signatories page (list + map data), the full diff v1 → v2, the charter's page, the charter PDF;
- `sign_charter()` for N structures (one transaction each, lock + constraint).

    .venv/bin/python bench/bench_charter.py [N]        (default N = 50 requests per page, after 5 warm-up)
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from _setup import setup_django, summarise

STRUCTURES = 400
ARTICLES = 12
WARM_UP = 5


def build_workload():
    from maillage.actors.models import Structure
    from maillage.charter import services
    from maillage.charter.models import Article, Charter, CharterVersion, Signature
    from maillage.core.models import Commune, Domain, Territory

    territory = Territory.objects.create(
        name="Banc d'essai", slug="banc-essai", canonical_url="https://banc.example.org"
    )
    Domain.objects.create(territory=territory, name="bench.testserver")
    commune, _ = Commune.objects.get_or_create(
        insee_code="06069", defaults={"name": "Grasse", "latitude": 43.658, "longitude": 6.925}
    )
    structures = Structure.objects.bulk_create(
        Structure(
            territory=territory,
            name=f"Structure {i:03d}",
            slug=f"structure-{i:03d}",
            status="published",
            commune=commune,
        )
        for i in range(STRUCTURES)
    )
    charter = Charter.objects.create(territory=territory)
    v1 = CharterVersion.objects.create(
        charter=charter,
        number=1,
        status="superseded",
        adopted_on=dt.date(2025, 3, 1),
        superseded_on=dt.date(2026, 3, 1),
    )
    sentence = "nous coopérons entre structures du territoire pour une économie sociale et solidaire vivante"
    words = sentence.split()
    Article.objects.bulk_create(
        Article(version=v1, position=i + 1, title=f"Principe {i + 1}", body=" ".join(words * 6))
        for i in range(ARTICLES)
    )
    v2 = CharterVersion.objects.create(
        charter=charter, number=2, status="adopted", adopted_on=dt.date(2026, 3, 1)
    )
    for a in v1.articles.all():
        body = a.body if a.position > 3 else a.body.replace("territoire", "Pays de Grasse et au-delà", 3)
        Article.objects.create(version=v2, key=a.key, position=a.position, title=a.title, body=body)
    Article.objects.create(version=v2, position=ARTICLES + 1, title="Passerelles", body=" ".join(words * 4))
    Signature.objects.bulk_create(
        Signature(
            version=v1,
            structure=s,
            signer_name="Camille Martin",
            signer_role="présidente",
            commitment=True,
            signed_on=dt.date(2025, 3, 1),
        )
        for s in structures
    )
    Signature.objects.bulk_create(
        Signature(
            version=v2,
            structure=s,
            signer_name="Dominique Roux",
            signer_role="directeur",
            commitment=True,
            signed_on=dt.date(2026, 3, 10),
        )
        for s in structures[: STRUCTURES // 2]
    )
    return territory, v2, structures[STRUCTURES // 2 :], services


def time_page(client, url: str, n: int, name: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # now: each later request empties the query log the capture reads
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
    summarise(name, timings, queries=query_count, bytes=len(response.content))


def main(n: int) -> None:
    setup_django(demo=False)
    from django.test import Client

    territory, v2, unsigned, services = build_workload()
    client = Client(HTTP_HOST="bench.testserver")
    time_page(client, "/charte/signataires/", n, f"charter signatories ({STRUCTURES} structures)")
    time_page(client, "/charte/comparer/?de=1&a=2", n, f"charter diff v1→v2 ({ARTICLES + 1} articles)")
    time_page(client, "/charte/", n, "charter page")
    time_page(client, "/charte/v2/pdf/", max(5, n // 10), "charter PDF (WeasyPrint)")
    timings = []
    for structure in unsigned[:n]:
        start = time.perf_counter()
        services.sign_charter(
            actor=None, version=v2, structure=structure, signer_name="A B", signer_role="C", commitment=True
        )
        timings.append(time.perf_counter() - start)
    summarise("sign_charter()", timings)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
