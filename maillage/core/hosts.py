"""ALLOWED_HOSTS derived from the territories' domains.

Django checks `request.get_host()` against `settings.ALLOWED_HOSTS` on every request by iterating over it;
this object yields the domains of the active territories (cached briefly, refreshed when a domain is
saved through the services), plus the few extra hosts set in the environment.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

_CACHE_SECONDS = 30.0


class TerritoryHosts(list):
    """A list (Django checks the type) whose contents are read from the database when iterated."""

    def __init__(self, extra: list[str] | None = None) -> None:
        super().__init__()
        self.extra = list(extra or [])
        self._hosts: list[str] | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._hosts = None

    def _load(self) -> list[str]:
        from django.db import DatabaseError

        from maillage.core.models import Domain

        try:
            return list(Domain.objects.filter(territory__is_active=True).values_list("name", flat=True))
        except DatabaseError:
            # Before the first migration there are no territories: only the extra hosts answer.
            return []

    def hosts(self) -> list[str]:
        now = time.monotonic()
        with self._lock:
            if self._hosts is None or now - self._loaded_at > _CACHE_SECONDS:
                self._hosts = self._load()
                self._loaded_at = now
            return [*self._hosts, *self.extra]

    def __iter__(self) -> Iterator[str]:
        return iter(self.hosts())

    def __contains__(self, host: object) -> bool:
        return host in self.hosts()

    def __len__(self) -> int:
        return len(self.hosts())

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = None

    def __repr__(self) -> str:
        return f"TerritoryHosts(extra={self.extra!r})"


def invalidate_allowed_hosts() -> None:
    from django.conf import settings

    hosts = settings.ALLOWED_HOSTS
    if isinstance(hosts, TerritoryHosts):
        hosts.invalidate()
