"""The five main tasks done with the keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys; never a click):
register to an event, sign the charter, report a social need, apply to a call, vote for the Trophée.

Each page is entered by its skip link; every element the focus stops on must show a visible focus; after a
bad submit the error summary takes the focus and its links lead to the fields; the mails the task sends are
followed; each journey ends on the French words the person reads. Helpers: tests/browser/keyboard.py.
"""

from __future__ import annotations

import pytest

from maillage.awards.models import Vote
from maillage.calls.models import Application
from maillage.charter.models import Signature
from maillage.events.models import Registration
from maillage.needs.models import Need, NeedStatus
from tests.awards.factories import edition_with_nominees
from tests.browser.keyboard import (
    choose,
    focused,
    main_text,
    press,
    skip_to_content,
    tab_to,
    type_in,
)
from tests.calls.factories import open_call
from tests.charter.factories import adopted_version
from tests.events.factories import EventFactory
from tests.factories import StructureFactory
from tests.needs.factories import category

pytestmark = pytest.mark.browser


def follow_error_link(page, label: str) -> None:
    """From the focused error summary, Tab to the error on `label`, press Enter: the field has the focus."""
    tab_to(page, label)
    page.keyboard.press("Enter")
    info = focused(page)
    assert info is not None and label in info["name"], f"the error link left the focus on {info}"


def test_register_to_an_event_with_the_keyboard(new_context, territory, smtp_inbox):
    event = EventFactory(territory=territory, title="Visite de la ressourcerie", capacity=10)
    page = new_context().new_page()
    page.goto(f"/agenda/{event.slug}/")
    skip_to_content(page)
    tab_to(page, "M'inscrire")
    press(page)

    # Sent empty: the error summary takes the focus, its first link leads to the name field.
    skip_to_content(page)
    tab_to(page, "Recevoir le lien de confirmation")
    press(page)
    summary = focused(page)
    assert summary is not None and "Le formulaire contient 2 erreurs" in summary["name"], summary
    assert not Registration.objects.exists()
    follow_error_link(page, "Prénom et nom")
    page.keyboard.type("Camille Roux")
    type_in(page, "Adresse électronique", "camille@example.org")
    tab_to(page, "Recevoir le lien de confirmation")
    press(page)
    assert "Vérifiez votre messagerie" in main_text(page)

    mail = smtp_inbox.wait_for(to="camille@example.org", subject="Confirmez votre inscription")
    page.goto(smtp_inbox.link_path(mail, r"^/agenda/inscription/confirmer/"))
    skip_to_content(page)
    tab_to(page, "Confirmer mon inscription")
    press(page, "Space")
    assert "Votre inscription est confirmée" in main_text(page)
    assert Registration.objects.get(email="camille@example.org").state == "registered"


def test_sign_the_charter_with_the_keyboard(new_context, territory, structure, manager):
    adopted_version(territory, articles=(("Coopérer", "Nous coopérons entre structures."),))
    page = new_context(user=manager).new_page()
    page.goto("/charte/")
    skip_to_content(page)
    tab_to(page, "Signer au nom de ma structure")
    press(page)

    skip_to_content(page)
    type_in(page, "Nom de la personne qui signe", "Camille Martin")
    type_in(page, "Fonction dans la structure", "présidente")
    tab_to(page, "Signer la charte")
    press(page)
    # The commitment is not ticked: the summary says so, its link leads to the checkbox.
    summary = focused(page)
    assert summary is not None and "Le formulaire contient 1 erreur" in summary["name"], summary
    assert not Signature.objects.exists()
    follow_error_link(page, "J'engage la structure")
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), "Space must tick the checkbox"
    tab_to(page, "Signer la charte")
    press(page, "Enter")

    assert "Merci : La Ressourcerie du Pays de Grasse a signé la version 1 de la charte." in page.inner_text(
        "body"
    )
    assert "version 1 signée — version en vigueur" in main_text(page).lower()
    assert Signature.objects.filter(structure=structure, signer_name="Camille Martin").count() == 1


def test_report_a_social_need_with_the_keyboard(new_context, territory, smtp_inbox):
    category(territory)  # the default categories
    email = "lea.habitante@example.org"
    page = new_context().new_page()
    page.goto("/besoins/")
    skip_to_content(page)
    tab_to(page, "Signaler un besoin")
    press(page)

    skip_to_content(page)
    type_in(page, "Le besoin en une phrase", "Pas de crèche avant 7 h 30 à Grasse")
    type_in(page, "Description", "Je commence à 6 h à l'hôpital : aucune solution de garde.")
    choose(page, "Catégorie", "Garde d'enfants")
    choose(page, "Communes concernées", "Grasse")
    type_in(page, "Votre adresse électronique", email)
    tab_to(page, "Envoyer le signalement")
    press(page)
    assert "Vérifiez votre messagerie" in main_text(page)
    assert Need.objects.get().status == NeedStatus.UNCONFIRMED

    mail = smtp_inbox.wait_for(to=email, subject="Confirmez votre signalement", seconds=60)
    page.goto(smtp_inbox.link_path(mail, r"^/besoins/confirmer/[^/]+/$"))
    skip_to_content(page)
    tab_to(page, "Confirmer le signalement")
    press(page)
    text = main_text(page)
    assert "Merci : votre signalement est confirmé et inscrit au registre." in text
    assert "Pas de crèche avant 7 h 30 à Grasse" in text
    assert Need.objects.get().status == NeedStatus.REPORTED


