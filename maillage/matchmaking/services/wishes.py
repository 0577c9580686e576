"""A participant's ranked wishes and refusals, before the deadline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor, is_system
from maillage.matchmaking.models import MeetingStatus, Participant, Preference
from maillage.matchmaking.permissions import require_participant

MAX_WISHES = 20


@transaction.atomic
def save_wishes(
    *,
    actor: Actor,
    participant: Participant,
    wished: list[int],
    refused: list[int] | None = None,
    now: dt.datetime | None = None,
) -> list[Preference]:
    """Replace the participant's wishes (participant ids, most wanted first) and refusals."""
    require_participant(actor, participant)
    refused = refused or []
    meeting = participant.meeting
    now = now or timezone.now()
    if not is_system(actor):
        if meeting.status != MeetingStatus.OPEN:
            raise ValidationError("Les vœux ne sont pas ouverts pour ce speed-meeting.")
        if now > meeting.wishes_deadline:
            raise ValidationError("La date limite des vœux est passée.")
    if len(wished) != len(set(wished)):
        raise ValidationError("Chaque personne ne peut figurer qu'une fois dans vos vœux.")
    if set(wished) & set(refused):
        raise ValidationError("Une même personne ne peut pas être à la fois souhaitée et refusée.")
    if len(wished) > MAX_WISHES:
        raise ValidationError(f"Classez au plus {MAX_WISHES} personnes.")
    others = {p.pk: p for p in meeting.participants.exclude(pk=participant.pk)}
    for pk in [*wished, *refused]:
        other = others.get(pk)
        if other is None:
            raise ValidationError("Cette personne ne participe pas à ce speed-meeting.")
        if other.withdrawn:
            raise ValidationError(f"{other.label} s'est désisté : choisissez quelqu'un d'autre.")
        if meeting.two_sided and other.side == participant.side:
            raise ValidationError(f"{other.label} est de votre côté : vous ne le rencontrerez pas ici.")
    participant.preferences.all().delete()
    rows = [Preference(participant=participant, target_id=pk, rank=rank) for rank, pk in enumerate(wished, 1)]
    rows += [Preference(participant=participant, target_id=pk, refused=True) for pk in refused]
    return Preference.objects.bulk_create(rows)
