"""Journeys of the speed-meetings and « vis ma vie » in a real browser: a participant ranks wishes; the
organiser runs the scheduler and reads the gap; a participant opens their agenda; a participant follows the
mails (wishes open, then schedule published) from the invitation to the agenda; a volunteer registers, the
animation forms the pairs, the volunteer confirms from the mail's link and reads the confirmation. Each ends
on the French words read."""

from __future__ import annotations

import re

import pytest

from maillage.core.actors import system
from maillage.matchmaking import services
from maillage.matchmaking.models import Exchange, Preference, Run, Volunteer
from tests.factories import UserFactory
from tests.matchmaking.factories import campaign_days, make_campaign, make_event, make_meeting

pytestmark = pytest.mark.browser
SYS = system("tests")


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_a_participant_ranks_wishes(new_context, territory, member):
    meeting = make_meeting(make_event(territory), member)
    page = new_context(user=member).new_page()
    page.goto("/rencontres/")
    page.get_by_role("link", name="Speed-meeting de test").click()
    page.get_by_role("link", name="Dire qui je souhaite rencontrer").click()
    page.get_by_label("Rang pour Structure Driss (Driss)").fill("1")
    page.get_by_label("Rang pour Structure Chloé (Chloé)").fill("2")
    page.get_by_label("Ne pas rencontrer Structure Élodie (Élodie)").check()
    page.get_by_role("button", name="Enregistrer mes vœux").click()
    page.wait_for_load_state()
    assert "Vos vœux sont enregistrés : 2 personne(s) classée(s)." in page.inner_text("body")
    mine = meeting.participants.get(user=member)
    assert [
        p.target.name for p in Preference.objects.filter(participant=mine, refused=False).order_by("rank")
    ] == ["Driss", "Chloé"]


def test_the_organiser_runs_the_scheduler_and_reads_the_gap(new_context, territory, member, animator):
    meeting = make_meeting(make_event(territory), member)
    mine = meeting.participants.get(user=member)
    services.save_wishes(actor=member, participant=mine, wished=[meeting.participants.get(name="Driss").pk])
    page = new_context(user=animator).new_page()
    page.goto(f"/rencontres/{meeting.pk}/organisation/")
    page.get_by_role("button", name="Calculer le planning").click()
    page.wait_for_load_state()
    page.get_by_text("optimum prouvé").first.wait_for()
    text = main_text(page)
    assert "État : terminé" in text
    assert "1 vœux satisfaits sur 1" in text
    assert "Méthode gloutonne" in text
    assert Run.objects.get().is_current


def test_a_participant_opens_their_agenda(new_context, territory, member):
    meeting = make_meeting(make_event(territory), member)
    mine = meeting.participants.get(user=member)
    services.save_wishes(actor=member, participant=mine, wished=[meeting.participants.get(name="Chloé").pk])
    run = services.request_run(actor=SYS, meeting=meeting)
    services.execute_run(actor=SYS, run=run)
    services.transition_meeting(actor=SYS, meeting=meeting, to="closed")
    services.transition_meeting(actor=SYS, meeting=meeting, to="scheduled")
    page = new_context(user=member).new_page()
    page.goto(f"/rencontres/{meeting.pk}/")
    page.get_by_role("link", name="Mon planning").click()
    page.wait_for_load_state()
    text = main_text(page)
    assert "Mes rencontres, tour par tour" in text
    assert "structure chloé (chloé) votre vœu" in text.lower()  # the badge is set in capitals by the CSS
    ics = page.request.get(
        page.get_by_role("link", name="Ajouter à mon agenda (fichier ICS)").get_attribute("href")
    )
    assert ics.status == 200 and b"Rencontre avec Structure Chlo" in ics.body()


