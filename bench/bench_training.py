"""The training module under a fixed workload: 300 structures answer a census (8 themes, 3 to 4 themes
each), weekly office hours with 4 slots a week for twelve weeks. Server time with Django's test client (no
network) on a freshly migrated file SQLite, DEBUG off:

- `submit_response()` (one structure's answer: its row and its theme interests, one transaction);
- the aggregation page (table + SVG chart) as the animator;
- `book_slot()` on free slots (lock, constraint, two notifications);
- a permanence's page (its slots and their bookings).

    .venv/bin/python bench/bench_training.py [N]        (default N = 50 requests per page, after 5 warm-up)
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from _setup import setup_django, summarise

STRUCTURES = 300
WARM_UP = 5


def build_workload():
    from allauth.mfa.models import Authenticator
    from django.utils import timezone

    from maillage.accounts.models import TerritoryRole, User
    from maillage.actors.models import Membership, Structure
    from maillage.core.actors import system
    from maillage.core.models import Domain, Territory
    from maillage.events.recurrence import PARIS
    from maillage.training import services

    actor = system("banc d'essai")
    territory = Territory.objects.create(
        name="Banc d'essai", slug="banc-essai", canonical_url="https://banc.example.org"
    )
    Domain.objects.create(territory=territory, name="bench.testserver")
    structures = Structure.objects.bulk_create(
        Structure(
            territory=territory, name=f"Structure {i:03d}", slug=f"structure-{i:03d}", status="published"
        )
        for i in range(STRUCTURES)
    )
    people = User.objects.bulk_create(User(email=f"membre{i}@bench.example.org") for i in range(STRUCTURES))
    Membership.objects.bulk_create(
        Membership(user=u, structure=s, role="manager") for u, s in zip(people, structures, strict=True)
    )
    animator = User.objects.create(email="animation@bench.example.org")
    TerritoryRole.objects.create(user=animator, territory=territory, role="animator")
    Authenticator.objects.create(
        user=animator, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    census = services.create_census(
        actor=actor,
        territory=territory,
        title="Besoins",
        opens_on=timezone.localdate(),
        deadline=timezone.now() + dt.timedelta(days=30),
    )
    services.move_census(actor=actor, census=census, to="open")
    adviser_user = User.objects.create(email="conseil@bench.example.org")
    adviser = services.name_adviser(actor=actor, territory=territory, user=adviser_user, organisation="DLA")
    first = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(9), tzinfo=PARIS)
    office_hours = services.publish_office_hours(
        actor=actor,
        adviser=adviser,
        title="Permanence",
        rrule="FREQ=WEEKLY",
        first_start=first,
        slots_per_occurrence=4,
        place="Grasse",
    )
    return territory, census, office_hours, structures, people, animator, services


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

    territory, census, office_hours, structures, people, animator, services = build_workload()
    themes = list(census.themes.all())
    timings = []
    for i, (user, structure) in enumerate(zip(people, structures, strict=True)):
        wanted = {
            t.pk: {"staff": 2, "priority": 1 + i % 3, "periods": ["q1"], "formats": ["online"]}
            for t in themes[i % 5 : i % 5 + 3 + i % 2]
        }
        start = time.perf_counter()
        services.submit_response(actor=user, census=census, structure=structure, answers={}, interests=wanted)
        timings.append(time.perf_counter() - start)
    summarise(f"submit_response() ({STRUCTURES} structures)", timings)
    client = Client(HTTP_HOST="bench.testserver")
    client.force_login(animator)
    time_page(
        client, f"/formations/gestion/recensements/{census.pk}/resultats/", n, "results page (table + SVG)"
    )
    slots = list(office_hours.slots.all())
    timings = []
    for slot, user, structure in zip(slots[:n], people, structures, strict=False):
        start = time.perf_counter()
        services.book_slot(actor=user, slot=slot, structure=structure, topic="Financements")
        timings.append(time.perf_counter() - start)
    summarise("book_slot()", timings)
    time_page(
        client, f"/formations/permanences/{office_hours.pk}/", n, f"office hours page ({len(slots)} slots)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
