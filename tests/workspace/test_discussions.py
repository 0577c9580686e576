"""Discussions: sanitised Markdown, mentions, edit history, reports, moderation, the « échanges » area."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.notifications.models import Notification
from maillage.workspace import services
from maillage.workspace.models import AbuseReport, Mention, Post
from tests.workspace.factories import AtelierFactory, AtelierMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def atelier(territory, member, manager):
    a = AtelierFactory(territory=territory, name="Guide des acteurs")
    AtelierMemberFactory(atelier=a, user=member)
    AtelierMemberFactory(atelier=a, user=manager, role="coordinator")
    return a


PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_and_js_payloads_are_never_executed(client, territory, member, atelier, payload):
    thread = services.create_thread(
        actor=member, territory=territory, atelier=atelier, title="Essai", body=f"Bonjour {payload}"
    )
    client.force_login(member)
    page = client.get(f"/ateliers/discussions/{thread.pk}/").content.decode()
    body = page.split('class="ws-posts"')[1].split("</ol>")[0]
    # Escaped text is harmless; no live tag, event handler or javascript: link may come through.
    for forbidden in ("<script", "<img", "<iframe", "<svg"):
        assert forbidden not in body
    assert not re.search(r"<[^>]*\son\w+=", body)
    assert not re.search(r"<a[^>]*href=\"javascript", body)


def test_markdown_is_rendered(territory, member, atelier):
    thread = services.create_thread(
        actor=member,
        territory=territory,
        atelier=atelier,
        title="T",
        body="**gras** et [lien](https://exemple.fr)",
    )
    html = thread.posts.get().body_html
    assert "<strong>gras</strong>" in html and 'href="https://exemple.fr"' in html


def test_mentions_link_structures_and_name_people_without_address(
    territory, member, manager, atelier, structure, django_capture_on_commit_callbacks
):
    slug = manager.display_name.lower().replace(" ", "-")
    from django.utils.text import slugify

    slug = slugify(manager.display_name)
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.create_thread(
            actor=member,
            territory=territory,
            atelier=atelier,
            title="Mentions",
            body=f"Bonjour @{slug}, voyez avec @{structure.slug} et @personne-inconnue.",
        )
    post = thread.posts.get()
    assert f'href="/structures/{structure.slug}/"' in post.body_html
    assert f"<strong>@{manager.display_name}</strong>" in post.body_html
    assert "@personne-inconnue" in post.body_html
    assert manager.email not in post.body_html
    assert Mention.objects.filter(post=post, user=manager).exists()
    assert Notification.objects.filter(user=manager, kind="workspace.mention").exists()
    # Not notified twice for the same thread creation (mentioned, so not in the « new thread » list).
    assert Notification.objects.filter(user=manager).count() == 1


def test_edit_keeps_history_and_only_the_author_edits(client, territory, member, manager, atelier):
    thread = services.create_thread(
        actor=member, territory=territory, atelier=atelier, title="T", body="Première"
    )
    post = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.edit_post(actor=manager, post=post, body="Piraté")
    services.edit_post(actor=member, post=post, body="Seconde")
    post.refresh_from_db()
    assert post.body == "Seconde" and post.edited_at
    assert list(post.revisions.values_list("body", flat=True)) == ["Première"]
    client.force_login(manager)
    assert client.get(f"/ateliers/messages/{post.pk}/modifier/").status_code == 403
    history = client.get(f"/ateliers/messages/{post.pk}/historique/").content.decode()
    assert "Première" in history and "Seconde" in history


def test_empty_or_huge_message_is_refused(territory, member, atelier):
    with pytest.raises(ValidationError):
        services.create_thread(actor=member, territory=territory, atelier=atelier, title="T", body="   ")
    with pytest.raises(ValidationError):
        services.create_thread(
            actor=member, territory=territory, atelier=atelier, title="T", body="x" * 20_001
        )
    assert not Post.objects.exists()


def test_non_members_cannot_post_or_read(client, territory, manager_other, member, atelier):
    thread = services.create_thread(
        actor=member, territory=territory, atelier=atelier, title="T", body="Bonjour"
    )
    with pytest.raises(PermissionDenied):
        services.reply_to_thread(actor=manager_other, thread=thread, body="Intrus")
    client.force_login(manager_other)
    assert client.get(f"/ateliers/discussions/{thread.pk}/").status_code == 403
    assert client.post(f"/ateliers/discussions/{thread.pk}/", {"body": "Intrus"}).status_code == 403
    assert thread.posts.count() == 1


def test_report_then_moderate(
    client, territory, member, manager, atelier, animator, django_capture_on_commit_callbacks
):
    thread = services.create_thread(
        actor=manager, territory=territory, atelier=atelier, title="T", body="Propos"
    )
    post = thread.posts.get()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ateliers/messages/{post.pk}/signaler/", {"reason": "Propos déplacés"})
    assert AbuseReport.objects.get().outcome == "open"
    assert Notification.objects.filter(user=animator, kind="workspace.report").exists()
    again = client.post(f"/ateliers/messages/{post.pk}/signaler/", {"reason": "Encore"})
    assert "déjà signalé" in again.content.decode()
    assert (
        client.post(f"/ateliers/messages/{post.pk}/moderer/", {"action": "hide", "reason": "x"}).status_code
        == 403
    )
    client.force_login(animator)
    no_reason = client.post(f"/ateliers/messages/{post.pk}/moderer/", {"action": "hide", "reason": ""})
    assert no_reason.status_code == 200
    post.refresh_from_db()
    assert not post.is_hidden
    client.post(f"/ateliers/messages/{post.pk}/moderer/", {"action": "hide", "reason": "Hors charte"})
    post.refresh_from_db()
    assert post.is_hidden and AbuseReport.objects.get().outcome == "hidden"
    client.force_login(member)
    page = client.get(f"/ateliers/discussions/{thread.pk}/").content.decode()
    assert "Hors charte" in page and "Propos</p>" not in page


def test_exchanges_are_open_to_territory_members_only(
    client, territory, member, manager_other, animator_other
):
    client.force_login(member)
    response = client.post(
        "/ateliers/echanges/nouveau/", {"kind": "seek", "title": "Cherche un local", "body": "50 m² à Grasse"}
    )
    assert response.status_code == 302
    client.force_login(manager_other)
    page = client.get("/ateliers/echanges/?type=seek").content.decode()
    assert "Cherche un local" in page
    assert "Cherche un local" not in client.get("/ateliers/echanges/?type=offer").content.decode()
    client.force_login(animator_other)
    assert client.get("/ateliers/echanges/").status_code == 403
    bad = services.create_thread
    with pytest.raises(ValidationError):
        bad(actor=member, territory=territory, atelier=None, title="x", body="y", kind="discussion")