def test_a_participant_follows_the_mails_from_the_wishes_to_the_agenda(
    new_context, smtp_inbox, territory, member
):
    meeting = make_meeting(make_event(territory), member)  # opening the wishes mails the participants
    mail = smtp_inbox.wait_for(to=member.email, subject="dites qui vous souhaitez rencontrer", seconds=60)
    page = new_context(user=member).new_page()
    page.goto(smtp_inbox.link_path(mail, rf"^/rencontres/{meeting.pk}/voeux/$"))
    page.get_by_label("Rang pour Structure Chloé (Chloé)").fill("1")
    page.get_by_role("button", name="Enregistrer mes vœux").click()
    page.get_by_text("Vos vœux sont enregistrés : 1 personne(s) classée(s).").wait_for()
    run = services.request_run(actor=SYS, meeting=meeting)
    services.execute_run(actor=SYS, run=run)
    services.transition_meeting(actor=SYS, meeting=meeting, to="closed")
    services.transition_meeting(actor=SYS, meeting=meeting, to="scheduled")
    mail = smtp_inbox.wait_for(to=member.email, subject="votre planning de rencontres est prêt", seconds=60)
    page.goto(smtp_inbox.link_path(mail, rf"^/rencontres/{meeting.pk}/mon-planning/$"))
    page.get_by_text("Mes rencontres, tour par tour").wait_for()
    assert "structure chloé (chloé) votre vœu" in main_text(page).lower()


def test_a_volunteer_registers_is_paired_and_confirms_from_the_mail(
    new_context, smtp_inbox, territory, member, animator
):
    campaign = make_campaign(territory)
    boss = UserFactory(email="claire@sophia-logiciels.example", first_name="Claire", last_name="Fabre")
    theirs = services.register_volunteer(
        actor=boss,
        campaign=campaign,
        side="b",
        name="Claire Fabre",
        structure_name="Sophia Logiciels",
        dates=campaign_days(campaign, 0, 2, 4),
    )
    page = new_context(user=member).new_page()
    page.goto("/rencontres/")
    page.get_by_role("link", name="Vis ma vie de test").click()
    page.get_by_role("link", name="Je me porte volontaire").click()
    page.get_by_label("côté « Structures d'insertion »").check()
    page.get_by_label("Mon nom").fill("Karima Haddad")
    page.get_by_label("Ma structure ou mon entreprise").fill("Les Jardins de la Siagne")
    days = page.locator("input[name=dates]")
    days.nth(0).check()
    days.nth(2).check()
    page.get_by_role("button", name="M'inscrire comme volontaire").click()
    page.get_by_text("Vous êtes inscrit comme volontaire.").wait_for()
    page.get_by_label("Rang pour Claire Fabre (Sophia Logiciels)").fill("1")
    page.get_by_role("button", name="Enregistrer mes vœux").click()
    page.get_by_text("Vos vœux sont enregistrés : 1 personne(s) classée(s).").wait_for()
    assert Volunteer.objects.get(user=member).wishes == [theirs.pk]

    organiser = new_context(user=animator).new_page()
    organiser.goto(f"/rencontres/vis-ma-vie/{campaign.pk}/organisation/")
    organiser.get_by_label("Passer à l'état").select_option(label="inscriptions closes")
    organiser.get_by_role("button", name="Changer l'état").click()
    organiser.get_by_role("button", name="Former les binômes").click()
    organiser.get_by_text("1 binôme(s) formé(s) : chacun a reçu un courriel pour confirmer.").wait_for()

    mail = smtp_inbox.wait_for(to=member.email, subject="votre binôme avec Claire Fabre", seconds=60)
    page.goto(smtp_inbox.link_path(mail, r"^/rencontres/vis-ma-vie/binomes/\d+/$"))
    page.get_by_role("button", name="Je confirme ce binôme et ces dates").click()
    page.get_by_text("nous attendons celle de votre binôme").wait_for()
    exchange = Exchange.objects.get()
    services.confirm_exchange(actor=boss, exchange=exchange, volunteer=theirs)
    mail = smtp_inbox.wait_for(to=member.email, subject="est confirmé", seconds=60)
    page.goto(smtp_inbox.link_path(mail, rf"^/rencontres/vis-ma-vie/binomes/{exchange.pk}/$"))
    text = main_text(page)
    assert "Mon binôme : Claire Fabre (Sophia Logiciels)" in text
    assert "Binôme confirmé par vous deux." in text
    ics = page.request.get(
        page.get_by_role("link", name="Ajouter les deux journées à mon agenda (fichier ICS)").get_attribute(
            "href"
        )
    )
    assert ics.status == 200 and b"Vis ma vie" in ics.body()
