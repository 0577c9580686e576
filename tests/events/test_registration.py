"""Registration: by account or by e-mail with confirmation, capacity, waitlist, promotion in order, holds."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from maillage.core.actors import SYSTEM
from maillage.events import services
from maillage.events.models import Event, Registration, Status
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_account_gets_a_seat_and_a_summary_mail(territory, member, structure, mailoutbox, on_commit):
    event = EventFactory(territory=territory, capacity=2, questions=["Régime alimentaire"])
    with on_commit():
        registration = services.register_account(
            actor=member,
            event=event,
            structure=structure,
            answers={"Régime alimentaire": "végétarien", "pirate": "x"},
        )
    assert registration.state == Registration.State.REGISTERED
    assert registration.sequence == 1
    assert registration.structure == structure
    assert registration.answers == {"Régime alimentaire": "végétarien"}  # unknown questions are dropped
    assert len(mailoutbox) == 1
    assert "Inscription confirmée" in mailoutbox[0].subject
    assert "https://ess.paysdegrasse.test/agenda/inscription/annuler/" in mailoutbox[0].body


def test_a_person_cannot_register_another_persons_structure(territory, member):
    event = EventFactory(territory=territory)
    with pytest.raises(ValidationError, match="l'une de vos structures"):
        services.register_account(actor=member, event=event, structure=StructureFactory(territory=territory))
    assert not Registration.objects.exists()


def test_registering_twice_is_refused(territory, member):
    event = EventFactory(territory=territory)
    services.register_account(actor=member, event=event)
    with pytest.raises(ValidationError, match="déjà inscrit"):
        services.register_account(actor=member, event=event)
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Status.CANCELLED}, "annulé"),
        ({"status": Status.DRAFT}, "fermées"),
        ({"registration_open": False}, "fermées"),
        ({"start": timezone.now() - dt.timedelta(hours=1)}, "passé"),
    ],
)
def test_closed_cancelled_or_past_events_refuse_registrations(territory, member, change, message):
    event = EventFactory(territory=territory, **change)
    with pytest.raises(ValidationError, match=message):
        services.register_account(actor=member, event=event)
    with pytest.raises(ValidationError, match=message):
        services.request_registration(event=event, email="a@example.org", name="A")
    assert not Registration.objects.exists()


def test_full_event_waitlists_and_cancellation_promotes_in_order(territory, mailoutbox, on_commit):
    event = EventFactory(territory=territory, capacity=2)
    people = [UserFactory(email=f"p{i}@example.org") for i in range(5)]
    regs = [services.register_account(actor=p, event=event) for p in people]
    assert [r.state for r in regs] == ["registered", "registered", "waitlisted", "waitlisted", "waitlisted"]
    assert [r.sequence for r in regs] == [1, 2, 3, 4, 5]
    mailoutbox.clear()
    with on_commit():
        services.cancel_registration(actor=people[0], registration_id=regs[0].pk)
    states = dict(Registration.objects.values_list("email", "state"))
    assert states["p0@example.org"] == "cancelled"
    assert states["p2@example.org"] == "registered"  # the first on the waitlist
    assert states["p3@example.org"] == "waitlisted"
    assert [m.to for m in mailoutbox] == [["p2@example.org"]]
    assert "Une place s'est libérée" in mailoutbox[0].subject
    # cancelling again changes nothing and promotes nobody else
    services.cancel_registration(actor=SYSTEM, registration_id=regs[0].pk)
    assert Registration.objects.filter(state="registered").count() == 2


def test_raising_the_capacity_promotes_the_waitlist(territory, animator):
    event = EventFactory(territory=territory, capacity=1)
    for i in range(3):
        services.register_account(actor=UserFactory(email=f"q{i}@example.org"), event=event)
    services.update_event(actor=animator, event=event, capacity=2)
    assert list(
        Registration.objects.filter(state="registered").order_by("sequence").values_list("email", flat=True)
    ) == [
        "q0@example.org",
        "q1@example.org",
    ]


def test_email_registration_holds_a_seat_until_confirmed(territory, mailoutbox, on_commit):
    event = EventFactory(territory=territory, capacity=1)
    with on_commit():
        services.request_registration(
            event=event, email="Anne@Example.org ", name="Anne", structure_name="Asso"
        )
    registration = Registration.objects.get()
    assert registration.state == "pending" and registration.holds_seat
    assert registration.email == "anne@example.org"
    assert services.seats_left(event) == 0  # held
    assert "/agenda/inscription/confirmer/" in mailoutbox[0].body
    # someone else is told the event is full (waitlist) while the seat is held
    services.request_registration(event=event, email="bob@example.org", name="Bob")
    assert not Registration.objects.get(email="bob@example.org").holds_seat
    confirmed = services.confirm_registration(registration_id=registration.pk)
    assert confirmed.state == "registered"
    bob = services.confirm_registration(registration_id=Registration.objects.get(email="bob@example.org").pk)
    assert bob.state == "waitlisted"


def test_an_expired_hold_frees_the_seat_for_the_waitlist(territory, mailoutbox, on_commit):
    event = EventFactory(territory=territory, capacity=1)
    now = timezone.now()
    services.request_registration(event=event, email="anne@example.org", name="Anne", now=now)
    waiting = services.register_account(actor=UserFactory(email="w@example.org"), event=event, now=now)
    assert waiting.state == "waitlisted"
    later = now + services.HOLD + dt.timedelta(minutes=1)
    with on_commit():
        assert services.release_expired_holds(now=later) == 1
    assert Registration.objects.get(email="w@example.org").state == "registered"
    # Anne confirms too late: the event is full now, she goes to the waitlist
    anne = services.confirm_registration(
        registration_id=Registration.objects.get(email="anne@example.org").pk, now=later
    )
    assert anne.state == "waitlisted"


def test_same_answer_whether_the_address_is_known_or_not(territory, mailoutbox, on_commit):
    event = EventFactory(territory=territory)
    RegistrationFactory(event=event, email="known@example.org")
    with on_commit():
        assert services.request_registration(event=event, email="known@example.org", name="X") is None
        assert services.request_registration(event=event, email="new@example.org", name="Y") is None
    assert Registration.objects.filter(email="known@example.org").count() == 1
    known, new = mailoutbox
    assert "déjà inscrit" in known.subject
    assert "Confirmez" in new.subject


def test_cancelling_an_event_mails_every_registrant_and_logs_the_transition(
    territory, animator, mailoutbox, on_commit
):
    event = EventFactory(territory=territory)
    RegistrationFactory(event=event, email="a@example.org")
    RegistrationFactory(event=event, email="b@example.org", state="waitlisted")
    RegistrationFactory(event=event, email="c@example.org", state="cancelled", sequence=None)
    with on_commit():
        services.change_status(actor=animator, event=event, to=Status.CANCELLED, note="Salle indisponible.")
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]
    assert "Salle indisponible." in mailoutbox[0].body
    transition = event.transitions.last()
    assert (transition.from_state, transition.to_state, transition.actor) == (
        "published",
        "cancelled",
        animator,
    )
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.change_status(actor=animator, event=event, to=Status.PUBLISHED)
    assert Event.objects.get(pk=event.pk).status == "cancelled"


def test_bad_event_input_changes_nothing(territory, animator):
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError, match="La fin doit être après le début"):
        services.create_event(
            actor=animator, territory=territory, title="X", start=start, end=start, venue="Salle"
        )
    with pytest.raises(ValidationError, match="lien de visioconférence"):
        services.create_event(
            actor=animator,
            territory=territory,
            title="X",
            start=start,
            end=start + dt.timedelta(hours=1),
            mode="online",
        )
    with pytest.raises(ValidationError, match="lieu"):
        services.create_event(
            actor=animator, territory=territory, title="X", start=start, end=start + dt.timedelta(hours=1)
        )
    with pytest.raises(ValidationError, match="du territoire"):
        services.create_event(
            actor=animator,
            territory=territory,
            title="X",
            start=start,
            end=start + dt.timedelta(hours=1),
            venue="S",
            hosts=[StructureFactory()],
        )
    assert not Event.objects.exists()


def test_moving_an_event_tells_its_registrants(territory, animator, mailoutbox, on_commit):
    event = EventFactory(territory=territory)
    RegistrationFactory(event=event, email="a@example.org")
    with on_commit():
        services.update_event(
            actor=animator,
            event=event,
            start=event.start + dt.timedelta(hours=1),
            end=event.end + dt.timedelta(hours=1),
        )
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    assert "Changement" in mailoutbox[0].subject
    mailoutbox.clear()
    with on_commit():
        services.update_event(actor=animator, event=event, title="Nouveau titre")
    assert mailoutbox == []


def test_reminders_are_sent_once_the_day_before(territory, mailoutbox, on_commit):
    now = timezone.now()
    soon = EventFactory(territory=territory, start=now + dt.timedelta(hours=20))
    later = EventFactory(territory=territory, start=now + dt.timedelta(days=3))
    RegistrationFactory(event=soon, email="a@example.org")
    RegistrationFactory(event=soon, email="w@example.org", state="waitlisted")
    RegistrationFactory(event=later, email="b@example.org")
    with on_commit():
        assert services.send_reminders(now=now) == 1
    with on_commit():
        assert services.send_reminders(now=now + dt.timedelta(hours=1)) == 0  # idempotent
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    assert "Rappel" in mailoutbox[0].subject
    # configurable per territory: three days ahead reaches the later event too; 0 turns reminders off
    territory.settings = {"events_reminder_hours": 72}
    territory.save()
    assert services.send_reminders(now=now) == 1
    territory.settings = {"events_reminder_hours": 0}
    territory.save()
    RegistrationFactory(event=soon, email="late@example.org")
    assert services.send_reminders(now=now) == 0


def test_message_to_registrants_is_logged_and_queued(territory, animator, mailoutbox, on_commit):
    event = EventFactory(territory=territory)
    with pytest.raises(ValidationError, match="Personne"):
        services.send_message(actor=animator, event=event, subject="Salle", body="Changement")
    RegistrationFactory(event=event, email="a@example.org")
    RegistrationFactory(event=event, email="b@example.org")
    with on_commit():
        message = services.send_message(
            actor=animator, event=event, subject="Changement de salle", body="Salle B."
        )
    assert message.recipients_count == 2 and message.sent_by == animator
    assert len(mailoutbox) == 2


def test_a_check_in_needs_a_registered_person(territory):
    event = EventFactory(territory=territory)
    waiting = RegistrationFactory(event=event, state="waitlisted")
    with pytest.raises(ValidationError):
        services.check_in(actor=SYSTEM, registration=waiting)
    present = services.check_in(actor=SYSTEM, registration=RegistrationFactory(event=event))
    assert present.attended and present.checked_in_at


def test_a_photo_needs_the_consent_box(territory, animator):
    event = EventFactory(territory=territory, start=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="consentement"):
        services.add_photo(actor=animator, event=event, image=None, caption="Groupe", consent=False)


def test_personal_data_export_and_erasure(territory, mailoutbox):
    user = UserFactory(email="erase.me@example.org")
    MembershipFactory(user=user, structure=StructureFactory(territory=territory))
    event = EventFactory(territory=territory, capacity=1)
    services.register_account(actor=user, event=event, structure_name="Asso")
    waiting = services.register_account(actor=UserFactory(email="next@example.org"), event=event)
    exported = services.export_person(user)
    assert exported["inscriptions"][0]["adresse"] == "erase.me@example.org"
    services.erase_person(user)
    assert not Registration.objects.filter(email="erase.me@example.org").exists()
    waiting.refresh_from_db()
    assert waiting.state == "registered"  # the freed seat went to the waitlist
    dump = io.StringIO()
    call_command("dumpdata", "events", stdout=dump)
    assert "erase.me@example.org" not in dump.getvalue()
