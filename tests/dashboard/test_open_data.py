"""Open data: the page (licence, schema, date), the nightly files, and no personal data anywhere — every
dataset and every API list endpoint is scanned for the e-mail addresses and phone numbers of people."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from maillage.awards.models import Category, Edition, Nomination
from maillage.calls.models import Application, Call, Grant
from maillage.core.actors import SYSTEM
from maillage.dashboard import services
from maillage.dashboard.models import OpenDataFile
from maillage.dashboard.opendata import DATASETS
from maillage.needs.models import Need
from maillage.training.models import CollectiveSession, Theme
from tests.charter.factories import SignatureFactory, adopted_version
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MembershipFactory, StructureFactory, UserFactory
from tests.needs.factories import need
from tests.training.factories import open_census

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}")
PUBLIC_STRUCTURE_ADDRESS = "contact@ressourcerie.example"
PEOPLE = [
    "camille.secrete@exemple.fr",
    "06 11 22 33 44",
    "0611223344",
    "dominique.inscrite@exemple.fr",
    "gestionnaire.privee@exemple.fr",
]


@pytest.fixture
def planted(territory):
    grasse = territory.communes.get()
    structure = StructureFactory(
        territory=territory,
        name="Ressourcerie",
        commune=grasse,
        latitude=43.65,
        longitude=6.92,
        contact_name="Camille Secrète",
        contact_email="camille.secrete@exemple.fr",
        contact_phone="06 11 22 33 44",
        public_email=PUBLIC_STRUCTURE_ADDRESS,
    )
    MembershipFactory(user=UserFactory(email="gestionnaire.privee@exemple.fr"), structure=structure)
    event = EventFactory(territory=territory, title="Forum", commune=grasse)
    RegistrationFactory(event=event, name="Dominique", email="dominique.inscrite@exemple.fr")
    version = adopted_version(territory)
    SignatureFactory(version=version, structure=structure, signer_name="Camille Secrète")
    _plant_in_modules(territory, structure, grasse)
    return structure


def _plant_in_modules(territory, structure, commune):
    """The people the other modules keep: who reported a need, an applicant's contact, who proposed a
    nominee, a trainer — none of them may reach an endpoint."""
    reported = need(territory, title="Pas de bus le dimanche", communes=[commune])
    Need.objects.filter(pk=reported.pk).update(
        reporter_email="camille.secrete@exemple.fr",
        reporter_name="Camille Secrète",
        evidence="06 11 22 33 44",
    )
    call = Call.objects.create(territory=territory, year=2026, title="Appel 2026", status="decided")
    application = Application.objects.create(
        call=call, structure=structure, title="Ressourcerie mobile", status="selected"
    )
    Grant.objects.create(application=application, amount=Decimal(5000), convention_on=dt.date(2026, 6, 1))
    edition = Edition.objects.create(territory=territory, year=2026, title="Trophée 2026", status="published")
    category = Category.objects.create(edition=edition, name="Transition")
    Nomination.objects.create(
        category=category,
        structure=structure,
        initiative="Réemploi",
        status="accepted",
        prize="jury",
        proposed_by=UserFactory(email="dominique.inscrite@exemple.fr"),
    )
    event = EventFactory(territory=territory, title="Atelier comptable", commune=commune, kind="training")
    CollectiveSession.objects.create(
        theme=Theme.objects.create(census=open_census(territory), name="Comptabilité"),
        event=event,
        trainer="Camille Secrète, 0611223344",
        priority_until=event.start,
    )


def assert_no_person(body: str, where: str) -> None:
    for value in PEOPLE:
        assert value not in body, f"{where} contient {value!r}"
    for found in EMAIL.findall(body):
        assert found == PUBLIC_STRUCTURE_ADDRESS or found.endswith(("etalab.gouv.fr", "example.com")), (
            f"{where} contient l'adresse {found!r}"
        )
    assert not PHONE.search(body), f"{where} contient un numéro de téléphone : {PHONE.search(body).group()!r}"


def test_no_dataset_holds_personal_data(client, planted):
    page = client.get("/donnees-ouvertes/")
    assert page.status_code == 200
    for key, dataset in DATASETS.items():
        for fmt in dataset.formats:
            response = client.get(f"/donnees-ouvertes/{key}.{fmt}")
            assert response.status_code == 200, (key, fmt)
            body = b"".join(response.streaming_content).decode("utf-8-sig")
            assert_no_person(body, f"{key}.{fmt}")
    for key in ("familles", "communes", "emplois", "indicateurs", "signataires", "rendez-vous"):
        assert_no_person(client.get(f"/chiffres/{key}.csv").content.decode("utf-8-sig"), f"chiffres {key}")


PARAMETER = re.compile(r"\{(\w+)\}")
FIELD_OF = {"need_id": "id"}  # a path parameter named otherwise than the list's field that gives it


def _rows(body):
    return body if isinstance(body, list) else body.get("items", [])


def _concrete(client, path: str) -> list[str]:
    """The addresses of a GET route of the schema: itself, or each value its parameters take in the list
    above it (`/appels/{year}/laureats` for every year `/appels` gives)."""
    found = PARAMETER.search(path)
    if found is None:
        return [path]
    above = path[: found.start()].rstrip("/")
    response = client.get(above, {"taille": 200})
    assert response.status_code == 200, f"{above} (la liste qui donne « {found.group(1)} » de {path})"
    values = {str(row[FIELD_OF.get(found.group(1), found.group(1))]) for row in _rows(response.json())}
    return [
        concrete
        for value in sorted(values)
        for concrete in _concrete(client, path[: found.start()] + value + path[found.end() :])
    ]


def test_no_api_endpoint_holds_personal_data(client, planted):
    """Every GET route of the OpenAPI schema, each list walked to its end, each detail for every row."""
    schema = client.get("/api/v1/openapi.json").json()
    scanned: set[str] = set()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        for url in _concrete(client, path):
            params: dict = {"taille": 2}
            while True:
                response = client.get(url, params)
                assert response.status_code in (200, 404), (url, response.status_code)  # 404: no contract
                assert_no_person(response.content.decode(), url)
                body = response.json() if response.status_code == 200 else {}
                token = response.headers.get("X-Next-Cursor") or (
                    body.get("next_cursor") if isinstance(body, dict) else None
                )
                if not token:
                    break
                params["curseur"] = token
            scanned.add(path)
    for reached in ("besoins/{need_id}", "appels/{year}/laureats", "trophees/{year}/laureats", "formations"):
        assert f"/api/v1/{reached}" in scanned
    unparametrised = {p for p, ops in schema["paths"].items() if "get" in ops and "{" not in p}
    assert unparametrised <= scanned  # (a detail route is reached when its list has a row here)


def test_the_page_states_licence_schema_and_date(client, planted):
    html = client.get("/donnees-ouvertes/").content.decode()
    assert "Licence Ouverte / Open Licence version 2.0" in html
    assert "Mise à jour" in html and "pas encore générés" not in html
    assert "/donnees-ouvertes/structures.schema.json" in html
    assert "Télécharger « Structures de l&#x27;ESS du territoire » (GEOJSON)" in html
    schema = client.get("/donnees-ouvertes/structures.schema.json").json()
    assert [f["name"] for f in schema["fields"]][:3] == ["nom", "siret", "rna"]
    names = " ".join(f["name"] for f in schema["fields"])
    assert "contact" not in names and "courriel" not in names and "telephone" not in names


def test_files_are_rebuilt_nightly_with_their_counts(client, territory, planted):
    written = services.build_open_data(actor=SYSTEM)
    assert written == 7
    csv_file = OpenDataFile.objects.get(territory=territory, dataset="structures", fmt="csv")
    assert csv_file.rows == 1
    StructureFactory(territory=territory, name="Nouvelle coopérative")
    services.build_open_data(actor=SYSTEM, territory=territory)
    csv_file.refresh_from_db()
    assert csv_file.rows == 2
    assert "Nouvelle coopérative" in default_storage.open(csv_file.path).read().decode("utf-8-sig")
    geo = json.loads(b"".join(client.get("/donnees-ouvertes/structures.geojson").streaming_content))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 1  # the other has no position


def test_unknown_dataset_or_format(client, territory):
    assert client.get("/donnees-ouvertes/inconnu.csv").status_code == 404
    assert client.get("/donnees-ouvertes/rendez-vous.geojson").status_code == 404
    assert client.get("/donnees-ouvertes/inconnu.schema.json").status_code == 404


def test_each_territory_gets_its_own_files(client, territory, other_territory, planted):
    StructureFactory(territory=other_territory, name="Voisine solidaire")
    ours = b"".join(client.get("/donnees-ouvertes/structures.csv").streaming_content).decode("utf-8-sig")
    theirs = b"".join(
        client.get("/donnees-ouvertes/structures.csv", HTTP_HOST="autre.testserver").streaming_content
    ).decode("utf-8-sig")
    assert "Ressourcerie" in ours and "Voisine" not in ours
    assert "Voisine solidaire" in theirs and "Ressourcerie" not in theirs
