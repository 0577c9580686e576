"""Cooperation's pages: the share button, the public page with provenance, the subscription form's refusals
(French message, nothing written), isolation of the animation pages."""

from __future__ import annotations

import pytest
from django.test import Client

from maillage.cooperation import services
from maillage.cooperation.models import Share, Subscription

pytestmark = pytest.mark.django_db


def _client(user=None, host="testserver"):
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def test_share_button_then_the_other_territory_reads_it_with_provenance(
    animator, practice, territory, other_territory
):
    response = _client(animator).post("/cooperation/animation/partager/", {"practice": practice.pk})
    assert response.status_code == 302
    share = Share.objects.get()
    page = _client(host="autre.testserver").get("/cooperation/").content.decode()
    assert practice.title in page and "partagé par Pays de Grasse" in page
    detail = _client(host="autre.testserver").get(f"/cooperation/partage/{share.pk}/").content.decode()
    assert "partagée par Pays de Grasse" in detail and territory.canonical_url in detail
    # Not on its own territory's cooperation page (it is not shared *with* itself).
    assert practice.title not in _client().get("/cooperation/").content.decode()


def test_sharing_twice_says_so_and_changes_nothing(animator, practice, territory):
    services.share_item(actor=animator, territory=territory, practice=practice)
    response = _client(animator).post(
        "/cooperation/animation/partager/", {"practice": practice.pk}, follow=True
    )
    assert "Cet élément est déjà partagé." in response.content.decode()
    assert Share.objects.count() == 1 and Share.objects.get().transitions.count() == 1


def test_another_territorys_animator_cannot_share_or_withdraw(animator, animator_other, practice, territory):
    share = services.share_item(actor=animator, territory=territory, practice=practice)
    # On A's host, B's animator is no animator.
    assert (
        _client(animator_other)
        .post("/cooperation/animation/partager/", {"practice": practice.pk})
        .status_code
        == 403
    )
    # On B's host, A's practice and share do not exist.
    other = _client(animator_other, host="autre.testserver")
    assert other.post("/cooperation/animation/partager/", {"practice": practice.pk}).status_code == 404
    assert other.post(f"/cooperation/animation/partages/{share.pk}/retirer/").status_code == 404
    share.refresh_from_db()
    assert share.status == "shared"


def test_withdrawn_share_is_gone_for_the_others(animator, practice, territory, other_territory):
    share = services.share_item(actor=animator, territory=territory, practice=practice)
    _client(animator).post(f"/cooperation/animation/partages/{share.pk}/retirer/")
    assert _client(host="autre.testserver").get(f"/cooperation/partage/{share.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Saisissez l&#x27;adresse de l&#x27;installation à suivre."),
        ("pas une adresse", "Saisissez l&#x27;adresse complète de l&#x27;installation"),
        ("javascript:alert(1)", "Saisissez l&#x27;adresse complète de l&#x27;installation"),
    ],
)
def test_subscription_form_refuses_bad_addresses_in_french(
    animator, url, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(animator).post("/cooperation/abonnements/", {"url": url})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscription.objects.exists()


def test_imported_items_are_not_reachable_from_another_territory(animator, territory, other_territory):
    from maillage.cooperation.remote import RemoteFeed, RemoteItem

    s = services.add_subscription(actor=animator, territory=territory, url="https://voisin.example.org/")
    feed = RemoteFeed(
        name="Voisin",
        items=[
            RemoteItem(
                remote_id="practice-1",
                kind="practice",
                source_url="https://voisin.example.org/p/",
                title="Une pratique importée du voisin",
                origin_territory="Voisin",
            )
        ],
    )
    services.record_fetch(actor=animator, subscription=s, feed=feed)
    item = s.items.get()
    assert _client().get(f"/cooperation/importe/{item.pk}/").status_code == 200
    assert _client(host="autre.testserver").get(f"/cooperation/importe/{item.pk}/").status_code == 404
    assert (
        "Une pratique importée du voisin"
        not in _client(host="autre.testserver").get("/cooperation/").content.decode()
    )


def test_the_api_lists_what_the_territory_shares(animator, practice, event, territory, other_territory):
    services.share_item(actor=animator, territory=territory, practice=practice)
    services.share_item(actor=animator, territory=territory, event=event)
    first = _client().get("/api/v1/cooperation/partages?taille=1").json()
    assert first["installation"] == "Pays de Grasse" and len(first["items"]) == 1 and first["next_cursor"]
    second = _client().get(f"/api/v1/cooperation/partages?taille=1&curseur={first['next_cursor']}").json()
    ids = {first["items"][0]["id"], second["items"][0]["id"]}
    assert ids == {f"practice-{practice.pk}", f"event-{event.pk}"} and second["next_cursor"] is None
    assert _client(host="autre.testserver").get("/api/v1/cooperation/partages").json()["items"] == []
    assert _client().get("/api/v1/cooperation/partages?curseur=faux").status_code == 400
