"""Which territory a request is for: from its (already validated) host, cached per process."""

from __future__ import annotations

import copy
import threading
import time

from django.conf import settings

from maillage.core.models import Domain, Territory


def territory_for_host(host: str, *, default_slug: str = "") -> Territory | None:
    domain = (
        Domain.objects.select_related("territory")
        .filter(name=host.lower(), territory__is_active=True)
        .first()
    )
    if domain is not None:
        return domain.territory
    if default_slug:
        return Territory.objects.active().filter(slug=default_slug).first()
    return None


# The host → territory answer, kept per process for `MAILLAGE_TERRITORY_CACHE_SECONDS` (30 s, like the allowed
# hosts in `maillage.core.hosts`; 0 turns it off, as the tests do): it saves a query on every request. Each
# request gets its own copy, so a view that changes `request.territory` never leaks into another request.
# The territory services and the admin call `forget_cached_territories()` after a change (this process at
# once; the other processes within the delay).
_territory_cache: dict[str, tuple[float, Territory | None]] = {}
_territory_cache_lock = threading.Lock()


def forget_cached_territories() -> None:
    with _territory_cache_lock:
        _territory_cache.clear()


def cached_territory_for_host(host: str) -> Territory | None:
    default_slug = settings.MAILLAGE_DEFAULT_TERRITORY
    ttl = getattr(settings, "MAILLAGE_TERRITORY_CACHE_SECONDS", 0)
    if ttl <= 0:
        return territory_for_host(host, default_slug=default_slug)
    now = time.monotonic()
    hit = _territory_cache.get(host)
    if hit is None or now - hit[0] > ttl:
        hit = (now, territory_for_host(host, default_slug=default_slug))
        with _territory_cache_lock:
            _territory_cache[host] = hit
    return copy.deepcopy(hit[1])  # ≈ 0.1 ms, its JSON settings included; the query costs ≈ 1.5 ms
