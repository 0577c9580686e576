"""What every write of the plan shares: the history row's author and reason."""

from __future__ import annotations

from django.db import models

from maillage.accounts.models import User
from maillage.core.actors import Actor, user_of


def record_history(obj: models.Model, actor: Actor, reason: str) -> None:
    """The author and reason of the history row the next save of `obj` writes (django-simple-history)."""
    obj._history_user = person(actor)  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def person(actor: Actor) -> User | None:
    """The account to store in a foreign key to the user (None for the system)."""
    return user_of(actor)
