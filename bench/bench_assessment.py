"""The self-assessment under a fixed workload: 400 published structures (4 ESS families × 3 size classes),
the default grid (25 questions), one campaign answered by all of them. Server time on a freshly migrated
file SQLite, DEBUG off, Django's test client (no network):

- `submit_sheet()` for each structure (parse, write the answers, score, transition, notify);
- the territory's release computed from scratch (400 sheets, the 31-group lattice, the k-anonymity rules);
- the territory page (cached release), a structure's results page (radar, comparisons, suggestions), its PDF.

    .venv/bin/python bench/bench_assessment.py [N]     (default N = 30 requests per page, after 3 warm-up)
"""

from __future__ import annotations

import sys
import time

from _setup import setup_django, summarise

STRUCTURES = 400
WARM_UP = 3


def build_workload():
    from maillage.accounts.models import User
    from maillage.actors.models import Membership, Structure
    from maillage.core.models import Domain, Territory

    territory = Territory.objects.create(
        name="Banc d'essai", slug="banc-essai", canonical_url="https://banc.example.org"
    )
    Domain.objects.create(territory=territory, name="bench.testserver")
    families = ["association", "cooperative", "mutuelle", "societe_ess"]
    bands = ["", "02", "11"]
    structures = Structure.objects.bulk_create(
        Structure(
            territory=territory,
            name=f"Structure {i:03d}",
            slug=f"structure-{i:03d}",
            status="published",
            family=families[i % 4],
            workforce_band=bands[(i // 4) % 3],
        )
        for i in range(STRUCTURES)
    )
    manager = User.objects.create_user(email="gestion@banc.example.org", password="x")
    Membership.objects.create(user=manager, structure=structures[0], role="manager")
    return territory, structures, manager


def main(n: int) -> None:
    setup_django(demo=False)
    from django.test import Client

    from maillage.assessment import aggregates, services
    from maillage.assessment.answers import answers_for
    from maillage.assessment.services.sheets import grid_questions
    from maillage.core.actors import system

    actor = system("banc d'essai")
    territory, structures, manager = build_workload()
    services.install_default_grid(actor=actor, territory=territory)
    campaign = services.open_campaign(actor=actor, territory=territory, year=2026, notify_managers=False)
    questions = grid_questions(campaign)
    timings = []
    for i, structure in enumerate(structures):
        raw = answers_for(questions, level=0.3 + (i % 7) / 10, seed=i)
        sheet = services.start_sheet(actor=actor, campaign=campaign, structure=structure)
        started = time.perf_counter()
        services.submit_sheet(actor=actor, sheet=sheet, raw=raw)
        timings.append(time.perf_counter() - started)
    summarise("submit_sheet (25 answers, scored, logged)", timings)
    services.close_campaign(actor=actor, campaign=campaign)
    campaign.refresh_from_db()

    timings = []
    for _ in range(n):
        started = time.perf_counter()
        release = aggregates.compute_release(campaign)
        timings.append(time.perf_counter() - started)
    published = sum(1 for g in release.groups.values() if g.published)
    summarise(
        "territory release from scratch (400 sheets)",
        timings,
        groups=len(release.groups),
        published=published,
    )

    client = Client(HTTP_HOST="bench.testserver")
    client.force_login(manager)
    slug = structures[0].slug
    pages = [
        ("GET /utilite-sociale/territoire/", "/utilite-sociale/territoire/?famille=association"),
        ("GET results page", f"/utilite-sociale/2026/{slug}/resultats/"),
        ("GET results PDF", f"/utilite-sociale/2026/{slug}/resultats.pdf"),
    ]
    for label, url in pages:
        count = n if "PDF" not in label else max(5, n // 5)
        for _ in range(WARM_UP):
            assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        summarise(label, timings)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
