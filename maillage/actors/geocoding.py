"""Geocoding of structures with the Base Adresse Nationale (BAN) API, through the safe HTTP client.

Settings: `MAILLAGE_GEOCODER_URL` (base URL; the API moved from api-adresse.data.gouv.fr to
data.geopf.fr/geocodage with the same paths), `MAILLAGE_GEOCODER_TIMEOUT` (seconds),
`MAILLAGE_GEOCODER_RATE` (requests per second, shared by all workers through the cache),
`MAILLAGE_GEOCODER_MIN_SCORE`, `MAILLAGE_GEOCODER_WEB_TIMEOUT` (seconds, for a lookup inside a web request).

Workers wait for their turn in the shared budget; a web request never does (`wait=False`): it gets
`GeocoderBusy` at once and answers from the cache or the commune.

A save never waits on the network: services put the commune's centroid first (flagged « centre de la
commune ») and enqueue `geocode_structure_task` after commit (by its dotted path: services do not import
this module, which writes through them). On failure, offline, or an address the BAN
does not find in the structure's commune, the centroid stays and the flag says so.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from maillage.actors import services
from maillage.actors.models import Structure
from maillage.core.http import FetchError, SafeHTTPClient
from maillage.core.tasks import maillage_task

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


def locate_structure(structure_id: int, *, allow_loopback: bool | None = None) -> str:
    """Geocode one structure (or fall back to its commune's centroid). Returns the resulting flag.

    No transaction is open during the call to the BAN: the structure is read, the address looked up, then
    `services.set_position` writes the result in its own short transaction."""
    structure = Structure.objects.select_related("commune").filter(pk=structure_id).first()
    if structure is None or structure.geocoding in (Structure.Geocoding.MANUAL, Structure.Geocoding.SOURCE):
        return structure.geocoding if structure else ""
    commune = structure.commune
    try:
        if not structure.address:
            raise GeocodingError("Pas d'adresse.")
        result = geocode_address(
            structure.address,
            citycode=commune.insee_code if commune else "",
            postcode=structure.postal_code,
            allow_loopback=allow_loopback,
        )
    except GeocodingError as exc:
        logger.info("Geocoding of structure %s failed: %s", structure_id, exc)
        if commune is not None and commune.latitude is not None and commune.longitude is not None:
            services.set_position(
                structure_id=structure_id,
                latitude=commune.latitude,
                longitude=commune.longitude,
                geocoding=Structure.Geocoding.COMMUNE,
            )
            return Structure.Geocoding.COMMUNE
        return structure.geocoding
    services.set_position(
        structure_id=structure_id,
        latitude=result.latitude,
        longitude=result.longitude,
        geocoding=Structure.Geocoding.ADDRESS,
    )
    return Structure.Geocoding.ADDRESS


@maillage_task(max_attempts=2, idempotent=True)
def geocode_structure_task(structure_id: int) -> str:
    return locate_structure(structure_id)


@maillage_task(max_attempts=1, idempotent=True)
def geocode_territory_task(territory_id: int) -> dict[str, int]:
    """Batch: every structure of a territory with an address not yet geocoded at the address."""
    counts: dict[str, int] = {}
    ids = (
        Structure.objects.filter(territory_id=territory_id)
        .exclude(address="")
        .exclude(
            geocoding__in=[
                Structure.Geocoding.ADDRESS,
                Structure.Geocoding.MANUAL,
                Structure.Geocoding.SOURCE,
            ]
        )
        .values_list("pk", flat=True)
    )
    for pk in list(ids):
        flag = locate_structure(pk)
        counts[flag] = counts.get(flag, 0) + 1
    return counts
