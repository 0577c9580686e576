"""Journeys of the charter and the plan in a real browser: a structure's manager signs the charter; a member
proposes an amendment, the animator decides it and the member reads the decision from the mail; the animator
changes an action's status. Each ends on the French words the person reads."""

from __future__ import annotations

import re

import pytest

from maillage.charter.models import Amendment, Signature
from maillage.core.actors import SYSTEM
from maillage.plan import services as plan_services
from tests.charter.factories import adopted_version
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def submit(form) -> None:
    form.locator("[type=submit]").first.click()


def test_a_manager_signs_the_charter_and_finds_the_certificate(new_context, territory, structure, manager):
    adopted_version(territory, articles=(("Coopérer", "Nous coopérons entre structures."),))
    page = new_context(user=manager).new_page()

    page.goto("/charte/")
    page.get_by_role("link", name="Signer au nom de ma structure").click()
    page.wait_for_load_state()
    form = page.locator("main form[method=post]")
    form.get_by_label("Nom de la personne qui signe").fill("Camille Martin")
    form.get_by_label("Fonction dans la structure").fill("présidente")
    form.get_by_label("J'engage la structure à respecter les principes de cette version de la charte").check()
    submit(form)
    page.wait_for_load_state()

    text = main_text(page)
    assert "Merci : La Ressourcerie du Pays de Grasse a signé la version 1 de la charte." in page.inner_text(
        "body"
    )
    # The badge is set in capitals by the style sheet (« Version 1 SIGNÉE — version en vigueur »).
    assert "version 1 signée — version en vigueur" in text.lower()
    assert "n'a pas encore signé" not in text.lower()
    certificate = page.get_by_role("link", name="Attestation de signature (PDF)")
    assert certificate.get_attribute("href") == f"/charte/signataires/{structure.slug}/attestation-v1.pdf"
    response = page.request.get(certificate.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert Signature.objects.filter(structure=structure, version__number=1).count() == 1


def test_an_amendment_proposed_by_a_member_and_decided_by_the_animator(
    new_context, territory, member, animator, smtp_inbox
):
    version = adopted_version(territory, articles=(("Coopérer", "Nous coopérons entre structures."),))
    version.status = "open"
    version.save(update_fields=["status"])
    article = version.articles.get()

    # The member proposes a new text from the article's page.
    page = new_context(user=member).new_page()
    page.goto(f"/charte/v{version.number}/articles/{article.pk}/")
    form = page.locator("main form:has(input[name=form][value=amendment])")
    form.get_by_label("Texte que vous proposez pour cet article").fill(
        "Nous coopérons entre structures et avec les communes du territoire."
    )
    form.get_by_label("Pourquoi ce changement ? (facultatif)").fill("Les communes sont nos partenaires.")
    submit(form)
    page.wait_for_load_state()
    assert "Votre amendement a été proposé." in page.inner_text("body")
    amendment = Amendment.objects.get()

    # The animator decides it.
    animator_page = new_context(user=animator).new_page()
    animator_page.goto(f"/charte/amendements/{amendment.pk}/")
    decision = animator_page.locator("main form:has(input[name=form][value=decision])")
    decision.get_by_label("Accepter : le texte entre dans la version de travail").check()
    decision.get_by_label("Raison (obligatoire pour un rejet)").fill("Adopté en atelier.")
    submit(decision)
    animator_page.wait_for_load_state()
    assert "L'amendement est accepté : son texte est entré dans la version." in animator_page.inner_text(
        "body"
    )

    # The member is told by mail and reads the decision on the page the mail links to.
    mail = smtp_inbox.wait_for(to=member.email, subject="a été accepté")
    assert "son texte entre dans la version de travail" in mail.text
    page.goto(smtp_inbox.link_path(mail, r"/charte/amendements/\d+/"))
    text = main_text(page)
    assert "Décision : accepté le" in text and "Adopté en atelier." in text
    page.goto(f"/charte/v{version.number}/articles/{article.pk}/")
    assert "Nous coopérons entre structures et avec les communes du territoire." in main_text(page)


def test_the_animator_changes_an_actions_status(new_context, territory, animator):
    version = make_version(territory, year=2026)
    _objective, _operational, action, _other = make_tree(version)
    plan_services.change_status(actor=SYSTEM, node=action, to_status="in_progress")
    page = new_context(user=animator).new_page()

    page.goto(f"/contrat/element/{action.pk}/")
    assert "en cours" in main_text(page)
    page.get_by_role("link", name="Modifier cet élément").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Changer le statut").click()
    page.wait_for_load_state()
    form = page.locator("main form[method=post]")
    form.get_by_label("Nouveau statut").select_option(label="réalisée")
    form.get_by_label("Commentaire").fill("Guide publié en ligne.")
    submit(form)
    page.wait_for_load_state()
    assert "Le statut est changé." in page.inner_text("body")

    page.goto(f"/contrat/element/{action.pk}/")
    text = main_text(page)
    assert "réalisée" in page.locator(".plan-node-meta").inner_text()
    assert "en cours → réalisée — Guide publié en ligne." in text
