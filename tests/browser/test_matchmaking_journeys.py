"""Journeys of the speed-meetings in a real browser: a participant ranks wishes; the organiser runs the
scheduler and reads the gap; a participant opens their agenda. Each ends on the French words read."""

from __future__ import annotations

import re

import pytest

from maillage.core.actors import system
from maillage.matchmaking import services
from maillage.matchmaking.models import Preference, Run
from tests.matchmaking.factories import make_event, make_meeting

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
