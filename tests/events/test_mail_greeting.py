"""The mail layout greets once: « Bonjour Pierre Martin, » — never « Bonjour, Bonjour Pierre »."""

from __future__ import annotations

import pytest

from maillage.core.actors import SYSTEM
from maillage.events import services
from maillage.events.models import Registration, Status
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _greets_once(mail, name: str) -> None:
    html = mail.alternatives[0][0]
    for text in (mail.body, html):
        assert text.count("Bonjour") == 1, text
    assert f"Bonjour {name}," in mail.body and f"<p>Bonjour {name},</p>" in html


def test_every_mail_of_a_registration_greets_the_person_once(territory, animator, mailoutbox, on_commit):
    event = EventFactory(territory=territory, capacity=1, title="Visite de la ressourcerie")
    with on_commit():
        services.request_registration(event=event, email="pierre@example.org", name="Pierre Martin")
    with on_commit():
        services.request_registration(event=event, email="lea@example.org", name="Léa Roux")
    pierre = Registration.objects.get(email="pierre@example.org")
    lea = Registration.objects.get(email="lea@example.org")
    with on_commit():
        services.confirm_registration(registration_id=pierre.pk)
    with on_commit():
        services.confirm_registration(registration_id=lea.pk)  # full: the waiting list
    with on_commit():
        services.cancel_registration(actor=SYSTEM, registration_id=pierre.pk)  # Léa is promoted
    with on_commit():
        services.change_status(actor=animator, event=event, to=Status.CANCELLED)
    subjects = [(m.to[0], m.subject) for m in mailoutbox]
    assert subjects == [
        ("pierre@example.org", "Confirmez votre inscription : Visite de la ressourcerie"),
        ("lea@example.org", "Confirmez votre inscription : Visite de la ressourcerie"),
        ("pierre@example.org", "Inscription confirmée : Visite de la ressourcerie"),
        ("lea@example.org", "Liste d'attente : Visite de la ressourcerie"),
        ("lea@example.org", "Une place s'est libérée : Visite de la ressourcerie"),
        ("lea@example.org", "Annulé : Visite de la ressourcerie"),
    ]
    for mail in mailoutbox:
        _greets_once(mail, "Pierre Martin" if mail.to == ["pierre@example.org"] else "Léa Roux")


def test_a_mail_to_an_address_alone_says_bonjour_once(territory, mailoutbox, on_commit):
    event = EventFactory(territory=territory)
    with on_commit():
        services.request_registration(event=event, email="pierre@example.org", name="Pierre Martin")
    pierre = Registration.objects.get()
    with on_commit():
        services.confirm_registration(registration_id=pierre.pk)
    with on_commit():  # asked again with a registered address: the mail does not know who asked
        services.request_registration(event=event, email="pierre@example.org", name="Quelqu'un")
    mail = mailoutbox[-1]
    assert mail.subject.startswith("Vous êtes déjà inscrit")
    assert mail.body.count("Bonjour") == 1 and "Bonjour,\n" in mail.body
