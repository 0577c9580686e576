"""The load test's database: built (migrate, the demo, N synthetic structures) or copied from a prepared one,
then given the bench's own accounts and API keys, and described in a JSON file the journeys read
(bench/load/locustfile.py never imports Django: it only speaks HTTP).

Runs in its own process (`python bench/load/prepare.py build N` or `… describe OUT.json`), with DATABASE_URL
or MAILLAGE_SQLITE_PATH already pointing at the copy: a source database is never written.
"""

from __future__ import annotations

import io
import json
import random
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TERRITORY = "pays-de-grasse"
PASSWORD = "banc-de-charge-2026"  # the bench accounts' password (fictitious people, a throw-away database)
ACCOUNTS = 60
SAMPLE = 300


def build(n: int) -> None:
    """A fresh database: migrate, the demo, then N synthetic structures as bench_directory.py makes them."""
    from django.core.management import call_command
    from django.db import connection

    from bench.data.gen_structures import generate
    from maillage.actors import services as actors
    from maillage.actors.models import Structure
    from maillage.core.models import Territory

    with redirect_stdout(io.StringIO()):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if not Territory.objects.filter(slug=TERRITORY).exists():
            call_command("demo")
    territory = Territory.objects.get(slug=TERRITORY)
    have = Structure.objects.filter(slug__startswith="bench-").count()
    if have < n:
        started = time.perf_counter()
        generate(territory, n - have)
        print(f"  {n - have} structures generated in {time.perf_counter() - started:.0f} s", flush=True)
    if Structure.objects.filter(territory=territory, name_key="").exists():
        actors.rebuild_directory(territory.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def accounts(territory) -> list[dict]:  # noqa: ANN001
    """ACCOUNTS verified accounts « banc.N@charge.example », each with its own API key (issued once)."""
    from maillage.accounts import services as accounts_services
    from maillage.api.services import issue_key
    from maillage.core.actors import SYSTEM

    people = []
    for i in range(ACCOUNTS):
        email = f"banc.{i}@charge.example"
        accounts_services.ensure_account(
            actor=SYSTEM, email=email, password=PASSWORD, first_name="Personne", last_name=f"Banc {i}"
        )
        # keys are stored hashed: a database prepared before gets a new one (the old one stays valid)
        clear = issue_key(
            actor=SYSTEM,
            territory=territory,
            holder_name=f"Banc {i}",
            holder_email=email,
            purpose="Test de charge",
            hourly_limit=100_000,
        ).clear
        people.append({"email": email, "password": PASSWORD, "api_key": clear})
    return people


def describe() -> dict:
    """What the journeys need: accounts, structures to open, events to register to, needs, a call…"""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    from maillage.actors.models import Structure
    from maillage.calls.models import Call
    from maillage.core.models import Territory
    from maillage.events.models import Event
    from maillage.needs.models import Need, NeedCategory

    territory = Territory.objects.get(slug=TERRITORY)
    published = Structure.objects.filter(territory=territory, status="published")
    rng = random.Random(7)
    count = published.count()
    slugs = list(published.order_by("pk").values_list("slug", flat=True)[:: max(1, count // SAMPLE)][:SAMPLE])
    anonymous = AnonymousUser()  # what the journeys open must be public: an anonymous visitor opens it too
    events = [
        e.slug
        for e in Event.objects.for_user(anonymous, territory)
        .filter(status="published", registration_open=True, start__gt=timezone.now())
        .order_by("start")[:40]
        if e.accepts_registrations and not e.questions
    ]
    needs = list(Need.objects.for_user(anonymous, territory).order_by("pk").values_list("pk", flat=True)[:50])
    calls = sorted(Call.objects.for_user(anonymous, territory).values_list("year", flat=True))
    categories = list(NeedCategory.objects.filter(territory=territory).values_list("pk", flat=True))
    communes = list(territory.communes.values_list("pk", flat=True)[:10])
    corpus = json.loads((ROOT / "bench" / "data" / "directory_queries.json").read_text())["queries"]
    rng.shuffle(slugs)
    return {
        "territory": TERRITORY,
        "structures": count,
        "slugs": slugs,
        "events": events,
        "needs": needs,
        "calls": calls,
        "need_categories": categories,
        "communes": communes,
        "queries": corpus,
        "people": accounts(territory),
    }


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if argv[0] == "build":  # python prepare.py build N
        build(int(argv[1]))
        return
    facts = describe()  # python prepare.py describe OUT.json
    Path(argv[1]).write_text(json.dumps(facts, ensure_ascii=False, indent=1))
    print(
        f"  {facts['structures']} published structures, {len(facts['events'])} events open, "
        f"{len(facts['needs'])} needs, calls {facts['calls']}, {len(facts['people'])} bench accounts",
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
