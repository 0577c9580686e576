"""Fixed-window rate limits in the shared cache, for what anonymous people can trigger (contact forms, error
reports, exports, address look-ups, PDF builds, sign-ups to the newsletter…).

`over_limit(key, limit=…, window=…)` counts one hit on `key` and says whether the window's count is now
above `limit`. The key is hashed, so it may hold an IP address or an e-mail without putting them in cache
key names. The counter is shared by every process through Django's cache (the database or Redis); a cache
that loses a counter starts it again at one, which errs on letting people through.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as the server saw it (the proxy sets REMOTE_ADDR; see docs/deployment.md)."""
    return request.META.get("REMOTE_ADDR", "") or "?"


def over_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on `key`; True once more than `limit` hits fell in the current `window` (seconds)."""
    cache_key = "ratelimit:" + hashlib.sha256(key.encode()).hexdigest()
    if cache.add(cache_key, 1, window):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, window)
        count = 1
    return count > limit
