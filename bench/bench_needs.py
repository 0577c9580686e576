"""The needs register under a fixed workload: 2,000 needs over 23 communes, 10 categories, every state, 6,000
supports. Server time with Django's test client (no network) on a freshly migrated file SQLite, DEBUG off:

- the list (first page, then a search, then filters), the map by commune (counts for 23 communes), a need's
  page, a structure's profile listing the 40 needs it answers;
- `support_need()` and `merge_needs()` (one transaction each).

    .venv/bin/python bench/bench_needs.py [N]        (default N = 50 requests per page, after 5 warm-up)
    BENCH_NEEDS=300 …                               (a smaller workload; the figures are not comparable)
"""

from __future__ import annotations

import os
import sys
import time

from _setup import setup_django, summarise

NEEDS = int(os.environ.get("BENCH_NEEDS", "2000"))  # a smaller workload when the machine is overloaded
SUPPORTERS = 30
WARM_UP = 5
PROFILE_NEEDS = 40  # the needs one structure answers, listed on its profile in the directory


def build_workload():
    from maillage.accounts.models import User
    from maillage.core.actors import system
    from maillage.core.models import Commune, Domain, Territory
    from maillage.needs import services
    from maillage.needs.models import Need, NeedCategory

    sys_actor = system("banc d'essai")
    territory = Territory.objects.create(
        name="Banc d'essai", slug="banc-essai", canonical_url="https://banc.example.org"
    )
    Domain.objects.create(territory=territory, name="bench.testserver")
    communes = [
        Commune.objects.get_or_create(
            insee_code=f"06{900 + i:03d}",
            defaults={"name": f"Commune {i:02d}", "latitude": 43.6 + i / 100, "longitude": 6.9},
        )[0]
        for i in range(23)
    ]
    territory.communes.add(*communes)
    services.ensure_categories(actor=sys_actor, territory=territory)
    categories = list(NeedCategory.objects.filter(territory=territory))
    people = [
        User.objects.create_user(email=f"p{i}@bench.example.org", password=None) for i in range(SUPPORTERS)
    ]
    words = ["transport", "logement", "garde", "hôpital", "dimanche", "épicerie", "saisonniers", "numérique"]
    needs = []
    for i in range(NEEDS):
        need = services.report_need(
            actor=sys_actor,
            territory=territory,
            title=f"Besoin {i} : {words[i % 8]} {words[(i * 3) % 8]}",
            description=f"Description du besoin {i}, {words[(i * 5) % 8]} à {communes[i % 23].name}.",
            category=categories[i % len(categories)],
            communes=[communes[i % 23], communes[(i * 7) % 23]],
        )
        needs.append(need)
        for person in people[: i % 4]:
            services.support_need(actor=person, need=need)
        if i % 5 == 1:
            services.move_need(actor=sys_actor, need=need, to_status="qualified", answer="ok", synthesis="s")
        if i % 10 == 2:
            services.move_need(actor=sys_actor, need=need, to_status="out_of_scope", answer="hors champ")
    return territory, needs, people, services, sys_actor, Need


def time_page(client, url: str, n: int, name: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
    summarise(name, timings, queries=query_count, bytes=len(response.content))


def main(n: int) -> None:
    setup_django(demo=False)
    from django.test import Client

    from tests.factories import StructureFactory

    start = time.perf_counter()
    territory, needs, people, services, sys_actor, Need = build_workload()
    print(f"workload: {NEEDS} needs built through the services in {time.perf_counter() - start:.1f} s")
    client = Client(HTTP_HOST="bench.testserver")
    time_page(client, "/besoins/", n, f"needs list, first page ({NEEDS} needs)")
    time_page(client, "/besoins/?q=logement+dimanche", n, "needs list, search « logement dimanche »")
    time_page(client, "/besoins/?categorie=mobilite&statut=ouverts&commune=06905", n, "needs list, 3 filters")
    time_page(client, "/besoins/carte/", n, "needs map by commune (23 communes)")
    time_page(client, f"/besoins/{needs[3].pk}/", n, "a need's page")
    structure = StructureFactory(territory=territory, name="Structure du banc", status="published")
    for need in needs[:: NEEDS // PROFILE_NEEDS][:PROFILE_NEEDS]:
        services.link_structure(actor=sys_actor, need=need, structure=structure)
    time_page(client, f"/structures/{structure.slug}/", n, f"a structure's profile ({PROFILE_NEEDS} needs)")
    timings = []
    outsider = people[-1]
    for need in needs[100 : 100 + n]:
        if need.status in ("reported", "qualified"):
            begin = time.perf_counter()
            services.support_need(actor=outsider, need=need)
            timings.append(time.perf_counter() - begin)
    summarise("support_need()", timings)
    timings = []
    open_needs = list(Need.objects.filter(territory=territory, status="reported").order_by("pk")[: 2 * n])
    for dup, into in zip(open_needs[::2], open_needs[1::2], strict=False):
        begin = time.perf_counter()
        services.merge_needs(actor=sys_actor, duplicate=dup, into=into, answer="doublon")
        timings.append(time.perf_counter() - begin)
    summarise("merge_needs()", timings)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
