"""Personal data: what the training module keeps about a person (bookings, census answers given), its
export and its erasure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from maillage.training.models import Adviser, Booking, BookingTransition, CensusTransition, Response


def export_person(user: Any) -> dict[str, Any]:
    return {
        "reservations_de_permanence": [
            {
                "permanence": b.office_hours.title,
                "date": timezone.localtime(b.start).isoformat(),
                "structure": b.structure.name,
                "sujet": b.topic,
                "etat": b.get_state_display(),
            }
            for b in Booking.objects.filter(user=user).select_related("office_hours", "structure")
        ],
        "reponses_au_recensement": [
            {
                "recensement": r.census.title,
                "structure": r.structure.name,
                "mise_a_jour": r.updated_at.isoformat(),
            }
            for r in Response.objects.filter(respondent=user).select_related("census", "structure")
        ],
        "conseiller": [a.organisation for a in Adviser.objects.filter(user=user)],
    }


@transaction.atomic
def erase_person(user: Any, *, replacement: Any | None = None) -> None:
    """Bookings keep the structure's appointment but lose the person (and their free-text topic); answers
    stay the structure's, without the respondent; the logs forget the person."""
    Booking.objects.filter(user=user).update(user=None, topic=ERASED_TOPIC)
    Response.objects.filter(respondent=user).update(respondent=None)
    BookingTransition.objects.filter(actor=user).update(actor=None, actor_label="Personne effacée")
    CensusTransition.objects.filter(actor=user).update(actor=None, actor_label="Personne effacée")
    Adviser.objects.filter(user=user).delete()


# A booking names who came and why (a free-text topic): two years after the appointment it keeps only the
# structure and the date (counted in the support given), as the erasure leaves it. Setting:
# TRAINING_BOOKING_RETENTION_DAYS.
DEFAULT_BOOKING_RETENTION_DAYS = 730
ERASED_TOPIC = "(effacé)"


def booking_retention() -> dt.timedelta:
    return dt.timedelta(
        days=getattr(settings, "TRAINING_BOOKING_RETENTION_DAYS", DEFAULT_BOOKING_RETENTION_DAYS)
    )


def booking_retention_text() -> str:
    return (
        "Un rendez-vous de permanence perd le nom de la personne et son sujet "
        f"{round(booking_retention().days / 365)} ans après la date (il reste compté pour la structure)."
    )


def expire_bookings(now: dt.datetime) -> int:
    """Retention: old bookings lose the person and the topic."""
    old = Booking.objects.filter(end__lt=now - booking_retention()).exclude(user=None, topic=ERASED_TOPIC)
    return old.update(user=None, topic=ERASED_TOPIC)
