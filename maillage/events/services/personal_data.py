"""Personal-data hooks of the agenda: export, erase, retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

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


def expire_registrations(now: dt.datetime) -> int:
    """Retention: registrations of events that ended more than 3 years ago (attendance counts stay on
    reports)."""
    deleted, _ = Registration.objects.filter(event__end__lt=now - dt.timedelta(days=3 * 365)).delete()
    return deleted
