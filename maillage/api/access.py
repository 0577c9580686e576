"""Who reads the API, and how much: optional API keys for higher rate limits, CORS for reads.

- **CORS.** Every read (GET) of a territory's API answers `Access-Control-Allow-Origin: *`: the data is
  public, and a partner's page may read it from the browser without a key.
- **Rate limits.** Without a key, `ANONYMOUS_LIMIT` requests per hour and address; with a key (header
  `X-API-Key`), `KEY_LIMIT` per hour and key. Past it: 429 as problem details, with `Retry-After`.
- **Keys.** `settings.MAILLAGE_API_KEYS` maps the SHA-256 (hex) of each key to its holder's name (so the
  settings never hold a key itself). An unknown key is refused (401), never silently treated as none: a
  partner whose key was revoked learns it at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from maillage.api.problems import problem_response
from maillage.core.ratelimit import client_ip, over_limit

ANONYMOUS_LIMIT = 600
KEY_LIMIT = 6000
WINDOW = 3600
HEADER = "X-API-Key"


def key_holder(key: str) -> str | None:
    keys: dict[str, str] = getattr(settings, "MAILLAGE_API_KEYS", {}) or {}
    return keys.get(hashlib.sha256(key.encode()).hexdigest())


def read_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view decorator for every operation of a territory (see the module's docstring)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(HEADER, "").strip()
        if key:
            holder = key_holder(key)
            if holder is None:
                return problem_response(
                    request,
                    401,
                    "Cette clé d'API est inconnue ou a été révoquée : retirez l'en-tête "
                    f"{HEADER} pour lire l'API sans clé, ou demandez une clé à l'animation du territoire.",
                )
            bucket, limit = f"api:key:{hashlib.sha256(key.encode()).hexdigest()}", KEY_LIMIT
        else:
            anonymous_limit = getattr(settings, "MAILLAGE_API_ANONYMOUS_LIMIT", ANONYMOUS_LIMIT)
            bucket, limit = f"api:ip:{client_ip(request)}", anonymous_limit
        if over_limit(bucket, limit=limit, window=WINDOW):
            response = problem_response(
                request,
                429,
                f"Plus de {limit} requêtes en une heure"
                + (" avec cette clé." if key else " depuis cette adresse : une clé d'API relève la limite."),
            )
            response["Retry-After"] = str(WINDOW)
            return response
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "Retry-After"
        return response

    wrapped.__name__ = getattr(view, "__name__", "view")
    return wrapped
