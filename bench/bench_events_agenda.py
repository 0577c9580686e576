"""The agenda under a fixed workload: 5,000 events (two years back, two ahead) and 100,000 registrations
(20 per event), on a freshly migrated file SQLite with the demo loaded, DEBUG off, Django's test client (no
network: server time only).

- the agenda page (anonymous, upcoming, first page of 20 with map data): p50/p95 over N requests;
- the ICS feed of the default window (3 months back, 12 ahead): cold (cache emptied before each request, no
  If-None-Match) and cached (the client sends the ETag it got: 304).

    .venv/bin/python bench/bench_events_agenda.py [N]        (default N = 200 page requests, 20 ICS cold)
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from _setup import setup_django, summarise

EVENTS = 5_000
PER_EVENT = 20
WARM_UP = 10


def build_workload() -> None:
    from django.utils import timezone

    from maillage.actors.models import Structure
    from maillage.core.models import Commune, Territory
    from maillage.events.models import Event, Registration

    territory = Territory.objects.get(slug="pays-de-grasse")
    communes = list(Commune.objects.filter(territories=territory)[:10])
    structures = list(Structure.objects.filter(territory=territory, status="published")[:20])
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    kinds = ["rendez_vous", "reunion_atelier", "formation", "pleniere", "speed_meeting"]
    events = Event.objects.bulk_create(
        Event(
            territory=territory,
            title=f"Rendez-vous de banc d'essai n° {i}",
            slug=f"banc-{i:05d}",
            description="Un rendez-vous **de test** pour mesurer l'agenda.",
            kind=kinds[i % len(kinds)],
            start=now + dt.timedelta(hours=(i - EVENTS // 2) * 7),
            end=now + dt.timedelta(hours=(i - EVENTS // 2) * 7 + 2),
            status="published",
            venue="Salle",
            commune=communes[i % len(communes)] if communes else None,
            capacity=PER_EVENT + 10,
            registration_counter=PER_EVENT,
        )
        for i in range(EVENTS)
    )
    Through = Event.hosts.through
    if structures:
        Through.objects.bulk_create(
            Through(event_id=e.pk, structure_id=structures[i % len(structures)].pk)
            for i, e in enumerate(events)
        )
    batch = []
    for event in events:
        for k in range(PER_EVENT):
            batch.append(
                Registration(
                    event=event,
                    email=f"p{k}.{event.pk}@example.org",
                    name=f"Personne {k}",
                    state="registered",
                    sequence=k + 1,
                )
            )
        if len(batch) >= 10_000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)


def main(n: int) -> None:
    setup_django()
    build_workload()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.events.models import Event, Registration

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(WARM_UP):
        assert client.get("/agenda/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/agenda/")
    # Counted now: every later request empties the connection's query log (Django's request_started signal),
    # and the capture reads that log lazily — counted after the timed loop, it said 0.
    query_count = len(queries)
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get("/agenda/")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    summarise(
        f"agenda page ({Event.objects.count()} events, {Registration.objects.count()} registrations)",
        timings,
        queries=query_count,
        bytes=len(response.content),
    )

    # the map's JSON: every upcoming event matching the (empty) filters, whole world then a zoomed-in view
    for label, bbox in [("whole world", "-180,-90,180,90"), ("zoomed on Grasse", "6.85,43.6,6.98,43.7")]:
        url = f"/agenda/carte.json?bbox={bbox}"
        timings = []
        for _ in range(max(20, n // 4)):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200
        data = response.json()
        summarise(
            f"agenda map JSON, {label}",
            timings,
            markers=data["count"],
            truncated=data["tronque"],
            bytes=len(response.content),
        )

    cold = []
    for _ in range(max(5, n // 10)):
        cache.clear()
        start = time.perf_counter()
        response = client.get("/agenda/agenda.ics")
        cold.append(time.perf_counter() - start)
        assert response.status_code == 200
    etag = response["ETag"]
    summarise(
        "ICS feed, cold", cold, bytes=len(response.content), vevents=response.content.count(b"BEGIN:VEVENT")
    )
    cached = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get("/agenda/agenda.ics", HTTP_IF_NONE_MATCH=etag)
        cached.append(time.perf_counter() - start)
        assert response.status_code == 304
    summarise("ICS feed, ETag hit (304)", cached)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
