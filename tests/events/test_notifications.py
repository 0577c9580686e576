"""Registrants with an account hear about their events through the notification centre (their preference
per kind: at once, in a digest, never — the in-app notification exists whatever the choice); registrations
by address alone keep a direct mail. « Message aux inscrits » greets once even when its text says
« Bonjour »."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.core.actors import SYSTEM
from maillage.core.registry import registry
from maillage.events import services
from maillage.events.models import Registration, Status
from maillage.notifications import services as notifications
from maillage.notifications.models import Notification
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

KINDS = [
    services.KIND_REGISTRATION,
    services.KIND_CHANGED,
    services.KIND_MESSAGE,
    services.KIND_WAITLIST,
    services.KIND_REMINDER,
]


def test_the_agenda_registers_its_kinds():
    assert set(KINDS) <= set(registry.notification_kinds)


def _registered(event, user) -> Registration:
    return RegistrationFactory(event=event, user=user, email=user.email, name="Membre Exemple")


def _happen(kind, *, territory, member, animator, on_commit) -> str:
    """Make the agenda send `kind` to `member`; returns the title of what they are told."""
    if kind == services.KIND_REGISTRATION:
        event = EventFactory(territory=territory, title="Atelier compost")
        with on_commit():
            services.register_account(actor=member, event=event)
        return "Inscription confirmée : Atelier compost"
    if kind == services.KIND_CHANGED:
        event = EventFactory(territory=territory, title="Atelier compost")
        _registered(event, member)
        with on_commit():
            services.update_event(actor=animator, event=event, venue="Salle B")
        return "Changement : Atelier compost"
    if kind == services.KIND_MESSAGE:
        event = EventFactory(territory=territory, title="Atelier compost")
        _registered(event, member)
        with on_commit():
            services.send_message(actor=animator, event=event, subject="Salle", body="Salle B.")
        return "Salle — Atelier compost"
    if kind == services.KIND_WAITLIST:
        event = EventFactory(territory=territory, title="Atelier compost", capacity=1)
        seated = RegistrationFactory(event=event, email="autre@example.org")
        RegistrationFactory(
            event=event, user=member, email=member.email, state=Registration.State.WAITLISTED, sequence=99
        )
        with on_commit():
            services.cancel_registration(actor=SYSTEM, registration_id=seated.pk)
        return "Une place s'est libérée : Atelier compost"
    assert kind == services.KIND_REMINDER
    event = EventFactory(
        territory=territory, title="Atelier compost", start=timezone.now() + dt.timedelta(hours=3)
    )
    _registered(event, member)
    with on_commit():
        assert services.send_reminders() == 1
    return "Rappel : Atelier compost"


@pytest.mark.parametrize("kind", KINDS)
def test_at_once_one_mail_and_the_notification(kind, territory, member, animator, mailoutbox, on_commit):
    notifications.set_preferences(actor=member, choices={kind: "immediate"})
    title = _happen(kind, territory=territory, member=member, animator=animator, on_commit=on_commit)
    [mail] = [m for m in mailoutbox if m.to == [member.email]]
    assert mail.subject == title
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Ne plus recevoir ces messages" in mail.body
    assert mail.body.count("Bonjour") == 1
    notification = Notification.objects.get(user=member, kind=kind)
    assert notification.title == title and notification.mailed_at is not None
    event = Registration.objects.get(user=member).event
    assert notification.url == reverse("events:detail", kwargs={"slug": event.slug})


@pytest.mark.parametrize("kind", KINDS)
def test_never_no_mail_but_the_notification(kind, territory, member, animator, mailoutbox, on_commit):
    notifications.set_preferences(actor=member, choices={kind: "never"})
    title = _happen(kind, territory=territory, member=member, animator=animator, on_commit=on_commit)
    assert not [m for m in mailoutbox if m.to == [member.email]]
    notification = Notification.objects.get(user=member, kind=kind)
    assert notification.title == title and notification.mailed_at is None


def test_cancelling_tells_account_holders_through_the_centre_and_addresses_directly(
    territory, member, animator, mailoutbox, on_commit
):
    event = EventFactory(territory=territory, title="Atelier compost")
    _registered(event, member)
    RegistrationFactory(event=event, email="sans.compte@example.org", name="Sans Compte")
    notifications.set_preferences(actor=member, choices={services.KIND_CHANGED: "daily"})
    with on_commit():
        services.change_status(actor=animator, event=event, to=Status.CANCELLED, note="Salle inondée.")
    [mail] = mailoutbox  # the member reads it in tomorrow's digest
    assert mail.to == ["sans.compte@example.org"] and mail.subject == "Annulé : Atelier compost"
    assert "Bonjour Sans Compte," in mail.body and "Salle inondée." in mail.body
    assert "List-Unsubscribe" not in mail.extra_headers
    notification = Notification.objects.get(user=member, kind=services.KIND_CHANGED)
    assert notification.title == "Annulé : Atelier compost" and "Salle inondée." in notification.body
    assert notification.actor == animator
    assert not Notification.objects.exclude(user=member).exists()


@pytest.mark.parametrize("greeting", ["Bonjour à toutes et à tous,", "bonjour,", "Chers amis,", "Bonsoir !"])
def test_a_message_that_greets_is_not_greeted_twice(
    greeting, territory, member, animator, mailoutbox, on_commit
):
    event = EventFactory(territory=territory, title="Atelier compost")
    _registered(event, member)
    RegistrationFactory(event=event, email="sans.compte@example.org")
    with on_commit():
        services.send_message(
            actor=animator, event=event, subject="Salle", body=f"{greeting}\n\nNous serons en salle B."
        )
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        html = mail.alternatives[0][0]
        for text in (mail.body, html):
            assert text.lower().count("bonjour") == (1 if "onjour" in greeting else 0), text
            assert text.count(greeting.split()[0]) == 1, text
        assert "Nous serons en salle B." in mail.body


def test_a_message_that_does_not_greet_gets_the_layouts_greeting(
    territory, member, animator, mailoutbox, on_commit
):
    event = EventFactory(territory=territory, title="Atelier compost")
    _registered(event, member)
    RegistrationFactory(event=event, email="sans.compte@example.org")
    with on_commit():
        services.send_message(actor=animator, event=event, subject="Salle", body="Nous serons en salle B.")
    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address["sans.compte@example.org"].body.count("Bonjour,") == 1
    assert by_address[member.email].body.count("Bonjour") == 1


@pytest.mark.parametrize(
    ("body", "greets"),
    [
        ("Bonjour,", True),
        ("  « Bonjour à tous »", True),
        ("Madame, Monsieur,", True),
        ("Bonjournée à venir", False),
        ("Nous disons bonjour à la salle B.", False),
        ("", False),
    ],
)
def test_greets(body, greets):
    assert services.common.greets(body) is greets
