"""Journeys of the needs register in a real browser: a citizen reports a need and confirms it from the link in
the mail; a member supports a need with a testimony; the animator qualifies a need and merges a duplicate.
Each ends on the French words the person reads."""

from __future__ import annotations

import re

import pytest

from maillage.needs import services
from maillage.needs.models import Need, NeedStatus, Support
from tests.conftest import with_totp
from tests.needs.factories import SYS, category, join, need, needs_atelier

pytestmark = pytest.mark.browser
EMAIL = "lea.habitante@example.org"


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_a_citizen_reports_a_need_and_confirms_it_from_the_mail(new_context, smtp_inbox, territory):
    category(territory)  # the defaults
    page = new_context().new_page()
    page.goto("/besoins/")
    page.get_by_role("link", name="Signaler un besoin").first.click()
    page.get_by_label("Le besoin en une phrase").fill("Pas de crèche avant 7 h 30 à Grasse")
    page.get_by_label("Description").fill("Je commence à 6 h à l'hôpital : aucune solution de garde.")
    page.get_by_label("Catégorie").select_option(label="Garde d'enfants")
    page.get_by_label("Communes concernées").select_option(label="Grasse")
    page.get_by_label("Votre adresse électronique").fill(EMAIL)
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.get_by_role("heading", name="Vérifiez votre messagerie").wait_for()
    assert Need.objects.get().status == NeedStatus.UNCONFIRMED

    mail = smtp_inbox.wait_for(to=EMAIL, subject="Confirmez votre signalement", seconds=60)
    path = smtp_inbox.link_path(mail, r"^/besoins/confirmer/[^/]+/$")
    assert "lea" not in path.lower(), "the link carries no address"
    page.goto(path)
    assert "Pas de crèche avant 7 h 30 à Grasse" in main_text(page)
    assert Need.objects.get().status == NeedStatus.UNCONFIRMED  # opening the link changes nothing
    page.get_by_role("button", name="Confirmer le signalement").click()
    page.get_by_text("Merci : votre signalement est confirmé et inscrit au registre.").wait_for()
    text = main_text(page)
    assert "Pas de crèche avant 7 h 30 à Grasse" in text
    assert "Une personne du territoire (anonyme)" in text
    assert Need.objects.get().status == NeedStatus.REPORTED


def test_a_member_supports_a_need(new_context, territory, manager, member):
    n = need(territory, actor=manager, title="Pas de bus le dimanche vers l'hôpital")
    page = new_context(user=member).new_page()
    page.goto("/besoins/")
    page.get_by_role("link", name="Pas de bus le dimanche vers l'hôpital").click()
    assert "Personne d'autre n'a encore dit rencontrer ce besoin." in main_text(page)
    page.get_by_role("link", name="Je rencontre aussi ce besoin").click()
    page.get_by_label("Votre témoignage (facultatif)").fill(
        "Ma mère est hospitalisée : impossible le dimanche."
    )
    page.get_by_role("button", name="Je rencontre aussi ce besoin").click()
    page.get_by_text("Merci : votre soutien est compté.").wait_for()
    text = main_text(page)
    assert "1 personne rencontre aussi ce besoin" in text
    assert "Ma mère est hospitalisée : impossible le dimanche." in text
    assert "Vous soutenez ce besoin depuis le" in text
    assert Support.objects.get(need=n).user == member


