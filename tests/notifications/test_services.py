"""The notification centre's services and pages: notify()'s contract, one-click unsubscribe (RFC 8058),
the old workspace addresses, read marks, personal data."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from maillage.core.actors import SYSTEM
from maillage.core.registry import DELIVERY_CHOICES, NotificationKind, RegistryError
from maillage.notifications import services
from maillage.notifications.models import Delivery, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notify(territory, users, kind="workspace.membership", **kwargs):
    kwargs.setdefault("actor", SYSTEM)
    return services.notify(kind=kind, territory=territory, recipients=users, title="Titre", url="/", **kwargs)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_an_unregistered_kind_is_refused(territory, member):
    with pytest.raises(services.UnknownNotificationKind):
        _notify(territory, [member], kind="nobody.registered.this")
    assert not Notification.objects.exists()


def test_once_per_person_and_the_excluded_one_left_out(territory, member, manager):
    created = _notify(territory, [member, member, None, manager], exclude=manager, actor=manager)
    assert [n.user for n in created] == [member]
    assert created[0].actor == manager and created[0].actor_label == manager.display_name


def test_the_system_actor_is_named(territory, member):
    [n] = _notify(territory, [member])
    assert n.actor is None and n.actor_label == "Système"


def test_a_given_template_renders_with_the_context(territory, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(
            territory,
            [member],
            template="notification",
            context={"title": "T", "body": "Un corps bien à lui", "action_url": "", "action_label": ""},
        )
    [message] = mail.outbox
    assert "Un corps bien à lui" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_post_switches_the_kind_to_never(territory, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(territory, [member], kind="workspace.mention")
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert "/notifications/arret/" in url
    client = Client(enforce_csrf_checks=True)  # a mail client: no session, no CSRF token
    page = client.get(_path(url))
    assert page.status_code == 200 and "<form" in page.content.decode()  # a GET shows a button
    assert services.delivery_for(member, "workspace.mention") == "immediate"  # and changes nothing
    response = client.post(
        _path(url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert services.delivery_for(member, "workspace.mention") == "never"
    assert services.delivery_for(member, "workspace.reply") == "daily"  # the others untouched


def test_the_unsubscribe_all_link(territory, member):
    token = services.unsubscribe_url(territory, member, services.ALL_KINDS).rsplit("/", 2)[1]
    Client(enforce_csrf_checks=True).post(f"/notifications/arret/{token}/")
    assert set(services.preferences_of(member).values()) == {"never"}


def test_the_old_workspace_addresses_still_work(client, territory, member):
    token = services.unsubscribe_url(territory, member, "workspace.reply").rsplit("/", 2)[1]
    old = f"/ateliers/notifications/arret/{token}/"
    assert Client().get(old).status_code == 200
    assert Client(enforce_csrf_checks=True).post(old).status_code == 200  # mails already sent: one click
    assert services.delivery_for(member, "workspace.reply") == "never"
    client.force_login(member)
    for old_path, new_path in (
        ("/ateliers/notifications/", "/notifications/"),
        ("/ateliers/notifications/reglages/", "/notifications/reglages/"),
    ):
        response = client.get(old_path)
        assert response.status_code == 301 and response["Location"] == new_path
    assert client.get("/ateliers/notifications/?page=2")["Location"] == "/notifications/?page=2"


def test_mark_read_touches_only_ones_own(territory, other_territory, member, manager):
    [mine] = _notify(territory, [member])
    [theirs] = _notify(territory, [manager])
    [elsewhere] = _notify(other_territory, [member])
    assert services.mark_read(actor=member, territory=territory) == 1
    mine.refresh_from_db(), theirs.refresh_from_db(), elsewhere.refresh_from_db()
    assert mine.read_at and not theirs.read_at and not elsewhere.read_at
    [second] = _notify(territory, [member])
    assert services.mark_read(actor=member, territory=territory, pks=[theirs.pk, second.pk]) == 1


def test_the_list_shows_only_ones_own(client, territory, member, manager):
    _notify(territory, [manager])
    client.force_login(member)
    assert "Titre" not in client.get("/notifications/").content.decode()


def test_preferences_ignore_unknown_kinds_and_deliveries(member):
    services.set_preferences(actor=member, choices={"nope": "never", "workspace.reply": "sometimes"})
    assert services.delivery_for(member, "workspace.reply") == "daily"


def test_export_and_erase(territory, member):
    other = UserFactory(first_name="Basile", last_name="Autre")
    _notify(territory, [member], actor=other, body="Détail")
    _notify(territory, [other], actor=member)
    services.set_preferences(actor=member, choices={"workspace.reply": "weekly"})
    data = services.export_person(member)
    assert data["notifications"][0]["texte"] == "Détail"
    assert data["preferences_de_notification"] == {"workspace.reply": "weekly"}
    services.erase_person(member)
    assert not Notification.objects.filter(user=member).exists()
    assert services.export_person(member) == {"notifications": [], "preferences_de_notification": {}}
    caused = Notification.objects.get(user=other)
    assert caused.actor is None and caused.actor_label == ""


def test_a_kind_with_an_unknown_default_is_refused_at_registration():
    with pytest.raises(RegistryError):
        NotificationKind(key="x.y", label="X", default_delivery="sometimes")  # type: ignore[arg-type]
    assert set(Delivery.values) == set(DELIVERY_CHOICES)
