"""The directory: structures' validation, self-service and moderation, search and map, exports, contact,
geocoding against a fake local BAN server."""

from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import jsonschema
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from maillage.actors import directory, exports, geocoding, services, tasks, taxonomy
from maillage.actors.models import (
    EditProposal,
    ManagementRequest,
    Membership,
    Structure,
    StructureTransition,
)
from maillage.core.actors import SYSTEM
from maillage.core.registry import StructureBadge, registry
from tests.factories import CommuneFactory, UserFactory

SCHEMA = json.loads((Path(__file__).parent / "data" / "data-inclusion-v1-structure.json").read_text())
VALID_SIRET = "73282932000074"  # a public example with a correct Luhn key


@pytest.fixture
def mouans(territory):
    commune = CommuneFactory(insee_code="06084", name="Mouans-Sartoux", latitude=43.620, longitude=6.971)
    territory.communes.add(commune)
    return commune


def make(territory, animator=None, **data):
    data.setdefault("family", "association")
    sectors = data.pop("sectors", [])
    return services.create_structure(
        actor=animator or SYSTEM, territory=territory, data=data, sectors=sectors
    )


# --- identifiers -------------------------------------------------------------------------------------


def test_identifiers_are_validated():
    assert taxonomy.clean_siret("732 829 320 00074") == VALID_SIRET
    with pytest.raises(ValidationError, match="SIRET"):
        taxonomy.clean_siret("73282932000075")
    assert taxonomy.clean_rna("w061234567") == "W061234567"
    with pytest.raises(ValidationError, match="RNA"):
        taxonomy.clean_rna("W06123")
    assert taxonomy.legal_form_label("9220") == "Association déclarée"
    assert taxonomy.sectors_for_naf("88.10A") == ["services_personne"]
    assert taxonomy.family_for_legal_form("5458") == "cooperative"


def test_bad_input_changes_nothing(territory):
    with pytest.raises(ValidationError) as exc:
        make(territory, name="X", siret="123", commune="99999")
    assert {"siret", "commune"} <= set(exc.value.message_dict)
    assert not Structure.objects.filter(name="X").exists()


# --- self-service and moderation -----------------------------------------------------------------------


def test_self_service_creation_is_pending_and_managed(territory, animator):
    person = UserFactory()
    structure = services.create_structure(
        actor=person, territory=territory, data={"name": "Le Jardin partagé", "rna": "W061234567"}
    )
    assert structure.status == Structure.Status.PENDING
    assert Membership.objects.get(user=person, structure=structure).role == "manager"
    assert StructureTransition.objects.get(structure=structure).to_state == "pending"
    with pytest.raises(services.DuplicateStructure):
        services.create_structure(
            actor=UserFactory(), territory=territory, data={"name": "Doublon", "rna": "W061234567"}
        )


def test_transitions_follow_the_table_and_are_logged(territory, animator, manager, structure):
    pending = make(territory, name="En attente")
    Structure.objects.filter(pk=pending.pk).update(status="pending")
    pending.refresh_from_db()
    with pytest.raises(ValidationError, match="motif"):
        services.transition_structure(actor=animator, structure=pending, to_status="refused")
    services.transition_structure(actor=animator, structure=pending, to_status="published")
    with pytest.raises(ValidationError, match="Impossible"):
        services.transition_structure(actor=animator, structure=pending, to_status="refused", reason="non")
    log = list(pending.transitions.values_list("from_state", "to_state"))
    assert log[-1] == ("pending", "published")
    with pytest.raises(Exception):  # noqa: B017
        services.transition_structure(actor=manager, structure=structure, to_status="archived")


def test_refusal_reason_is_mailed(territory, animator, django_capture_on_commit_callbacks):
    person = UserFactory(email="porteuse@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        structure = services.create_structure(actor=person, territory=territory, data={"name": "Projet"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_structure(
            actor=animator, structure=structure, to_status="refused", reason="Hors territoire"
        )
    assert mail.outbox[0].to == ["porteuse@example.org"]
    assert "Hors territoire" in mail.outbox[0].body


def test_manager_edits_wait_for_moderation_when_the_territory_says_so(
    territory, animator, manager, structure
):
    territory.settings = {"moderate_manager_edits": True}
    territory.save()
    outcome = services.update_structure(actor=manager, structure=structure, data={"name": "Nouveau nom"})
    assert isinstance(outcome, EditProposal)
    structure.refresh_from_db()
    assert structure.name == "La Ressourcerie du Pays de Grasse"
    assert outcome.changes["name"] == ["La Ressourcerie du Pays de Grasse", "Nouveau nom"]
    services.decide_edit_proposal(actor=animator, proposal=outcome, accept=True)
    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"
    assert structure.provenance["name"]["source"] == "manager"


