"""Journeys of the training module in Chromium, with a real SMTP inbox: a manager answers the census; a
member books an office hour and cancels it from the confirmation mail's link; the animator turns a theme
of the census into a collective session. Each journey ends on the French words the person reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from maillage.events.models import Event
from maillage.training import services
from maillage.training.models import Booking, CollectiveSession, Response
from tests.factories import MembershipFactory, StructureFactory, UserFactory
from tests.training.factories import interest, office_hours_of, open_census

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return page.locator("main").inner_text()


def press(page, label: str) -> None:
    page.locator("main").get_by_role("button", name=label).first.click()
    page.wait_for_load_state()


def test_a_manager_answers_the_census_and_edits_the_answer(new_context, territory, structure, manager):
    census = open_census(territory, title="Besoins de formation 2027")
    page = new_context(user=manager).new_page()
    page.goto(f"/formations/recensements/{census.pk}/")
    page.get_by_role("link", name="Répondre pour La Ressourcerie du Pays de Grasse").click()
    fieldset = page.get_by_role("group", name="Financements hybrides")
    fieldset.get_by_label("Ce thème intéresse notre structure : Financements hybrides").check()
    fieldset.get_by_label("Personnes concernées").fill("3")
    fieldset.get_by_label("Priorité").select_option(label="prioritaire")
    fieldset.get_by_label("janvier à mars").check()
    press(page, "Enregistrer la réponse")
    assert "Merci : la réponse de La Ressourcerie du Pays de Grasse est enregistrée" in main_text(page)
    assert Response.objects.get().interests.get().staff == 3

    page.get_by_role("link", name="Modifier la réponse pour La Ressourcerie du Pays de Grasse").click()
    page.get_by_role("group", name="Financements hybrides").get_by_label("Personnes concernées").fill("5")
    press(page, "Enregistrer la réponse")
    assert "Vous pourrez la modifier jusqu'à la date limite" in main_text(page)
    assert Response.objects.count() == 1 and Response.objects.get().interests.get().staff == 5


def test_a_member_books_an_office_hour_then_cancels_from_the_mail(
    new_context, territory, structure, member, smtp_inbox
):
    adviser = UserFactory(email="conseil@example.org", first_name="Inès", last_name="Garnier")
    office_hours = office_hours_of(territory, adviser, title="Permanence financements")
    page = new_context(user=member).new_page()
    page.goto("/formations/permanences/")
    page.get_by_role("link", name="Permanence financements").click()
    page.locator("main").get_by_role("link", name="Réserver").first.click()
    page.get_by_label("Sujet à aborder").fill("Monter un dossier FSE+")
    press(page, "Réserver ce créneau")
    assert "Votre rendez-vous est réservé" in main_text(page)
    assert "Monter un dossier FSE+" in main_text(page)
    booking = Booking.objects.get()
    assert booking.slot_id == office_hours.slots.first().pk

    mail = smtp_inbox.wait_for(to=member.email, subject="Rendez-vous confirmé")
    page.goto(smtp_inbox.link_path(mail, r"^/formations/reservations/annuler/"))
    assert "Voulez-vous annuler ce rendez-vous" in main_text(page)
    booking.refresh_from_db()
    assert booking.state == "booked"  # opening the link changes nothing
    press(page, "Annuler le rendez-vous")
    assert "Votre rendez-vous est annulé. Le conseiller est prévenu." in main_text(page)
    booking.refresh_from_db()
    assert booking.state == "cancelled"
    smtp_inbox.wait_for(to="conseil@example.org", subject="Rendez-vous annulé")


def test_the_animator_creates_a_collective_session_from_a_theme(new_context, territory, animator):
    census = open_census(territory)
    theme = census.themes.get(name="Financements hybrides")
    for i in range(5):
        structure = StructureFactory(territory=territory, name=f"Structure {i}")
        user = UserFactory(email=f"gestion{i}@example.org")
        MembershipFactory(user=user, structure=structure, role="manager")
        services.submit_response(
            actor=user, census=census, structure=structure, answers={}, interests={theme.pk: interest(1)}
        )
    page = new_context(user=animator).new_page()
    page.goto(f"/formations/gestion/recensements/{census.pk}/resultats/")
    assert page.get_by_role("img", name="Structures intéressées par thème").is_visible()
    page.get_by_role("link", name="Créer une session « Financements hybrides »").click()
    day = timezone.localdate() + dt.timedelta(days=40)
    page.get_by_label("Intervenant ou organisme de formation").fill("Cabinet Coopérer")
    page.get_by_label("Début").fill(f"{day:%Y-%m-%d}T09:30")
    page.get_by_label("Fin (obligatoire)").fill(f"{day:%Y-%m-%d}T17:00")
    page.get_by_label("Lieu").fill("Maison de l'ESS, Grasse")
    page.get_by_label("Nombre de places").fill("16")
    page.get_by_label("Inscriptions réservées aux structures intéressées jusqu'au").fill(
        f"{day - dt.timedelta(days=20):%Y-%m-%d}T18:00"
    )
    press(page, "Créer la session dans l'agenda")
    assert "La session est créée dans l'agenda ; 5 structure(s) intéressée(s) sont invitées" in main_text(
        page
    )
    assert "Cabinet Coopérer" in main_text(page)
    event = CollectiveSession.objects.get().event
    assert Event.objects.get(pk=event.pk).registration_open is False
