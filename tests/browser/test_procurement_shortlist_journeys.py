"""Journeys of the shortlists, moderated offers and answer documents in a real browser: a buyer keeps
suppliers from the search in a list and sends a validated need to it; the supplier answers from the mail's
link with a document (an HTML page disguised as a PDF first), and the buyer downloads it; a manager edits
the offer, the animation accepts it from the mail's link and the public search shows the new text; nobody
moderates their own edit; another buyer's list is not found."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfWriter

from maillage.core.actors import SYSTEM
from maillage.procurement import services
from maillage.procurement.models import AnswerDocument, OfferProposal, Recipient, Shortlist
from tests.factories import MembershipFactory, UserFactory
from tests.procurement.factories import need, supplier

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def press(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_buyer_sends_a_need_to_a_shortlist_and_downloads_the_answers_document(
    new_context, territory, structure, manager, smtp_inbox, tmp_path
):
    seller = supplier(territory, name="Les Jardins de la Siagne", inclusion_kind="ACI")
    supplier(territory, name="Atelier du Moulin")
    boss = UserFactory(email="lea.jardins@example.org")
    MembershipFactory(user=boss, structure=seller, role="manager")
    item = need(structure, status="validated", title="Entretien des espaces verts des écoles")

    page = new_context(user=manager).new_page()
    page.goto("/achats/fournisseurs/?offer_type=services")
    page.get_by_label("Garder Les Jardins de la Siagne dans une liste").check()
    page.get_by_label("Nom de la nouvelle liste").fill("Espaces verts")
    press(page, "Garder dans la liste")
    assert "La liste « Espaces verts » est créée avec 1 fournisseur(s)." in page.inner_text("body")
    assert "Les Jardins de la Siagne" in main_text(page) and "Atelier du Moulin" not in main_text(page)
    page.get_by_label("Besoin validé à envoyer").select_option(str(item.pk))
    press(page, "Envoyer le besoin à la liste")
    assert "est envoyé à 1 fournisseur(s) de la liste" in page.inner_text("body")
    assert Recipient.objects.filter(need=item).count() == 1

    mail = smtp_inbox.wait_for(to=boss.email, subject="Besoin d'achat pour Les Jardins de la Siagne")
    supplier_page = new_context(user=boss).new_page()
    supplier_page.goto(smtp_inbox.link_path(mail, r"/achats/reponses/\d+/"))
    disguised = tmp_path / "devis.pdf"
    disguised.write_bytes(b"<!DOCTYPE html><html><body><script>fetch('/x')</script>Devis</body></html>\n")
    form = supplier_page.locator("main form[method=post]")
    form.get_by_label("Intéressé", exact=True).check()
    form.get_by_label("Votre message à l'acheteur (si intéressé)").fill("Notre devis est joint.")
    form.get_by_label("Document joint (si intéressé, facultatif)").set_input_files(str(disguised))
    press(supplier_page, "Envoyer ma réponse")
    assert "PDF" in main_text(supplier_page) or "page web" in main_text(supplier_page)
    assert Recipient.objects.get(need=item).answer == "" and not AnswerDocument.objects.exists()

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    real = tmp_path / "devis-jardins.pdf"
    real.write_bytes(buffer.getvalue())
    form = supplier_page.locator("main form[method=post]")
    form.get_by_label("Intéressé", exact=True).check()
    form.get_by_label("Votre message à l'acheteur (si intéressé)").fill("Notre devis est joint.")
    form.get_by_label("Document joint (si intéressé, facultatif)").set_input_files(str(real))
    press(supplier_page, "Envoyer ma réponse")
    assert "Merci : votre réponse est transmise à l'acheteur." in supplier_page.inner_text("body")
    assert "devis-jardins.pdf" in main_text(supplier_page)

    answered = smtp_inbox.wait_for(to=manager.email, subject="Les Jardins de la Siagne a répondu")
    page.goto(smtp_inbox.link_path(answered, r"/achats/besoins/\d+/"))
    assert "intéressé : Notre devis est joint." in main_text(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger devis-jardins.pdf").click()
    assert download.value.suggested_filename == "devis-jardins.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_another_buyers_shortlist_is_not_found(new_context, territory, structure, manager, manager_other):
    seller = supplier(territory, name="Les Jardins de la Siagne")
    shortlist = services.create_shortlist(
        actor=SYSTEM, buyer=structure, name="Mes jardiniers", suppliers=[seller.pk]
    )
    page = new_context(user=manager_other).new_page()
    page.goto("/achats/listes/")
    assert "Aucune liste pour l'instant" in main_text(page)
    response = page.goto(f"/achats/listes/{shortlist.pk}/")
    assert response.status == 404 and "Page introuvable" in main_text(page)
    assert Shortlist.objects.get().name == "Mes jardiniers"


def test_a_manager_edits_the_offer_and_the_animation_accepts_it_from_the_mail(
    new_context, territory, structure, manager, animator, smtp_inbox
):
    services.save_offer(
        actor=SYSTEM, structure=structure, offer_types=["services"], summary="Collecte de meubles à domicile."
    )
    page = new_context(user=manager).new_page()
    page.goto(f"/achats/offre/{structure.slug}/")
    press(page, "Enregistrer l'offre")
    assert "Rien n'a changé dans l'offre" in main_text(page)
    assert not OfferProposal.objects.exists()
    page.locator("main form[method=post]").first.get_by_label("Présentation de l'offre").fill(
        "Vente de meubles rénovés par nos salariés en insertion."
    )
    press(page, "Enregistrer l'offre")
    assert "Votre modification est transmise à l'animation" in page.inner_text("body")

    public = new_context().new_page()
    public.goto("/achats/fournisseurs/")
    assert "Collecte de meubles à domicile." in main_text(public)
    assert "Vente de meubles rénovés" not in main_text(public)

    mail = smtp_inbox.wait_for(to=animator.email, subject="Offre de fournisseur à relire")
    moderation = new_context(user=animator).new_page()
    moderation.goto(smtp_inbox.link_path(mail, r"/achats/offres/propositions/\d+/"))
    assert "Vente de meubles rénovés par nos salariés en insertion." in main_text(moderation)
    press(moderation, "Enregistrer la décision")
    assert "Ce champ est obligatoire." in main_text(moderation)
    moderation.get_by_label("Refuser la modification").check()
    press(moderation, "Enregistrer la décision")
    assert "Dites au gestionnaire pourquoi la modification est refusée." in main_text(moderation)
    assert OfferProposal.objects.get().status == "pending"
    moderation.get_by_label("Accepter la modification").check()
    press(moderation, "Enregistrer la décision")
    assert "La modification est acceptée : l'offre est en ligne." in moderation.inner_text("body")

    public.goto("/achats/fournisseurs/")
    assert "Vente de meubles rénovés par nos salariés en insertion." in main_text(public)
    decided = smtp_inbox.wait_for(to=manager.email, subject="est acceptée")
    assert "/achats/offre/" in decided.text


def test_nobody_moderates_their_own_edit(new_context, territory, structure, animator):
    MembershipFactory(user=animator, structure=structure, role="manager")
    services.save_offer(actor=SYSTEM, structure=structure, offer_types=["services"], summary="Collecte.")
    page = new_context(user=animator).new_page()
    page.goto(f"/achats/offre/{structure.slug}/")
    page.locator("main form[method=post]").first.get_by_label("Présentation de l'offre").fill("Vente.")
    press(page, "Enregistrer l'offre")
    assert "Votre modification est transmise à l'animation" in page.inner_text("body")
    page.goto("/achats/animation/")
    page.get_by_role("link", name=f"Offre de {structure.name}").click()
    page.wait_for_load_state()
    page.get_by_label("Accepter la modification").check()
    press(page, "Enregistrer la décision")
    assert "Vous ne pouvez pas modérer votre propre modification" in main_text(page)
    assert OfferProposal.objects.get().status == "pending"
    assert structure.supplier_offer.summary == "Collecte."
