"""Personal data of the speed-meetings: a participant row holds a name, a structure, a pitch and wishes."""

from __future__ import annotations

from typing import Any

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
