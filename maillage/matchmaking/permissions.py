"""Who may do what with speed-meetings: the only source.

- `matchmaking.animate`: create and run speed-meetings (participants, must-meet pairs, pins, the scheduler,
  table plan, name tags) — the territory's animation;
- a participant acts for themself (wishes, agenda, follow-ups): the person whose account the registration
  belongs to (`is_own_participant`).

The system actor passes every check.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.core.actors import Actor, is_system, require_actor

rules.add_perm("matchmaking.animate", is_superuser | is_animator)


def can_animate(who: Any, territory: Any) -> bool:
    if who is None:
        return False
    if is_system(who):
        return True
    return bool(who.has_perm("matchmaking.animate", territory))


def is_own_participant(who: Any, participant: Any) -> bool:
    if who is None or participant is None:
        return False
    if is_system(who):
        return True
    return bool(who.is_authenticated and participant.user_id == who.pk)


def require_animator(actor: Actor, territory: Any) -> None:
    require_actor(actor)
    if not can_animate(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire peut organiser les speed-meetings.")


def require_participant(actor: Actor, participant: Any) -> None:
    require_actor(actor)
    if not (is_own_participant(actor, participant) or can_animate(actor, participant.meeting.territory)):
        raise PermissionDenied("Seul le participant lui-même peut faire cela.")


def is_own_volunteer(who: Any, volunteer: Any) -> bool:
    """« Vis ma vie »: the person who registered as this volunteer."""
    return is_own_participant(who, volunteer)


def require_volunteer(actor: Actor, volunteer: Any) -> None:
    require_actor(actor)
    if not is_own_volunteer(actor, volunteer):
        raise PermissionDenied("Seul le volontaire lui-même peut faire cela.")
