"""Journeys of the training module in Chromium, with a real SMTP inbox: a manager answers the census; a
member books an office hour and cancels it from the confirmation mail's link; the animator turns a theme
of the census into a collective session; an adviser publishes recurring office hours and deletes a booked
slot (the booker follows the mail); the animator builds a census with a conditional question and reminds
the managers (a manager follows the mail and answers); the animator records a support that the
structure's manager reads in « Mon espace »; an adviser uploads a guide (a disguised page refused), links it
to office hours and a member downloads it. Each journey ends on the French words the person reads."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader
from weasyprint import HTML

from maillage.events.models import Event
from maillage.training import services
from maillage.training.models import (
    Booking,
    CollectiveSession,
    Question,
    Resource,
    Response,
    Slot,
    SupportRecord,
)
from tests.factories import MembershipFactory, StructureFactory, UserFactory
from tests.training.factories import TESTS, interest, next_local, office_hours_of, open_census

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


def an_adviser(territory):
    """A person of the local support scheme, named adviser by the animation (as in the demo)."""
    user = UserFactory(email="ines.conseil@example.org", first_name="Inès", last_name="Garnier")
    services.name_adviser(
        actor=TESTS, territory=territory, user=user, organisation="Dispositif local d'accompagnement 06"
    )
    return user


def test_an_adviser_publishes_office_hours_then_deletes_a_booked_slot_and_the_booker_reads_it_cancelled(
    new_context, territory, structure, member, smtp_inbox
):
    adviser = an_adviser(territory)
    start = next_local(1, 9)  # a Tuesday of next week, 9:00
    page = new_context(user=adviser).new_page()
    page.goto("/formations/")
    page.get_by_role("link", name="Publier une permanence").click()
    page.get_by_label("Intitulé").fill("Permanence financements hybrides")
    page.get_by_label("Récurrence").select_option(label="Chaque semaine")
    page.get_by_label("Premier créneau").fill(f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_label("Durée d'un créneau (minutes)").fill("45")
    page.get_by_label("Créneaux à la suite").fill("2")
    page.get_by_label("Lieu").fill("Maison de l'ESS, Grasse")
    press(page, "Publier les créneaux")
    published = main_text(page)
    assert re.search(r"La permanence est publiée : \d+ créneaux ouverts\.", published)
    slots = Slot.objects.filter(office_hours__title="Permanence financements hybrides")
    assert slots.count() >= 20  # twelve weeks ahead, two slots each Tuesday
    assert {timezone.localtime(s.start).weekday() for s in slots} == {1}
    assert "à 09:00" in published and "à 09:45" in published and "Libre" in published

    member_page = new_context(user=member).new_page()
    member_page.goto("/formations/permanences/")
    member_page.get_by_role("link", name="Permanence financements hybrides").click()
    member_page.locator("main").get_by_role("link", name=re.compile("^Réserver")).first.click()
    member_page.get_by_label("Sujet à aborder").fill("Mécénat et financement participatif")
    press(member_page, "Réserver ce créneau")
    assert "Votre rendez-vous est réservé" in main_text(member_page)
    booking = Booking.objects.get()

    page.reload()
    assert "Réservé par La Ressourcerie du Pays de Grasse (Mécénat et financement participatif)" in main_text(
        page
    )
    page.locator("main").get_by_role("link", name=re.compile("^Supprimer le créneau du")).first.click()
    assert "Ce créneau est réservé par La Ressourcerie du Pays de Grasse" in main_text(page)
    press(page, "Supprimer le créneau")
    assert "Le créneau est supprimé. La réservation est annulée et la structure prévenue." in main_text(page)
    assert not Slot.objects.filter(pk=booking.slot_id).exists()

    mail = smtp_inbox.wait_for(to=member.email, subject="Rendez-vous annulé")
    member_page.goto(smtp_inbox.link_path(mail, rf"^/formations/reservations/{booking.pk}/$"))
    read = main_text(member_page)
    assert "Ce rendez-vous est annulé. Le conseiller a supprimé ce créneau." in read
    assert "Mécénat et financement participatif" in read
    assert member_page.locator("main").get_by_role("button", name="Annuler ce rendez-vous").count() == 0
    booking.refresh_from_db()
    assert booking.state == "cancelled"


def test_the_animator_builds_a_census_with_a_conditional_question_and_a_manager_answers_from_the_reminder(
    new_context, territory, structure, manager, animator, smtp_inbox
):
    page = new_context(user=animator).new_page()
    page.goto("/formations/")
    page.get_by_role("link", name="Gérer les recensements").click()
    page.get_by_label("Titre").fill("Besoins de formation 2028")
    page.get_by_label("Ouverture").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("Date limite des réponses").fill(
        f"{timezone.localdate() + dt.timedelta(days=30):%Y-%m-%d}T18:00"
    )
    press(page, "Créer le recensement")
    assert "Le recensement est créé en brouillon, avec les thèmes habituels." in main_text(page)

    page.get_by_label("Question (obligatoire)", exact=True).fill(
        "Votre structure emploie-t-elle des salariés ?"
    )
    page.get_by_label("Type de réponse").select_option(label="oui ou non")
    press(page, "Enregistrer la question")
    assert "La question est enregistrée." in main_text(page)
    page.get_by_label("Question (obligatoire)", exact=True).fill("Combien de salariés ?")
    page.get_by_label("Type de réponse").select_option(label="choix dans une liste")
    page.get_by_label("Choix proposés").fill("1 à 4\n5 à 19\n20 et plus")
    page.get_by_label("Afficher seulement si la question").select_option(
        label="Votre structure emploie-t-elle des salariés ?"
    )
    page.get_by_label("a pour réponse").fill("oui")
    press(page, "Enregistrer la question")
    assert "affichée si « Votre structure emploie-t-elle des salariés ? » = « oui »" in main_text(page)

    # Made conditional on itself: refused in French, nothing changed.
    page.get_by_role("link", name="Modifier la question « Combien de salariés ? »").click()
    page.get_by_label("Afficher seulement si la question").select_option(label="Combien de salariés ?")
    press(page, "Enregistrer la question")
    assert "Une question ne peut pas dépendre d'elle-même." in main_text(page)
    how_many = Question.objects.get(label="Combien de salariés ?")
    assert how_many.depends_on.label == "Votre structure emploie-t-elle des salariés ?"

    press(page, "Ouvrir le recensement")
    assert "Le recensement est ouvert." in main_text(page)
    press(page, "Relancer les 1 structure(s) sans réponse")
    assert "Relance envoyée à 1 personne(s)." in main_text(page)

    mail = smtp_inbox.wait_for(to=manager.email, subject="Recensement des besoins de formation")
    answer = new_context(user=manager).new_page()
    answer.goto(smtp_inbox.link_path(mail, r"^/formations/recensements/\d+/$"))
    assert "Besoins de formation 2028" in main_text(answer)
    answer.get_by_role("link", name="Répondre pour La Ressourcerie du Pays de Grasse").click()
    employs = answer.locator(".census-question", has_text="Votre structure emploie-t-elle des salariés ?")
    how_many_field = answer.get_by_label("Combien de salariés ?")
    assert how_many_field.is_hidden()  # no answer yet: the conditional question is not shown
    employs.get_by_label("Non").check()
    assert how_many_field.is_hidden()
    employs.get_by_label("Oui").check()
    assert how_many_field.is_visible()  # shown only now that the condition holds
    how_many_field.select_option(label="5 à 19")
    fieldset = answer.get_by_role("group", name="Fonction employeur")
    fieldset.get_by_label("Ce thème intéresse notre structure : Fonction employeur").check()
    fieldset.get_by_label("Personnes concernées").fill("2")
    press(answer, "Enregistrer la réponse")
    assert "Merci : la réponse de La Ressourcerie du Pays de Grasse est enregistrée" in main_text(answer)
    answers = Response.objects.get().answers
    assert answers == {
        str(how_many.depends_on_id): "oui",
        str(how_many.pk): "5 à 19",
    }


def test_the_animator_records_a_support_that_the_structure_manager_reads_in_their_space(
    new_context, territory, structure, manager, manager_other, animator
):
    page = new_context(user=animator).new_page()
    page.goto("/formations/")
    page.get_by_role("link", name="Suivi des accompagnements").first.click()
    page.get_by_label("Structure").select_option(label="La Ressourcerie du Pays de Grasse")
    page.get_by_label("Type d'accompagnement").select_option(label="DLA individuel")
    page.get_by_label("Résumé").fill("Diagnostic DLA : modèle économique et financements hybrides")
    press(page, "Enregistrer")
    assert "L'accompagnement est noté." in main_text(page)
    assert SupportRecord.objects.get().structure == structure

    mine = new_context(user=manager).new_page()
    mine.goto("/compte/mon-espace/")
    section = mine.get_by_role("region", name="Accompagnements reçus par ma structure")
    assert "DLA individuel — La Ressourcerie du Pays de Grasse" in section.inner_text()
    assert "Diagnostic DLA : modèle économique et financements hybrides" in section.inner_text()
    section.get_by_role("link", name="Voir le suivi des accompagnements").click()
    assert "Diagnostic DLA : modèle économique et financements hybrides" in main_text(mine)

    theirs = new_context(user=manager_other).new_page()
    theirs.goto("/compte/mon-espace/")
    section = theirs.get_by_role("region", name="Accompagnements reçus par ma structure")
    assert "Aucun accompagnement noté pour votre structure." in section.inner_text()
    theirs.goto("/formations/accompagnements/")
    assert "Aucun accompagnement noté." in main_text(theirs)
    assert "Diagnostic DLA" not in main_text(theirs)


def guide_pdf() -> bytes:
    """A real small PDF: one page of text, made by WeasyPrint."""
    return HTML(
        string="<h1>Guide des financements hybrides</h1><p>Subventions, mécénat, commande publique.</p>"
    ).write_pdf()


def test_an_adviser_uploads_a_guide_links_it_to_office_hours_and_a_member_downloads_it(
    new_context, territory, structure, member
):
    adviser = an_adviser(territory)
    page = new_context(user=adviser).new_page()
    page.goto("/formations/ressources/")
    page.get_by_role("link", name="Ajouter une ressource").click()
    page.get_by_label("Titre").fill("Guide des financements hybrides")
    page.get_by_label("Sujet").fill("financements hybrides")
    page.get_by_label("Fichier").set_input_files(
        {
            "name": "guide.pdf",
            "mimeType": "application/pdf",
            "buffer": b"<html><body>Pas un PDF</body></html>",
        }
    )
    press(page, "Ajouter")
    assert "Le contenu de ce fichier n'a pas été reconnu." in main_text(page)
    assert Resource.objects.count() == 0

    page.get_by_label("Fichier").set_input_files(
        {"name": "guide-financements-hybrides.pdf", "mimeType": "application/pdf", "buffer": guide_pdf()}
    )
    press(page, "Ajouter")
    assert "La ressource est ajoutée à la bibliothèque." in main_text(page)

    page.goto("/formations/permanences/publier/")
    page.get_by_label("Intitulé").fill("Permanence fonds européens")
    page.get_by_label("Premier créneau").fill(f"{next_local(3, 14):%Y-%m-%dT%H:%M}")
    page.get_by_label("Lieu").fill("Maison de l'ESS, Grasse")
    page.get_by_label("Guide des financements hybrides").check()
    press(page, "Publier les créneaux")
    assert "La permanence est publiée" in main_text(page)

    reader = new_context(user=member, accept_downloads=True).new_page()
    reader.goto("/formations/permanences/")
    reader.get_by_role("link", name="Permanence fonds européens").click()
    assert "Guide des financements hybrides" in main_text(reader)
    with reader.expect_download() as download_info:
        reader.get_by_role("link", name=re.compile("^Télécharger Guide des financements hybrides")).click()
    download = download_info.value
    assert download.suggested_filename == "guide-financements-hybrides.pdf"
    with open(download.path(), "rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "Guide des financements hybrides" in text
