"""Bad inputs of the speed-meetings where they break (the service or the page): a French message, nothing
changed, the schedule in force kept. The scheduler's own conflicts (more must-meet pairs than rounds, nobody
available, a breaking pin…) are in test_scheduler.py and test_services.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core.actors import system
from maillage.matchmaking import services
from maillage.matchmaking.models import FollowUp, SpeedMeeting

pytestmark = pytest.mark.django_db
SYS = system("tests")


def run_now(meeting):
    run = services.request_run(actor=SYS, meeting=meeting)
    services.execute_run(actor=SYS, run=run)
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(("first", "last"), [(3, 2), (4, 4), (0, 2)])
def test_an_availability_for_no_round_is_refused_and_the_schedule_stays(meeting, member, first, last):
    run = run_now(meeting)
    slots = sorted(run.slots.values_list("a", "b", "round", "table"))
    mine = meeting.participants.get(user=member)
    with pytest.raises(ValidationError) as caught:
        services.set_availability(actor=member, participant=mine, first_round=first, last_round=last)
    assert caught.value.messages == [
        "Indiquez des tours entre 1 et 3, le tour d'arrivée avant celui du départ."
    ]
    mine.refresh_from_db()
    assert (mine.first_round, mine.last_round) == (1, 3)
    run.refresh_from_db()
    assert run.is_current and sorted(run.slots.values_list("a", "b", "round", "table")) == slots


def test_an_availability_for_no_round_on_the_page_says_so(client, meeting, member):
    client.force_login(member)
    response = client.post(f"/rencontres/{meeting.pk}/disponibilites/", {"first_round": 3, "last_round": 2})
    assert response.status_code == 200
    assert "Indiquez des tours entre 1 et 3, le tour d&#x27;arrivée avant celui du départ." in (
        response.content.decode()
    )
    assert meeting.participants.get(user=member).first_round == 1


def test_wishes_made_before_someone_withdrew_are_set_aside_by_the_next_run(meeting, member):
    mine = meeting.participants.get(user=member)
    driss = meeting.participants.get(name="Driss")
    services.save_wishes(
        actor=member, participant=mine, wished=[driss.pk, meeting.participants.get(name="Chloé").pk]
    )
    services.withdraw_participant(actor=SYS, participant=driss)
    run = run_now(meeting)
    assert run.status == "done" and run.wishes_total == 1 and run.wishes_met == 1
    assert not run.slots.filter(a=driss).exists() and not run.slots.filter(b=driss).exists()


def test_zero_tables_on_the_page_says_so_and_creates_nothing(client, event, animator):
    client.force_login(animator)
    deadline = timezone.localtime(event.start - dt.timedelta(days=1))
    response = client.post(
        "/rencontres/nouveau/",
        {
            "event": event.pk,
            "title": "Sans table",
            "side_a": "Structures d'insertion",
            "side_b": "Entreprises",
            "rounds": 3,
            "round_minutes": 7,
            "break_minutes": 2,
            "tables": 0,
            "wishes_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "time_limit": 5,
        },
    )
    assert response.status_code == 400
    assert "Il faut au moins une table." in response.content.decode()
    assert not SpeedMeeting.objects.exists()


def test_a_follow_up_without_a_choice_says_so(client, meeting, member):
    run = run_now(meeting)
    services.transition_meeting(actor=SYS, meeting=meeting, to="closed")
    services.transition_meeting(actor=SYS, meeting=meeting, to="scheduled")
    mine = meeting.participants.get(user=member)
    slot = (run.slots.filter(a=mine) | run.slots.filter(b=mine)).first()
    client.force_login(member)
    response = client.post(f"/rencontres/{meeting.pk}/suites/{slot.pk}/", {}, follow=True)
    assert response.status_code == 200
    assert "Choisissez dans la liste la suite donnée à cette rencontre." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_organiser_page_asks_for_the_side_of_a_new_registration(client, meeting, event, animator):
    from maillage.events import services as event_services

    late = event_services.record_registration(
        actor=SYS, event=event, email="fanny@exemple.org", name="Fanny", structure_name="Structure Fanny"
    )
    client.force_login(animator)
    page = client.get(f"/rencontres/{meeting.pk}/organisation/").content.decode()
    assert f'name="side_{late.pk}"' in page and "Côté de Fanny (Structure Fanny)" in page
    response = client.post(f"/rencontres/{meeting.pk}/organisation/", {"action": "sync"}, follow=True)
    assert "Choisissez le côté de Fanny" in response.content.decode()
    assert not meeting.participants.filter(name="Fanny").exists()


def test_the_organiser_is_offered_only_the_states_the_meeting_can_move_to(client, meeting, animator):
    client.force_login(animator)
    page = client.get(f"/rencontres/{meeting.pk}/organisation/").content.decode()
    select = page.split('<select id="etat" name="to">')[1].split("</select>")[0]
    assert select == '<option value="draft">en préparation</option><option value="closed">vœux clos</option>'
