"""Notifications: per-kind delivery, the one digest mail, unsubscribe by link (page + POST).

(Moved from tests/workspace: the workspace's kinds, delivered by the notification centre.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client

from maillage.core.actors import SYSTEM
from maillage.notifications import services as notifications
from maillage.notifications.models import Notification, NotificationPreference
from maillage.workspace import services
from tests.workspace.factories import AtelierFactory, AtelierMemberFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
TUESDAY = MONDAY + dt.timedelta(days=1)


def _notify(territory, user, kind, title="Quelque chose"):
    return notifications.notify(
        territory=territory, recipients=[user], kind=kind, title=title, url="/ateliers/", actor=SYSTEM
    )


def test_per_kind_delivery(territory, member, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=member, kind="workspace.mention", delivery="never")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(territory, member, "workspace.mention")  # never: in-app only
        _notify(territory, member, "workspace.membership")  # immediate by default
        _notify(territory, member, "workspace.reply")  # daily by default
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=member).count() == 3
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].startswith("<https://ess.paysdegrasse.test/")


def test_one_digest_groups_everything_due(territory, member, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=member, kind="workspace.membership", delivery="weekly")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(territory, member, "workspace.reply", "Réponse A")
        _notify(territory, member, "workspace.reply", "Réponse B")
        _notify(territory, member, "workspace.membership", "Adhésion C")
        assert notifications.send_digests(now=TUESDAY) == 1  # daily only on a Tuesday
    assert len(mail.outbox) == 1
    assert "Réponse A" in mail.outbox[0].body and "Réponse B" in mail.outbox[0].body
    assert "Adhésion C" not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digests(now=MONDAY) == 1
        assert notifications.send_digests(now=MONDAY) == 0  # nothing twice
    assert "Adhésion C" in mail.outbox[1].body and "Réponse A" not in mail.outbox[1].body


def test_unsubscribe_link_page_then_post(territory, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(territory, member, "workspace.membership")
    url = re.search(r"https?://\S+/notifications/arret/\S+/", mail.outbox[0].body).group(0)
    path = "/" + url.split("/", 3)[3]
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200
    assert notifications.delivery_for(member, "workspace.membership") == "immediate"
    assert (
        client.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    assert notifications.delivery_for(member, "workspace.membership") == "never"
    assert Client().post(path[:-4] + "abc/").status_code == 400  # tampered


def test_preferences_page_and_in_app_list(client, territory, member):
    _notify(territory, member, "workspace.mention", "Vous êtes mentionné")
    client.force_login(member)
    page = client.get("/notifications/").content.decode()
    assert "Vous êtes mentionné" in page and "Nouveau" in page
    client.post("/notifications/")
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()
    client.post(
        "/notifications/reglages/",
        {
            "workspace.mention": "weekly",
            "workspace.reply": "never",
            "workspace.membership": "daily",
            "workspace.report": "immediate",
        },
    )
    assert notifications.delivery_for(member, "workspace.reply") == "never"
    assert notifications.delivery_for(member, "workspace.mention") == "weekly"


def test_a_reply_notifies_participants_not_the_author(
    territory, member, manager, django_capture_on_commit_callbacks
):
    atelier = AtelierFactory(territory=territory)
    AtelierMemberFactory(atelier=atelier, user=member)
    AtelierMemberFactory(atelier=atelier, user=manager)
    thread = services.create_thread(
        actor=member, territory=territory, atelier=atelier, title="Sujet", body="Bonjour"
    )
    assert Notification.objects.filter(user=manager, kind="workspace.reply").count() == 1
    services.reply_to_thread(actor=manager, thread=thread, body="Réponse")
    assert Notification.objects.filter(user=member, kind="workspace.reply").count() == 1
    assert Notification.objects.filter(user=manager).count() == 1
