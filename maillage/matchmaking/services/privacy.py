"""Personal data of the speed-meetings: a participant row holds a name, a structure, a pitch and wishes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from maillage.core.actors import Actor, require_actor
from maillage.matchmaking.models import Participant, Testimony, Volunteer


def export_person(user: Any) -> list[dict[str, Any]]:
    rows = []
    for p in Participant.objects.filter(user=user).select_related("meeting"):
        rows.append(
            {
                "speed_meeting": p.meeting.title,
                "nom": p.name,
                "structure": p.structure_name,
                "présentation": p.pitch,
                "vœux": [pref.target.label for pref in p.preferences.filter(refused=False)],
                "refus": [pref.target.label for pref in p.preferences.filter(refused=True)],
            }
        )
    for v in Volunteer.objects.filter(user=user).select_related("campaign"):
        rows.append(
            {
                "vis_ma_vie": v.campaign.title,
                "nom": v.name,
                "fonction": v.role,
                "structure": v.structure_name,
                "dates": v.dates,
                "présentation": v.presentation,
                "témoignages": [t.text for t in Testimony.objects.filter(author=v)],
            }
        )
    return rows


@transaction.atomic
def erase_person(*, actor: Actor, user: Any) -> int:
    """Anonymise the person's participations (the schedule of others keeps a seat « Participant retiré »)."""
    require_actor(actor)
    count = 0
    for p in Participant.objects.filter(user=user):
        p.preferences.all().delete()
        p.name = "Participant retiré"
        p.structure_name = ""
        p.structure = None
        p.pitch = ""
        p.user = None
        p.registration = None
        p.withdrawn = True
        p.save()
        count += 1
    for v in Volunteer.objects.filter(user=user):
        Testimony.objects.filter(author=v).delete()
        v.name, v.role, v.structure_name, v.presentation = "Volontaire retiré", "", "", ""
        v.structure, v.user, v.dates, v.wishes, v.withdrawn = None, None, [], [], True
        v.save()
        count += 1
    return count


# Two years after a speed-meeting (or the last date of a « vis ma vie » campaign), the rows keep what the
# plan's indicators count (the meeting, the structure, the pairs) but no longer the person: name, pitch,
# role, presentation and account go. Setting: MATCHMAKING_RETENTION_DAYS.
DEFAULT_RETENTION_DAYS = 730
RETIRED_PARTICIPANT = "Participant·e"
RETIRED_VOLUNTEER = "Volontaire"


def retention() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "MATCHMAKING_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def retention_text() -> str:
    return (
        f"le nom, la présentation et le compte d'un participant sont effacés {round(retention().days / 365)} "
        "ans après la rencontre (elle reste comptée) ; plus tôt à l'effacement du compte"
    )


@transaction.atomic
def expire_participations(now: dt.datetime) -> int:
    """Retention: old participations lose the person (not the structure nor the pairs)."""
    limit = now - retention()
    count = (
        Participant.objects.filter(meeting__event__end__lt=limit)
        .exclude(name=RETIRED_PARTICIPANT, user=None, pitch="")
        .update(name=RETIRED_PARTICIPANT, user=None, pitch="", registration=None)
    )
    count += (
        Volunteer.objects.filter(campaign__last_date__lt=limit.date())
        .exclude(name=RETIRED_VOLUNTEER, user=None, role="", presentation="")
        .update(name=RETIRED_VOLUNTEER, user=None, role="", presentation="")
    )
    return count
