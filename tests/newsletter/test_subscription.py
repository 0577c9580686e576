"""Double opt-in: nothing stored before confirmation; GET never acts; same answer whether known or not."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from maillage.newsletter.models import Subscriber
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def _subscribe(client, email="nouvelle@example.org", **extra):
    data = {"email": email, "consent": "on", **extra}
    return client.post("/lettre/", data)


def _link(message) -> str:
    return re.search(r"https?://\S+/lettre/confirmer/\S+/", message.body).group(0)


def test_subscribing_sends_a_link_and_stores_nothing(client, territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client)
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    assert link.startswith("https://ess.paysdegrasse.test/")  # the territory's address, not the Host


def test_the_confirmation_link_opens_a_page_and_post_confirms(
    client, territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, email="Nouvelle@Example.org", commune="06069")
    path = "/" + _link(mail.outbox[0]).split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirmer mon abonnement" in page.content.decode()
    assert not Subscriber.objects.exists()  # a GET (a mail scanner) changes nothing
    done = client.post(path)
    assert done.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "nouvelle@example.org"
    assert subscriber.commune.insee_code == "06069"
    assert "J'accepte de recevoir" in subscriber.consent_text
    assert subscriber.consent_at <= subscriber.confirmed_at
    again = client.post(path)  # single use
    assert again.status_code == 410
    assert Subscriber.objects.count() == 1


def test_same_answer_for_a_known_address_and_no_mail(client, territory, django_capture_on_commit_callbacks):
    SubscriberFactory(territory=territory, email="deja@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = _subscribe(client, email="deja@example.org")
        unknown = _subscribe(client, email="inconnue@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.content.decode().replace("deja", "") == unknown.content.decode().replace("inconnue", "")
    assert [m.to for m in mail.outbox] == [["inconnue@example.org"]]


def test_consent_is_required_and_a_bad_address_is_refused(client, territory):
    response = client.post("/lettre/", {"email": "nouvelle@example.org"})
    assert response.status_code == 200
    assert "Cochez la case" in response.content.decode()
    response = client.post("/lettre/", {"email": "pas-une-adresse", "consent": "on"})
    assert "adresse électronique valide" in response.content.decode()
    assert not mail.outbox


def test_rate_limited_per_ip_and_per_address(client, territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            assert _subscribe(client, email="cible@example.org").status_code == 200
    assert len(mail.outbox) == 3  # per address: the same page, no more mail
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [_subscribe(client, email=f"p{i}@example.org").status_code for i in range(8)]
    assert statuses[-1] == 429
    assert "Trop de demandes" in _subscribe(client, email="x@example.org").content.decode()


def test_a_tampered_confirmation_token_is_refused(client, territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client)
    path = "/" + _link(mail.outbox[0]).split("/", 3)[3]
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(tampered).status_code == 400
    response = client.post(tampered)
    assert response.status_code == 400
    assert "pas valide" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_link_for_another_territory_is_refused(
    client, territory, other_territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client)
    path = "/" + _link(mail.outbox[0]).split("/", 3)[3]
    response = client.post(path, HTTP_HOST="autre.testserver")
    assert response.status_code == 400
    assert not Subscriber.objects.exists()
