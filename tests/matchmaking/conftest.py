from __future__ import annotations

import pytest

from tests.matchmaking.factories import make_event, make_meeting


@pytest.fixture
def event(territory):
    return make_event(territory)


@pytest.fixture
def meeting(event, member):
    return make_meeting(event, member)
