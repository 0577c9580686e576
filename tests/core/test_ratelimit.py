"""The shared fixed-window rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from maillage.core.ratelimit import over_limit


def test_counts_per_key_within_the_window(settings):
    cache.clear()
    assert [over_limit("contact:203.0.113.9", limit=3, window=60) for _ in range(5)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert over_limit("contact:198.51.100.1", limit=3, window=60) is False  # another client


def test_a_new_window_starts_again():
    cache.clear()
    assert over_limit("k", limit=1, window=60) is False
    assert over_limit("k", limit=1, window=60) is True
    cache.clear()  # the window is over (or the cache lost the counter): people get through again
    assert over_limit("k", limit=1, window=60) is False


@pytest.mark.parametrize("limit", [0])
def test_a_zero_limit_refuses_at_once(limit):
    cache.clear()
    assert over_limit("k0", limit=limit, window=60) is True
