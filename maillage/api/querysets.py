"""Reads of API keys: the animation of a territory sees its territory's keys; a key is looked up by the
hash of what a client sends."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models

from maillage.core.models import Territory


def hash_key(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def of_territory(self, territory: Territory | None) -> ApiKeyQuerySet:
        return self.filter(territory=territory) if territory is not None else self.none()

    def for_user(self, user: Any, territory: Territory | None) -> ApiKeyQuerySet:
        """Every key of the territory for its animation; none for anyone else."""
        if user is None or not user.is_authenticated or not user.is_animator_of(territory):
            return self.none()
        return self.of_territory(territory)

    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)

    def matching(self, clear: str, territory: Territory | None) -> ApiKeyQuerySet:
        """The key (revoked or not) whose hash matches `clear`, in the territory."""
        return self.of_territory(territory).filter(key_hash=hash_key(clear))
