"""Office hours (« permanences »): advisers publish recurring slots (the RRULE is expanded by the events
app's `recurrence` module, in Europe/Paris local time), structures book them, nobody books a slot twice
(the partial unique constraint `training_one_booking_per_slot`, whatever the timing), bookings are
confirmed, reminded and cancelled through the notification centre."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.actors.models import Structure
from maillage.core.actors import Actor, is_system
from maillage.core.db import lock_row
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory
from maillage.core.text import long_date
from maillage.core.tokens import make_token
from maillage.events import recurrence
from maillage.notifications.services import notify
from maillage.training import permissions
from maillage.training.models import Adviser, Booking, BookingState, OfficeHours, Resource, Slot
from maillage.training.services.common import (
    CANCEL_PURPOSE,
    KIND_BOOKING,
    KIND_BOOKING_CANCELLED,
    KIND_BOOKING_REMINDER,
    path,
    person_of,
)

AHEAD = timedelta(weeks=12)  # how far ahead slots exist
REMINDER_BEFORE = timedelta(hours=24)
CANCEL_MAX_AGE = timedelta(days=120)


@transaction.atomic
def name_adviser(*, actor: Actor, territory: Territory, user: User, organisation: str) -> Adviser:
    permissions.require(actor, permissions.ANIMATE, territory, "Seule l'animation désigne les conseillers.")
    if not organisation.strip():
        raise ValidationError({"organisation": "Indiquez l'organisme du conseiller."})
    adviser, _created = Adviser.objects.update_or_create(
        territory=territory, user=user, defaults={"organisation": organisation.strip()[:200]}
    )
    return adviser


def _can_run(actor: Actor, office_hours: OfficeHours) -> bool:
    if is_system(actor):
        return True
    user = person_of(actor)
    return bool(
        user is not None
        and (
            office_hours.adviser.user_id == user.pk
            or permissions.can(user, permissions.ANIMATE, office_hours.territory)
        )
    )


@transaction.atomic
def publish_office_hours(
    *,
    actor: Actor,
    adviser: Adviser,
    title: str,
    rrule: str,
    first_start: dt.datetime,
    slot_minutes: int = 45,
    slots_per_occurrence: int = 1,
    place: str = "",
    online_url: str = "",
    description: str = "",
    resources: tuple[Resource, ...] | list[Resource] = (),
    now: dt.datetime | None = None,
) -> OfficeHours:
    """Recurring office hours and their slots for the next twelve weeks."""
    user = person_of(actor)
    if (
        not is_system(actor)
        and (user is None or user.pk != adviser.user_id)
        and not permissions.can(user, permissions.ANIMATE, adviser.territory)
    ):
        raise ValidationError("Seul le conseiller (ou l'animation) publie ses permanences.")
    if not title.strip():
        raise ValidationError({"title": "Donnez un intitulé à la permanence."})
    if not place.strip() and not online_url.strip():
        raise ValidationError({"place": "Indiquez un lieu ou un lien de visioconférence."})
    if not 10 <= slot_minutes <= 240:
        raise ValidationError({"slot_minutes": "Un créneau dure de 10 à 240 minutes."})
    if not 1 <= slots_per_occurrence <= 12:
        raise ValidationError({"slots_per_occurrence": "De 1 à 12 créneaux à la suite."})
    if timezone.is_naive(first_start):
        raise ValidationError({"first_start": "La première date doit porter un fuseau horaire."})
    rule = recurrence.validate(rrule, first_start)
    office_hours = OfficeHours.objects.create(
        territory=adviser.territory,
        adviser=adviser,
        title=title.strip()[:200],
        description=description,
        rrule=rule,
        first_start=first_start,
        slot_minutes=slot_minutes,
        slots_per_occurrence=slots_per_occurrence,
        place=place.strip()[:300],
        online_url=online_url.strip(),
    )
    office_hours.resources.set([r for r in resources if r.territory_id == adviser.territory_id])
    materialise_slots(office_hours=office_hours, now=now)
    return office_hours


def materialise_slots(*, office_hours: OfficeHours, now: dt.datetime | None = None) -> int:
    """Create the slots of the rule's dates up to now + AHEAD (idempotent)."""
    now = now or timezone.now()
    horizon = now + AHEAD
    after = max(office_hours.materialised_until or office_hours.first_start, office_hours.first_start)
    dates = recurrence.occurrences(office_hours.rrule, office_hours.first_start, after=after, before=horizon)
    existing = set(office_hours.slots.values_list("start", flat=True))
    length = timedelta(minutes=office_hours.slot_minutes)
    created = 0
    with transaction.atomic():
        for date in dates[: recurrence.MAX_OCCURRENCES]:
            for index in range(office_hours.slots_per_occurrence):
                start = date + index * length
                if start in existing:
                    continue
                Slot.objects.create(office_hours=office_hours, start=start, end=start + length)
                created += 1
        OfficeHours.objects.filter(pk=office_hours.pk).update(materialised_until=horizon)
    office_hours.materialised_until = horizon
    return created


def materialise_all(*, now: dt.datetime | None = None) -> int:
    return sum(materialise_slots(office_hours=o, now=now) for o in OfficeHours.objects.all())


def cancel_link(booking: Booking) -> str:
    return path("training:booking_cancel", make_token(CANCEL_PURPOSE, {"b": booking.pk}))


def when(start: dt.datetime) -> str:
    local = timezone.localtime(start, recurrence.PARIS)
    return f"{long_date(local.date())} à {local.hour} h {local:%M}"


