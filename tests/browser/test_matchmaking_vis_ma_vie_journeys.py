"""The « vis ma vie » journey in a real browser, every step by the person who does it: the animator creates
the campaign and opens it; two volunteers, one from each side, register with their days and wish for each
other; the animator closes the registrations and forms the pairs; each volunteer follows the mail and
confirms; both get the confirmation mail and the ICS; after the first day one writes a testimony with consent,
the animator publishes it and it appears on the campaign's public page. Only the calendar moves by itself."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from maillage.matchmaking.models import Exchange, ExchangeCampaign, Volunteer
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
TITLE = "Vis ma vie du printemps"
TESTIMONY = "Une journée au jardin m'a montré ce que veut dire encadrer un chantier d'insertion."


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def register(page, *, side: str, name: str, structure: str, days: tuple[int, ...]) -> None:
    page.goto("/rencontres/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Je me porte volontaire").click()
    page.get_by_label(side).check()
    page.get_by_label("Mon nom").fill(name)
    page.get_by_label("Ma structure ou mon entreprise").fill(structure)
    boxes = page.locator("input[name=dates]")
    for day in days:
        boxes.nth(day).check()
    page.get_by_role("button", name="M'inscrire comme volontaire").click()
    page.get_by_text("Vous êtes inscrit comme volontaire.").wait_for()


def test_a_campaign_from_its_creation_to_a_published_testimony(
    new_context, smtp_inbox, territory, member, animator
):
    boss = UserFactory(email="claire@sophia-logiciels.example", first_name="Claire", last_name="Fabre")
    today = timezone.localdate()

    # the animator creates the campaign and opens the registrations
    organiser = new_context(user=animator).new_page()
    organiser.goto("/rencontres/")
    organiser.get_by_role("link", name="Lancer une campagne « vis ma vie »").click()
    organiser.get_by_label("Titre").fill(TITLE)
    organiser.get_by_label("Présentation").fill("Une journée chez l'autre, puis l'autre chez soi.")
    organiser.get_by_label("Première date possible").fill((today + dt.timedelta(days=7)).isoformat())
    organiser.get_by_label("Dernière date possible").fill((today + dt.timedelta(days=20)).isoformat())
    organiser.get_by_label("Date limite d'inscription").fill((today + dt.timedelta(days=5)).isoformat())
    organiser.get_by_role("button", name="Créer la campagne").click()
    organiser.get_by_role("heading", name=f"Organiser : {TITLE}").wait_for()
    organiser.get_by_label("Passer à l'état").select_option(label="inscriptions ouvertes")
    organiser.get_by_role("button", name="Changer l'état").click()
    organiser.get_by_text("Nouvel état : inscriptions ouvertes.").wait_for()

    # two volunteers, one from each side, register and wish for each other
    karima = new_context(user=member).new_page()
    register(
        karima, side="côté « Structures d'insertion »", name="Karima Haddad",
        structure="Les Jardins de la Siagne", days=(0, 2, 4),
    )  # fmt: skip
    claire = new_context(user=boss).new_page()
    register(
        claire, side="côté « Entreprises »", name="Claire Fabre", structure="Sophia Logiciels", days=(0, 2)
    )
    claire.get_by_label("Rang pour Karima Haddad (Les Jardins de la Siagne)").fill("1")
    claire.get_by_role("button", name="Enregistrer mes vœux").click()
    claire.get_by_text("Vos vœux sont enregistrés : 1 personne(s) classée(s).").wait_for()
    karima.reload()  # registering led her to the wishes page, which now lists Claire
    karima.get_by_label("Rang pour Claire Fabre (Sophia Logiciels)").fill("1")
    karima.get_by_role("button", name="Enregistrer mes vœux").click()
    karima.get_by_text("Vos vœux sont enregistrés : 1 personne(s) classée(s).").wait_for()
    theirs = Volunteer.objects.get(user=boss)
    assert Volunteer.objects.get(user=member).wishes == [theirs.pk]

    # the animator closes the registrations and forms the pairs
    organiser.reload()
    assert "Volontaires (2)" in main_text(organiser)
    organiser.get_by_label("Passer à l'état").select_option(label="inscriptions closes")
    organiser.get_by_role("button", name="Changer l'état").click()
    organiser.get_by_role("button", name="Former les binômes").click()
    organiser.get_by_text("1 binôme(s) formé(s) : chacun a reçu un courriel pour confirmer.").wait_for()
    assert "Karima Haddad (Les Jardins de la Siagne) et Claire Fabre (Sophia Logiciels)" in main_text(
        organiser
    )

    # each follows the mail and confirms
    for page, user, partner in ((karima, member, "Claire Fabre"), (claire, boss, "Karima Haddad")):
        mail = smtp_inbox.wait_for(to=user.email, subject=f"votre binôme avec {partner}", seconds=60)
        page.goto(smtp_inbox.link_path(mail, r"^/rencontres/vis-ma-vie/binomes/\d+/$"))
        page.get_by_role("button", name="Je confirme ce binôme et ces dates").click()
    karima.get_by_text("nous attendons celle de votre binôme").wait_for()
    claire.get_by_text("Binôme confirmé par vous deux : les dates sont retenues.").wait_for()
    exchange = Exchange.objects.get()
    assert exchange.status == "confirmed"
    for page, user in ((karima, member), (claire, boss)):
        mail = smtp_inbox.wait_for(to=user.email, subject="est confirmé", seconds=60)
        page.goto(smtp_inbox.link_path(mail, rf"^/rencontres/vis-ma-vie/binomes/{exchange.pk}/$"))
        assert "Binôme confirmé par vous deux." in main_text(page)
        link = page.get_by_role("link", name="Ajouter les deux journées à mon agenda (fichier ICS)")
        ics = page.request.get(link.get_attribute("href"))
        assert ics.status == 200 and ics.body().count(b"BEGIN:VEVENT") == 2
        assert exchange.first_date.strftime("%Y%m%d").encode() in ics.body()
    assert "Mon binôme : Claire Fabre (Sophia Logiciels)" in main_text(karima)

    # the first day is over: Karima tells how it went and agrees to its publication
    Exchange.objects.filter(pk=exchange.pk).update(first_date=today - dt.timedelta(days=1))
    karima.reload()
    karima.get_by_label("Mon témoignage").fill(TESTIMONY)
    karima.get_by_label("J'accepte que ce témoignage soit publié").check()
    karima.get_by_role("button", name="Envoyer mon témoignage").click()
    karima.get_by_text("Merci pour votre témoignage : l'animation le relit avant de le publier.").wait_for()

    # the animator publishes it: it appears on the campaign's public page
    organiser.reload()
    testimony = organiser.locator("article", has_text=TESTIMONY)
    assert "publication acceptée" in testimony.inner_text()
    testimony.get_by_role("button", name="Publier", exact=True).click()
    organiser.get_by_text("Témoignage publié.").wait_for()
    visitor = new_context().new_page()
    visitor.goto("/rencontres/")
    visitor.get_by_role("link", name=TITLE).click()
    visitor.get_by_role("heading", name="Ils l'ont vécu").wait_for()
    assert f"{TESTIMONY} — Karima Haddad, Les Jardins de la Siagne" in main_text(visitor)
    assert ExchangeCampaign.objects.get().title == TITLE