def test_apply_to_a_call_with_the_keyboard(new_context, territory, structure, manager, smtp_inbox):
    open_call(territory, questions=["À quel besoin social le projet répond-il ?"])
    page = new_context(user=manager).new_page()
    page.goto("/appels-a-projets/")
    skip_to_content(page)
    tab_to(page, "Découvrir l'appel 2026")
    press(page)
    skip_to_content(page)
    tab_to(page, "Candidater")
    press(page)

    skip_to_content(page)
    choose(page, "Structure candidate", structure.name)
    type_in(page, "Titre du projet", "Atelier de réparation de vélos")
    tab_to(page, "Commencer ma candidature")
    press(page)
    assert "Votre candidature est créée en brouillon" in page.inner_text("body")

    skip_to_content(page)
    type_in(page, "Résumé du projet", "Réparer et prêter des vélos aux habitants.")
    type_in(page, "Montant demandé à l'appel (€)", "5000")
    type_in(page, "À quel besoin social le projet répond-il ?", "La mobilité des jeunes sans permis.")
    choose(page, "Ligne 1 : nature", "dépense")
    type_in(page, "Ligne 1 : poste", "Outillage et pièces")
    type_in(page, "Ligne 1 : montant (€)", "9000")
    choose(page, "Ligne 2 : nature", "recette")
    type_in(page, "Ligne 2 : poste", "Subvention")
    type_in(page, "Ligne 2 : cofinanceur", "Fondation de France")
    type_in(page, "Ligne 2 : montant (€)", "3000")
    tab_to(page, "Enregistrer et déposer")
    press(page)
    # Unbalanced: 9 000 € of expenses for 8 000 € of resources; the page says why and leads back.
    assert "Le budget n'est pas équilibré : 9 000 € de dépenses pour 8 000 € de recettes" in main_text(page)
    skip_to_content(page)
    tab_to(page, "Revenir à la candidature pour la compléter")
    press(page)

    skip_to_content(page)
    tab_to(page, "Ligne 2 : montant (€)")
    page.keyboard.press("Control+A")
    page.keyboard.type("4000")
    # Back up with Shift+Tab to check the other amount, then on to the submit button.
    tab_to(page, "Ligne 1 : montant (€)", backwards=True)
    tab_to(page, "Enregistrer et déposer")
    press(page)
    skip_to_content(page)
    tab_to(page, "Déposer ma candidature")
    press(page, "Space")

    assert "Votre candidature est déposée." in page.inner_text("body")
    application = Application.objects.get()
    assert f"récépissé n° {application.receipt_number}" in main_text(page)
    mail = smtp_inbox.wait_for(to=manager.email, subject="Candidature déposée")
    page.goto(smtp_inbox.link_path(mail, r"/appels-a-projets/candidatures/\d+/"))
    assert "statut : déposée" in main_text(page)


def test_vote_for_the_trophee_with_the_keyboard(new_context, territory, structure, smtp_inbox):
    edition_with_nominees(territory, [structure, StructureFactory(territory=territory, name="Épicerie")])
    page = new_context().new_page()
    page.goto("/trophees/")
    skip_to_content(page)
    tab_to(page, "Découvrir l'édition 2026")
    press(page)
    skip_to_content(page)
    tab_to(page, "Voter pour « Projet de La Ressourcerie du Pays de Grasse »")
    press(page)

    # A mistyped address: the summary takes the focus; the field says it is wrong, and why.
    skip_to_content(page)
    type_in(page, "Votre adresse électronique", "lucie.habitante@")
    tab_to(page, "Recevoir le lien de vote")
    press(page)
    summary = focused(page)
    assert summary is not None and "L'action n'a pas été faite" in summary["name"], summary
    field = tab_to(page, "Votre adresse électronique")
    described = page.evaluate(
        "() => { const el = document.activeElement; return [el.getAttribute('aria-invalid'),"
        " (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)"
        ".map(id => document.getElementById(id)?.textContent || '').join(' ')]; }"
    )
    assert described[0] == "true", f"the wrong address is not marked invalid: {field}"
    assert "adresse" in described[1].lower() and "valide" in described[1].lower(), described
    page.keyboard.press("Control+A")
    page.keyboard.type("lucie.habitante@example.org")
    press(page, "Enter")  # Enter in the field sends the form
    assert "Vérifiez votre messagerie" in main_text(page)
    assert not Vote.objects.exists()

    mail = smtp_inbox.wait_for(to="lucie.habitante@example.org", subject="Confirmez votre vote")
    page.goto(smtp_inbox.link_path(mail, r"/trophees/vote/[^/\s]+/"))
    skip_to_content(page)
    tab_to(page, "Confirmer mon vote")
    press(page, "Space")
    text = main_text(page)
    assert "Merci : votre vote pour « Projet de La Ressourcerie du Pays de Grasse »" in text
    assert "est enregistré" in text
    assert Vote.objects.count() == 1
