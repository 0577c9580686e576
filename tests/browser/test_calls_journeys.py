"""Journeys of the calls for projects in a real browser: a structure's manager applies (budget table, draft,
submission) and gets the receipt, also by mail; a juror invited by the animator accepts from the mail link,
declares their interests and scores an application. Each ends on the French words the person reads."""

from __future__ import annotations

import re

import pytest

from maillage.calls.models import Application, Score
from tests.calls.factories import close_and_check, eligible, open_call
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_a_manager_applies_and_receives_the_receipt(new_context, territory, structure, manager, smtp_inbox):
    open_call(territory, questions=["À quel besoin social le projet répond-il ?"])
    page = new_context(user=manager).new_page()

    page.goto("/appels-a-projets/")
    page.get_by_role("link", name="Découvrir l'appel 2026").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Candidater").click()
    page.wait_for_load_state()
    form = page.locator("main form[method=post]")
    form.get_by_label("Structure candidate").select_option(label=structure.name)
    form.get_by_label("Titre du projet").fill("Atelier de réparation de vélos")
    form.get_by_role("button", name="Commencer ma candidature").click()
    page.wait_for_load_state()
    assert "Votre candidature est créée en brouillon" in page.inner_text("body")

    form = page.locator("main form[method=post]").first
    form.get_by_label("Résumé du projet").fill("Réparer et prêter des vélos aux habitants.")
    form.get_by_label("À quel besoin social le projet répond-il ?").fill(
        "La mobilité des jeunes sans permis."
    )
    form.get_by_label("Montant demandé à l'appel (€)").fill("5000")
    form.get_by_label("Ligne 1 : nature").select_option(label="dépense")
    form.get_by_label("Ligne 1 : poste").fill("Outillage et pièces")
    form.get_by_label("Ligne 1 : montant (€)").fill("9000")
    form.get_by_label("Ligne 2 : nature").select_option(label="recette")
    form.get_by_label("Ligne 2 : poste").fill("Subvention")
    form.get_by_label("Ligne 2 : cofinanceur").fill("Fondation de France")
    form.get_by_label("Ligne 2 : montant (€)").fill("3000")
    form.get_by_role("button", name="Enregistrer et déposer").click()
    page.wait_for_load_state()
    # Unbalanced: 9 000 € of expenses for 8 000 € of resources — the page says why, nothing is submitted.
    assert "Le budget n'est pas équilibré : 9 000 € de dépenses pour 8 000 € de recettes" in main_text(page)
    page.get_by_role("link", name="Revenir à la candidature pour la compléter").click()
    page.wait_for_load_state()
    form = page.locator("main form[method=post]").first
    form.get_by_label("Ligne 2 : montant (€)").fill("4000")
    form.get_by_role("button", name="Enregistrer et déposer").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Déposer ma candidature").click()
    page.wait_for_load_state()

    assert "Votre candidature est déposée." in page.inner_text("body")
    application = Application.objects.get()
    assert f"récépissé n° {application.receipt_number}" in main_text(page)
    link = page.get_by_role("link", name="télécharger le récépissé de dépôt (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")

    mail = smtp_inbox.wait_for(to=manager.email, subject="Candidature déposée")
    page.goto(smtp_inbox.link_path(mail, r"/appels-a-projets/candidatures/\d+/"))
    assert "statut : déposée" in main_text(page)


def test_a_juror_accepts_the_invitation_and_scores(new_context, territory, structure, animator, smtp_inbox):
    call = open_call(territory)
    app = eligible(
        call, StructureFactory(territory=territory, name="Épicerie solidaire"), title="Épicerie itinérante"
    )
    close_and_check(call, app)
    juror_user = UserFactory(email="jure@example.org", first_name="Nadia")

    # The animator invites the juror from the jury page.
    admin_page = new_context(user=animator).new_page()
    admin_page.goto("/appels-a-projets/gestion/2026/jury/")
    form = admin_page.locator("main form:has(button[value=invite])")
    form.get_by_label("Nom").fill("Nadia Benali")
    form.get_by_label("Adresse électronique").fill("jure@example.org")
    form.get_by_role("button", name="Envoyer l'invitation").click()
    admin_page.wait_for_load_state()
    assert "L'invitation est envoyée à jure@example.org." in admin_page.inner_text("body")

    # The juror follows the link of the mail: a page, then a button.
    mail = smtp_inbox.wait_for(to="jure@example.org", subject="Invitation au jury")
    page = new_context(user=juror_user).new_page()
    page.goto(smtp_inbox.link_path(mail, r"/appels-a-projets/jury/invitation/[^/\s]+/"))
    page.get_by_role("button", name="Accepter l'invitation").click()
    page.wait_for_load_state()
    assert "Bienvenue dans le jury." in page.inner_text("body")
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    page.wait_for_load_state()
    assert "Votre déclaration d'intérêts est enregistrée." in page.inner_text("body")

    page.get_by_role("link", name="Épicerie itinérante").click()
    page.wait_for_load_state()
    for i, criterion in enumerate(call.criteria.all()):
        page.get_by_label("Note sur 10").nth(i).fill(str(5 + i % 4))
        assert criterion.label in main_text(page)
    page.get_by_label("Commentaire").first.fill("Gouvernance très ouverte.")
    page.get_by_role("button", name="Enregistrer mes notes").click()
    page.wait_for_load_state()

    assert "Vos notes pour « Épicerie itinérante » sont enregistrées." in page.inner_text("body")
    assert "Épicerie itinérante — Épicerie solidaire : notée" in main_text(page)
    assert Score.objects.filter(juror__user=juror_user).count() == 8
