"""Double opt-in: nothing stored before confirmation; GET never acts; same answer whether known or not."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import zlib

import pytest
from django.core import mail
from django.utils import timezone

from maillage.core.registry import registry
from maillage.core.tokens import make_token
from maillage.newsletter.models import PENDING_RETENTION, PendingSubscription, Subscriber
from maillage.newsletter.services import CONFIRM_PURPOSE
from tests.factories import UserFactory
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


# --- the confirmation link carries no personal data (#12.10) --------------------------------------------


def _decode_without_the_key(token: str) -> bytes:
    """What anyone reading an access log can do with a signed token: decode its payload (no key needed)."""
    payload = token.split(":")[0]
    compressed = payload.startswith(".")
    data = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return zlib.decompress(data) if compressed else data


def test_the_confirmation_link_carries_no_address(client, territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, email="camille.discrete@example.org", commune="06069")
    link = _link(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    decoded = _decode_without_the_key(token)
    assert b"camille" not in decoded.lower() and b"@" not in decoded and b"example" not in decoded
    assert b"06069" not in decoded
    assert set(json.loads(decoded)["p"]) == {"t", "r"}  # a territory and a signed reference, nothing else
    assert "camille" not in link.lower()
    # The request waits in the database (not in the link) until it is confirmed, then is deleted.
    assert PendingSubscription.objects.get().email == "camille.discrete@example.org"
    path = "/" + link.split("/", 3)[3]
    assert "camille.discrete@example.org" in client.get(path).content.decode()  # shown on the page only
    client.post(path)
    assert Subscriber.objects.get().email == "camille.discrete@example.org"
    assert not PendingSubscription.objects.exists()


def test_an_old_style_link_carrying_the_address_is_refused_cleanly(client, territory):
    old_token = make_token(
        CONFIRM_PURPOSE,
        {"t": territory.pk, "e": "ancienne@example.org", "c": "", "at": timezone.now().isoformat()},
        single_use=True,
    )
    path = f"/lettre/confirmer/{old_token}/"
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        page = html.unescape(response.content.decode())
        assert "Ce lien de confirmation n'est plus valable" in page
        assert "Abonnez-vous de nouveau" in page
        assert "ancienne@example.org" not in page
    assert not Subscriber.objects.exists()


def test_an_unconfirmed_request_expires_and_is_purged(client, territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, email="tardive@example.org")
    path = "/" + _link(mail.outbox[0]).split("/", 3)[3]
    later = timezone.now() + PENDING_RETENTION + dt.timedelta(minutes=1)
    assert registry.personal_data["newsletter"].retention(timezone.now()) == 0
    assert registry.personal_data["newsletter"].retention(later) == 1
    assert not PendingSubscription.objects.exists()
    response = client.post(path)
    assert response.status_code == 410 and "n'est plus valable" in html.unescape(response.content.decode())
    assert not Subscriber.objects.exists()


def test_erasing_an_account_deletes_its_pending_request(
    client, territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, email="Effacee@example.org")
    user = UserFactory(email="effacee@example.org")
    hook = registry.personal_data["newsletter"]
    assert hook.export(user)["demandes_abonnement_lettre"][0]["adresse"] == "effacee@example.org"
    hook.erase(user)
    assert not PendingSubscription.objects.exists()
