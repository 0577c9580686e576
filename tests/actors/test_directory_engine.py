"""The directory's page (`directory.run`: one aggregate query, a shared cache keyed by the territory's
version) answers exactly what the plain SQL querysets answer (total, order, every facet count), ranks alike on
both databases, corrects misspellings against the vocabulary, stays fresh after writes (a rolled-back one
changes nothing), and « autour de » an address goes through the BAN (fake local server) with a cache, a
territory check and a rate limit."""

from __future__ import annotations

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Count

from maillage.actors import directory, geocoding, services, taxonomy
from maillage.actors.models import DirectoryTerm, Structure, StructureSector
from maillage.core.registry import StructureBadge, registry
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

WORDS = ["ressourcerie", "jardins", "atelier", "solidaire", "velo", "theatre", "epicerie", "mobilite"]


@pytest.fixture
def communes(territory):
    made = [
        CommuneFactory(insee_code="06084", name="Mouans-Sartoux", latitude=43.620, longitude=6.971),
        CommuneFactory(insee_code="06090", name="Pégomas", latitude=43.596, longitude=6.933),
    ]
    territory.communes.add(*made)
    return ["06069", "06084", "06090"]


@pytest.fixture
def many(territory, animator, communes):
    """120 structures with every facet spread, through the services (as the directory sees them)."""
    rng = random.Random(7)
    families = list(Structure.Family.values)
    kinds = [""] * 3 + list(taxonomy.INCLUSION_KINDS)
    sectors = list(taxonomy.SECTORS)
    bands = ["", "00", "03", "11", "21"]
    made = []
    for k in range(120):
        words = rng.sample(WORDS, 3)
        structure = services.create_structure(
            actor=animator,
            territory=territory,
            data={
                "name": f"{words[0].capitalize()} {words[1]} {k:03d}",
                "family": families[k % len(families)],
                "inclusion_kind": kinds[k % len(kinds)],
                "esus": k % 4 == 0,
                "workforce_band": bands[k % len(bands)],
                "commune": communes[k % 3],
                "description": f"Structure de {words[2]}.",
            },
            sectors=rng.sample(sectors, 1 + k % 2),
        )
        made.append(structure)
    assert all(s.status == Structure.Status.PUBLISHED for s in made)  # created by the animation
    # positions spread a few km around each commune (as the geocoder would)
    for structure in Structure.objects.select_related("commune"):
        Structure.objects.filter(pk=structure.pk).update(
            latitude=structure.commune.latitude + rng.uniform(-0.05, 0.05),
            longitude=structure.commune.longitude + rng.uniform(-0.05, 0.05),
        )
    services.directory_changed(territory.pk)
    # one hidden structure, which nothing may show
    hidden = Structure.objects.order_by("pk").first()
    services.transition_structure(actor=animator, structure=hidden, to_status=Structure.Status.ARCHIVED)
    return made


def sql_answer(filters, territory):
    """The same search, through the SQL querysets (the map and the exports use them)."""
    base = directory.base_queryset(Structure.objects.all(), filters, territory)
    matching = base.filter(directory.filter_conditions(filters, territory))

    def counts(field_name, skip):
        rows = (
            base.filter(directory.filter_conditions(filters, territory, skip=skip))
            .order_by()
            .values(field_name)
            .annotate(n=Count("pk"))
        )
        return {row[field_name]: row["n"] for row in rows if row["n"] and row[field_name] not in ("", None)}

    sector_scope = base.filter(directory.filter_conditions(filters, territory, skip="sector")).values("pk")
    sectors = dict(
        StructureSector.objects.filter(structure__in=sector_scope)
        .values_list("sector")
        .annotate(n=Count("pk"))
        .values_list("sector", "n")
    )
    codes = dict(territory.communes.values_list("pk", "insee_code"))
    return {
        "total": matching.count(),
        "names": list(matching.order_by("name", "pk").values_list("name", flat=True)),
        "famille": counts("family", "family"),
        "inclusion": counts("inclusion_kind", "inclusion"),
        "secteur": sectors,
        "commune": {codes[k]: v for k, v in counts("commune_id", "commune").items()},
        "effectif": counts("workforce_band", "workforce"),
        "esus": base.filter(directory.filter_conditions(filters, territory, skip="esus"), esus=True).count(),
    }


