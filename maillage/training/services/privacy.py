"""Personal data: what the training module keeps about a person (bookings, census answers given), its
export and its erasure."""

from __future__ import annotations

from typing import Any

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
    Booking.objects.filter(user=user).update(user=None, topic="(effacé)")
    Response.objects.filter(respondent=user).update(respondent=None)
    BookingTransition.objects.filter(actor=user).update(actor=None, actor_label="Personne effacée")
    CensusTransition.objects.filter(actor=user).update(actor=None, actor_label="Personne effacée")
    Adviser.objects.filter(user=user).delete()
