"""The account flows with the Django test client: sign up → verification mail (the link opens a page, only
the POST confirms) → log in → export → erase; password reset; wrong password on erasure."""

from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from maillage.accounts.models import User
from maillage.core.models import PersonalDataAccess

EMAIL = "camille.nouvelle@example.org"
PASSWORD = "Un-mot-de-passe-solide-2024"
CONFIRM_PATH = re.compile(r"https://ess\.paysdegrasse\.test(/compte/confirm-email/[^/\s]+/)")
RESET_PATH = re.compile(r"https://ess\.paysdegrasse\.test(/compte/password/reset/key/[^/\s]+/)")


@pytest.fixture
def send_mail_now(django_capture_on_commit_callbacks):
    """Mails leave through a task enqueued on commit: run the commit callbacks of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sign_up(client, send_mail_now, email=EMAIL):
    with send_mail_now():
        response = client.post(
            "/compte/signup/",
            {
                "email": email,
                "first_name": "Camille",
                "last_name": "Nouvelle",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    return response


def test_sign_up_verify_log_in_export_and_erase(client, territory, send_mail_now):
    sign_up(client, send_mail_now, email="Camille.Nouvelle@Example.org")
    user = User.objects.get(email=EMAIL)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert [a.lower() for a in message.to] == [EMAIL]
    assert "Confirm" in message.subject  # « Confirmez votre adresse e-mail »
    # The link is built on the territory's canonical address, never on the request's host.
    path = CONFIRM_PATH.search(message.body).group(1)

    # Opening the link shows a page and confirms nothing.
    response = client.get(path)
    assert response.status_code == 200
    assert "Confirmer" in response.content.decode()
    assert not EmailAddress.objects.get(user=user).verified
    # The POST confirms.
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    # Log out (POST), log in again.
    client.post("/compte/logout/")
    assert client.get("/compte/mon-espace/").status_code == 302
    response = client.post("/compte/login/", {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/compte/mon-espace/"
    page = client.get("/compte/mon-espace/").content.decode()
    assert "Télécharger mes données" in page and "Supprimer mon compte" in page

    # Export: a JSON attachment, logged.
    response = client.get("/compte/mon-espace/mes-donnees/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-maillage-')
    data = json.loads(response.content)
    assert data["sections"]["accounts"]["donnees"]["compte"]["adresse_electronique"] == EMAIL
    assert "actors" in data["sections"]
    log = PersonalDataAccess.objects.get(actor=user)
    assert EMAIL not in log.what and log.territory == territory

    # Erase.
    page = client.get("/compte/mon-espace/supprimer-mon-compte/").content.decode()
    assert "définitive" in page
    response = client.post(
        "/compte/mon-espace/supprimer-mon-compte/", {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(email=EMAIL).exists()
    assert not EmailAddress.objects.filter(email__iexact=EMAIL).exists()
    assert PersonalDataAccess.objects.get(pk=log.pk).actor is None
    # Logged out, with a French confirmation.
    response = client.get("/", follow=True)
    assert "Votre compte et vos données personnelles ont été supprimés." in response.content.decode()
    assert client.get("/compte/mon-espace/").status_code == 302


def test_wrong_password_on_erasure_is_refused_in_french_and_erases_nothing(client, member):
    client.force_login(member)
    response = client.post(
        "/compte/mon-espace/supprimer-mon-compte/", {"password": "pas-le-bon", "confirm": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce mot de passe n&#x27;est pas le bon" in html
    assert 'class="error-summary"' in html
    assert User.objects.filter(pk=member.pk).exists()
    assert member.memberships.exists()


def test_erasure_needs_the_confirmation_box(client, member):
    client.force_login(member)
    response = client.post("/compte/mon-espace/supprimer-mon-compte/", {"password": "motdepasse-solide-42"})
    assert response.status_code == 200
    assert "Cochez cette case pour confirmer la suppression." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_erasure_get_changes_nothing(client, member):
    client.force_login(member)
    assert client.get("/compte/mon-espace/supprimer-mon-compte/").status_code == 200
    assert User.objects.filter(pk=member.pk).exists()


def test_password_reset(client, member, send_mail_now):
    with send_mail_now():
        response = client.post("/compte/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = RESET_PATH.search(mail.outbox[0].body).group(1)
    response = client.get(path)  # allauth moves the key into the session and redirects
    assert response.status_code == 302
    set_password_url = response["Location"]
    response = client.get(set_password_url)
    assert response.status_code == 200
    new_password = "Encore-un-autre-mot-de-passe-77"
    response = client.post(set_password_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new_password)
    # The link is spent: opening it again says so in French.
    response = client.get(path, follow=True)
    assert "Jeton invalide" in response.content.decode() or "invalide" in response.content.decode()


def test_password_reset_answers_the_same_for_an_unknown_address(client, member, send_mail_now):
    with send_mail_now():
        known = client.post("/compte/password/reset/", {"email": member.email})
        unknown = client.post("/compte/password/reset/", {"email": "personne.inconnue@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_sign_up_with_a_known_address_does_not_reveal_it(client, member, send_mail_now):
    with send_mail_now():
        response = client.post(
            "/compte/signup/",
            {
                "email": member.email,
                "first_name": "Autre",
                "last_name": "Personne",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302  # same answer as a new address; the owner gets a mail instead
    assert User.objects.filter(email=member.email).count() == 1


def test_export_requires_login(client, territory):
    response = client.get("/compte/mon-espace/mes-donnees/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")