def test_manager_edits_go_live_by_default(territory, manager, structure):
    services.update_structure(
        actor=manager, structure=structure, data={"name": "Direct"}, sectors=["reemploi"]
    )
    structure.refresh_from_db()
    assert structure.name == "Direct" and structure.sector_keys == ["reemploi"]


def test_management_request(territory, manager, structure, client, django_capture_on_commit_callbacks):
    person = UserFactory()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/structures/{structure.slug}/demander-la-gestion/", {"message": "Je suis trésorière"}
        )
    assert response.status_code == 302
    request = ManagementRequest.objects.get(user=person)
    assert mail.outbox[-1].to == ["gestionnaire@example.org"]
    assert person.email not in mail.outbox[-1].body
    services.decide_management_request(actor=manager, request=request, accept=True)
    assert Membership.objects.get(user=person, structure=structure).role == "manager"


def test_moderation_queue_shows_diffs(territory, animator, manager, structure, client):
    territory.settings = {"moderate_manager_edits": True}
    territory.save()
    services.update_structure(
        actor=manager, structure=structure, data={"website": "https://ressourcerie.example"}
    )
    client.force_login(animator)
    response = client.get("/structures/moderation/")
    assert "https://ressourcerie.example" in response.content.decode()


def test_error_report_is_rate_limited(structure, client):
    for _ in range(5):
        assert (
            client.post(
                f"/structures/{structure.slug}/signaler/", {"message": "Le téléphone est faux"}
            ).status_code
            == 302
        )
    response = client.post(f"/structures/{structure.slug}/signaler/", {"message": "Le téléphone est faux"})
    assert response.status_code == 200 and "Trop de signalements" in response.content.decode()
    assert structure.error_reports.count() == 5


# --- profile: JSON-LD, contact --------------------------------------------------------------------


def test_profile_json_ld_is_escaped_and_has_no_personal_contact(territory, animator, client):
    structure = make(
        territory,
        animator,
        name="</script><script>alert(1)</script>",
        public_email="contact@asso.example",
        contact_email="presidente@asso.example",
    )
    html = client.get(f"/structures/{structure.slug}/").content.decode()
    assert "<script>alert(1)" not in html
    assert 'type="application/ld+json"' in html
    assert "presidente@asso.example" not in html
    assert "contact@asso.example" not in html


