"""The router against a real streaming replica: the CI's PostgreSQL stage runs the suite with one
(scripts/with_replica.sh: a primary and a replica made with pg_basebackup on loopback, MAILLAGE_REPLICA_URL
set, so the `replica` alias reads the test database on the replica); skipped without it. A committed write is
read from the replica by a lag-tolerant request, the writer's own next read from the primary; a replica that
falls behind or stops answering sends reads back to the primary with a log line."""

from __future__ import annotations

import logging
import time

import pytest
from django.conf import settings
from django.db import connection, connections
from django.http import HttpResponse
from django.test import RequestFactory

from maillage.core import replica
from maillage.core.models import Territory

STREAMING = settings.DATABASES.get(replica.REPLICA, {}).get("ENGINE") == "django.db.backends.postgresql"
pytestmark = [
    pytest.mark.skipif(not STREAMING, reason="no streaming replica (scripts/with_replica.sh starts one)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def streaming():
    """The suite's replica alias; whatever a test does to it is undone after."""
    replica_connection = connections[replica.REPLICA]
    port = replica_connection.settings_dict["PORT"]
    replica.forget_health()
    try:
        yield replica_connection
    finally:
        replica_connection.close()
        replica_connection.settings_dict["PORT"] = port
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


def on_replica(sql):
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_the_replica_is_a_streaming_standby_of_the_test_database(streaming):
    assert streaming.settings_dict["NAME"] == connection.settings_dict["NAME"]  # test_…, made on the primary
    assert streaming.settings_dict["PORT"] != connection.settings_dict["PORT"]
    assert on_replica("SELECT pg_is_in_recovery()") is True


def test_a_committed_write_is_read_from_the_replica(streaming):
    Territory.objects.create(name="Territoire en flux", slug="flux")  # committed (no test transaction)
    deadline = time.monotonic() + 10
    while not served_by()["found"] and time.monotonic() < deadline:
        time.sleep(0.1)
    seen = served_by()
    assert seen == {"replica": True, "found": True}
    pinned = served_by(cookies={replica.COOKIE: f"{time.time():.3f}"})
    assert pinned == {"replica": False, "found": True}  # the writer reads the primary


def test_a_replica_that_falls_behind(streaming, caplog, monkeypatch):
    assert served_by()["replica"] is True
    on_replica("SELECT pg_wal_replay_pause()")
    with connection.cursor() as cursor:  # this session's commits no longer wait for the replica to apply them
        cursor.execute("SET synchronous_commit = local")
    try:
        # The replica receives this write but does not apply it.
        Territory.objects.create(name="Territoire en flux", slug="flux")
        deadline = time.monotonic() + 10
        while not on_replica("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()"):
            assert time.monotonic() < deadline, "the replica never received the write"
            time.sleep(0.05)
        time.sleep(0.1)
        # Behind by more than allowed (lowered from 10 s, so the test does not hold the replica that long).
        monkeypatch.setattr(replica, "REPLICA_MAX_LAG_SECONDS", 0.05)
        replica.forget_health()
        with caplog.at_level(logging.WARNING, logger="maillage.core.replica"):
            seen = served_by()
        assert seen == {"replica": False, "found": True}  # the primary answers, with the write
        assert "replica unavailable" in caplog.text and "behind" in caplog.text
    finally:
        on_replica("SELECT pg_wal_replay_resume()")
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    monkeypatch.undo()
    deadline = time.monotonic() + 10
    replica.forget_health()
    while not served_by()["found"]:  # caught up: the replica answers again
        assert time.monotonic() < deadline, "the replica never caught up"
        time.sleep(0.1)
        replica.forget_health()
    assert served_by()["replica"] is True


def test_a_replica_that_stops_answering(streaming, caplog):
    assert served_by()["replica"] is True
    streaming.close()
    streaming.settings_dict["PORT"] = 1  # nothing listens there: as a stopped replica
    replica.forget_health()
    with caplog.at_level(logging.WARNING, logger="maillage.core.replica"):
        seen = served_by()
    assert seen["replica"] is False and "replica unavailable" in caplog.text
