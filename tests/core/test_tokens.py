"""Signed tokens and the GET-shows / POST-acts view.

This module is also the URLconf of its view tests (`pytest.mark.urls`): the confirmation view is mounted on
a test-only route next to the project's URLs, so no product page exists just for the demonstration.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import include, path

from maillage.core.confirm import ConfirmTokenView
from maillage.core.models import Territory, UsedToken
from maillage.core.tokens import (
    TokenExpired,
    TokenInvalid,
    TokenUsed,
    make_token,
    read_token,
    spend_token,
)

PURPOSE = "test.confirm-tagline"


class ConfirmTaglineView(ConfirmTokenView):
    purpose = PURPOSE
    max_age = timedelta(days=2)
    title = "Confirmer la nouvelle accroche"
    question = "Voulez-vous publier cette accroche sur la page d'accueil ?"
    button_label = "Publier l'accroche"
    done_message = "L'accroche est publiée."

    def describe(self, payload):
        return {"tagline": payload["tagline"]}

    def act(self, payload):
        Territory.objects.filter(pk=payload["territory"]).update(tagline=payload["tagline"])


urlpatterns = [
    path("test-confirmer/<str:token>/", ConfirmTaglineView.as_view(), name="test_confirm"),
    path("", include("config.urls")),
]

pytestmark = pytest.mark.django_db


# -- tokens ---------------------------------------------------------------------------------------------


def test_round_trip():
    token = make_token("newsletter.confirm", {"id": 42})
    assert read_token("newsletter.confirm", token, max_age=60) == {"id": 42}
    assert spend_token("newsletter.confirm", token, max_age=60) == {"id": 42}
    # Not single-use: it may be used again.
    assert spend_token("newsletter.confirm", token, max_age=60) == {"id": 42}


def test_another_purpose_is_refused():
    token = make_token("newsletter.confirm", {"id": 42})
    with pytest.raises(TokenInvalid) as error:
        read_token("events.cancel", token, max_age=60)
    assert str(error.value) == "Ce lien n'est pas valide."


def test_tampered_token_is_refused():
    token = make_token("newsletter.confirm", {"id": 42})
    payload, rest = token.split(":", 1)
    for forged in (
        payload[:-2] + "xx:" + rest,
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "",
        "n'importe quoi",
    ):
        with pytest.raises(TokenInvalid):
            read_token("newsletter.confirm", forged, max_age=60)


def test_expired_token():
    with time_machine.travel("2026-03-01 10:00 +0100", tick=False):
        token = make_token("newsletter.confirm", {"id": 1})
    with time_machine.travel("2026-03-01 10:59 +0100", tick=False):
        assert read_token("newsletter.confirm", token, max_age=timedelta(hours=1)) == {"id": 1}
    with time_machine.travel("2026-03-01 11:01 +0100", tick=False), pytest.raises(TokenExpired) as error:
        read_token("newsletter.confirm", token, max_age=timedelta(hours=1))
    assert str(error.value) == "Ce lien a expiré."


def test_single_use_token_is_spent_once():
    token = make_token("events.cancel", {"registration": 3}, single_use=True)
    assert read_token("events.cancel", token, max_age=60) == {"registration": 3}
    assert spend_token("events.cancel", token, max_age=60) == {"registration": 3}
    with pytest.raises(TokenUsed) as error:
        spend_token("events.cancel", token, max_age=60)
    assert str(error.value) == "Ce lien a déjà été utilisé."
    with pytest.raises(TokenUsed):
        read_token("events.cancel", token, max_age=60)
    # Two tokens for the same payload are distinct: spending one leaves the other valid.
    other = make_token("events.cancel", {"registration": 3}, single_use=True)
    assert spend_token("events.cancel", other, max_age=60) == {"registration": 3}


def test_a_failed_action_leaves_the_token_unspent():
    token = make_token("events.cancel", {"registration": 3}, single_use=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        spend_token("events.cancel", token, max_age=60)
        raise RuntimeError("l'action a échoué")
    assert spend_token("events.cancel", token, max_age=60) == {"registration": 3}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_spends_succeed_once():
    token = make_token("events.cancel", {"registration": 9}, single_use=True)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def spend() -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                spend_token("events.cancel", token, max_age=60)
            outcomes.append("spent")
        except TokenUsed:
            outcomes.append("used")
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["spent", "used"]
    assert UsedToken.objects.filter(purpose="events.cancel").count() == 1


# -- the GET-shows / POST-acts view --------------------------------------------------------------------


def confirm_url(territory, tagline="L'ESS qui relie", *, purpose=PURPOSE):
    token = make_token(purpose, {"territory": territory.pk, "tagline": tagline}, single_use=True)
    return f"/test-confirmer/{token}/"


@pytest.mark.urls(__name__)
def test_get_shows_and_changes_nothing(client, territory):
    url = confirm_url(territory)
    for _ in range(3):  # a mail scanner, a preview, the person
        response = client.get(url)
        assert response.status_code == 200
    body = response.content.decode()
    assert "Voulez-vous publier cette accroche" in body
    assert 'method="post"' in body
    assert "Publier l&#x27;accroche" in body
    assert response["Referrer-Policy"] == "same-origin"  # never no-referrer: Chromium would post Origin: null
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    territory.refresh_from_db()
    assert territory.tagline == ""
    assert not UsedToken.objects.exists()


@pytest.mark.urls(__name__)
def test_post_acts_once(client, territory):
    url = confirm_url(territory)
    response = client.post(url)
    assert response.status_code == 200
    assert "L&#x27;accroche est publiée." in response.content.decode()
    territory.refresh_from_db()
    assert territory.tagline == "L'ESS qui relie"

    Territory.objects.filter(pk=territory.pk).update(tagline="changée depuis")
    again = client.post(url)
    assert again.status_code == 410
    assert "Ce lien a déjà été utilisé." in again.content.decode()
    territory.refresh_from_db()
    assert territory.tagline == "changée depuis"
    # And a GET of a spent link says so too.
    assert "Ce lien a déjà été utilisé." in client.get(url).content.decode()


@pytest.mark.urls(__name__)
def test_post_needs_the_csrf_token(territory):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(confirm_url(territory))
    assert response.status_code == 403
    territory.refresh_from_db()
    assert territory.tagline == ""


@pytest.mark.urls(__name__)
def test_get_then_post_with_csrf(territory):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    url = confirm_url(territory)
    page = browser.get(url)
    csrf = page.context["csrf_token"]
    assert browser.post(url, {"csrfmiddlewaretoken": str(csrf)}).status_code == 200
    territory.refresh_from_db()
    assert territory.tagline == "L'ESS qui relie"


@pytest.mark.urls(__name__)
def test_expired_link(client, territory):
    with time_machine.travel("2026-03-01 10:00 +0100", tick=False):
        url = confirm_url(territory)
    with time_machine.travel("2026-03-04 10:00 +0100", tick=False):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 410
            assert "Ce lien a expiré." in response.content.decode()
    territory.refresh_from_db()
    assert territory.tagline == ""


@pytest.mark.urls(__name__)
def test_tampered_link(client, territory):
    url = confirm_url(territory)
    forged = url.replace("/test-confirmer/", "/test-confirmer/x")
    for response in (client.get(forged), client.post(forged)):
        assert response.status_code == 400
        assert "Ce lien n&#x27;est pas valide." in response.content.decode()
    territory.refresh_from_db()
    assert territory.tagline == ""


@pytest.mark.urls(__name__)
def test_a_token_of_another_purpose_is_refused(client, territory):
    url = confirm_url(territory, purpose="newsletter.unsubscribe")
    response = client.post(url)
    assert response.status_code == 400
    assert "Ce lien n&#x27;est pas valide." in response.content.decode()
    territory.refresh_from_db()
    assert territory.tagline == ""
