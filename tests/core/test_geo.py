"""Geographic helpers: distances, bounding boxes, Lambert-93 → WGS84."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.geo import BBox, bbox_around, haversine_km, lambert93_to_wgs84

GRASSE = (43.65798, 6.92444)  # town hall, from maillage/core/data/pays_de_grasse_communes.csv
CANNES = (43.5513, 7.0128)
PARIS = (48.8566, 2.3522)


def test_haversine_known_distances():
    assert haversine_km(*GRASSE, *GRASSE) == 0
    assert haversine_km(*GRASSE, *CANNES) == pytest.approx(13.9, abs=0.3)
    assert haversine_km(*PARIS, *GRASSE) == pytest.approx(676, abs=5)  # Paris–Nice is about 686 km
    # A quarter of a meridian.
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi * 6371.0088 / 2)


@given(
    st.floats(-89, 89),
    st.floats(-179, 179),
    st.floats(-89, 89),
    st.floats(-179, 179),
)
def test_haversine_is_symmetric_and_bounded(lat1, lon1, lat2, lon2):
    d = haversine_km(lat1, lon1, lat2, lon2)
    assert d == pytest.approx(haversine_km(lat2, lon2, lat1, lon1))
    assert 0 <= d <= math.pi * 6371.0088 + 1e-6


def test_bbox_parse_leaflet_order():
    box = BBox.parse("6.8,43.5,7.1,43.8")
    assert (box.west, box.south, box.east, box.north) == (6.8, 43.5, 7.1, 43.8)
    assert box.contains(*GRASSE)
    assert not box.contains(*PARIS)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1,2,3",
        "1,2,3,4,5",
        "a,b,c,d",
        "6.8;43.5;7.1;43.8",
        "6.8,43.8,7.1,43.5",  # south above north
        "6.8,-95,7.1,43.5",
        "200,43.5,7.1,43.8",
        "nan,43.5,7.1,43.8",
    ],
)
def test_bbox_parse_refuses_bad_input(value):
    with pytest.raises(ValueError):
        BBox.parse(value)


def test_bbox_around_contains_the_circle():
    box = bbox_around(*GRASSE, radius_km=10)
    assert box.contains(*GRASSE)
    assert box.contains(*CANNES) is False  # 13.9 km away
    north_edge = haversine_km(GRASSE[0], GRASSE[1], box.north, GRASSE[1])
    east_edge = haversine_km(GRASSE[0], GRASSE[1], GRASSE[0], box.east)
    assert north_edge == pytest.approx(10, rel=1e-3)
    assert east_edge == pytest.approx(10, rel=1e-2)


def test_lambert93_origin_is_the_definition_point():
    """Lambert-93 is defined with (700 000, 6 600 000) at 46°30' N, 3° E."""
    lat, lon = lambert93_to_wgs84(700_000, 6_600_000)
    assert lat == pytest.approx(46.5, abs=1e-9)
    assert lon == pytest.approx(3.0, abs=1e-9)


def test_lambert93_grasse_town_hall():
    lat, lon = lambert93_to_wgs84(1_016_523.0, 6_292_193.8)
    assert lat == pytest.approx(GRASSE[0], abs=1e-5)  # about a metre
    assert lon == pytest.approx(GRASSE[1], abs=1e-5)
    assert haversine_km(lat, lon, *GRASSE) < 0.005


def test_bbox_of_points_with_a_margin():
    from maillage.core.geo import bbox_of, haversine_km

    box = bbox_of([(43.658, 6.925), (43.620, 6.971)], margin_km=15)
    assert box.contains(43.64, 6.95) and not box.contains(48.86, 2.35)
    assert haversine_km(box.south, 6.95, 43.620, 6.95) == pytest.approx(15, rel=0.01)
    assert bbox_of([]) is None
