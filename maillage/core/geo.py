"""Geographic helpers: distances, bounding boxes, Lambert-93 → WGS84."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BBox:
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def parse(cls, value: str) -> BBox:
        """Parse « ouest,sud,est,nord » (the Leaflet `toBBoxString()` order); raise ValueError if invalid."""
        parts = [float(p) for p in value.split(",")]
        if len(parts) != 4:
            raise ValueError("Une emprise se compose de quatre nombres : ouest,sud,est,nord.")
        west, south, east, north = parts
        if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
            raise ValueError("Emprise hors des limites du globe.")
        return cls(south=south, west=west, north=north, east=east)

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def bbox_around(lat: float, lon: float, radius_km: float) -> BBox:
    """The bounding box enclosing a circle: a cheap pre-filter before the exact distance."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * max(0.01, math.cos(math.radians(lat)))))
    return BBox(south=lat - dlat, west=lon - dlon, north=lat + dlat, east=lon + dlon)


def bbox_of(points: Iterable[tuple[float, float]], *, margin_km: float = 0.0) -> BBox | None:
    """The box enclosing (lat, lon) points, grown by `margin_km` on every side (None without points)."""
    boxes = [bbox_around(lat, lon, margin_km) for lat, lon in points]
    if not boxes:
        return None
    return BBox(
        south=min(b.south for b in boxes),
        west=min(b.west for b in boxes),
        north=max(b.north for b in boxes),
        east=max(b.east for b in boxes),
    )


@lru_cache(maxsize=1)
def _lambert93_transformer():  # pragma: no cover - trivial
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def lambert93_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(x, y) in Lambert-93 metres → (lat, lon) in WGS84 degrees."""
    lon, lat = _lambert93_transformer().transform(x, y)
    return lat, lon
