"""« Autour de » in the directory: the centre of a search is a commune's centroid or a located address.

An address is located with the BAN inside the web request, so the lookup never waits: answers are cached a
week per normalised address; a new address takes the geocoder's shared rate budget only if it is free right
now (`geocode_address(wait=False)`, short timeout). When the budget is spent, the search starts from the
centre of the commune named in the address (its postcode or its name), and says so; with no commune in the
address, a French message asks to retry or to choose a commune.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.core.cache import cache

from maillage.actors import geocoding
from maillage.core.geo import bbox_of
from maillage.core.models import Territory
from maillage.core.ratelimit import over_limit
from maillage.core.search import unaccent

ADDRESS_CACHE_SECONDS = 7 * 24 * 3600
ADDRESS_LOOKUPS_PER_HOUR = 60  # per client, for addresses not yet in the cache
TERRITORY_MARGIN_KM = 15
BUSY_MESSAGE = (
    "Le service de localisation des adresses est très demandé en ce moment : réessayez dans un instant, "
    "ou choisissez une commune dans « autour de »."
)


@dataclass(frozen=True)
class NearPoint:
    """The centre of « autour de »: a commune's centroid or a located address."""

    latitude: float
    longitude: float
    label: str  # « Grasse », « 57 Avenue Pierre Sémard 06130 Grasse »
    approximate: bool = False  # an address answered from its commune's centre (the geocoder was busy)


def territory_communes(territory: Territory) -> list[tuple[int, str, str, float | None, float | None]]:
    """(id, INSEE code, name, latitude, longitude) of the territory's communes by name: read once per request
    (the request's territory is its own copy) for the filters, the facets and the « autour de » list."""
    cached = territory.__dict__.get("_directory_communes")
    if cached is None:
        cached = list(
            territory.communes.order_by("name").values_list(
                "pk", "insee_code", "name", "latitude", "longitude"
            )
        )
        territory.__dict__["_directory_communes"] = cached
    return cached


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", unaccent(text)))


def commune_in_address(territory: Territory, address: str) -> NearPoint | None:
    """The centre of the territory's commune an address names (by postcode, else by name), if any."""
    postcodes = set(re.findall(r"\b\d{5}\b", address))
    text = f" {_norm(address)} "
    located = [c for c in territory_communes(territory) if c[3] is not None]
    if postcodes:
        by_postcode = dict(
            territory.communes.filter(latitude__isnull=False).values_list("pk", "postal_codes")
        )
        for pk, _code, name, lat, lon in located:
            if postcodes & set(by_postcode.get(pk) or []):
                return NearPoint(lat, lon, name, approximate=True)
    for _pk, _code, name, lat, lon in sorted(located, key=lambda c: -len(c[2])):  # longest name first
        if f" {_norm(name)} " in text:
            return NearPoint(lat, lon, name, approximate=True)
    return None


def locate_address(territory: Territory, address: str, *, client_key: str = "") -> NearPoint:
    """Locate an address typed in « autour de » (see the module's docstring); never waits on the geocoder.

    Raises GeocodingError with a French message: not found, too vague, outside the territory, service down
    or busy (with no commune to fall back on), or too many new lookups from the same client within an hour."""
    query = " ".join(address.split())[:200]
    digest = hashlib.sha256(query.lower().encode()).hexdigest()[:32]
    key = f"actors:near-address:{territory.pk}:{digest}"
    cached = cache.get(key)
    if cached is None:
        if client_key and over_limit(
            f"actors:near-lookups:{client_key}", limit=ADDRESS_LOOKUPS_PER_HOUR, window=3600
        ):
            raise geocoding.GeocodingError(
                "Trop de recherches d'adresse en peu de temps ; choisissez une commune "
                "ou réessayez plus tard."
            )
        try:
            found = geocoding.geocode_address(query, wait=False)
        except geocoding.GeocoderBusy:
            fallback = commune_in_address(territory, query)
            if fallback is None:
                raise geocoding.GeocodingError(BUSY_MESSAGE) from None
            return fallback  # not cached: the exact address is looked up next time
        except geocoding.GeocodingError as exc:
            cached = ("error", str(exc))
        else:
            box = bbox_of(
                ((lat, lon) for _, _, _, lat, lon in territory_communes(territory) if lat is not None),
                margin_km=TERRITORY_MARGIN_KM,
            )
            if box is not None and not box.contains(found.latitude, found.longitude):
                cached = ("error", "Cette adresse est en dehors du territoire.")
            else:
                cached = ("ok", (found.latitude, found.longitude, found.label or query))
        if cached[0] == "ok" or "ne répond pas" not in cached[1]:  # an outage is not remembered
            cache.set(key, cached, timeout=ADDRESS_CACHE_SECONDS)
    if cached[0] == "error":
        raise geocoding.GeocodingError(cached[1])
    latitude, longitude, label = cached[1]
    return NearPoint(latitude, longitude, label)
