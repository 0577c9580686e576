"""Who reads the API, and how much: optional API keys for higher rate limits, CORS for reads.

- **CORS.** Every read (GET) of a territory's API answers `Access-Control-Allow-Origin: *`: the data is
  public, and a partner's page may read it from the browser without a key.
- **Rate limits.** Without a key, `MAILLAGE_API_ANONYMOUS_LIMIT` (default `ANONYMOUS_LIMIT`) requests per
  hour and address; with a key (header `X-API-Key`), the key's own hourly limit. Past it: 429 as problem
  details, with `Retry-After`.
- **Keys.** Issued by the territory's animation on the « Clés d'API » page (`models.ApiKey`: only the
  key's SHA-256 is stored). An unknown or revoked key is refused (401), never silently treated as none: a
  partner whose key was revoked learns it at once.
- **Operator override.** `settings.MAILLAGE_API_KEYS` may map the SHA-256 (hex) of a key to its holder's
  name: such a key is valid for every territory of the instance, at `KEY_LIMIT` requests per hour (for the
  operator's own tools — monitoring, a regional aggregator — without a row in any territory).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from maillage.api import services
from maillage.api.models import ApiKey
from maillage.api.problems import problem_response
from maillage.api.querysets import hash_key
from maillage.core.api_lists import NEXT_HEADER
from maillage.core.ratelimit import client_ip, over_limit

ANONYMOUS_LIMIT = 600
KEY_LIMIT = 6000
WINDOW = 3600
HEADER = "X-API-Key"
REFUSED = (
    "Cette clé d'API est inconnue ou a été révoquée : retirez l'en-tête "
    f"{HEADER} pour lire l'API sans clé, ou demandez une clé à l'animation du territoire."
)


@dataclass(frozen=True)
class Reader:
    bucket: str
    limit: int
    key: ApiKey | None = None


def operator_key_holder(clear: str) -> str | None:
    """The holder's name of an operator key (`settings.MAILLAGE_API_KEYS`), or None."""
    keys: dict[str, str] = getattr(settings, "MAILLAGE_API_KEYS", {}) or {}
    return keys.get(hash_key(clear))


def key_reader(request: HttpRequest, clear: str) -> Reader | None:
    """Who reads with this key, or None when the key is unknown here or revoked."""
    digest = hash_key(clear)
    key = ApiKey.objects.matching(clear, getattr(request, "territory", None)).first()
    if key is not None:
        return Reader(f"api:key:{digest}", key.hourly_limit, key) if key.is_active else None
    if operator_key_holder(clear) is not None:
        return Reader(f"api:key:{digest}", KEY_LIMIT)
    return None


def read_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view decorator for every operation of a territory (see the module's docstring)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        clear = request.headers.get(HEADER, "").strip()
        if clear:
            reader = key_reader(request, clear)
            if reader is None:
                return problem_response(request, 401, REFUSED)
        else:
            limit = getattr(settings, "MAILLAGE_API_ANONYMOUS_LIMIT", ANONYMOUS_LIMIT)
            reader = Reader(f"api:ip:{client_ip(request)}", limit)
        if over_limit(reader.bucket, limit=reader.limit, window=WINDOW):
            response = problem_response(
                request,
                429,
                f"Plus de {reader.limit} requêtes en une heure"
                + (
                    " avec cette clé." if clear else " depuis cette adresse : une clé d'API relève la limite."
                ),
            )
            response["Retry-After"] = str(WINDOW)
            return response
        if reader.key is not None:
            services.record_use(reader.key)
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = f"Retry-After, Link, {NEXT_HEADER}"
        return response

    wrapped.__name__ = getattr(view, "__name__", "view")
    return wrapped
