"""API keys issued by the animation: the clear key shown once and never stored, an unknown or revoked key
refused as problem details, a key's own (higher) limit, the « Clés d'API » page and its bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from maillage.api import access, services
from maillage.api.models import ApiKey
from maillage.api.querysets import hash_key
from maillage.core.actors import SYSTEM

pytestmark = pytest.mark.django_db


def _issue(territory, **overrides):
    fields = {
        "holder_name": "Réseau des ressourceries",
        "holder_email": "contact@ressourceries.example",
        "purpose": "Carte des structures sur notre site",
    }
    fields.update(overrides)
    return services.issue_key(actor=SYSTEM, territory=territory, **fields)


def _all_text_in_database() -> str:
    """Every value of every row of the keys table, as text."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiKey._meta.db_table}")
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_the_clear_key_is_never_stored(territory):
    issued = _issue(territory)
    assert issued.clear.startswith("mlg_") and len(issued.clear) > 40
    stored = _all_text_in_database()
    assert issued.clear not in stored
    assert issued.clear[len(issued.key.prefix) :] not in stored
    key = ApiKey.objects.get()
    assert key.key_hash == hash_key(issued.clear)
    assert issued.clear.startswith(key.prefix)


def test_two_keys_never_share_a_value(territory):
    assert _issue(territory).clear != _issue(territory).clear


def test_an_unknown_key_is_a_401_problem(client, territory):
    _issue(territory)
    response = client.get("/api/v1/structures", HTTP_X_API_KEY="mlg_inventee")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] == "Authentification requise"
    assert "inconnue ou a été révoquée" in body["detail"]


def test_a_revoked_key_is_a_401_problem(client, territory):
    issued = _issue(territory)
    assert client.get("/api/v1/structures", HTTP_X_API_KEY=issued.clear).status_code == 200
    services.revoke_key(actor=SYSTEM, key=issued.key)
    response = client.get("/api/v1/structures", HTTP_X_API_KEY=issued.clear)
    assert response.status_code == 401
    assert response.json()["status"] == 401
    with pytest.raises(ValidationError, match="déjà révoquée"):
        services.revoke_key(actor=SYSTEM, key=issued.key)


def test_a_key_of_another_territory_is_refused(client, territory, other_territory):
    issued = _issue(other_territory)
    assert client.get("/api/v1/structures", HTTP_X_API_KEY=issued.clear).status_code == 401


def test_a_key_raises_the_limit_to_its_own(client, territory, monkeypatch, settings):
    settings.MAILLAGE_API_ANONYMOUS_LIMIT = 2
    issued = _issue(territory, hourly_limit=600)
    for _ in range(2):
        assert client.get("/api/v1/structures").status_code == 200
    assert client.get("/api/v1/structures").status_code == 429
    for _ in range(5):
        assert client.get("/api/v1/structures", HTTP_X_API_KEY=issued.clear).status_code == 200
    ApiKey.objects.filter(pk=issued.key.pk).update(hourly_limit=6)  # its own limit, lowered for the test
    assert client.get("/api/v1/structures", HTTP_X_API_KEY=issued.clear).status_code == 200
    refused = client.get("/api/v1/structures", HTTP_X_API_KEY=issued.clear)
    assert refused.status_code == 429
    assert refused.json()["detail"] == "Plus de 6 requêtes en une heure avec cette clé."


def test_use_is_recorded(client, territory):
    issued = _issue(territory)
    assert ApiKey.objects.get().last_used_at is None
    client.get("/api/v1/structures", HTTP_X_API_KEY=issued.clear)
    assert ApiKey.objects.get().last_used_at is not None


def test_an_operator_key_from_the_settings_still_reads(client, territory, settings):
    settings.MAILLAGE_API_KEYS = {hash_key("cle-de-l-exploitant-0123456789"): "Supervision"}
    ok = client.get("/api/v1/structures", HTTP_X_API_KEY="cle-de-l-exploitant-0123456789")
    assert ok.status_code == 200
    assert access.operator_key_holder("cle-de-l-exploitant-0123456789") == "Supervision"


def test_only_the_animation_issues_keys(territory, member, animator_other):
    for person in (member, animator_other):
        with pytest.raises(PermissionDenied):
            services.issue_key(
                actor=person, territory=territory, holder_name="X", holder_email="x@example.org", purpose="Y"
            )
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"holder_name": "  "}, "Le nom du titulaire est obligatoire."),
        ({"holder_email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"hourly_limit": 10}, "La limite doit être un nombre entre 600"),
    ],
)
def test_bad_input_changes_nothing(territory, overrides, message):
    with pytest.raises(ValidationError, match=message):
        _issue(territory, **overrides)
    assert not ApiKey.objects.exists()


# --- the « Clés d'API » page ---------------------------------------------------------------------------


FORM = {
    "holder_name": "Réseau des ressourceries",
    "holder_email": "contact@ressourceries.example",
    "purpose": "Carte des structures sur notre site",
    "hourly_limit": "6000",
}


def test_the_animator_issues_a_key_shown_once(client, territory, animator):
    client.force_login(animator)
    page = client.post("/api/cles/", FORM)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    key = ApiKey.objects.get()
    html = page.content.decode()
    assert "elle ne sera plus jamais affichée" in html
    clear = html.split('id="cle-en-clair" value="', 1)[1].split('"', 1)[0]
    assert hash_key(clear) == key.key_hash
    again = client.get("/api/cles/").content.decode()
    assert clear not in again and f"{key.prefix}…" in again
    assert client.get("/api/v1/structures", HTTP_X_API_KEY=clear).status_code == 200


def test_the_page_answers_bad_input_in_french(client, territory, animator):
    client.force_login(animator)
    page = client.post("/api/cles/", {**FORM, "holder_email": "pas-une-adresse", "hourly_limit": "5"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Saisissez une adresse électronique valide" in html
    assert "La limite doit être au moins 600." in html
    assert not ApiKey.objects.exists()


def test_the_animator_revokes_a_key(client, territory, animator):
    issued = _issue(territory)
    client.force_login(animator)
    page = client.post(f"/api/cles/{issued.key.pk}/revoquer/", follow=True)
    assert "est révoquée" in page.content.decode()
    assert ApiKey.objects.get().revoked_at is not None
    again = client.post(f"/api/cles/{issued.key.pk}/revoquer/", follow=True)
    assert "déjà révoquée" in again.content.decode()


def test_nobody_else_sees_or_revokes_keys(client, territory, other_territory, member, animator_other):
    issued = _issue(territory)
    for person in (member, animator_other):
        client.force_login(person)
        assert client.get("/api/cles/").status_code == 403
        assert client.post(f"/api/cles/{issued.key.pk}/revoquer/").status_code == 403
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at is None


def test_an_animator_does_not_reach_another_territorys_key(client, territory, other_territory, animator):
    neighbour = _issue(other_territory)
    client.force_login(animator)
    assert neighbour.key.prefix not in client.get("/api/cles/").content.decode()
    assert client.post(f"/api/cles/{neighbour.key.pk}/revoquer/").status_code == 404
    assert ApiKey.objects.get(pk=neighbour.key.pk).revoked_at is None


def test_erasing_a_person_removes_their_address_and_revokes(territory, animator):
    issued = services.issue_key(
        actor=animator,
        territory=territory,
        holder_name="Animatrice",
        holder_email=animator.email,
        purpose="Essais",
    )
    services.erase_person(animator)
    key = ApiKey.objects.get(pk=issued.key.pk)
    assert key.holder_email == "" and key.revoked_at is not None and key.created_by is None
    assert animator.email not in _all_text_in_database()
