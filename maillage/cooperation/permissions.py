"""Who may do what in cooperation: the only source. The territory's animation shares its practices and
events and manages its subscriptions; anyone reads what is shared."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.core.actors import Actor, is_system
from maillage.core.models import Territory

rules.add_perm("cooperation.animate", is_superuser | is_animator)


def can_animate(user: Any, territory: Territory | None) -> bool:
    return bool(
        territory is not None and user is not None and user.has_perm("cooperation.animate", territory)
    )


def require_animator(actor: Actor, territory: Territory, message: str) -> None:
    """The system (the periodic task, the demo) passes; a person must animate the territory."""
    if is_system(actor):
        return
    if not can_animate(actor, territory):
        raise PermissionDenied(message)
