"""The router against a real streaming replica (`scripts/replica_stage.sh` starts a primary and a replica made
with pg_basebackup on loopback and sets MAILLAGE_TEST_STREAMING_REPLICA; skipped otherwise): a committed
write reaches the replica, a lag-tolerant read is answered by it, the writer's own next read by the primary,
and a replica that stops answering sends reads back to the primary with a log line."""

from __future__ import annotations

import logging
import os
import time

import dj_database_url
import pytest
from django.db import connection, connections
from django.http import HttpResponse
from django.test import RequestFactory

from maillage.core import replica
from maillage.core.models import Territory

URL = os.environ.get("MAILLAGE_TEST_STREAMING_REPLICA", "")
pytestmark = [
    pytest.mark.skipif(not URL, reason="no streaming replica (scripts/replica_stage.sh starts one)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def streaming():
    alias = replica.REPLICA
    settings_dict = dj_database_url.parse(URL)
    settings_dict["NAME"] = connection.settings_dict["NAME"]  # the test database, streamed like any other
    connections.settings[alias] = {**connections.settings["default"], **settings_dict, "TEST": {}}
    replica_connection = connections.create_connection(alias)
    connections[alias] = replica_connection
    replica_connection.connect()
    replica.forget_health()
    try:
        yield replica_connection
    finally:
        replica_connection.close()
        del connections[alias]
        del connections.settings[alias]
        replica.forget_health()


def served_by(cookies=None):
    seen = {}

    def view(request):
        with connections[replica.ReplicaRouter().db_for_read(Territory) or "default"].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            seen["replica"] = cursor.fetchone()[0]
        seen["found"] = Territory.objects.filter(slug="flux").exists()
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    replica.ReplicaReadsMiddleware(view)(request)
    return seen


def test_a_committed_write_is_read_from_the_replica(streaming):
    Territory.objects.create(name="Territoire en flux", slug="flux")  # committed (no test transaction)
    deadline = time.monotonic() + 10
    while not served_by()["found"] and time.monotonic() < deadline:
        time.sleep(0.1)
    seen = served_by()
    assert seen == {"replica": True, "found": True}
    pinned = served_by(cookies={replica.COOKIE: f"{time.time():.3f}"})
    assert pinned == {"replica": False, "found": True}  # the writer reads the primary


def test_a_replica_that_stops_answering(streaming, caplog):
    assert served_by()["replica"] is True
    streaming.close()
    streaming.settings_dict["PORT"] = 1  # nothing listens there: as a stopped replica
    replica.forget_health()
    with caplog.at_level(logging.WARNING, logger="maillage.core.replica"):
        seen = served_by()
    assert seen["replica"] is False and "replica unavailable" in caplog.text