def index_answer(filters, territory):
    everything = directory.run(filters, territory, page_size=1000)
    facets = {f.key: {v.key: v.count for v in f.values if v.count} for f in everything.facets}
    inclusion = {k: v for k, v in facets.get("inclusion", {}).items() if k in taxonomy.INCLUSION_KINDS}
    return {
        "total": everything.total,
        "names": sorted((s.name for s in everything.structures), key=lambda n: n)
        if everything.sort != "nom"
        else [s.name for s in everything.structures],
        "famille": facets.get("famille", {}),
        "inclusion": inclusion,
        "secteur": facets.get("secteur", {}),
        "commune": facets.get("commune", {}),
        "effectif": facets.get("effectif", {}),
        "esus": facets.get("esus", {}).get("1", 0),
    }


QUERIES = [
    {},
    {"famille": ["cooperative"]},
    {"famille": ["association", "mutuelle"], "esus": "1"},
    {"inclusion": ["iae"]},
    {"inclusion": ["ACI", "EA"], "famille": ["association"]},
    {"secteur": ["reemploi", "alimentation"]},
    {"commune": ["06084"], "effectif": ["11"]},
    {"q": "ressourcerie"},
    {"q": "jardins atelier", "famille": ["association"]},
    {"q": "velo", "tri": "nom"},
    {"q": "zzzz"},
    {"q": "ressour"},
    {"q": "atel solidaires", "esus": "1"},
    {"q": "Théâtre vélo"},
    {"autour": "06084", "rayon": "5"},
    {"autour": "06069", "rayon": "10", "q": "epicerie", "tri": "distance"},
    {"autour": "06090", "rayon": "2", "secteur": ["batiment"], "inclusion": ["handicap"]},
]


@pytest.mark.parametrize("params", QUERIES, ids=[json.dumps(q, ensure_ascii=False) for q in QUERIES])
def test_index_answers_what_sql_answers(territory, many, params):
    filters = directory.parse_filters(params, territory)
    expected = sql_answer(filters, territory)
    got = index_answer(filters, territory)
    if got["names"] != expected["names"]:
        got["names"] = sorted(got["names"])
        expected["names"] = sorted(expected["names"])
    assert got == expected
    assert expected["total"] < 120 or not params  # the archived one is never counted


def test_pages_follow_the_sort(territory, many):
    by_name = directory.run(directory.parse_filters({}, territory), territory, page=2, page_size=10)
    names = list(
        Structure.objects.filter(status="published").order_by("name", "pk").values_list("name", flat=True)
    )
    assert [s.name for s in by_name.structures] == names[10:20]
    near = directory.run(
        directory.parse_filters({"autour": "06084", "rayon": "20", "tri": "distance"}, territory),
        territory,
        page_size=15,
    )
    distances = [s.distance_km for s in near.structures]
    assert distances == sorted(distances) and len(distances) == 15
    ranked = directory.run(directory.parse_filters({"q": "ressourcerie"}, territory), territory)
    assert ranked.sort == "pertinence" and ranked.structures
    # the best match has the word in its name (the name is indexed twice)
    assert "ressourcerie" in ranked.structures[0].name.lower()


def test_the_index_follows_the_writes(territory, animator, many):
    filters = directory.parse_filters({"q": "tout-nouveau"}, territory)
    assert directory.run(filters, territory).total == 0
    services.create_structure(
        actor=animator,
        territory=territory,
        data={"name": "Tout-nouveau collectif", "family": "association", "commune": "06069"},
        sectors=[],
    )
    assert [s.name for s in directory.run(filters, territory).structures] == ["Tout-nouveau collectif"]
    before = directory.run(directory.parse_filters({}, territory), territory).total
    gone = Structure.objects.filter(status="published").order_by("pk").last()
    services.transition_structure(actor=animator, structure=gone, to_status=Structure.Status.ARCHIVED)
    assert directory.run(directory.parse_filters({}, territory), territory).total == before - 1


