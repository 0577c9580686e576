"""Fixed-window rate limits in the shared cache, for what anonymous people can trigger (contact forms, error
reports, exports, address look-ups, PDF builds, sign-ups to the newsletter…).

`over_limit(key, limit=…, window=…)` counts one hit on `key` and says whether the window's count is now
above `limit`. The key is hashed, so it may hold an IP address or an e-mail without putting them in cache
key names. The counter is shared by every process through Django's cache (the database or Redis); a cache
that loses a counter starts it again at one, which errs on letting people through.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"MAILLAGE_TRUSTED_PROXIES : « {entry} » n'est ni une adresse IP ni un réseau (CIDR)."
            ) from None
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "MAILLAGE_TRUSTED_PROXIES", ()) or ()))


def _address(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.9:51234
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless REMOTE_ADDR is one of MAILLAGE_TRUSTED_PROXIES.

    Behind trusted proxies, X-Forwarded-For is read from the right: each hop a trusted proxy appended is
    skipped, and the first address that is not a trusted proxy is the client (the hops left of it were
    written by the client itself and prove nothing). Without trusted proxies (the default) the header is
    never read: anybody can send one. Used by the rate limits, django-axes and django-allauth.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_proxies()
    address = _address(remote)
    if not networks or address is None or not _is_trusted(address, networks):
        return remote or "?"
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        hop_address = _address(hop)
        if hop_address is None:  # garbage in the header: the last proxy we trust is all we know
            break
        address = hop_address
        if not _is_trusted(address, networks):
            break
    return str(address)


def axes_client_ip(request: HttpRequest) -> str | None:
    """`client_ip` for django-axes (AXES_CLIENT_IP_CALLABLE), stored in an IP field: None if unknown."""
    ip = client_ip(request)
    return ip if _address(ip) is not None else None


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
