"""Journeys of the speed-meeting's organiser (the animator) in a real browser: she prepares a speed-meeting
on an agenda event (sides, rounds, tables, deadline), puts each registered person on a side, opens the
wishes, runs the scheduler from the page and reads its status page (value, bound, gap, greedy baseline),
pins a meeting and runs again around it, closes the wishes and publishes the schedule (the participants are
mailed); a pin that breaks a constraint is explained and the schedule in force stays. The tasks run as the
test settings run them (django-tasks' immediate backend: the run ends before its status page opens). What
the participants did meanwhile (their wishes, their availability) is set up through the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from maillage.core.actors import system
from maillage.matchmaking import services
from maillage.matchmaking.models import Run, SpeedMeeting
from tests.matchmaking.factories import make_event, make_meeting, register_people

pytestmark = pytest.mark.browser
SYS = system("tests")
SIDES = {"Alice": "a", "Bruno": "a", "Chloé": "b", "Driss": "b", "Élodie": "b"}


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def row_text(page, name: str) -> str:
    return re.sub(r"\s+", " ", page.get_by_role("row", name=re.compile(re.escape(name))).inner_text())


def test_the_organiser_prepares_runs_pins_and_publishes(new_context, smtp_inbox, territory, member, animator):
    event = make_event(territory)
    register_people(event, member)  # the people registered to the agenda event beforehand
    own_registration = event.registrations.get(user=member)
    page = new_context(user=animator).new_page()
    page.goto("/rencontres/")
    page.get_by_role("link", name="Préparer un speed-meeting").click()
    page.get_by_label("Rendez-vous de l'agenda").select_option(label=event.title)
    page.get_by_label("Titre").fill("Speed-meeting du printemps")
    page.get_by_label("Premier côté").fill("Structures d'insertion")
    page.get_by_label("Second côté").fill("Entreprises")
    page.get_by_label("Nombre de tours").fill("3")
    page.get_by_label("Nombre de tables").fill("2")
    page.get_by_label("Durée de calcul (secondes)").fill("5")
    deadline = timezone.localtime(event.start - dt.timedelta(days=2))
    page.get_by_label("Date limite des vœux").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Créer").click()
    page.get_by_role("heading", name="Organiser : Speed-meeting du printemps").wait_for()
    meeting = SpeedMeeting.objects.get()
    assert (meeting.rounds, meeting.tables, meeting.time_limit) == (3, 2, 5)

    # every registered person is put on a side, then the wishes open (the participants are mailed)
    page.get_by_label(f"Côté de {own_registration.name}").select_option(label="Structures d'insertion")
    for name, side in SIDES.items():
        page.get_by_label(f"Côté de {name}").select_option(
            label=meeting.side_a if side == "a" else meeting.side_b
        )
    page.get_by_role("button", name="Reprendre les inscriptions").click()
    page.get_by_text("Participants à jour : 6 ajouté(s).").wait_for()
    assert "Participants (6)" in main_text(page)
    assert sorted(meeting.participants.values_list("side", flat=True)) == ["a"] * 3 + ["b"] * 3
    page.get_by_label("Passer à l'état").select_option(label="vœux ouverts")
    page.get_by_role("button", name="Changer l'état").click()
    page.get_by_text("Nouvel état : vœux ouverts.").wait_for()
    smtp_inbox.wait_for(to=member.email, subject="dites qui vous souhaitez rencontrer", seconds=60)

    # the participants ranked their wishes meanwhile
    meeting.refresh_from_db()
    mine = meeting.participants.get(user=member)
    chloe, driss, elodie = (meeting.participants.get(name=n) for n in ("Chloé", "Driss", "Élodie"))
    alice = meeting.participants.get(name="Alice")
    services.save_wishes(actor=member, participant=mine, wished=[chloe.pk, driss.pk])
    services.save_wishes(actor=SYS, participant=chloe, wished=[mine.pk])

    page.get_by_role("button", name="Calculer le planning").click()
    page.get_by_role("heading", name="Calcul du planning").wait_for()
    page.get_by_text("optimum prouvé").first.wait_for()
    first = Run.objects.get()
    text = main_text(page)
    assert "État : terminé" in text
    assert "3 vœux satisfaits sur 3 (100 %)." in text, text
    meetings = first.level("meetings")
    assert row_text(page, "Rencontres au total") == (
        f"Rencontres au total {meetings['value']} {meetings['bound']} 0 % (optimum prouvé) "
        f"{first.greedy['meetings']}"
    )
    assert "La méthode gloutonne (remplir chaque tour avec les vœux les plus forts d'abord) satisfait" in text
    assert row_text(page, mine.label) == f"{mine.label} 2 / 2 2"  # 2 tables for 6 people: 2 meetings each

    # a meeting pinned by hand, then the schedule rebuilt around it
    page.get_by_role("link", name="Retour à l'organisation de « Speed-meeting du printemps »").click()
    pin_form = page.locator("form", has=page.get_by_role("button", name="Épingler"))
    pin_form.get_by_label("Premier participant").select_option(label=alice.label)
    pin_form.get_by_label("Second participant").select_option(label=elodie.label)
    pin_form.get_by_label("Tour").fill("3")
    pin_form.get_by_label("Table (facultatif)").fill("2")
    page.get_by_role("button", name="Épingler").click()
    page.get_by_text("Rencontre épinglée : relancez le calcul pour construire le planning autour.").wait_for()
    assert f"{alice.label} et {elodie.label}, tour 3, table 2" in main_text(page)
    page.get_by_role("button", name="Calculer le planning").click()
    page.get_by_text("optimum prouvé").first.wait_for()
    second = Run.objects.exclude(pk=first.pk).get()
    assert second.is_current and second.status == "done"

    # two meetings swapped by hand (each takes the other's round and table), then the schedule rebuilt
    one, other = second.slots.get(round=1, table=1), second.slots.get(round=2, table=1)
    page.get_by_role("link", name="Retour à l'organisation de « Speed-meeting du printemps »").click()
    page.get_by_label("Première rencontre").select_option(
        label=f"Tour 1, Table 1 : {one.a.label} et {one.b.label}"
    )
    page.get_by_label("Seconde rencontre").select_option(
        label=f"Tour 2, Table 1 : {other.a.label} et {other.b.label}"
    )
    page.get_by_role("button", name="Échanger").click()
    page.get_by_text("Rencontres échangées et épinglées").wait_for()
    assert f"{one.a.label} et {one.b.label}, tour 2, table 1" in main_text(page)
    page.get_by_role("button", name="Calculer le planning").click()
    page.get_by_text("optimum prouvé").first.wait_for()
    page.get_by_role("link", name="Retour à l'organisation de « Speed-meeting du printemps »").click()
    page.get_by_role("link", name="plan des tables").click()
    rows = {n: page.get_by_role("row", name=re.compile(rf"^{n} \(")).get_by_role("cell") for n in (1, 2, 3)}
    assert rows[1].nth(0).inner_text().split("\n") == [other.a.label, other.b.label]
    assert rows[2].nth(0).inner_text().split("\n") == [one.a.label, one.b.label]
    assert rows[3].nth(1).inner_text().split("\n") == [alice.label, elodie.label]  # the pin held

    # the wishes close, the schedule is published: the participants are mailed their agenda
    page.go_back()
    page.get_by_label("Passer à l'état").select_option(label="vœux clos")
    page.get_by_role("button", name="Changer l'état").click()
    page.get_by_text("Nouvel état : vœux clos.").wait_for()
    page.get_by_label("Passer à l'état").select_option(label="planning publié")
    page.get_by_role("button", name="Changer l'état").click()
    page.get_by_text("Nouvel état : planning publié.").wait_for()
    assert "Planning en vigueur" in main_text(page)
    smtp_inbox.wait_for(to=member.email, subject="votre planning de rencontres est prêt", seconds=60)


def test_a_pin_that_breaks_a_constraint_is_explained_and_the_schedule_stays(
    new_context, territory, member, animator
):
    meeting = make_meeting(make_event(territory), member)
    alice = meeting.participants.get(name="Alice")
    chloe = meeting.participants.get(name="Chloé")
    page = new_context(user=animator).new_page()
    page.goto(f"/rencontres/{meeting.pk}/organisation/")
    page.get_by_role("button", name="Calculer le planning").click()
    page.get_by_text("optimum prouvé").first.wait_for()
    first = Run.objects.get()
    slots_before = sorted(first.slots.values_list("a", "b", "round", "table"))
    services.set_availability(actor=SYS, participant=alice, first_round=2, last_round=3)  # Alice comes late

    page.get_by_role("link", name=re.compile("Retour à l'organisation")).click()
    pin_form = page.locator("form", has=page.get_by_role("button", name="Épingler"))
    pin_form.get_by_label("Premier participant").select_option(label=alice.label)
    pin_form.get_by_label("Second participant").select_option(label=chloe.label)
    pin_form.get_by_label("Tour").fill("1")
    page.get_by_role("button", name="Épingler").click()
    page.get_by_text("Rencontre épinglée").first.wait_for()
    page.get_by_role("button", name="Calculer le planning").click()
    page.get_by_text("Impossible de construire un planning").wait_for()
    text = main_text(page)
    assert "État : impossible" in text
    assert (
        "Structure Alice (Alice) n'est pas présent au tour 1 où sa rencontre avec Structure Chloé (Chloé) "
        "est épinglée." in text
    )
    assert "Le planning précédent reste en vigueur." in text

    page.get_by_role("link", name=re.compile("Retour à l'organisation")).click()
    text = main_text(page)
    assert "Le dernier calcul est impossible" in text and "Le planning précédent reste en vigueur." in text
    assert f"Planning en vigueur : {len(slots_before)} rencontres" in text
    first.refresh_from_db()
    assert first.is_current and sorted(first.slots.values_list("a", "b", "round", "table")) == slots_before