def test_a_lost_cache_changes_nothing(territory, many):
    from django.core.cache import cache

    params = {"q": "jardins", "famille": ["association"]}
    first = index_answer(directory.parse_filters(params, territory), territory)
    cache.clear()  # a restarted cache server: the database answers again, the same
    assert index_answer(directory.parse_filters(params, territory), territory) == first


def test_a_cached_page_never_outlives_a_write(territory, animator, many, django_assert_max_num_queries):
    filters = directory.parse_filters({"famille": ["cooperative"]}, territory)
    first = directory.run(filters, territory)
    from maillage.core.registry import registry

    # the same page again, from the shared cache (no aggregate): one query per badge the modules register
    # (which structures carry it), the version, the page's rows and their sectors
    with django_assert_max_num_queries(len(registry.structure_badges) + 3):
        again = directory.run(filters, territory)
    assert [s.pk for s in again.structures] == [s.pk for s in first.structures]
    version = directory.current_version(territory)
    gone = first.structures[0]
    services.transition_structure(actor=animator, structure=gone, to_status=Structure.Status.ARCHIVED)
    assert directory.current_version(territory) > version
    after = directory.run(filters, territory)
    assert after.total == first.total - 1 and gone.pk not in [s.pk for s in after.structures]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_keeps_the_version(territory, animator, communes):
    from django.db import transaction

    services.create_structure(
        actor=animator,
        territory=territory,
        data={"name": "Première", "family": "association", "commune": "06069"},
        sectors=[],
    )
    version = directory.current_version(territory)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.directory_changed(territory.pk)
        raise RuntimeError
    assert directory.current_version(territory) == version


def test_ranking_is_defined_once(territory, animator, communes):
    """Name matches first (more query words in the name first), then the name's sort key, then the id —
    the same order on SQLite and PostgreSQL (this test runs on both)."""

    def create(name, description):
        return services.create_structure(
            actor=animator,
            territory=territory,
            data={"name": name, "family": "association", "commune": "06069", "description": description},
            sectors=[],
        )

    create("Ébénisterie solidaire", "Jardins partagés et atelier vélo.")
    create("Atelier vélo des jardins", "Réparation.")
    create("Les Jardins du Loup", "Maraîchage.")
    create("jardins d'Éole", "Maraîchage bio.")
    create("Zèbre", "Un atelier au fond des jardins.")
    create("Atelier Bois", "Menuiserie.")
    page = directory.run(directory.parse_filters({"q": "jardins atelier"}, territory), territory)
    assert page.sort == "pertinence"
    assert [s.name for s in page.structures] == [
        "Atelier vélo des jardins",  # both words in the name
        "Ébénisterie solidaire",  # none in the name, name order (accents ignored: « ebenisterie »)
        "Zèbre",
    ]
    page = directory.run(directory.parse_filters({"q": "jardins"}, territory), territory)
    assert [s.name for s in page.structures] == [
        "Atelier vélo des jardins",
        "jardins d'Éole",  # « jardinsdeole » < « lesjardinsduloup »: case and accents ignored
        "Les Jardins du Loup",
        "Ébénisterie solidaire",
        "Zèbre",
    ]
    by_name = directory.run(directory.parse_filters({"q": "jardins", "tri": "nom"}, territory), territory)
    assert [s.name for s in by_name.structures] == [
        "Atelier vélo des jardins",
        "Ébénisterie solidaire",
        "jardins d'Éole",
        "Les Jardins du Loup",
        "Zèbre",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("resourcerie", ["La Ressourcerie"]),
        ("jardinn", ["Jardins de Cocagne"]),
        ("insertoin", ["Tremplin insertion"]),
        ("jardinn insertoin", []),
        ("ressourcerie", ["La Ressourcerie"]),  # spelt right: no correction
        ("xylophone", []),  # nothing near in the vocabulary: nothing found
    ],
)
def test_misspellings_are_corrected_against_the_vocabulary(territory, animator, communes, query, expected):
    for name in ["La Ressourcerie", "Jardins de Cocagne", "Tremplin insertion"]:
        services.create_structure(
            actor=animator,
            territory=territory,
            data={"name": name, "family": "association", "commune": "06069"},
            sectors=[],
        )
    assert DirectoryTerm.objects.filter(territory=territory, term="ressourcerie").exists()
    page = directory.run(directory.parse_filters({"q": query}, territory), territory)
    assert [s.name for s in page.structures] == expected
    # the map and the exports read the same engine: the same set
    filters = directory.parse_filters({"q": query}, territory)
    names = directory.base_queryset(Structure.objects.all(), filters, territory).values_list(
        "name", flat=True
    )
    assert sorted(names) == sorted(expected)


