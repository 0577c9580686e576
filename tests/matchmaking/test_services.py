"""The speed-meeting services on the database: participants from the event's registrations, wishes and
their bad inputs, runs of the scheduler (done, impossible with the previous schedule kept), follow-ups,
permissions, personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.core.actors import system
from maillage.core.machines import history
from maillage.events import services as event_services
from maillage.matchmaking import services
from maillage.matchmaking.models import FollowUp, MustMeet, Pin, Preference, Run, Slot, SpeedMeeting

pytestmark = pytest.mark.django_db
SYS = system("tests")


def p(meeting, name):
    return meeting.participants.get(name=name)


def run_now(meeting):
    run = services.request_run(actor=SYS, meeting=meeting)
    services.execute_run(actor=SYS, run=run)
    run.refresh_from_db()
    return run


def test_participants_come_from_the_event_registrations(meeting, member):
    assert meeting.participants.count() == 6
    mine = meeting.participants.get(user=member)
    assert mine.side == "a" and mine.last_round == 3
    assert [h.to_state for h in history(meeting)] == ["draft", "open"]


def test_zero_tables_is_refused_and_nothing_written(event):
    with pytest.raises(ValidationError) as caught:
        services.create_speed_meeting(
            actor=SYS, event=event, title="Sans table", wishes_deadline=event.start, tables=0
        )
    assert "Il faut au moins une table." in str(caught.value)
    assert not SpeedMeeting.objects.exists()


def test_the_time_limit_typed_by_the_organiser_is_kept_and_checked(event):
    meeting = services.create_speed_meeting(
        actor=SYS, event=event, title="Court", wishes_deadline=event.start, time_limit=4
    )
    assert meeting.time_limit == 4
    with pytest.raises(ValidationError, match="Le calcul dure de 1 à 300 secondes."):
        services.create_speed_meeting(
            actor=SYS, event=event, title="Trop long", wishes_deadline=event.start, time_limit=900
        )
    assert SpeedMeeting.objects.count() == 1


def test_a_new_registration_without_a_side_is_refused_not_put_on_the_first_side(meeting, event):
    late = event_services.record_registration(
        actor=SYS, event=event, email="fanny@exemple.org", name="Fanny", structure_name="Structure Fanny"
    )
    with pytest.raises(ValidationError) as caught:
        services.sync_participants(actor=SYS, meeting=meeting)
    assert (
        "Choisissez le côté de Fanny (« Structures d'insertion » ou « Entreprises »)."
        in caught.value.messages
    )
    assert not meeting.participants.filter(name="Fanny").exists()
    assert services.sync_participants(actor=SYS, meeting=meeting, sides={late.pk: "b"}) == 1
    assert p(meeting, "Fanny").side == "b"
    assert p(meeting, "Alice").side == "a"  # the sides chosen before are kept


def test_a_member_cannot_organise(event, member):
    with pytest.raises(PermissionDenied):
        services.create_speed_meeting(actor=member, event=event, title="X", wishes_deadline=event.start)


def test_participant_ranks_wishes_and_refusals(meeting, member):
    mine = meeting.participants.get(user=member)
    services.save_wishes(
        actor=member,
        participant=mine,
        wished=[p(meeting, "Driss").pk, p(meeting, "Chloé").pk],
        refused=[p(meeting, "Élodie").pk],
    )
    prefs = list(mine.preferences.order_by("refused", "rank"))
    assert [(x.target.name, x.rank, x.refused) for x in prefs] == [
        ("Driss", 1, False),
        ("Chloé", 2, False),
        ("Élodie", None, True),
    ]


def test_wish_for_someone_who_withdrew_is_refused_and_nothing_changes(meeting, member):
    mine = meeting.participants.get(user=member)
    services.save_wishes(actor=member, participant=mine, wished=[p(meeting, "Chloé").pk])
    gone = p(meeting, "Driss")
    services.withdraw_participant(actor=SYS, participant=gone)
    with pytest.raises(ValidationError) as caught:
        services.save_wishes(actor=member, participant=mine, wished=[gone.pk])
    assert "s'est désisté" in caught.value.messages[0]
    assert list(mine.preferences.values_list("target__name", flat=True)) == ["Chloé"]


def test_wishes_after_the_deadline_or_same_side_are_refused(meeting, member):
    mine = meeting.participants.get(user=member)
    with pytest.raises(ValidationError, match="date limite"):
        services.save_wishes(
            actor=member,
            participant=mine,
            wished=[p(meeting, "Chloé").pk],
            now=meeting.wishes_deadline + dt.timedelta(1),
        )
    with pytest.raises(ValidationError, match="de votre côté"):
        services.save_wishes(actor=member, participant=mine, wished=[p(meeting, "Alice").pk])
    assert not Preference.objects.exists()


def test_someone_else_cannot_write_my_wishes(meeting, member, manager_other):
    mine = meeting.participants.get(user=member)
    with pytest.raises(PermissionDenied):
        services.save_wishes(actor=manager_other, participant=mine, wished=[])


def test_a_run_writes_the_schedule_with_value_bound_and_greedy(meeting, member):
    mine = meeting.participants.get(user=member)
    services.save_wishes(actor=member, participant=mine, wished=[p(meeting, "Driss").pk])
    run = run_now(meeting)
    assert run.status == "done" and run.is_current
    assert [lv["name"] for lv in run.levels] == ["wishes", "fairness", "meetings"]
    assert all(lv["optimal"] and lv["bound"] == lv["value"] for lv in run.levels)
    assert run.greedy["meetings"] <= run.level("meetings")["value"]
    assert run.wishes_met == 1 and run.wishes_total == 1
    slots = list(run.slots.all())
    assert len(slots) == run.level("meetings")["value"] <= 3 * 2
    assert any({s.a_id, s.b_id} == {mine.pk, p(meeting, "Driss").pk} for s in slots)
    assert [h.to_state for h in history(run)] == ["queued", "running", "done"]


def test_an_impossible_run_explains_and_keeps_the_previous_schedule(meeting):
    first = run_now(meeting)
    alice = p(meeting, "Alice")
    for other in ("Chloé", "Driss", "Élodie"):
        services.add_must_meet(actor=SYS, meeting=meeting, a=alice, b=p(meeting, other))
    services.set_availability(actor=SYS, participant=alice, first_round=2, last_round=3)
    second = run_now(meeting)
    assert second.status == "failed"
    assert (
        "Structure Alice (Alice) doit rencontrer 3 personnes mais n'est disponible que pour 2 tours."
        in second.messages
    )
    first.refresh_from_db()
    assert first.is_current and not second.is_current
    assert Slot.objects.filter(run=second).count() == 0


def test_a_pin_that_breaks_a_constraint_fails_the_run_with_a_message(meeting):
    first = run_now(meeting)
    alice = p(meeting, "Alice")
    services.set_availability(actor=SYS, participant=alice, first_round=2, last_round=3)
    services.add_pin(actor=SYS, meeting=meeting, a=alice, b=p(meeting, "Chloé"), round=1)
    second = run_now(meeting)
    assert second.status == "failed"
    assert any("n'est pas présent au tour 1" in m for m in second.messages)
    first.refresh_from_db()
    assert first.is_current


def test_rerun_keeps_a_pin(meeting):
    alice, chloe = p(meeting, "Alice"), p(meeting, "Chloé")
    services.add_pin(actor=SYS, meeting=meeting, a=alice, b=chloe, round=3, table=2)
    run = run_now(meeting)
    assert run.slots.filter(a__in=[alice, chloe], b__in=[alice, chloe], round=3, table=2).exists()


def test_pin_or_must_meet_inside_one_side_is_refused(meeting):
    with pytest.raises(ValidationError, match="même côté"):
        services.add_must_meet(actor=SYS, meeting=meeting, a=p(meeting, "Alice"), b=p(meeting, "Bruno"))
    with pytest.raises(ValidationError, match="tour entre 1 et 3"):
        services.add_pin(actor=SYS, meeting=meeting, a=p(meeting, "Alice"), b=p(meeting, "Chloé"), round=9)
    assert not MustMeet.objects.exists() and not Pin.objects.exists()


def test_follow_up_after_the_event_counts_in_the_metric(meeting, member, territory):
    from maillage.matchmaking import integrations

    run = run_now(meeting)
    services.transition_meeting(actor=SYS, meeting=meeting, to="closed")
    services.transition_meeting(actor=SYS, meeting=meeting, to="scheduled")
    mine = meeting.participants.get(user=member)
    slot = run.slots.filter(a=mine).first() or run.slots.filter(b=mine).first()
    with pytest.raises(ValidationError, match="Les suites se notent après le speed-meeting"):
        services.record_follow_up(actor=member, participant=mine, slot=slot, outcome="contract")
    assert not FollowUp.objects.exists()
    event = meeting.event  # the day is over
    event.start, event.end = event.start - dt.timedelta(days=30), event.end - dt.timedelta(days=30)
    event.save(update_fields=["start", "end"])
    slot = Slot.objects.select_related("run__meeting__event").get(pk=slot.pk)
    services.record_follow_up(actor=member, participant=mine, slot=slot, outcome="contract")
    day = meeting.event.start.date()
    assert integrations.count_follow_ups(territory, day, day) == 1
    assert integrations.count_contracts(territory, day, day) == 1
    assert integrations.count_meetings(territory, day, day) == run.slots.count()
    with pytest.raises(ValidationError, match="dans la liste"):
        services.record_follow_up(actor=member, participant=mine, slot=slot, outcome="mariage")


def test_publishing_needs_a_schedule(meeting):
    services.transition_meeting(actor=SYS, meeting=meeting, to="closed")
    with pytest.raises(ValidationError, match="Calculez d'abord"):
        services.transition_meeting(actor=SYS, meeting=meeting, to="scheduled")


def test_personal_data_export_and_erase(meeting, member):
    mine = meeting.participants.get(user=member)
    services.save_wishes(actor=member, participant=mine, wished=[p(meeting, "Chloé").pk])
    exported = services.export_person(member)
    assert exported[0]["vœux"] == ["Structure Chloé (Chloé)"]
    services.erase_person(actor=SYS, user=member)
    mine.refresh_from_db()
    assert mine.name == "Participant retiré" and mine.user_id is None and not mine.preferences.exists()


def test_cancelled_registration_withdraws_the_participant(meeting, event):
    registration = event.registrations.get(name="Bruno")
    event_services.cancel_registration(actor=SYS, registration_id=registration.pk)
    services.sync_participants(actor=SYS, meeting=meeting)
    assert p(meeting, "Bruno").withdrawn
    assert Run.objects.count() == 0


def test_participants_with_an_account_hear_of_open_wishes_and_of_their_agenda(meeting, member):
    from maillage.notifications.models import Notification

    titles = list(Notification.objects.filter(user=member).values_list("title", flat=True))
    assert titles == ["Speed-meeting de test : dites qui vous souhaitez rencontrer"]
    run_now(meeting)
    services.transition_meeting(actor=SYS, meeting=meeting, to="closed")
    services.transition_meeting(actor=SYS, meeting=meeting, to="scheduled")
    assert Notification.objects.filter(
        user=member, title="Speed-meeting de test : votre planning de rencontres est prêt"
    ).exists()


def test_agenda_pages_for_the_participant(client, meeting, member):
    run_now(meeting)
    client.force_login(member)
    response = client.get(f"/rencontres/{meeting.pk}/mon-planning.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    response = client.get(f"/rencontres/{meeting.pk}/mon-planning.ics")
    assert response.status_code == 200 and b"BEGIN:VEVENT" in response.content
    response = client.post(f"/rencontres/{meeting.pk}/voeux/", {"rang_999999": "1"})
    assert response.status_code == 400
    assert "Cette personne ne participe pas à ce speed-meeting." in response.content.decode()


def test_a_run_executed_twice_is_left_as_it_is(meeting):
    run = run_now(meeting)
    count = run.slots.count()
    services.execute_run(actor=SYS, run=run)
    run.refresh_from_db()
    assert run.status == "done" and run.slots.count() == count


def test_swapping_two_meetings_pins_each_at_the_others_place(meeting):
    first_run = run_now(meeting)
    one, other = first_run.slots.get(round=1, table=1), first_run.slots.get(round=3, table=2)
    services.swap_meetings(actor=SYS, meeting=meeting, first=one, second=other)
    assert sorted(meeting.pins.values_list("a", "b", "round", "table")) == sorted(
        [(one.a_id, one.b_id, 3, 2), (other.a_id, other.b_id, 1, 1)]
    )
    run = run_now(meeting)
    assert run.status == "done"
    assert run.slots.filter(a=one.a, b=one.b, round=3, table=2).exists()
    assert run.slots.filter(a=other.a, b=other.b, round=1, table=1).exists()
    with pytest.raises(ValidationError, match="deux rencontres différentes"):
        services.swap_meetings(actor=SYS, meeting=meeting, first=one, second=one)
    # The first run is no longer in force.
    with pytest.raises(ValidationError, match="du planning en vigueur"):
        services.swap_meetings(actor=SYS, meeting=meeting, first=one, second=other)
    assert meeting.pins.count() == 2
