"""Unsubscribe (page + RFC 8058 POST), the public archive and its RSS feed, personal data."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.utils import timezone

from maillage.core.registry import registry
from maillage.newsletter.models import (
    UNSUBSCRIBED_RETENTION,
    UNSUBSCRIBED_RETENTION_DAYS,
    Issue,
    Subscriber,
    retention_phrase,
)
from maillage.newsletter.rendering import unsubscribe_token
from maillage.newsletter.services import CONSENT_TEXT
from tests.factories import UserFactory
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_unsubscribe_page_then_one_click_post_without_csrf(territory):
    subscriber = SubscriberFactory(territory=territory)
    url = f"/lettre/desabonnement/{unsubscribe_token(subscriber)}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "Me désabonner" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    # What a mail client sends (RFC 8058): a POST with this body, no cookie, no CSRF token.
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at
    assert client.post(url).status_code == 200  # idempotent


def test_a_tampered_unsubscribe_token_changes_nothing(territory):
    subscriber = SubscriberFactory(territory=territory)
    token = unsubscribe_token(subscriber)
    for bad in (token[:-2] + "xx", "nimportequoi", token.replace(":", ";")):
        response = Client().post(f"/lettre/desabonnement/{bad}/")
        assert response.status_code == 400
        assert "pas valide" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_archive_lists_only_sent_issues_and_the_feed(client, territory, other_territory):
    IssueFactory(
        territory=territory, number=1, title="Premier", status=Issue.Status.SENT, sent_at=timezone.now()
    )
    IssueFactory(territory=territory, number=2, title="Brouillon secret")
    IssueFactory(
        territory=other_territory, number=1, title="Voisin", status=Issue.Status.SENT, sent_at=timezone.now()
    )
    page = client.get("/lettre/numeros/").content.decode()
    assert "Premier" in page and "Brouillon secret" not in page and "Voisin" not in page
    assert client.get("/lettre/numeros/2/").status_code == 404
    assert client.get("/lettre/numeros/1/").status_code == 200
    feed = client.get("/lettre/numeros/rss.xml")
    body = feed.content.decode()
    assert feed["Content-Type"].startswith("application/rss+xml")
    assert "<link>https://ess.paysdegrasse.test/lettre/numeros/1/</link>" in body
    assert "Brouillon secret" not in body and "Voisin" not in body


def test_members_cannot_reach_the_animator_pages(client, member, territory):
    issue = IssueFactory(territory=territory)
    client.force_login(member)
    assert client.get("/lettre/gestion/").status_code == 403
    assert client.post(f"/lettre/gestion/{issue.pk}/envoyer/").status_code == 403


def test_animator_composes_previews_and_sees_the_status(client, animator, territory):
    client.force_login(animator)
    response = client.post(
        "/lettre/gestion/nouveau/",
        {
            "title": "Numéro de juin",
            "editorial": "Bonjour",
            "providers": ["newsletter.editorial"],
            "segment": "all",
        },
    )
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert "Bonjour" in client.get(f"/lettre/gestion/{issue.pk}/apercu/").content.decode()
    bad = client.post(
        f"/lettre/gestion/{issue.pk}/", {"title": "", "segment": "commune", "segment_value": "99999"}
    )
    assert bad.status_code == 200 and "erreur" in bad.content.decode()
    issue.refresh_from_db()
    assert issue.title == "Numéro de juin"


def test_personal_data_hook_exports_and_erases(territory):
    user = UserFactory(email="Lectrice@example.org")
    SubscriberFactory(territory=territory, email="lectrice@example.org")
    hook = registry.personal_data["newsletter"]
    exported = hook.export(user)
    assert exported["abonnements_lettre"][0]["adresse"] == "lectrice@example.org"
    hook.erase(user)
    assert not Subscriber.objects.filter(email="lectrice@example.org").exists()


def test_retention_deletes_old_unsubscribed_addresses(territory):
    old = SubscriberFactory(
        territory=territory,
        status="unsubscribed",
        unsubscribed_at=timezone.now() - timezone.timedelta(days=40),
    )
    recent = SubscriberFactory(territory=territory, status="unsubscribed", unsubscribed_at=timezone.now())
    assert registry.personal_data["newsletter"].retention(timezone.now()) == 1
    assert not Subscriber.objects.filter(pk=old.pk).exists()
    assert Subscriber.objects.filter(pk=recent.pk).exists()


def test_api_lists_published_issues_only(client, territory):
    IssueFactory(
        territory=territory, number=1, title="Paru", status=Issue.Status.SENT, sent_at=timezone.now()
    )
    IssueFactory(territory=territory, number=2, title="Brouillon")
    data = client.get("/api/v1/lettre/numeros").json()
    assert [i["number"] for i in data] == [1]
    assert data[0]["url"] == "https://ess.paysdegrasse.test/lettre/numeros/1/"
    assert client.get("/api/v1/lettre/numeros/1").json()["blocks"][0]["text"] == "Bonjour"
    assert client.get("/api/v1/lettre/numeros/2").status_code == 404


def test_one_retention_delay_on_the_page_the_consent_the_privacy_page_and_the_purge(client, territory):
    phrase = retention_phrase()
    assert phrase == f"{UNSUBSCRIBED_RETENTION_DAYS} jours après votre désabonnement"
    page = html.unescape(client.get("/lettre/").content.decode())
    privacy = html.unescape(client.get("/donnees-personnelles/").content.decode())
    assert f"supprimée {phrase}" in page
    assert f"Adresse supprimée {phrase}" in privacy
    assert f"{UNSUBSCRIBED_RETENTION_DAYS} jours après mon désabonnement" in CONSENT_TEXT
    assert f"{UNSUBSCRIBED_RETENTION_DAYS} jours après mon désabonnement" in page  # the consent box's label
    for text in (page, privacy, CONSENT_TEXT):
        assert "un mois après" not in text and "quand je me désabonne" not in text
        assert "Jusqu'à votre désinscription" not in text
    # The purge job keeps an address exactly that long.
    now = timezone.now()
    kept = SubscriberFactory(
        territory=territory,
        status="unsubscribed",
        unsubscribed_at=now - UNSUBSCRIBED_RETENTION + dt.timedelta(hours=1),
    )
    gone = SubscriberFactory(
        territory=territory,
        status="unsubscribed",
        unsubscribed_at=now - UNSUBSCRIBED_RETENTION - dt.timedelta(hours=1),
    )
    assert registry.personal_data["newsletter"].retention(now) == 1
    assert (
        Subscriber.objects.filter(pk=kept.pk).exists() and not Subscriber.objects.filter(pk=gone.pk).exists()
    )
