"""What the registration's request path was trimmed to (bench_events_registration.py): the territory of a host
kept per process (a copy per request, emptied when a territory or domain is saved), and a registration that
locks the event's row only (not its territory's, which every registration of the territory would wait on)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.events import services
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_registration_locks_the_event_row_only(territory, member):
    event = EventFactory(territory=territory)
    with CaptureQueriesContext(connection) as queries:
        services.register_account(actor=member, event=event)
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite's IMMEDIATE transaction locks the database")
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1
    assert '"events_event"' in locks[0] and '"core_territory"' not in locks[0]
