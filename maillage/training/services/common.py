"""What the training services share: notification kinds, the person behind an actor, the link builders."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from maillage.accounts.models import User
from maillage.core.actors import Actor, user_of

KIND_CENSUS = "training_census"
KIND_SESSION = "training_session_invitation"
KIND_BOOKING = "training_booking"
KIND_BOOKING_REMINDER = "training_booking_reminder"
KIND_BOOKING_CANCELLED = "training_booking_cancelled"

CANCEL_PURPOSE = "training-booking-cancel"


def person_of(actor: Actor) -> User | None:
    user = user_of(actor)
    return user if isinstance(user, User) else None


def path(name: str, *args: Any) -> str:
    return reverse(name, args=args)
