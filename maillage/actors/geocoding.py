"""The Base Adresse Nationale (BAN) geocoder, through the safe HTTP client: a client only, it writes nothing
(the structures are located by `tasks.locate_structure`, which writes through the services).

Settings: `MAILLAGE_GEOCODER_URL` (base URL; the API moved from api-adresse.data.gouv.fr to
data.geopf.fr/geocodage with the same paths), `MAILLAGE_GEOCODER_TIMEOUT` (seconds),
`MAILLAGE_GEOCODER_RATE` (requests per second, shared by all workers through the cache),
`MAILLAGE_GEOCODER_MIN_SCORE`, `MAILLAGE_GEOCODER_WEB_TIMEOUT` (seconds, for a lookup inside a web request).

Workers wait for their turn in the shared budget; a web request never does (`wait=False`): it gets
`GeocoderBusy` at once and answers from the cache or the commune.

A save never waits on the network: services put the commune's centroid first (flagged « centre de la
commune ») and enqueue `tasks.geocode_structure_task` after commit (by its dotted path). On failure,
offline, or an address the BAN does not find in the structure's commune, the centroid stays and the flag
says so.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from maillage.core.http import FetchError, SafeHTTPClient

logger = logging.getLogger(__name__)

THROTTLE_KEY = "actors:geocoder:next"


@dataclass(frozen=True)
class GeocodeResult:
    latitude: float
    longitude: float
    label: str
    score: float


class GeocodingError(Exception):
    """The address could not be located (message in French)."""


class GeocoderBusy(GeocodingError):
    """The shared request budget is spent for now (a web request does not wait for it)."""


def _throttle(*, wait: bool = True) -> None:
    """At most MAILLAGE_GEOCODER_RATE requests per second across workers.

    A worker (`wait=True`) sleeps until its turn. A web request (`wait=False`) never sleeps: it takes the
    budget if it is free, else raises GeocoderBusy at once."""
    interval = 1.0 / max(0.01, float(getattr(settings, "MAILLAGE_GEOCODER_RATE", 1.0)))
    for _ in range(50):
        now = time.time()
        next_at = cache.get(THROTTLE_KEY)
        if next_at is None or next_at <= now:
            cache.set(THROTTLE_KEY, now + interval, timeout=60)
            return
        if not wait:
            raise GeocoderBusy("Le service de localisation des adresses est très demandé en ce moment.")
        time.sleep(min(interval, next_at - now))


def geocode_address(
    address: str,
    *,
    citycode: str = "",
    postcode: str = "",
    allow_loopback: bool | None = None,
    wait: bool = True,
) -> GeocodeResult:
    """The best BAN match of an address in a commune; raise GeocodingError when none is good enough.

    `wait=False` is the web requests' mode: no sleeping on the shared rate budget (GeocoderBusy instead) and
    a short timeout (`MAILLAGE_GEOCODER_WEB_TIMEOUT`)."""
    query = " ".join(address.split())
    if len(query) < 3:
        raise GeocodingError("L'adresse est trop courte pour être localisée.")
    params = {"q": query[:200], "limit": "1"}
    if citycode:
        params["citycode"] = citycode
    if postcode:
        params["postcode"] = postcode
    base = settings.MAILLAGE_GEOCODER_URL.rstrip("/")
    _throttle(wait=wait)
    timeout = float(getattr(settings, "MAILLAGE_GEOCODER_TIMEOUT", 5.0))
    if not wait:
        timeout = min(timeout, float(getattr(settings, "MAILLAGE_GEOCODER_WEB_TIMEOUT", 2.0)))
    try:
        with SafeHTTPClient(allow_loopback=allow_loopback, timeout=timeout) as client:
            response = client.get(f"{base}/search/", params=params)
            response.raise_for_status()
            payload = response.json()
    except (FetchError, ValueError) as exc:
        raise GeocodingError("Le service de géocodage ne répond pas ; réessayez plus tard.") from exc
    features = payload.get("features") if isinstance(payload, dict) else None
    if not features:
        raise GeocodingError("Cette adresse est introuvable dans la Base Adresse Nationale.")
    best = features[0]
    props = best.get("properties") or {}
    try:
        lon, lat = (float(c) for c in best["geometry"]["coordinates"][:2])
        score = float(props.get("score", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise GeocodingError("La réponse du service de géocodage est illisible.") from exc
    if citycode and props.get("citycode") and props["citycode"] != citycode:
        raise GeocodingError("L'adresse trouvée n'est pas dans la commune indiquée.")
    if score < float(getattr(settings, "MAILLAGE_GEOCODER_MIN_SCORE", 0.5)):
        raise GeocodingError("Cette adresse est trop imprécise pour être localisée.")
    return GeocodeResult(latitude=lat, longitude=lon, label=str(props.get("label", "")), score=score)