def test_sector_bits_follow_the_sectors(territory, animator, many):
    for structure in Structure.objects.prefetch_related("sectors"):
        assert structure.sector_bits == taxonomy.sector_bits(structure.sector_keys)
    structure = many[5]
    services.update_structure(
        actor=animator, structure=structure, data={"name": structure.name}, sectors=["energie"]
    )
    structure.refresh_from_db()
    assert structure.sector_bits == taxonomy.sector_bits(["energie"])


def test_badges_filter_and_count(territory, many):
    carriers = [s.pk for s in many[:10] if s.pk != Structure.objects.order_by("pk").first().pk]
    badge = StructureBadge(key="test_index_badge", label="Signataire", structure_ids=lambda t: carriers)
    registry.add_structure_badge(badge)
    try:
        page = directory.run(directory.parse_filters({"badge": ["test_index_badge"]}, territory), territory)
        assert page.total == len(carriers)
        facet = next(f for f in page.facets if f.key == "badge")
        assert next(v for v in facet.values if v.key == "test_index_badge").count == len(carriers)
        assert all(("Signataire", "charter") in s.badges for s in page.structures)
    finally:
        registry.structure_badges.pop("test_index_badge")


NAIVE_QUERIES = [
    {},
    {"famille": ["association", "cooperative"], "secteur": ["reemploi", "alimentation"]},
    {"inclusion": ["iae"], "esus": "1", "badge": ["test_naive_badge"]},
    {"commune": ["06084", "06090"], "effectif": ["11", "03"], "famille": ["mutuelle", "association"]},
    {"q": "jardins", "secteur": ["batiment"], "badge": ["test_naive_badge"]},
    {"autour": "06084", "rayon": "10", "inclusion": ["handicap", "ACI"], "esus": "1"},
]


