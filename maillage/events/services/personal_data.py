"""Personal-data hooks of the agenda: export, erase, retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q

from maillage.core.actors import system
from maillage.events.models import EventTransition, Registration, RegistrationTransition
from maillage.events.services.registrations import cancel_registration


def export_person(user: Any) -> dict[str, Any]:
    rows = Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email)).select_related("event")
    return {
        "inscriptions": [
            {
                "rendez_vous": r.event.title,
                "date": r.event.start.isoformat(),
                "etat": r.get_state_display(),
                "nom": r.name,
                "adresse": r.email,
                "structure": r.structure_name,
                "reponses": r.answers,
                "present": r.attended,
                "inscrit_le": r.created_at.isoformat(),
            }
            for r in rows
        ]
    }


ERASER = system("effacement des données personnelles")


def erase_person(user: Any, *, replacement: Any | None = None) -> None:
    """Delete the person's registrations (a cancelled seat frees its place: the waitlist moves up)."""
    for registration in Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email)):
        if registration.is_active:
            cancel_registration(actor=ERASER, registration_id=registration.pk)
        Registration.objects.filter(pk=registration.pk).delete()  # its history goes with it
    # The person's name in the history of what they did (the lines stay: the events' history is kept).
    for log in (EventTransition, RegistrationTransition):
        log.objects.filter(actor=user).update(actor_label="")


# A guest's registration (by address alone, no account) is anonymised a year after the event — the
# attendance it counts stays in the plan's indicators, the name and the address go; every registration is
# deleted three years after its event (the contract's evaluation looks back that far). Settings:
# EVENTS_GUEST_REGISTRATION_RETENTION_DAYS, EVENTS_REGISTRATION_RETENTION_DAYS.
DEFAULT_GUEST_RETENTION_DAYS = 365
DEFAULT_RETENTION_DAYS = 3 * 365
ANONYMOUS_DOMAIN = "efface.invalid"


def registration_delays() -> tuple[dt.timedelta, dt.timedelta]:
    return (
        dt.timedelta(
            days=getattr(settings, "EVENTS_GUEST_REGISTRATION_RETENTION_DAYS", DEFAULT_GUEST_RETENTION_DAYS)
        ),
        dt.timedelta(days=getattr(settings, "EVENTS_REGISTRATION_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)),
    )


def _years(days: int) -> str:
    years = round(days / 365)
    return f"{years} an" if years == 1 else f"{years} ans"


def retention_text() -> str:
    guest, every = registration_delays()
    return (
        f"Une inscription sans compte est anonymisée {_years(guest.days)} après le rendez-vous "
        "(elle reste comptée dans les présences) ; toute inscription est supprimée "
        f"{_years(every.days)} après le rendez-vous."
    )


def expire_registrations(now: dt.datetime) -> int:
    """Retention: guests' registrations anonymised, then every registration deleted (see the delays)."""
    guest, every = registration_delays()
    deleted, _ = Registration.objects.filter(event__end__lt=now - every).delete()
    count = deleted
    guests = Registration.objects.filter(user__isnull=True, event__end__lt=now - guest).exclude(
        email__endswith="@" + ANONYMOUS_DOMAIN
    )
    for pk in list(guests.values_list("pk", flat=True)):
        count += Registration.objects.filter(pk=pk).update(
            name="Participant·e", email=f"inscription-{pk}@{ANONYMOUS_DOMAIN}", structure_name="", answers={}
        )
    return count
