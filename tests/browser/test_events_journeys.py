"""Journeys of the agenda in Chromium, with a real SMTP inbox: register without an account and follow the
links of the mails (confirm, then cancel), the waiting list moving up when someone cancels, and the
animator's check-in page at the door. Each journey ends on the French words the person reads."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from maillage.events import services
from maillage.events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.browser

CONFIRM = r"^/agenda/inscription/confirmer/"
CANCEL = r"^/agenda/inscription/annuler/"


def register_without_account(page, event, *, name: str, email: str) -> None:
    page.goto(f"/agenda/{event.slug}/inscription/")
    page.get_by_label("Prénom et nom").fill(name)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()
    page.wait_for_load_state()


def press(page, label: str) -> None:
    page.locator("main").get_by_role("button", name=label).first.click()
    page.wait_for_load_state()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def test_register_confirm_from_the_mail_then_cancel_from_the_mail(new_context, territory, smtp_inbox):
    event = EventFactory(territory=territory, title="Visite de la ressourcerie", capacity=10)
    page = new_context().new_page()

    register_without_account(page, event, name="Camille Roux", email="camille@example.org")
    assert "Visite de la ressourcerie" in main_text(page)

    mail = smtp_inbox.wait_for(to="camille@example.org", subject="Confirmez votre inscription")
    assert "Bonjour Camille Roux," in mail.text and mail.text.count("Bonjour") == 1
    page.goto(smtp_inbox.link_path(mail, CONFIRM))
    assert Registration.objects.get(email="camille@example.org").state == "pending"  # GET changes nothing
    press(page, "Confirmer mon inscription")
    assert "Votre inscription est confirmée" in main_text(page)
    assert Registration.objects.get(email="camille@example.org").state == "registered"

    confirmed = smtp_inbox.wait_for(to="camille@example.org", subject="Inscription confirmée")
    page.goto(smtp_inbox.link_path(confirmed, CANCEL))
    assert "Voulez-vous annuler votre inscription" in main_text(page)
    press(page, "Annuler mon inscription")
    assert "Votre inscription est annulée." in main_text(page)
    assert Registration.objects.get(email="camille@example.org").state == "cancelled"


def test_the_waiting_list_moves_up_when_a_registrant_cancels(new_context, territory, animator, smtp_inbox):
    event = EventFactory(territory=territory, title="Atelier réparation de vélos", capacity=1)
    seated = RegistrationFactory(event=event, name="Pierre Martin", email="pierre@example.org", sequence=1)
    event.registration_counter = 1
    event.save(update_fields=["registration_counter"])
    page = new_context().new_page()

    # Léa asks for the full event, confirms from the mail: she is on the waiting list.
    register_without_account(page, event, name="Léa Roux", email="lea@example.org")
    mail = smtp_inbox.wait_for(to="lea@example.org", subject="Confirmez votre inscription")
    page.goto(smtp_inbox.link_path(mail, CONFIRM))
    press(page, "Confirmer mon inscription")
    assert "vous êtes sur la liste d'attente" in main_text(page)
    smtp_inbox.wait_for(to="lea@example.org", subject="Liste d'attente")

    # Pierre cancels with the link of his mails.
    pierre = new_context().new_page()
    pierre.goto(urlsplit(services.cancel_url(seated)).path)
    press(pierre, "Annuler mon inscription")
    assert "Votre inscription est annulée." in main_text(pierre)

    # Léa is told, and the animator sees her among the registered, the waiting list empty.
    promoted = smtp_inbox.wait_for(to="lea@example.org", subject="Une place s'est libérée")
    assert "vous êtes maintenant inscrit" in promoted.text
    assert "Bonjour Léa Roux," in promoted.text and promoted.text.count("Bonjour") == 1
    manager = new_context(user=animator).new_page()
    manager.goto(f"/agenda/{event.slug}/gestion/")
    registered = manager.locator("section[aria-labelledby=titre-inscrits]").inner_text()
    assert "Inscrits (1 sur 1 places)" in registered and "Léa Roux" in registered
    assert "Pierre Martin" not in registered and "lea@example.org" not in registered
    assert manager.locator("#titre-attente").count() == 0


def test_the_animator_checks_people_in_at_the_door(new_context, territory, animator, smtp_inbox):
    event = EventFactory(territory=territory, title="Rendez-vous de l'ESS", capacity=10)
    pierre = RegistrationFactory(event=event, name="Pierre Martin", email="pierre@example.org")
    lea = RegistrationFactory(event=event, name="Léa Roux", email="lea@example.org")
    page = new_context(user=animator).new_page()
    page.goto(f"/agenda/{event.slug}/gestion/")
    link = page.get_by_role("link", name="Ouvrir la page de pointage").get_attribute("href")
    tablet = new_context().new_page()  # the tablet at the door: no sign-in
    tablet.goto(urlsplit(link).path)
    assert "0 présent sur 2 inscrits" in main_text(tablet)

    # Léa shows her code.
    tablet.get_by_label("Code d'inscription").fill(lea.checkin_code.lower())
    press(tablet, "Valider le code")
    assert "Léa Roux : présence enregistrée." in main_text(tablet)

    # Pierre has no code: he is found by name.
    tablet.get_by_label("Chercher par nom").fill("martin")
    press(tablet, "Chercher")
    listed = tablet.locator(".checkin-list").inner_text()
    assert "Pierre Martin" in listed and "Léa Roux" not in listed
    press(tablet, "Marquer présent")
    text = main_text(tablet)
    assert "Pierre Martin : présence enregistrée." in text and "2 présents sur 2 inscrits" in text
    assert "pierre@example.org" not in text and "lea@example.org" not in text
    assert Registration.objects.filter(pk__in=[pierre.pk, lea.pk], attended=True).count() == 2
