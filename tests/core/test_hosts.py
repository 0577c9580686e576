"""Hosts: ALLOWED_HOSTS comes from the territories' domains; absolute URLs from the canonical URL."""

from __future__ import annotations

import pytest
from django.core import mail

from maillage.core.services import create_or_update_territory
from tests.factories import DomainFactory

pytestmark = pytest.mark.django_db


def test_unknown_host_gets_400(client, territory):
    assert client.get("/", HTTP_HOST="inconnu.example.org").status_code == 400
    assert client.get("/", HTTP_HOST="testserver.evil.example").status_code == 400


def test_a_new_territory_domain_becomes_allowed(client, territory, django_capture_on_commit_callbacks):
    assert client.get("/", HTTP_HOST="ess.nouveau.example").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        create_or_update_territory(
            slug="nouveau",
            name="Territoire nouveau",
            canonical_url="https://ess.nouveau.example",
            domains=["ess.nouveau.example", "www.ess.nouveau.example"],
        )
    response = client.get("/", HTTP_HOST="ess.nouveau.example")
    assert response.status_code == 200
    assert "Territoire nouveau" in response.content.decode()
    assert client.get("/", HTTP_HOST="www.ess.nouveau.example").status_code == 200
    # The first territory still answers on its own domain, with its own name.
    assert "Pays de Grasse" in client.get("/").content.decode()


def test_a_removed_domain_is_refused_again(client, territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create_or_update_territory(
            slug="nouveau",
            name="Nouveau",
            canonical_url="https://a.example",
            domains=["a.example", "b.example"],
        )
    assert client.get("/", HTTP_HOST="b.example").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        create_or_update_territory(
            slug="nouveau", name="Nouveau", canonical_url="https://a.example", domains=["a.example"]
        )
    assert client.get("/", HTTP_HOST="b.example").status_code == 400


def test_an_inactive_territory_does_not_answer(client, territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create_or_update_territory(
            slug="ferme",
            name="Fermé",
            canonical_url="https://ferme.example",
            domains=["ferme.example"],
            is_active=False,
        )
    assert client.get("/", HTTP_HOST="ferme.example").status_code == 400


def test_absolute_url_comes_from_the_canonical_url(territory):
    assert territory.absolute_url("/structures/12/") == "https://ess.paysdegrasse.test/structures/12/"
    assert territory.absolute_url("compte/") == "https://ess.paysdegrasse.test/compte/"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x"]
)
def test_absolute_url_never_carries_a_script_scheme(territory, url):
    # A notification's URL is set by code; should one ever hold a script scheme, the mail links home instead.
    assert territory.absolute_url(url) == "https://ess.paysdegrasse.test/"


def test_absolute_url_keeps_an_address_already_absolute(territory):
    assert territory.absolute_url("https://s3.example/logo.png") == "https://s3.example/logo.png"


def test_links_in_mails_ignore_the_host_header(client, territory, member, django_capture_on_commit_callbacks):
    """Asked through an alias domain, the reset mail still links to the canonical address."""
    DomainFactory(territory=territory, name="alias.testserver")
    from django.conf import settings

    settings.ALLOWED_HOSTS.invalidate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/compte/password/reset/", {"email": member.email}, HTTP_HOST="alias.testserver"
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "https://ess.paysdegrasse.test/compte/password/reset/key/" in body
    assert "alias.testserver" not in body
    assert "testserver/" not in body.replace("paysdegrasse.test/", "")