@pytest.mark.parametrize(
    "params", NAIVE_QUERIES, ids=[json.dumps(q, ensure_ascii=False) for q in NAIVE_QUERIES]
)
def test_facet_counts_match_a_naive_count(territory, many, params):
    """Every facet value's count (one GROUP BY per facet in SQL) equals a count made row by row in Python."""
    carriers = {s.pk for s in many[::7]}
    registry.add_structure_badge(
        StructureBadge(key="test_naive_badge", label="Témoin", structure_ids=lambda t: sorted(carriers))
    )
    try:
        filters = directory.parse_filters(params, territory)
        page = directory.run(filters, territory, page_size=1000)
        base = directory.base_queryset(Structure.objects.all(), filters, territory)
        rows = list(base.select_related("commune").prefetch_related("sectors"))
        inclusion = set(directory.inclusion_codes(filters.inclusion))
        tests = {
            "famille": lambda s: s.family in filters.family,
            "inclusion": lambda s: s.inclusion_kind in inclusion,
            "secteur": lambda s: bool(set(s.sector_keys) & set(filters.sector)),
            "commune": lambda s: s.commune.insee_code in filters.commune,
            "effectif": lambda s: s.workforce_band in filters.workforce,
            "esus": lambda s: s.esus,
            "badge": lambda s: s.pk in carriers,
        }
        selected = {
            "famille": filters.family,
            "inclusion": filters.inclusion,
            "secteur": filters.sector,
            "commune": filters.commune,
            "effectif": filters.workforce,
            "esus": filters.esus,
            "badge": filters.badge,
        }

        def kept(s, skip=""):
            return all(tests[key](s) for key, chosen in selected.items() if chosen and key != skip)

        values = {
            "famille": lambda s: [s.family],
            "inclusion": lambda s: [s.inclusion_kind],
            "secteur": lambda s: list(s.sector_keys),
            "commune": lambda s: [s.commune.insee_code],
            "effectif": lambda s: [s.workforce_band],
            "esus": lambda s: ["1"] if s.esus else [],
            "badge": lambda s: ["test_naive_badge"] if s.pk in carriers else [],
        }
        naive: dict = {key: {} for key in values}
        for s in rows:
            for key, of in values.items():
                if kept(s, skip=key):
                    for value in of(s):
                        if value:
                            naive[key][value] = naive[key].get(value, 0) + 1
        got = {f.key: {v.key: v.count for v in f.values if v.count} for f in page.facets}
        got["inclusion"] = {
            k: v for k, v in got.get("inclusion", {}).items() if k in taxonomy.INCLUSION_KINDS
        }
        got["badge"] = {k: v for k, v in got.get("badge", {}).items() if k == "test_naive_badge"}
        assert page.total == sum(1 for s in rows if kept(s)) == len(page.structures)
        assert {key: got.get(key, {}) for key in naive} == naive
        assert page.total and any(naive.values())  # the combination finds something to count
    finally:
        registry.structure_badges.pop("test_naive_badge")


# --- « autour de » an address ------------------------------------------------------------------------------


class FakeBAN(BaseHTTPRequestHandler):
    answers: dict = {}
    hits: list = []

    def do_GET(self):  # noqa: N802
        q = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
        FakeBAN.hits.append(q)
        body = json.dumps(self.answers.get(q, {"type": "FeatureCollection", "features": []})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def feature(lon, lat, label, score=0.9):
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"label": label, "score": score},
            }
        ],
    }


@pytest.fixture
def ban(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeBAN)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MAILLAGE_GEOCODER_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MAILLAGE_HTTP_ALLOW_LOOPBACK = True
    settings.MAILLAGE_GEOCODER_RATE = 1000
    FakeBAN.hits = []
    FakeBAN.answers = {
        "12 avenue de Cannes, Mouans-Sartoux": feature(
            6.972, 43.619, "12 Avenue de Cannes 06370 Mouans-Sartoux"
        ),
        "1 rue de Rivoli, Paris": feature(2.35, 48.86, "1 Rue de Rivoli 75001 Paris"),
        "quelque part": feature(6.95, 43.63, "Alpes-Maritimes", score=0.2),
    }
    yield server
    server.shutdown()


def test_around_an_address(territory, many, ban, client):
    params = {"adresse": "12 avenue de Cannes, Mouans-Sartoux", "rayon": "5"}
    filters = directory.parse_filters(params, territory)
    assert not filters.errors and filters.near_point.label.startswith("12 Avenue de Cannes")
    page = directory.run(filters, territory, page_size=200)
    assert page.sort == "distance" and page.total == sql_answer(filters, territory)["total"] > 0
    assert all(s.distance_km <= 5 for s in page.structures)
    html = client.get("/structures/", params).content.decode()
    assert "à 5 km de 12 Avenue de Cannes 06370 Mouans-Sartoux" in html
    # the same address again (any spelling of its spaces): answered from the cache, not the BAN
    directory.parse_filters({"adresse": "12 avenue de Cannes,  Mouans-Sartoux"}, territory)
    assert ban and FakeBAN.hits == ["12 avenue de Cannes, Mouans-Sartoux"]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("1 rue de Rivoli, Paris", "en dehors du territoire"),
        ("chemin inconnu", "introuvable"),
        ("quelque part", "trop imprécise"),
    ],
)
def test_an_address_that_cannot_be_used_is_explained(territory, many, ban, client, address, message):
    filters = directory.parse_filters({"adresse": address}, territory)
    assert filters.near_point is None and message in " ".join(filters.errors)
    assert directory.run(filters, territory).total == 119  # nothing filtered by a bad « autour de »
    response = client.get("/api/v1/structures", {"adresse": address})
    assert response.status_code == 400 and message in response.json()["detail"]


