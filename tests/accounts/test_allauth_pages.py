"""Every allauth page we use renders in our layout, in French, with labelled fields."""

from __future__ import annotations

import re

import pytest

ANONYMOUS_PAGES = {
    "/compte/login/": "Connexion",
    "/compte/signup/": "Création de compte",
    "/compte/password/reset/": "mot de passe",
    "/compte/password/reset/done/": "e-mail",
    "/compte/confirm-email/": "e-mail",
    "/compte/confirm-email/cle-inconnue/": "a expiré",
    "/compte/password/reset/key/1-cle-inconnue/": "invalide",
}
SIGNED_IN_PAGES = {
    "/compte/email/": "Adresse électronique",
    "/compte/password/change/": "mot de passe",
    "/compte/2fa/": "double authentification",
    "/compte/reauthenticate/": "mot de passe",
    "/compte/logout/": "déconnecter",
}


def assert_our_layout_in_french(html: str) -> None:
    assert '<html lang="fr"' in html
    assert 'class="skip-link"' in html
    assert '<main id="contenu"' in html
    for english in (
        "Sign In",
        "Sign Up",
        "Sign Out",
        "Forgot your password",
        "Email Address",
        "Password Reset",
        "Confirm",
        "Change Password",
        "Two-Factor",
        "Recovery Codes",
        "Activate",
    ):
        assert not re.search(rf"\b{english}\b", html), f"untranslated « {english} »"


@pytest.mark.parametrize("url,expected", ANONYMOUS_PAGES.items())
def test_anonymous_pages(client, territory, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert_our_layout_in_french(html)
    assert expected.lower() in html.lower()
    if [tag for tag in re.findall(r"<input[^>]*>", html) if 'type="hidden"' not in tag]:
        assert "<label" in html


@pytest.mark.parametrize("url,expected", SIGNED_IN_PAGES.items())
def test_signed_in_pages(client, member, url, expected):
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200, response
    html = response.content.decode()
    assert_our_layout_in_french(html)
    assert expected.lower() in html.lower()


def test_signed_in_people_are_sent_on_from_login_and_sign_up(client, member):
    client.force_login(member)
    assert client.get("/compte/login/").status_code == 302
    assert client.get("/compte/signup/").status_code == 302


def test_the_animator_sees_the_mfa_page_with_totp_active(client, animator):
    client.force_login(animator)
    html = client.get("/compte/2fa/").content.decode()
    assert "Authentification par application est active" in html or "est active" in html
