"""Journeys of responsible procurement in a real browser: a buyer posts a need that the animation validates,
then sends it; a supplier answers from the link in the mail it received; a buyer imports its purchase ledger
(a bad file first). Each ends on the French words the person reads."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from maillage.core.actors import SYSTEM
from maillage.procurement import services
from maillage.procurement.models import Need, PurchaseLine, Recipient
from tests.factories import MembershipFactory, UserFactory
from tests.procurement.factories import need, supplier

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def press(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_buyer_posts_a_need_the_animation_validates_and_the_buyer_sends_it(
    new_context, territory, structure, manager, animator
):
    supplier(territory, name="Les Jardins de la Siagne", inclusion_kind="ACI")
    deadline = timezone.localdate() + dt.timedelta(days=21)
    page = new_context(user=manager).new_page()
    page.goto("/achats/")
    page.get_by_role("link", name="Déposer un besoin").click()
    page.wait_for_load_state()
    form = page.locator("main form[method=post]")
    form.get_by_label("Type de besoin").select_option("quote")
    form.get_by_label("Nature de l'achat").select_option("services")
    form.get_by_label("Titre du besoin").fill("Entretien des espaces verts des écoles")
    form.get_by_label("Description").fill("Tonte et taille, une fois par mois.")
    form.get_by_label("Espaces verts et environnement").check()
    form.get_by_label("Date limite de réponse").fill("2020-01-01")
    form.get_by_label("Marché réservé").select_option("L2113-13")
    press(page, "Enregistrer le brouillon")
    assert "La date limite de réponse est déjà passée" in main_text(page)
    assert not Need.objects.exists()

    page.locator("main form[method=post]").get_by_label("Date limite de réponse").fill(deadline.isoformat())
    press(page, "Enregistrer le brouillon")
    assert "Votre besoin est enregistré en brouillon." in page.inner_text("body")
    press(page, "Soumettre à l'animation")
    assert "Votre besoin est soumis à l'animation" in page.inner_text("body")
    need_path = urlsplit(page.url).path

    animator_page = new_context(user=animator).new_page()
    animator_page.goto("/achats/animation/")
    animator_page.get_by_role("link", name="Entretien des espaces verts des écoles").first.click()
    animator_page.wait_for_load_state()
    assert "Les Jardins de la Siagne" in main_text(animator_page)  # the preview of the matches, with scores
    press(animator_page, "Valider le besoin")
    assert "Le besoin est validé" in animator_page.inner_text("body")

    page.goto(need_path)
    press(page, "Envoyer aux 10 premiers fournisseurs")
    text = main_text(page)
    assert "Le besoin est envoyé à 1 fournisseur(s)." in page.inner_text("body")
    assert "1 envoyé(s), 0 ouvert(s), 0 intéressé(s)" in text
    page.locator("details.score summary").first.click()
    assert "Secteur commun : Espaces verts et environnement." in main_text(page)


def test_a_supplier_answers_from_the_mail_link(new_context, territory, structure, smtp_inbox):
    seller = supplier(territory, name="Les Jardins de la Siagne", inclusion_kind="ACI")
    boss = UserFactory(email="lea.jardins@example.org")
    MembershipFactory(user=boss, structure=seller, role="manager")
    item = need(structure, status="validated", title="Entretien des espaces verts des écoles")
    services.send_next_batch(actor=SYSTEM, need=item)

    mail = smtp_inbox.wait_for(to=boss.email, subject="Besoin d'achat pour Les Jardins de la Siagne")
    assert "Acheteur anonyme cherche un fournisseur" in mail.text
    page = new_context(user=boss).new_page()
    page.goto(smtp_inbox.link_path(mail, r"/achats/reponses/\d+/"))
    assert "Entretien des espaces verts des écoles" in main_text(page)
    assert Recipient.objects.get(need=item).opened_at is not None
    form = page.locator("main form[method=post]")
    form.get_by_label("Intéressé", exact=True).check()
    press(page, "Envoyer ma réponse")
    assert "Présentez en quelques lignes ce que vous proposez" in main_text(page)
    form = page.locator("main form[method=post]")
    form.get_by_label("Intéressé", exact=True).check()
    form.get_by_label("Votre message à l'acheteur (si intéressé)").fill("Nous entretenons déjà trois écoles.")
    press(page, "Envoyer ma réponse")
    assert "Merci : votre réponse est transmise à l'acheteur." in page.inner_text("body")
    assert "Votre réponse : intéressé" in main_text(page)


def test_a_buyer_imports_its_purchase_ledger(new_context, territory, structure, manager, tmp_path):
    supplier(territory, name="Chantier d'insertion", inclusion_kind="ACI", siret="73282932000074")
    bad = tmp_path / "grand-livre.csv"
    bad.write_text("siret;fournisseur;montant\n73282932000074;Chantier;100\n12345678901234;Inconnu;50\n")
    good = tmp_path / "grand-livre-corrige.csv"
    good.write_text("siret;fournisseur;montant\n73282932000074;Chantier;100\n55208131766522;Papeterie;300\n")
    page = new_context(user=manager).new_page()
    page.goto(f"/achats/acheteurs/{structure.slug}/")
    page.get_by_role("link", name="Importer le grand livre des achats").click()
    page.wait_for_load_state()
    form = page.locator("main form[method=post]")
    form.get_by_label("Année des achats").fill("2025")
    form.get_by_label("Fichier CSV du grand livre des achats").set_input_files(str(bad))
    press(page, "Importer")
    text = main_text(page)
    assert "Ligne 3 : le SIRET « 12345678901234 » n'existe pas" in text
    assert "Rien n'a été importé" in text and not PurchaseLine.objects.exists()

    form = page.locator("main form[method=post]")
    form.get_by_label("Année des achats").fill("2025")
    form.get_by_label("Fichier CSV du grand livre des achats").set_input_files(str(good))
    press(page, "Importer")
    assert "2 ligne(s) d'achat importée(s)." in page.inner_text("body")
    text = main_text(page)
    assert "2 ligne(s) d'achat en 2025, pour 400,00 € HT." in text
    assert "Structures d'insertion (SIAE)" in text and "25,0 %" in text
