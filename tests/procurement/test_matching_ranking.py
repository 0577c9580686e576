"""The matching's ranking (tiers, ids first, explanation of the best only) equals a plain ranking in Python:
every structure checked against the eligibility rules one by one, scored part by part, sorted by score, name
and id — on a random directory of a few hundred suppliers, for random needs and list lengths."""

from __future__ import annotations

import math
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.actors.models import Structure, StructureSector
from maillage.actors.taxonomy import INCLUSION_KINDS
from maillage.core.registry import registry
from maillage.procurement.matching import KM_PER_DEGREE_LAT, ranked_matches
from maillage.procurement.models import SupplierOffer
from maillage.procurement.services.rows import rebuild_match_rows
from maillage.procurement.taxonomy import eligible_kinds
from tests.charter.factories import SignatureFactory, adopted_version
from tests.factories import CommuneFactory
from tests.procurement.factories import need

pytestmark = pytest.mark.django_db

SECTORS = ["environnement", "proprete", "batiment", "culture", "alimentation", "mobilite"]
TYPES = ["goods", "services", "works", "staffing"]
PLACES = [  # insee, name, latitude, longitude: 0 to ≈ 120 km from Grasse, one outside the department
    ("06029", "Cannes", 43.552, 7.017),
    ("06004", "Antibes", 43.580, 7.125),
    ("06088", "Nice", 43.703, 7.266),
    ("06085", "Mougins", 43.600, 6.995),
    ("83050", "Draguignan", 43.537, 6.464),
    ("83137", "Toulon", 43.124, 5.928),
]


def directory(territory, rng):  # noqa: ANN001, ANN201
    communes = [territory.communes.get(insee_code="06069")]
    for insee, name, lat, lon in PLACES:
        commune = CommuneFactory(insee_code=insee, name=name, latitude=lat, longitude=lon)
        territory.communes.add(commune)
        communes.append(commune)
    kinds = ["", "", "", *INCLUSION_KINDS]
    structures = []
    for k in range(300):
        commune = rng.choice([*communes, None]) if k % 10 else None
        placed = commune is not None and rng.random() < 0.7
        structures.append(
            Structure(
                territory=territory,
                # few names, so that equal scores are often broken by the name, then by the id
                name=f"Fournisseur {rng.randrange(90):03d}",
                slug=f"fournisseur-{k}",
                status="published" if rng.random() < 0.9 else "draft",
                family="association",
                inclusion_kind=rng.choice(kinds),
                commune=commune,
                latitude=commune.latitude + rng.uniform(-0.3, 0.3) if placed else None,
                longitude=commune.longitude + rng.uniform(-0.4, 0.4) if placed else None,
            )
        )
    structures = Structure.objects.bulk_create(structures)
    StructureSector.objects.bulk_create(
        StructureSector(structure=s, sector=sector)
        for s in structures
        for sector in rng.sample(SECTORS, rng.choice([0, 1, 1, 2, 3]))
    )
    for s in structures:
        if rng.random() < 0.15:
            continue
        offer = SupplierOffer.objects.create(
            structure=s,
            offer_types="," + ",".join(sorted(rng.sample(TYPES, rng.choice([1, 1, 2, 3])))) + ",",
            perimeter=rng.choice(["communes", "radius", "department", "france"]),
            radius_km=rng.choice([None, 5, 12, 30, 60]),
            staff=rng.choice([None, 0, 1, 2, 3, 9, 10, 40]),
            references_count=rng.choice([0, 0, 1, 2, 3, 5]),
        )
        offer.communes.set(rng.sample(communes, rng.choice([0, 1, 2])))
    version = adopted_version(territory)
    for s in rng.sample(structures, 30):
        SignatureFactory(version=version, structure=s)
    # written straight into the tables, like a bulk load: the matching's narrow rows are rebuilt after it
    rebuild_match_rows(territory.pk)
    return communes


