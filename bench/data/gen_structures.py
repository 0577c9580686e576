"""Generator of N synthetic structures for the directory benchmark, written straight into the tables
(bulk inserts: structures, sectors, search documents — the FTS5 triggers keep the SQLite index in sync).

Deterministic for a seed. Structures are spread over the territory's communes with a jitter of a few km,
so a bounding box around one town holds a predictable share of them.
"""

from __future__ import annotations

import random
from typing import Any

WORDS = [
    "ressourcerie", "jardins", "atelier", "solidaire", "cooperative", "entraide", "avenir", "collines",
    "maraichage", "insertion", "partage", "horizons", "velo", "culture", "familles", "tremplin",
    "batisseurs", "saveurs", "lien", "rencontres", "parfums", "oliviers", "reemploi", "creche", "theatre",
    "mutuelle", "epicerie", "recyclerie", "menuiserie", "numerique", "mobilite", "energie", "habitat",
]  # fmt: skip
BATCH = 5000


def generate(territory: Any, n: int, *, seed: int = 42) -> int:
    from maillage.actors import taxonomy  # noqa: PLC0415  (a script run after django.setup())
    from maillage.actors.models import Structure, StructureSector  # noqa: PLC0415
    from maillage.core.search import normalise  # noqa: PLC0415
    from maillage.core.search_models import SearchDocument  # noqa: PLC0415

    rng = random.Random(seed)
    communes = list(territory.communes.exclude(latitude=None))
    families = list(Structure.Family.values)
    inclusion = [""] * 6 + list(taxonomy.INCLUSION_KINDS)
    sectors = list(taxonomy.SECTORS)
    bands = ["", "00", "01", "02", "03", "11", "12", "21"]
    start = Structure.objects.count()
    for offset in range(0, n, BATCH):
        rows = []
        for k in range(offset, min(n, offset + BATCH)):
            commune = communes[k % len(communes)] if k % 3 else communes[0]  # a third in the main town
            words = rng.sample(WORDS, 3)
            rows.append(
                Structure(
                    territory=territory,
                    name=f"{words[0].capitalize()} {words[1]} {k}",
                    slug=f"bench-{start + k}",
                    family=families[k % len(families)],
                    inclusion_kind=inclusion[k % len(inclusion)],
                    esus=k % 9 == 0,
                    workforce_band=bands[k % len(bands)],
                    commune=commune,
                    latitude=commune.latitude + rng.uniform(-0.03, 0.03),
                    longitude=commune.longitude + rng.uniform(-0.04, 0.04),
                    geocoding="commune",
                    description=f"Structure de {words[2]} : {' '.join(rng.sample(WORDS, 8))}.",
                    status="published",
                )
            )
        created = Structure.objects.bulk_create(rows, batch_size=1000)
        if any(s.pk is None for s in created):
            created = list(Structure.objects.filter(slug__in=[s.slug for s in rows]))
        StructureSector.objects.bulk_create(
            [StructureSector(structure=s, sector=sectors[s.pk % len(sectors)]) for s in created]
            + [
                StructureSector(structure=s, sector=sectors[(s.pk * 7 + 3) % len(sectors)])
                for s in created
                if s.pk % 2 and (s.pk * 7 + 3) % len(sectors) != s.pk % len(sectors)
            ],
            batch_size=2000,
        )
        SearchDocument.objects.bulk_create(
            [
                SearchDocument(
                    territory=territory,
                    kind="structure",
                    object_id=s.pk,
                    title=s.name,
                    search_text=normalise(s.name, s.name, s.description, s.commune.name),
                    facets={"family": s.family},
                )
                for s in created
            ],
            batch_size=1000,
        )
    return n
