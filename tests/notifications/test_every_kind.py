"""Every registered notification kind honours each delivery a person may choose: at once, in the daily
digest, in Monday's digest, or never by mail (the in-app notification exists whatever the choice)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from maillage.core.actors import SYSTEM
from maillage.core.registry import registry
from maillage.notifications import services
from maillage.notifications.models import Notification

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
TUESDAY = MONDAY + dt.timedelta(days=1)
KINDS = sorted(registry.notification_kinds)


def test_the_real_registry_has_the_kinds_of_the_apps():
    # An empty registry would make the test below pass vacuously.
    assert {"workspace.mention", "workspace.reply", "charter_resign"} <= set(KINDS)


def _send(territory, user, kind, capture):
    with capture(execute=True):
        created = services.notify(
            kind=kind,
            territory=territory,
            recipients=[user],
            title=f"Essai de {kind}",
            url="/",
            actor=SYSTEM,
            body="Ce qui s'est passé.",
        )
    assert len(created) == 1
    assert Notification.objects.filter(user=user, kind=kind, title=f"Essai de {kind}").count() == 1


def _digest(now, capture) -> int:
    with capture(execute=True):
        return services.send_digests(now=now)


def _mails_about(kind) -> list:
    return [m for m in mail.outbox if f"Essai de {kind}" in m.body]


@pytest.mark.parametrize("kind", KINDS)
def test_immediate(kind, territory, member, django_capture_on_commit_callbacks):
    services.set_preferences(actor=member, choices={kind: "immediate"})
    _send(territory, member, kind, django_capture_on_commit_callbacks)
    [message] = _mails_about(kind)
    assert message.to == [member.email]
    assert "Ce qui s'est passé." in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _digest(MONDAY, django_capture_on_commit_callbacks) == 0  # not twice


@pytest.mark.parametrize("kind", KINDS)
def test_daily(kind, territory, member, django_capture_on_commit_callbacks):
    services.set_preferences(actor=member, choices={kind: "daily"})
    _send(territory, member, kind, django_capture_on_commit_callbacks)
    assert not mail.outbox
    assert _digest(TUESDAY, django_capture_on_commit_callbacks) == 1
    [message] = _mails_about(kind)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _digest(TUESDAY + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_weekly(kind, territory, member, django_capture_on_commit_callbacks):
    services.set_preferences(actor=member, choices={kind: "weekly"})
    _send(territory, member, kind, django_capture_on_commit_callbacks)
    assert not mail.outbox
    assert _digest(TUESDAY, django_capture_on_commit_callbacks) == 0  # only on Mondays
    assert not mail.outbox
    assert _digest(MONDAY, django_capture_on_commit_callbacks) == 1
    assert len(_mails_about(kind)) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_never(kind, territory, member, django_capture_on_commit_callbacks):
    services.set_preferences(actor=member, choices={kind: "never"})
    _send(territory, member, kind, django_capture_on_commit_callbacks)
    assert _digest(TUESDAY, django_capture_on_commit_callbacks) == 0
    assert _digest(MONDAY, django_capture_on_commit_callbacks) == 0
    assert not mail.outbox
    assert Notification.objects.get(user=member, kind=kind).mailed_at is None