def test_contact_form_reaches_the_structure_without_showing_its_address(
    territory, animator, client, django_capture_on_commit_callbacks
):
    structure = make(territory, animator, name="Atelier vélo", public_email="bonjour@velo.example")
    page = client.get(f"/structures/{structure.slug}/").content.decode()
    assert "bonjour@velo.example" not in page
    data = {"name": "Camille", "email": "camille@example.org", "message": "Ouvrez-vous le samedi ?"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/structures/{structure.slug}/contact/", data).status_code == 302
    assert mail.outbox[-1].to == ["bonjour@velo.example"]
    assert mail.outbox[-1].reply_to == ["camille@example.org"]
    for _ in range(4):
        client.post(f"/structures/{structure.slug}/contact/", data)
    assert client.post(f"/structures/{structure.slug}/contact/", data).status_code == 429


# --- search and map ------------------------------------------------------------------------------------


@pytest.fixture
def corpus(territory, animator, mouans):
    return [
        make(
            territory,
            animator,
            name="La Ressourcerie du Pays de Grasse",
            commune="06069",
            sectors=["reemploi"],
            inclusion_kind="ACI",
            description="Réemploi et réparation d'objets.",
        ),
        make(
            territory,
            animator,
            name="Les Jardins de la Siagne",
            commune="06084",
            sectors=["alimentation"],
            inclusion_kind="ACI",
            esus=True,
            description="Maraîchage biologique en insertion.",
        ),
        make(
            territory,
            animator,
            name="Scop Bâtir ensemble",
            family="cooperative",
            commune="06069",
            sectors=["batiment"],
            inclusion_kind="EI",
        ),
        make(territory, animator, name="Mutuelle des collines", family="mutuelle", commune="06084"),
    ]


def test_search_text_facets_and_sorts(territory, corpus, client):
    response = client.get("/structures/", {"q": "activites reemploi"})
    assert response.status_code == 200
    filters = directory.parse_filters({"q": "ressourcerie"}, territory)
    page = directory.run(filters, territory)
    assert [s.name for s in page.structures] == ["La Ressourcerie du Pays de Grasse"]
    filters = directory.parse_filters({"inclusion": ["iae"]}, territory)
    page = directory.run(filters, territory)
    assert page.total == 3
    family = next(f for f in page.facets if f.key == "famille")
    # disjunctive: the family facet counts ignore no other filter but still apply the IAE one
    assert {v.key: v.count for v in family.values} == {"association": 2, "cooperative": 1}
    inclusion = next(f for f in page.facets if f.key == "inclusion")
    assert {v.key: v.count for v in inclusion.values}["ACI"] == 2
    html = client.get("/structures/", {"famille": "mutuelle"}).content.decode()
    assert "Mutuelle des collines" in html and "Scop Bâtir" not in html


def test_around_a_commune_with_radius_and_distance_sort(territory, corpus):
    Structure.objects.filter(commune__insee_code="06069").update(latitude=43.658, longitude=6.925)
    Structure.objects.filter(commune__insee_code="06084").update(latitude=43.620, longitude=6.971)
    services.directory_changed(territory.pk)  # a raw write: the services would have said so
    page = directory.run(
        directory.parse_filters({"autour": "06084", "rayon": "2"}, territory),
        territory,
    )
    assert {s.commune.insee_code for s in page.structures} == {"06084"}
    page = directory.run(
        directory.parse_filters({"autour": "06084", "rayon": "10"}, territory),
        territory,
    )
    assert page.sort == "distance" and page.total == 4
    assert page.structures[0].commune.insee_code == "06084"
    assert page.structures[-1].distance_km == pytest.approx(5.6, abs=0.5)
    bad = directory.parse_filters({"autour": "75056"}, territory)
    assert bad.errors


def test_markers_by_bounding_box(territory, corpus, client):
    Structure.objects.update(latitude=43.658, longitude=6.925)
    data = client.get(
        "/structures/carte.json", {"bbox": "6.9,43.6,7.0,43.7", "famille": "association"}
    ).json()
    assert data["count"] == 2 and {"s", "n", "lat", "lon", "f"} <= set(data["markers"][0])
    assert client.get("/structures/carte.json", {"bbox": "6.9,43.6,7.0,43.7"}).json()["count"] == 4
    assert client.get("/structures/carte.json", {"bbox": "1,2,3,4"}).json()["count"] == 0
    assert client.get("/structures/carte.json", {"bbox": "nope"}).status_code == 400


def test_badge_provider_facet(territory, corpus, client):
    chosen = corpus[1]
    badge = StructureBadge(
        key="test_badge", label="Signataire de la charte", structure_ids=lambda t: [chosen.pk]
    )
    registry.add_structure_badge(badge)
    try:
        html = client.get("/structures/", {"badge": "test_badge"}).content.decode()
        assert "Les Jardins de la Siagne" in html and "Scop Bâtir" not in html
        assert "Signataire de la charte" in client.get(f"/structures/{chosen.slug}/").content.decode()
    finally:
        registry.structure_badges.pop("test_badge")


# --- exports -----------------------------------------------------------------------------------------


def test_exports_of_the_current_search(territory, corpus, client):
    Structure.objects.filter(pk=corpus[0].pk).update(
        contact_email="secret@example.org", public_email="=cmd@x.fr"
    )
    response = client.get("/structures/export.csv", {"famille": "association"})
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 3 and "secret@example.org" not in body and "'=cmd@x.fr" in body
    geo = json.loads(client.get("/structures/export.geojson").content)
    assert geo["type"] == "FeatureCollection"
    assert client.get("/structures/export.xlsx").status_code == 200


def test_data_inclusion_export_is_valid(territory, corpus, client):
    Structure.objects.filter(pk=corpus[0].pk).update(
        siret=VALID_SIRET,
        website="https://ressourcerie.example",
        postal_code="06130",
        latitude=43.6,
        longitude=6.9,
    )
    data = json.loads(client.get("/structures/export.data-inclusion").content)
    assert len(data) == 4
    for item in data:
        jsonschema.validate(item, SCHEMA, format_checker=jsonschema.FormatChecker())


def test_json_ld_fields(territory, animator):
    s = make(territory, animator, name="Asso", rna="W061234567", public_email="a@b.fr")
    data = exports.json_ld(s)
    assert "email" not in data
    assert data["@type"] == "NGO" and data["identifier"]["value"] == "W061234567"


# --- practices -----------------------------------------------------------------------------------------


def test_practices(territory, manager, structure, client):
    client.force_login(manager)
    response = client.post(
        f"/structures/{structure.slug}/pratiques/nouvelle/",
        {
            "title": "Un conseil ouvert aux salariés",
            "themes": ["gouvernance"],
            "body": "**Oui**",
        },
    )
    assert response.status_code == 302
    client.logout()
    html = client.get("/structures/pratiques/", {"theme": "gouvernance"}).content.decode()
    assert "Un conseil ouvert aux salariés" in html
    assert (
        client.get("/structures/pratiques/", {"q": "salaries"}).content.decode().count("card-practice") == 1
    )
    assert client.post(f"/structures/{structure.slug}/pratiques/nouvelle/", {"title": "x"}).status_code == 302


# --- geocoding against a fake BAN ----------------------------------------------------------------------


class FakeBAN(BaseHTTPRequestHandler):
    answers: dict[str, dict] = {}

    def do_GET(self):  # noqa: N802
        from urllib.parse import parse_qs, urlsplit

        q = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
        body = json.dumps(self.answers.get(q, {"type": "FeatureCollection", "features": []})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_ban(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeBAN)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MAILLAGE_GEOCODER_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MAILLAGE_HTTP_ALLOW_LOOPBACK = True
    settings.MAILLAGE_GEOCODER_RATE = 1000
    FakeBAN.answers = {
        "57 avenue Pierre Sémard": {
            "type": "FeatureCollection",
            "features": [
                {
                    "geometry": {"type": "Point", "coordinates": [6.9251, 43.6512]},
                    "properties": {
                        "label": "57 Avenue Pierre Sémard 06130 Grasse",
                        "score": 0.93,
                        "citycode": "06069",
                    },
                }
            ],
        }
    }
    yield server
    server.shutdown()


def test_geocoding_with_the_ban_and_fallback(
    territory, animator, fake_ban, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        found = make(territory, animator, name="Trouvée", commune="06069", address="57 avenue Pierre Sémard")
    found.refresh_from_db()
    assert found.geocoding == "address" and found.latitude == pytest.approx(43.6512)
    with django_capture_on_commit_callbacks(execute=True):
        lost = make(territory, animator, name="Perdue", commune="06069", address="Chemin introuvable")
    lost.refresh_from_db()
    assert lost.geocoding == "commune" and lost.latitude == pytest.approx(43.658)
    with pytest.raises(geocoding.GeocodingError, match="introuvable"):
        geocoding.geocode_address("Chemin introuvable", citycode="06069")


def test_geocoding_offline_falls_back(territory, animator, settings):
    settings.MAILLAGE_GEOCODER_URL = "http://127.0.0.1:9"
    settings.MAILLAGE_HTTP_ALLOW_LOOPBACK = True
    structure = make(territory, animator, name="Hors ligne", commune="06069", address="1 rue X")
    assert tasks.locate_structure(structure.pk) == "commune"


def test_api_list_with_filters_and_detail(territory, corpus, client):
    data = client.get("/api/v1/structures", {"famille": "cooperative"}).json()
    assert data["count"] == 1 and data["items"][0]["name"] == "Scop Bâtir ensemble"
    assert any(f["key"] == "famille" for f in data["facets"])
    data = client.get("/api/v1/structures", {"q": "maraichage"}).json()
    assert [i["name"] for i in data["items"]] == ["Les Jardins de la Siagne"]
    detail = client.get(f"/api/v1/structures/{corpus[0].slug}").json()
    assert detail["sectors"] == ["reemploi"] and "contact_email" not in detail
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/structures"]["get"]["parameters"]}
    assert {"q", "famille", "autour", "rayon"} <= params


def test_personal_contact_is_exported_and_erased(territory, animator):
    from maillage.actors import personal_data

    person = UserFactory(email="presidente@asso.example")
    structure = make(
        territory, animator, name="Asso", contact_name="Paule", contact_email="presidente@asso.example"
    )
    services.request_management(
        actor=person, structure=make(territory, animator, name="Autre"), message="moi"
    )
    exported = personal_data.export_memberships(person)
    assert exported["structures_dont_vous_etes_la_personne_a_contacter"][0]["structure"] == "Asso"
    assert exported["demandes_de_gestion"][0]["message"] == "moi"
    personal_data.erase_memberships(person)
    structure.refresh_from_db()
    assert structure.contact_email == "" and not ManagementRequest.objects.filter(user=person).exists()
    assert not structure.history.filter(contact_email="presidente@asso.example").exists()


def test_typo_tolerance(territory, corpus):
    # on both databases: the word is corrected against the territory's vocabulary, not matched on the rows
    page = directory.run(directory.parse_filters({"q": "resourcerie"}, territory), territory)
    assert [s.name for s in page.structures] == ["La Ressourcerie du Pays de Grasse"]