def book_slot(
    *, actor: Actor, slot: Slot, structure: Structure, topic: str, now: dt.datetime | None = None
) -> Booking:
    """Book a free future slot for a structure. A taken or past slot is refused; two simultaneous bookings
    of one slot: the database's constraint lets one in, the other is refused."""
    now = now or timezone.now()
    permissions.require(
        actor, permissions.BOOK_FOR, structure, "Seuls les membres de la structure réservent en son nom."
    )
    if not topic.strip():
        raise ValidationError({"topic": "Indiquez le sujet que vous souhaitez aborder."})
    try:
        with transaction.atomic():
            slot = Slot.objects.select_related("office_hours__adviser__user", "office_hours__territory").get(
                pk=slot.pk
            )
            office_hours = slot.office_hours
            if structure.territory_id != office_hours.territory_id:
                raise ValidationError("Cette structure n'est pas du territoire de la permanence.")
            if slot.start <= now:
                raise ValidationError("Ce créneau est passé : choisissez un créneau à venir.")
            if Booking.objects.filter(slot=slot, state=BookingState.BOOKED).exists():
                raise ValidationError("Ce créneau est déjà réservé : choisissez-en un autre.")
            booking = Booking.objects.create(
                slot=slot,
                office_hours=office_hours,
                start=slot.start,
                end=slot.end,
                user=person_of(actor),
                structure=structure,
                topic=topic.strip()[:300],
            )
            log_creation(booking, actor=actor)
            recipients = [u for u in (person_of(actor),) if u is not None]
            notify(
                kind=KIND_BOOKING,
                territory=office_hours.territory,
                recipients=recipients,
                title=f"Rendez-vous confirmé : {office_hours.title}, le {when(slot.start)}",
                body=f"Sujet : {booking.topic}. Lieu : {office_hours.place or office_hours.online_url}. "
                "Pour annuler, suivez le lien ci-dessous.",
                url=cancel_link(booking),
                actor=actor,
            )
            notify(
                kind=KIND_BOOKING,
                territory=office_hours.territory,
                recipients=[office_hours.adviser.user],
                title=f"Nouvelle réservation : {structure.name}, le {when(slot.start)}",
                body=f"Sujet : {booking.topic}.",
                url=path("training:office_hours", office_hours.pk),
                actor=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            "Ce créneau vient d'être réservé par une autre structure : choisissez-en un autre."
        ) from exc
    return booking


def _tell_cancelled(booking: Booking, *, actor: Actor, reason: str) -> None:
    office_hours = booking.office_hours
    recipients = [u for u in (booking.user, office_hours.adviser.user) if u is not None]
    notify(
        kind=KIND_BOOKING_CANCELLED,
        territory=office_hours.territory,
        recipients=recipients,
        title=f"Rendez-vous annulé : {office_hours.title}, le {when(booking.start)}",
        body=reason,
        url=path("training:booking", booking.pk),  # the booking's page says it is cancelled
        actor=actor,
        exclude=person_of(actor),
    )


@transaction.atomic
def cancel_booking(*, actor: Actor, booking: Booking, reason: str = "") -> Booking:
    """The booker, their structure, the adviser or the animation cancel a booking; the others are told."""
    user = person_of(actor)
    allowed = is_system(actor) or (
        user is not None
        and (
            booking.user_id == user.pk
            or permissions.can(user, permissions.BOOK_FOR, booking.structure)
            or _can_run(actor, booking.office_hours)
        )
    )
    if not allowed:
        raise ValidationError("Vous ne pouvez pas annuler ce rendez-vous.")
    if booking.state == BookingState.CANCELLED:
        raise ValidationError("Ce rendez-vous est déjà annulé.")
    transition(booking, BookingState.CANCELLED, actor=actor, note=reason[:300])
    _tell_cancelled(booking, actor=actor, reason=reason or "Le créneau est libéré.")
    return booking


@transaction.atomic
def delete_slot(*, actor: Actor, slot: Slot) -> None:
    """The adviser withdraws a slot: its booking is cancelled (the booker told), then the slot goes."""
    slot = lock_row(Slot.objects.select_related("office_hours__adviser"), slot.pk)
    if not _can_run(actor, slot.office_hours):
        raise ValidationError("Seul le conseiller de cette permanence (ou l'animation) retire ses créneaux.")
    for booking in Booking.objects.filter(slot=slot, state=BookingState.BOOKED):
        transition(booking, BookingState.CANCELLED, actor=actor, note="créneau supprimé par le conseiller")
        _tell_cancelled(
            booking,
            actor=actor,
            reason="Le conseiller a supprimé ce créneau ; vous pouvez réserver un autre créneau.",
        )
    slot.delete()


def send_booking_reminders(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Periodic job: a reminder the day before each booked slot (once)."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        state=BookingState.BOOKED, reminded_at__isnull=True, start__gt=now, start__lte=now + REMINDER_BEFORE
    ).select_related("office_hours__territory", "user")
    count = 0
    for booking in due:
        with transaction.atomic():
            if booking.user is not None:
                notify(
                    kind=KIND_BOOKING_REMINDER,
                    territory=booking.office_hours.territory,
                    recipients=[booking.user],
                    title=f"Rappel : {booking.office_hours.title}, le {when(booking.start)}",
                    body=f"Sujet : {booking.topic}. "
                    f"Lieu : {booking.office_hours.place or booking.office_hours.online_url}.",
                    url=cancel_link(booking),
                    actor=actor,
                )
            Booking.objects.filter(pk=booking.pk).update(reminded_at=now)
            count += 1
    return count