def test_the_animator_qualifies_then_merges_a_duplicate(new_context, territory, member, manager, animator):
    with_totp(animator)
    kept = need(territory, actor=member, title="Pas de bus le dimanche")
    duplicate = need(territory, actor=manager, title="Le bus du dimanche")
    page = new_context(user=animator).new_page()

    page.goto("/besoins/animation/")
    page.get_by_role("link", name="Qualifier « Pas de bus le dimanche »").click()
    page.get_by_label("Réponse publique").fill("Retenu par l'atelier pour l'appel à projets.")
    page.get_by_label("Synthèse de qualification").fill("Trois lignes sur quatre sans service le dimanche.")
    page.get_by_role("button", name="Enregistrer et publier la réponse").click()
    page.get_by_text("Le besoin est maintenant « qualifié ».").wait_for()
    assert "Retenu par l'atelier pour l'appel à projets." in main_text(page)

    page.goto(f"/besoins/{duplicate.pk}/")
    page.get_by_role("link", name="Fusionner avec un autre besoin").click()
    page.get_by_label("Besoin qu'il répète").select_option(
        label=f"n° {kept.pk} — Pas de bus le dimanche (qualifié)"
    )
    page.get_by_role("button", name="Fusionner").click()
    page.get_by_text("Besoin fusionné dans « Pas de bus le dimanche » : 1 soutien(s) reporté(s).").wait_for()
    text = main_text(page)
    assert "1 personne rencontre aussi ce besoin" in text
    assert "Le bus du dimanche" in text  # listed among the needs merged into this one
    duplicate.refresh_from_db()
    assert duplicate.status == NeedStatus.DUPLICATE and duplicate.merged_into == kept


def test_a_visitor_opens_a_structure_from_a_need_and_reads_the_needs_it_answers(
    new_context, territory, structure
):
    bus = need(territory, title="Pas de bus le dimanche vers l'hôpital")
    services.move_need(
        actor=SYS, need=bus, to_status=NeedStatus.QUALIFIED, answer="Retenu.", synthesis="Trois lignes."
    )
    food = need(territory, title="Pas d'épicerie solidaire à Peymeinade", slug="alimentation")
    for n in (bus, food):
        services.link_structure(actor=SYS, need=n, structure=structure)
    page = new_context().new_page()
    page.goto(f"/besoins/{bus.pk}/")
    page.get_by_role("link", name=structure.name).click()
    page.get_by_role("heading", name="Besoins sociaux auxquels la structure répond").wait_for()
    section = re.sub(
        r"\s+",
        " ",
        page.get_by_role("region", name="Besoins sociaux auxquels la structure répond").inner_text(),
    )
    assert "Pas de bus le dimanche vers l'hôpital qualifié" in section
    assert "Pas d'épicerie solidaire à Peymeinade signalé" in section
    page.get_by_role("link", name="Pas d'épicerie solidaire à Peymeinade").click()
    page.get_by_role("heading", name="Pas d'épicerie solidaire à Peymeinade").wait_for()


def test_an_atelier_member_qualifies_and_the_reporter_reads_the_answer_from_the_mail(
    new_context, smtp_inbox, territory, member
):
    reported = services.request_need(
        actor=SYS,
        territory=territory,
        email=EMAIL,
        title="Pas de crèche avant 7 h 30 à Grasse",
        description="Je commence à 6 h à l'hôpital : aucune solution de garde.",
        category=category(territory, "garde-enfants"),
        communes=list(territory.communes.all()),
        anonymous=True,
    )
    services.confirm_need(territory=territory, payload={"t": territory.pk, "n": reported.pk})
    join(needs_atelier(territory), member)

    page = new_context(user=member).new_page()
    page.goto("/besoins/")
    page.get_by_role("link", name="Pas de crèche avant 7 h 30 à Grasse").click()
    page.get_by_role("link", name="Qualifier le besoin").click()
    page.get_by_label("Synthèse de qualification").fill(
        "Trois familles sur dix du quartier de la gare travaillent en horaires décalés."
    )
    page.get_by_label("Réponse publique").fill("L'atelier retient ce besoin pour l'appel à projets.")
    page.get_by_role("button", name="Enregistrer et publier la réponse").click()
    page.get_by_text("Le besoin est maintenant « qualifié ».").wait_for()
    assert "Trois familles sur dix du quartier de la gare" in main_text(page)

    mail = smtp_inbox.wait_for(to=EMAIL, subject="Votre signalement « Pas de crèche", seconds=60)
    path = smtp_inbox.link_path(mail, r"^/besoins/\d+/$")
    reader = new_context().new_page()
    reader.goto(path)
    text = main_text(reader)
    assert "Synthèse de qualification" in text
    assert "L'atelier retient ce besoin pour l'appel à projets." in text
    assert "Trois familles sur dix du quartier de la gare travaillent en horaires décalés." in text
