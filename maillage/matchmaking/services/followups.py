"""After the event: which meetings led somewhere."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.core.actors import Actor
from maillage.matchmaking.models import FollowUp, Outcome, Participant, Slot
from maillage.matchmaking.permissions import require_participant


@transaction.atomic
def record_follow_up(*, actor: Actor, participant: Participant, slot: Slot, outcome: str) -> FollowUp:
    require_participant(actor, participant)
    if participant.pk not in (slot.a_id, slot.b_id) or not slot.run.is_current:
        raise ValidationError("Cette rencontre ne figure pas dans votre planning.")
    if not slot.run.meeting.follow_ups_open:
        raise ValidationError("Les suites se notent après le speed-meeting, quand il a eu lieu.")
    if outcome not in Outcome.values:
        raise ValidationError("Choisissez une suite dans la liste.")
    follow_up, _created = FollowUp.objects.update_or_create(
        slot=slot, author=participant, defaults={"outcome": outcome}
    )
    return follow_up
