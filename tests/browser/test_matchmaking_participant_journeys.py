"""Journeys of a speed-meeting participant in a real browser: she ranks her wishes; she follows the mails
from the opening of the wishes to her published agenda, downloads it (ICS and PDF), opens the page of the
day while the first round runs, and once the day is over notes what a meeting led to. What the organiser
did meanwhile (the run, the publication) is set up through the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from maillage.core.actors import system
from maillage.events.models import Event
from maillage.matchmaking import services
from maillage.matchmaking.models import FollowUp, Preference
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


def publish(meeting) -> None:
    """What the organiser does meanwhile: a run, then the wishes closed and the schedule published."""
    run = services.request_run(actor=SYS, meeting=meeting)
    services.execute_run(actor=SYS, run=run)
    services.transition_meeting(actor=SYS, meeting=meeting, to="closed")
    services.transition_meeting(actor=SYS, meeting=meeting, to="scheduled")


def test_a_participant_follows_the_mails_to_her_agenda_the_day_and_the_follow_up(
    new_context, smtp_inbox, territory, member
):
    meeting = make_meeting(make_event(territory), member)  # opening the wishes mails the participants
    mail = smtp_inbox.wait_for(to=member.email, subject="dites qui vous souhaitez rencontrer", seconds=60)
    page = new_context(user=member).new_page()
    page.goto(smtp_inbox.link_path(mail, rf"^/rencontres/{meeting.pk}/voeux/$"))
    page.get_by_label("Rang pour Structure Chloé (Chloé)").fill("1")
    page.get_by_role("button", name="Enregistrer mes vœux").click()
    page.get_by_text("Vos vœux sont enregistrés : 1 personne(s) classée(s).").wait_for()
    meeting.refresh_from_db()
    publish(meeting)

    mail = smtp_inbox.wait_for(to=member.email, subject="votre planning de rencontres est prêt", seconds=60)
    page.goto(smtp_inbox.link_path(mail, rf"^/rencontres/{meeting.pk}/mon-planning/$"))
    page.get_by_text("Mes rencontres, tour par tour").wait_for()
    assert "structure chloé (chloé) votre vœu" in main_text(page).lower()  # the badge is in capitals (CSS)
    ics = page.request.get(
        page.get_by_role("link", name="Ajouter à mon agenda (fichier ICS)").get_attribute("href")
    )
    assert ics.status == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.body() and "Rencontre avec Structure Chloé".encode() in ics.body().replace(
        b"\r\n ", b""
    )
    pdf = page.request.get(page.get_by_role("link", name="Imprimer (PDF)").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # the day has come: the first round started a minute ago
    start = timezone.now() - dt.timedelta(minutes=1)
    Event.objects.filter(pk=meeting.event_id).update(start=start, end=start + dt.timedelta(hours=2))
    page.get_by_role("link", name="Le déroulé en direct").click()
    page.get_by_text("Tour 1 en cours.").wait_for()
    text = main_text(page)
    for slot in meeting.runs.get(is_current=True).slots.filter(round=1):
        assert f"{meeting.table_label(slot.table - 1)} : {slot.a.label} et {slot.b.label}" in text
    assert page.locator("#direct").get_attribute("hx-trigger") == "every 20s"  # updated without reload

    # the day is over: the follow-ups open without waiting for the animation to close the meeting
    start = timezone.now() - dt.timedelta(hours=3)
    Event.objects.filter(pk=meeting.event_id).update(start=start, end=start + dt.timedelta(hours=2))
    page.go_back()
    page.reload()
    chloe = meeting.participants.get(name="Chloé")
    choice = page.get_by_label("Suite donnée à la rencontre avec Structure Chloé (Chloé)")
    choice.select_option(label="un partenariat")
    page.locator("form", has=choice).get_by_role("button", name="Noter").click()
    page.get_by_text("Merci : la suite de cette rencontre est notée.").wait_for()
    choice = page.get_by_label("Suite donnée à la rencontre avec Structure Chloé (Chloé)")
    assert choice.locator("option:checked").inner_text() == "un partenariat"
    follow_up = FollowUp.objects.get(author__user=member)
    assert follow_up.outcome == "partnership" and chloe.pk in (follow_up.slot.a_id, follow_up.slot.b_id)
