"""Sharing and subscriptions: the services, their refusals (French, nothing written) and their logs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.actors.models import Practice
from maillage.cooperation import services
from maillage.cooperation.models import ImportedItem, Share, ShareTransition, Subscription
from maillage.cooperation.remote import RemoteFeed, RemoteItem
from maillage.core.actors import system

pytestmark = pytest.mark.django_db
TASK = system("tests")


def test_the_animation_shares_a_practice_and_the_other_territory_sees_it(
    animator, territory, other_territory, practice
):
    share = services.share_item(actor=animator, territory=territory, practice=practice)
    assert list(Share.objects.shared_with(other_territory)) == [share]
    assert list(Share.objects.shared_with(territory)) == []
    log = ShareTransition.objects.get(share=share)
    assert (log.from_state, log.to_state, log.actor) == ("", "shared", animator)


def test_withdraw_then_share_again_is_logged(animator, territory, other_territory, practice):
    share = services.share_item(actor=animator, territory=territory, practice=practice)
    services.withdraw_share(actor=animator, share=share)
    assert not Share.objects.shared_with(other_territory).exists()
    services.share_item(actor=animator, territory=territory, practice=practice)
    assert Share.objects.shared_with(other_territory).count() == 1
    assert [(t.from_state, t.to_state) for t in share.transitions.all()] == [
        ("", "shared"),
        ("shared", "withdrawn"),
        ("withdrawn", "shared"),
    ]


@pytest.mark.parametrize("who", ["member", "manager", "animator_other"])
def test_only_the_territorys_animation_shares(request, who, territory, practice):
    with pytest.raises(PermissionDenied, match="Seule l'animation"):
        services.share_item(actor=request.getfixturevalue(who), territory=territory, practice=practice)
    assert not Share.objects.exists()


def test_an_object_of_another_territory_cannot_be_shared(animator, territory, other_practice, other_event):
    with pytest.raises(ValidationError, match="n'appartient pas au territoire"):
        services.share_item(actor=animator, territory=territory, practice=other_practice)
    with pytest.raises(ValidationError, match="n'appartient pas au territoire"):
        services.share_item(actor=animator, territory=territory, event=other_event)
    assert not Share.objects.exists()


def test_an_unpublished_practice_or_draft_event_cannot_be_shared(animator, territory, practice, event):
    Practice.objects.filter(pk=practice.pk).update(is_published=False)
    practice.refresh_from_db()
    with pytest.raises(ValidationError, match="publiée"):
        services.share_item(actor=animator, territory=territory, practice=practice)
    event.status = "draft"
    event.save()
    with pytest.raises(ValidationError, match="publié et ouvert à tous"):
        services.share_item(actor=animator, territory=territory, event=event)
    assert not Share.objects.exists()


def test_a_share_hides_when_its_object_is_unpublished(animator, territory, other_territory, practice):
    services.share_item(actor=animator, territory=territory, practice=practice)
    Practice.objects.filter(pk=practice.pk).update(is_published=False)
    assert not Share.objects.shared_with(other_territory).exists()


def test_an_inactive_territorys_shares_are_not_shown(animator, territory, other_territory, practice):
    services.share_item(actor=animator, territory=territory, practice=practice)
    territory.is_active = False
    territory.save()
    assert not Share.objects.shared_with(other_territory).exists()


# --- subscriptions ------------------------------------------------------------------------------------


def _feed(*ids: str) -> RemoteFeed:
    start = dt.datetime(2031, 5, 6, 18, 0, tzinfo=dt.UTC)
    return RemoteFeed(
        name="Pays voisin",
        items=[
            RemoteItem(
                remote_id=i,
                kind="event" if i.startswith("event") else "practice",
                source_url=f"https://voisin.example.org/{i}/",
                title=f"Élément {i}",
                origin_territory="Pays voisin",
                start=start if i.startswith("event") else None,
            )
            for i in ids
        ],
    )


def test_subscription_url_is_normalised_to_the_api_list(animator, territory):
    s = services.add_subscription(actor=animator, territory=territory, url="https://voisin.example.org/")
    assert s.url == "https://voisin.example.org/api/v1/cooperation/partages"
    assert s.state == Subscription.State.NEW


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "adresse complète"),
        ("ftp://voisin.example.org/", "adresse complète"),
        ("voisin", "adresse complète"),
        ("https://ess.paysdegrasse.test/", "C'est l'adresse de ce territoire"),
    ],
)
def test_a_bad_subscription_url_is_refused_in_french(animator, territory, url, message):
    with pytest.raises(ValidationError, match=message):
        services.add_subscription(actor=animator, territory=territory, url=url)
    assert not Subscription.objects.exists()


def test_the_same_installation_twice_is_refused(animator, territory):
    services.add_subscription(actor=animator, territory=territory, url="https://voisin.example.org/")
    with pytest.raises(ValidationError, match="déjà abonné"):
        services.add_subscription(
            actor=animator, territory=territory, url="https://voisin.example.org/api/v1"
        )
    assert Subscription.objects.count() == 1


def test_only_the_animation_subscribes(member, territory):
    with pytest.raises(PermissionDenied):
        services.add_subscription(actor=member, territory=territory, url="https://voisin.example.org/")


def test_record_fetch_is_idempotent_and_follows_the_source(animator, territory):
    s = services.add_subscription(actor=animator, territory=territory, url="https://voisin.example.org/")
    s = services.record_fetch(actor=TASK, subscription=s, feed=_feed("practice-1", "event-2"))
    assert (s.state, s.items_count, s.last_added, s.name) == ("ok", 2, 2, "Pays voisin")
    first_ids = set(ImportedItem.objects.values_list("pk", flat=True))
    s = services.record_fetch(actor=TASK, subscription=s, feed=_feed("practice-1", "event-2"))
    assert (s.last_added, s.last_updated, s.last_removed) == (0, 0, 0)
    assert set(ImportedItem.objects.values_list("pk", flat=True)) == first_ids
    s = services.record_fetch(actor=TASK, subscription=s, feed=_feed("practice-1", "practice-3"))
    assert (s.last_added, s.last_removed) == (1, 1)
    assert set(ImportedItem.objects.values_list("remote_id", flat=True)) == {"practice-1", "practice-3"}


def test_a_failure_keeps_previous_imports_and_says_why(animator, territory):
    s = services.add_subscription(actor=animator, territory=territory, url="https://voisin.example.org/")
    s = services.record_fetch(actor=TASK, subscription=s, feed=_feed("practice-1"))
    s = services.record_failure(
        actor=TASK, subscription=s, message="Le serveur distant n'a pas répondu à temps."
    )
    assert s.state == "error" and "à temps" in s.last_error
    assert ImportedItem.objects.count() == 1
    assert s.last_success_at is not None
    s = services.record_fetch(actor=TASK, subscription=s, feed=_feed("practice-1"))
    assert (s.state, s.last_error) == ("ok", "")
    assert [(t.from_state, t.to_state) for t in s.transitions.all()] == [
        ("", "new"),
        ("new", "ok"),
        ("ok", "error"),
        ("error", "ok"),
    ]


def test_imports_are_scoped_to_their_territory(animator, animator_other, territory, other_territory):
    s = services.add_subscription(actor=animator, territory=territory, url="https://voisin.example.org/")
    services.record_fetch(actor=TASK, subscription=s, feed=_feed("practice-1"))
    assert ImportedItem.objects.of(territory).count() == 1
    assert ImportedItem.objects.of(other_territory).count() == 0
