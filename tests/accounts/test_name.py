"""The person's name: asked at sign-up (first and last name), edited in « Mon espace », exported with the
personal data and erased with the account."""

from __future__ import annotations

import json

import pytest

from maillage.accounts import services
from maillage.accounts.models import User
from tests.accounts.test_erasure import whole_database_text
from tests.factories import UserFactory

EMAIL = "camille.nouvelle@example.org"
PASSWORD = "Un-mot-de-passe-solide-2024"


def sign_up(client, django_capture_on_commit_callbacks, **extra):
    data = {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD, **extra}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/compte/signup/", data)


def test_the_sign_up_page_asks_for_first_and_last_name_before_the_address(client, territory):
    html = client.get("/compte/signup/").content.decode()
    first, last, email = (html.index(f'name="{name}"') for name in ("first_name", "last_name", "email"))
    assert first < last < email
    assert 'autocomplete="given-name"' in html and 'autocomplete="family-name"' in html
    assert "Prénom" in html
    assert "Votre nom est montré aux membres" in html  # the personal-data notice mentions the name


def test_sign_up_stores_the_name(client, territory, django_capture_on_commit_callbacks):
    response = sign_up(
        client, django_capture_on_commit_callbacks, first_name=" Camille ", last_name="Nouvelle"
    )
    assert response.status_code == 302
    user = User.objects.get(email=EMAIL)
    assert (user.first_name, user.last_name) == ("Camille", "Nouvelle")
    assert user.display_name == "Camille Nouvelle"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({"last_name": "Nouvelle"}, "Indiquez votre prénom."),
        ({"first_name": "Camille", "last_name": "   "}, "Indiquez votre nom."),
    ],
)
def test_sign_up_without_a_name_is_refused_and_creates_nothing(
    client, territory, django_capture_on_commit_callbacks, names, message
):
    response = sign_up(client, django_capture_on_commit_callbacks, **names)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()


def test_my_space_greets_the_person_and_links_to_the_name_page(client, territory):
    user = UserFactory(first_name="Camille", last_name="Nouvelle")
    client.force_login(user)
    html = client.get("/compte/mon-espace/").content.decode()
    assert "Bonjour Camille !" in html
    assert "Camille Nouvelle" in html
    assert 'href="/compte/mon-espace/mon-nom/"' in html


def test_the_name_is_edited_in_my_space(client, territory):
    user = UserFactory(first_name="Camille", last_name="Nouvelle")
    client.force_login(user)
    page = client.get("/compte/mon-espace/mon-nom/")
    assert page.status_code == 200
    assert 'value="Camille"' in page.content.decode()
    response = client.post("/compte/mon-espace/mon-nom/", {"first_name": "Camille", "last_name": "Martin"})
    assert response.status_code == 302 and response["Location"] == "/compte/mon-espace/"
    user.refresh_from_db()
    assert user.last_name == "Martin"
    assert "Votre nom a été enregistré." in client.get("/compte/mon-espace/").content.decode()


def test_a_blank_name_is_refused_and_changes_nothing(client, territory):
    user = UserFactory(first_name="Camille", last_name="Nouvelle")
    client.force_login(user)
    response = client.post("/compte/mon-espace/mon-nom/", {"first_name": "", "last_name": "Martin"})
    assert response.status_code == 400
    assert "Indiquez votre prénom." in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Camille", "Nouvelle")


def test_the_name_page_requires_login(client, territory):
    response = client.get("/compte/mon-espace/mon-nom/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")


def test_the_service_refuses_another_person_and_blank_names(territory):
    user = UserFactory(first_name="Camille", last_name="Nouvelle")
    other = UserFactory()
    with pytest.raises(services.PermissionDenied):
        services.update_name(actor=other, user=user, first_name="X", last_name="Y")
    with pytest.raises(services.ValidationError):
        services.update_name(actor=user, user=user, first_name="Camille", last_name=" ")
    user.refresh_from_db()
    assert user.last_name == "Nouvelle"


def test_the_name_is_in_the_export_and_gone_after_erasure(client, territory):
    user = UserFactory(first_name="Hortense", last_name="Zéphyrine")
    client.force_login(user)
    exported = json.loads(client.get("/compte/mon-espace/mes-donnees/").content)
    account = exported["sections"]["accounts"]["donnees"]["compte"]
    assert (account["prenom"], account["nom"]) == ("Hortense", "Zéphyrine")
    services.erase_account(actor=user, user=user)
    text = whole_database_text()
    assert "zéphyrine" not in text and "z\\u00e9phyrine" not in text