def test_address_lookups_are_rate_limited_per_client(territory, ban, settings):
    for n in range(directory.ADDRESS_LOOKUPS_PER_HOUR):
        directory.parse_filters({"adresse": f"{n} rue inconnue"}, territory, client_key="203.0.113.9")
    limited = directory.parse_filters({"adresse": "encore une"}, territory, client_key="203.0.113.9")
    assert "Trop de recherches" in " ".join(limited.errors)
    assert "encore une" not in FakeBAN.hits
    other = directory.parse_filters({"adresse": "encore une"}, territory, client_key="198.51.100.1")
    assert "Trop de recherches" not in " ".join(other.errors)


def test_geocoder_down_is_not_remembered(territory, many, ban, settings):
    working = settings.MAILLAGE_GEOCODER_URL
    settings.MAILLAGE_GEOCODER_URL = "http://127.0.0.1:9"
    address = {"adresse": "12 avenue de Cannes, Mouans-Sartoux"}
    filters = directory.parse_filters(address, territory)
    assert filters.near_point is None and "ne répond pas" in " ".join(filters.errors)
    settings.MAILLAGE_GEOCODER_URL = working  # back up: the address is looked up again, and found
    assert directory.parse_filters(address, territory).near_point is not None


@pytest.mark.django_db(transaction=True)
def test_the_first_search_after_a_write_sees_it(territory, animator, communes):
    def create(name):
        return services.create_structure(
            actor=animator,
            territory=territory,
            data={"name": name, "family": "association", "commune": "06069"},
            sectors=[],
        )

    create("Première")
    assert directory.run(directory.parse_filters({}, territory), territory).total == 1
    create("Deuxième")  # committed: the next search, in any process, reads the new version
    names = [s.name for s in directory.run(directory.parse_filters({}, territory), territory).structures]
    assert names == ["Deuxième", "Première"]


def test_a_busy_geocoder_never_makes_a_web_request_wait(territory, many, ban, settings, client):
    settings.MAILLAGE_GEOCODER_RATE = 0.02  # one request every 50 s: the budget is spent after one lookup
    first = directory.parse_filters({"adresse": "12 avenue de Cannes, Mouans-Sartoux"}, territory)
    assert first.near_point is not None and not first.near_point.approximate
    # another address in a commune of the territory: its commune's centre, at once, and the page says so
    params = {"adresse": "3 chemin des Oliviers, Mouans-Sartoux", "rayon": "5"}
    busy = directory.parse_filters(params, territory)
    assert busy.near_point.label == "Mouans-Sartoux" and busy.near_point.approximate
    assert busy.near_point.latitude == pytest.approx(43.620)
    assert FakeBAN.hits == ["12 avenue de Cannes, Mouans-Sartoux"]  # nobody waited for the budget
    html = client.get("/structures/", params).content.decode()
    assert "très demandé" in html and "centre de Mouans-Sartoux" in html
    # no commune to fall back on: a French message, nothing filtered
    lost = directory.parse_filters({"adresse": "3 chemin des Oliviers"}, territory)
    assert lost.near_point is None and "très demandé" in " ".join(lost.errors)
    # an address already looked up still answers from the cache
    again = directory.parse_filters({"adresse": "12 avenue de Cannes, Mouans-Sartoux"}, territory)
    assert again.near_point == first.near_point
    assert FakeBAN.hits == ["12 avenue de Cannes, Mouans-Sartoux"]
    # the geocoder client's web mode raises at once while the budget is spent
    with pytest.raises(geocoding.GeocoderBusy):
        geocoding.geocode_address("3 chemin des Oliviers", wait=False)
