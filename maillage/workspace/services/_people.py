"""The person behind an actor, as the user model the foreign keys point to."""

from __future__ import annotations

from maillage.accounts.models import User
from maillage.core.actors import Actor, user_of


def person_of(actor: Actor) -> User | None:
    """The user to store in a foreign key (`None` for the system or a visitor)."""
    return user_of(actor)
