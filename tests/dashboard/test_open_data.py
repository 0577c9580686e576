"""Open data: the page (licence, schema, date), the nightly files, and no personal data anywhere — every
dataset and every API list endpoint is scanned for the e-mail addresses and phone numbers of people."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.storage import default_storage

from maillage.core.actors import SYSTEM
from maillage.dashboard import services
from maillage.dashboard.models import OpenDataFile
from maillage.dashboard.opendata import DATASETS
from tests.charter.factories import SignatureFactory, adopted_version
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MembershipFactory, StructureFactory, UserFactory

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
    return structure


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


def test_no_api_list_endpoint_holds_personal_data(client, planted):
    schema = client.get("/api/v1/openapi.json").json()
    scanned = 0
    for path, operations in schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        response = client.get(path)
        if response.status_code != 200:
            continue
        assert_no_person(response.content.decode(), path)
        scanned += 1
    assert scanned >= 5  # structures, practices, events, charter, plan…


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