def squared_km(structure, commune):  # noqa: ANN001, ANN201
    lat = (
        structure.latitude if structure.latitude is not None else getattr(structure.commune, "latitude", None)
    )
    lon = (
        structure.longitude
        if structure.longitude is not None
        else getattr(structure.commune, "longitude", None)
    )
    if lat is None or lon is None:
        return None
    dy = (lat - commune.latitude) * KM_PER_DEGREE_LAT
    dx = (lon - commune.longitude) * (KM_PER_DEGREE_LAT * math.cos(math.radians(commune.latitude)))
    return dy * dy + dx * dx


def plain_ranking(item, signatories):  # noqa: ANN001, ANN201
    """Every structure, one by one: the rules of `matching`'s docstring, written the obvious way."""
    kinds = eligible_kinds(item.reserved)
    place = item.commune
    ranked = []
    for s in Structure.objects.select_related("commune").prefetch_related(
        "sectors", "supplier_offer__communes"
    ):
        offer = getattr(s, "supplier_offer", None)
        if (
            offer is None
            or s.status != "published"
            or s.territory_id != item.territory_id
            or s.pk == item.buyer_id
        ):
            continue
        if kinds is not None and s.inclusion_kind not in kinds:
            continue
        shares_sector = bool({x.sector for x in s.sectors.all()} & set(item.sectors))
        sells = f",{item.offer_type}," in offer.offer_types
        if (item.offer_type or item.sectors) and not (
            (item.offer_type and sells) or (item.sectors and shares_sector)
        ):
            continue
        d2 = squared_km(s, place) if place is not None else None
        if place is not None:
            department = place.insee_code[:2]
            in_department = s.commune is not None and s.commune.insee_code.startswith(department)
            within_radius = d2 is not None and offer.radius_km is not None and d2 <= offer.radius_km**2
            covers = (
                offer.perimeter == "france"
                or (offer.perimeter == "department" and in_department)
                or (offer.perimeter == "communes" and place in offer.communes.all())
                or (offer.perimeter == "radius" and within_radius)
            )
            if not covers:
                continue
        if place is None:
            distance = 0
        else:
            distance = 5 if d2 is None else 20 if d2 <= 100 else 15 if d2 <= 625 else 10 if d2 <= 2500 else 5
        staff, refs = offer.staff or 0, offer.references_count
        score = (
            (35 if shares_sector else 0)
            + distance
            + (15 if sells else 0)
            + (10 if staff >= 10 else 6 if staff >= 3 else 3 if staff >= 1 else 0)
            + (10 if refs >= 3 else 6 if refs == 2 else 3 if refs == 1 else 0)
            + (10 if s.pk in signatories else 0)
        )
        ranked.append((-score, s.name, s.pk))
    return [(pk, -minus) for minus, _, pk in sorted(ranked)]


def test_the_ranking_equals_a_plain_ranking_of_every_structure(territory):
    rng = random.Random(20261203)
    communes = directory(territory, rng)
    signatories = set(registry.structure_badges["charter"].structure_ids(territory))
    buyers = rng.sample(list(Structure.objects.order_by("pk")), 5)
    queries_per_ranking = set()
    for n in range(40):
        item = need(
            rng.choice(buyers),
            offer_type=rng.choice(TYPES),
            sectors=rng.sample(SECTORS, rng.choice([0, 1, 1, 2])),
            commune=rng.choice([*communes, None]),
            reserved=rng.choice(["", "", "L2113-12", "L2113-13"]),
        )
        expected = plain_ranking(item, signatories)
        for limit in (1, 3, 10, 40, 400):
            with CaptureQueriesContext(connection) as captured:
                got = ranked_matches(item, limit=limit)
            assert [(m.structure.pk, m.score) for m in got] == expected[:limit], (n, limit)
            assert all(m.score == sum(p["points"] for p in m.parts) for m in got)
            if item.sectors and got:
                queries_per_ranking.add(len(captured))
        excluded = [pk for pk, _ in expected[: rng.randrange(0, 8)]]
        got = ranked_matches(item, limit=5, exclude_ids=excluded)
        assert [(m.structure.pk, m.score) for m in got] == [r for r in expected if r[0] not in excluded][:5]
    # both ways were taken: the first tier alone (ranking, parts, sectors) and the whole ranking after it
    assert queries_per_ranking == {3, 4}
