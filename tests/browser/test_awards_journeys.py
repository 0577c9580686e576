"""Journeys of the Trophée in a real browser: a citizen votes and confirms from the real mail link; a
structure's manager proposes another structure and that structure's manager accepts from the mail; the
animator closes the vote and publishes the winners, which a visitor reads. Each ends on the French words
the person reads."""

from __future__ import annotations

import re

import pytest

from maillage.awards import services
from maillage.awards.models import Nomination, Vote
from maillage.awards.services.votes import vote_token
from tests.awards.factories import SYS, edition_with_nominees
from tests.factories import StructureFactory

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_a_citizen_votes_and_confirms_from_the_mail(new_context, territory, structure, smtp_inbox):
    edition_with_nominees(territory, [structure, StructureFactory(territory=territory, name="Épicerie")])
    page = new_context().new_page()
    page.goto("/trophees/")
    page.get_by_role("link", name="Découvrir l'édition 2026").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Voter pour « Projet de La Ressourcerie du Pays de Grasse »").click()
    page.wait_for_load_state()
    page.get_by_label("Votre adresse électronique").fill("lucie.habitante@example.org")
    page.get_by_role("button", name="Recevoir le lien de vote").click()
    page.wait_for_load_state()
    assert "Vérifiez votre messagerie" in main_text(page)
    assert not Vote.objects.exists()

    mail = smtp_inbox.wait_for(to="lucie.habitante@example.org", subject="Confirmez votre vote")
    page.goto(smtp_inbox.link_path(mail, r"/trophees/vote/[^/\s]+/"))
    page.get_by_role("button", name="Confirmer mon vote").click()
    page.wait_for_load_state()
    assert "Merci : votre vote pour « Projet de La Ressourcerie du Pays de Grasse »" in main_text(page)
    assert "est enregistré" in main_text(page)
    assert Vote.objects.count() == 1

    # The same link again (a reload, a second click): counted once, and said so.
    page.goto(smtp_inbox.link_path(mail, r"/trophees/vote/[^/\s]+/"))
    assert "Votre vote était déjà enregistré" in main_text(page)
    assert Vote.objects.count() == 1


def test_a_manager_proposes_another_structure_which_accepts_from_the_mail(
    new_context, territory, structure, manager, manager_other, smtp_inbox
):
    edition_with_nominees(territory, [], to="nominations")
    page = new_context(user=manager_other).new_page()
    page.goto("/trophees/2026/")
    page.get_by_role("link", name="Proposer une initiative").click()
    page.wait_for_load_state()
    form = page.locator("main form[method=post]")
    form.get_by_label("Catégorie").select_option(label="Inclusion et solidarité")
    form.get_by_label("Structure").select_option(label=structure.name)
    form.get_by_label("Nom de l'initiative").fill("La boutique solidaire du centre-ville")
    form.get_by_label("Pourquoi cette initiative mérite le Trophée").fill("Elle forme des jeunes à la vente.")
    form.get_by_role("button", name="Proposer l'initiative").click()
    page.wait_for_load_state()
    assert f"les gestionnaires de {structure.name} doivent l'accepter" in page.inner_text("body")

    mail = smtp_inbox.wait_for(to=manager.email, subject="proposée au Trophée")
    nominee = new_context(user=manager).new_page()
    nominee.goto(smtp_inbox.link_path(mail, r"/trophees/proposition/[^/\s]+/"))
    assert "Elle ne concourt que si vous l'acceptez" in main_text(nominee)
    nominee.get_by_role("button", name="Accepter la candidature").click()
    nominee.wait_for_load_state()
    assert f"Merci : {structure.name} concourt au Trophée 2026" in main_text(nominee)
    assert Nomination.objects.get().status == "accepted"

    page.goto("/trophees/2026/")
    assert "La boutique solidaire du centre-ville" in main_text(page)


def test_the_animator_closes_the_vote_and_publishes_the_winners(new_context, territory, structure, animator):
    edition = edition_with_nominees(
        territory, [structure, StructureFactory(territory=territory, name="Épicerie")]
    )
    theirs = Nomination.objects.get(category__edition=edition, structure__name="Épicerie")
    for i in range(2):
        services.confirm_vote(actor=SYS, token=vote_token(theirs, f"v{i}@example.org"))
    admin = new_context(user=animator).new_page()
    admin.goto("/trophees/gestion/2026/")
    admin.get_by_role("button", name="Passer à « vote clos, délibération »").click()
    admin.wait_for_load_state()
    assert "L'édition est maintenant « vote clos, délibération »" in admin.inner_text("body")
    admin.get_by_role("link", name="Résultats et palmarès").click()
    admin.wait_for_load_state()
    admin.get_by_label(f"Prix du jury pour {structure.name}").check()
    admin.get_by_role("button", name="Publier le palmarès").click()
    admin.wait_for_load_state()
    assert "Le palmarès est publié." in admin.inner_text("body")

    visitor = new_context().new_page()
    visitor.goto("/trophees/")
    visitor.get_by_role("link", name="Palmarès 2026").click()
    visitor.wait_for_load_state()
    text = main_text(visitor)
    assert "Palmarès du Trophée 2026" in text
    assert f"Prix du jury : Projet de {structure.name}" in text
    assert "Prix du public : Projet de Épicerie — Épicerie (2 votes du public)" in text
