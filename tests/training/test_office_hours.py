"""Office hours: recurring slots from the events app's recurrence, booking (taken, past refused),
confirmation and reminder notifications, cancellation by the mail's link (GET shows, POST cancels), ICS,
an adviser deleting a booked slot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.events.recurrence import PARIS
from maillage.notifications.models import Notification
from maillage.training import services
from maillage.training.models import Booking, BookingTransition, Slot
from tests.factories import UserFactory
from tests.training.factories import TESTS, office_hours_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser_user(territory):
    return UserFactory(email="conseil@example.org", first_name="Inès", last_name="Garnier")


def test_weekly_office_hours_make_slots_at_the_same_local_time(territory, adviser_user):
    office_hours = office_hours_of(territory, adviser_user)
    slots = list(office_hours.slots.all())
    assert 20 <= len(slots) <= 26  # two slots a week for twelve weeks
    local_times = {timezone.localtime(s.start, PARIS).strftime("%a %H:%M") for s in slots}
    assert local_times == {"Tue 09:00", "Tue 09:45"}
    # idempotent: materialising again creates nothing new
    assert services.materialise_slots(office_hours=office_hours) == 0


def test_a_bad_rule_is_refused_in_french(territory, adviser_user):
    with pytest.raises(ValidationError):
        office_hours_of(territory, adviser_user, rrule="FREQ=MINUTELY")
    with pytest.raises(ValidationError, match="lieu ou un lien"):
        office_hours_of(territory, adviser_user, place="", online_url="")


def test_booking_confirms_and_a_taken_slot_is_refused(
    territory, structure, member, manager_other, adviser_user
):
    office_hours = office_hours_of(territory, adviser_user)
    slot = office_hours.slots.first()
    booking = services.book_slot(actor=member, slot=slot, structure=structure, topic="Fonds européens")
    assert booking.state == "booked"
    assert list(BookingTransition.objects.values_list("to_state", "actor")) == [("booked", member.pk)]
    confirmations = Notification.objects.filter(kind=services.KIND_BOOKING)
    assert set(confirmations.values_list("user__email", flat=True)) == {member.email, adviser_user.email}
    assert "/formations/reservations/annuler/" in confirmations.get(user=member).url
    other = manager_other.memberships.get().structure
    with pytest.raises(ValidationError) as info:
        services.book_slot(actor=manager_other, slot=slot, structure=other, topic="Autre")
    assert info.value.messages == ["Ce créneau est déjà réservé : choisissez-en un autre."]
    assert Booking.objects.count() == 1


def test_a_past_slot_is_refused(territory, structure, member, adviser_user):
    office_hours = office_hours_of(territory, adviser_user)
    slot = office_hours.slots.first()
    with pytest.raises(ValidationError, match="Ce créneau est passé"):
        services.book_slot(
            actor=member, slot=slot, structure=structure, topic="x", now=slot.start + dt.timedelta(minutes=1)
        )
    assert not Booking.objects.exists()


def test_booking_for_a_structure_one_does_not_belong_to_is_refused(
    territory, structure, manager_other, adviser_user
):
    slot = office_hours_of(territory, adviser_user).slots.first()
    with pytest.raises(PermissionDenied, match="Seuls les membres"):
        services.book_slot(actor=manager_other, slot=slot, structure=structure, topic="x")
    assert not Booking.objects.exists()


def test_the_database_refuses_a_second_active_booking_of_one_slot(territory, structure, member, adviser_user):
    from django.db import IntegrityError, transaction

    slot = office_hours_of(territory, adviser_user).slots.first()
    booking = services.book_slot(actor=member, slot=slot, structure=structure, topic="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            slot=slot,
            office_hours=slot.office_hours,
            start=slot.start,
            end=slot.end,
            structure=structure,
            topic="y",
        )
    services.cancel_booking(actor=member, booking=booking)
    again = services.book_slot(
        actor=member, slot=slot, structure=structure, topic="z"
    )  # freed: bookable again
    assert again.pk != booking.pk


def test_an_adviser_deleting_a_booked_slot_cancels_the_booking_and_tells_the_booker(
    client, territory, structure, member, adviser_user
):
    office_hours = office_hours_of(territory, adviser_user)
    slot = office_hours.slots.first()
    booking = services.book_slot(actor=member, slot=slot, structure=structure, topic="Mécénat")
    services.delete_slot(actor=adviser_user, slot=slot)
    booking.refresh_from_db()
    assert (booking.state, booking.slot_id) == ("cancelled", None)
    assert not Slot.objects.filter(pk=slot.pk).exists()
    assert BookingTransition.objects.filter(
        booking=booking, to_state="cancelled", actor=adviser_user
    ).exists()
    told = Notification.objects.get(kind=services.KIND_BOOKING_CANCELLED)
    assert told.user == member and "annulé" in told.title
    # The mail's link opens the booking's page, which says it is cancelled and why.
    assert told.url == f"/formations/reservations/{booking.pk}/"
    client.force_login(member)
    page = client.get(told.url).content.decode()
    assert "Ce rendez-vous est annulé. Le conseiller a supprimé ce créneau." in page
    assert "Annuler ce rendez-vous" not in page


def test_someone_else_cannot_delete_a_slot(territory, structure, member, adviser_user):
    slot = office_hours_of(territory, adviser_user).slots.first()
    with pytest.raises(ValidationError, match="Seul le conseiller"):
        services.delete_slot(actor=member, slot=slot)
    assert Slot.objects.filter(pk=slot.pk).exists()


def test_reminders_the_day_before_once(territory, structure, member, adviser_user):
    slot = office_hours_of(territory, adviser_user).slots.first()
    services.book_slot(actor=member, slot=slot, structure=structure, topic="x")
    assert services.send_booking_reminders(actor=TESTS, now=slot.start - dt.timedelta(days=3)) == 0
    assert services.send_booking_reminders(actor=TESTS, now=slot.start - dt.timedelta(hours=20)) == 1
    assert services.send_booking_reminders(actor=TESTS, now=slot.start - dt.timedelta(hours=19)) == 0
    assert Notification.objects.filter(kind=services.KIND_BOOKING_REMINDER, user=member).count() == 1


def test_the_mail_link_shows_then_cancels_on_post(client, territory, structure, member, adviser_user):
    slot = office_hours_of(territory, adviser_user).slots.first()
    booking = services.book_slot(actor=member, slot=slot, structure=structure, topic="Mécénat")
    url = services.cancel_link(booking)
    page = client.get(url)
    assert page.status_code == 200 and "Annuler le rendez-vous" in page.content.decode()
    booking.refresh_from_db()
    assert booking.state == "booked"  # a GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and "Votre rendez-vous est annulé" in done.content.decode()
    booking.refresh_from_db()
    assert booking.state == "cancelled"
    assert Notification.objects.filter(kind=services.KIND_BOOKING_CANCELLED, user=adviser_user).exists()
    assert client.post(url).status_code == 409  # already cancelled: said so, nothing more


def test_booking_page_ics_and_scope(client, territory, structure, member, manager_other, adviser_user):
    slot = office_hours_of(territory, adviser_user).slots.first()
    booking = services.book_slot(actor=member, slot=slot, structure=structure, topic="Mécénat")
    client.force_login(member)
    ics = client.get(f"/formations/reservations/{booking.pk}/rendez-vous.ics")
    body = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar")
    assert (
        "BEGIN:VEVENT" in body
        and "Permanence : Permanence financements" in body
        and "STATUS:CONFIRMED" in body
    )
    client.force_login(manager_other)
    assert client.get(f"/formations/reservations/{booking.pk}/").status_code == 404
