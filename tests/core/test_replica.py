"""The replica router, with a real second database: a SQLite file standing for the replica, holding one
territory the primary does not have, so a test sees where each read went. Lag-tolerant reads (a GET from a
client that has not just written) go to it; a writer's next reads, reads outside requests and reads in a
transaction stay on the primary; a replica that cannot answer sends reads back to the primary with a log
line."""

from __future__ import annotations

import logging
import time

import pytest
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from maillage.core import replica
from maillage.core.models import Territory
from tests.replica_reads import replica_alias

pytestmark = pytest.mark.django_db(transaction=True)  # reads in a transaction stay on the primary


@pytest.fixture
def replica_db(tmp_path, territory):
    """A `replica` connection alias on a SQLite file with the territory table and one row of its own (in place
    of the suite's streaming replica, if there is one, for the length of the test)."""
    settings_dict = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "replica.sqlite3"),
        "OPTIONS": {},
        "TEST": {},
    }
    with replica_alias(settings_dict) as connection:
        connection.connect()  # the test case's list of allowed aliases was fixed before this one existed
        with connection.schema_editor() as editor:
            editor.create_model(Territory)
        only_there = Territory(name="Seulement sur la réplique", slug="replique")
        Territory.objects.using(replica.REPLICA).bulk_create([only_there])  # no history row: no such table
        replica.forget_health()
        yield connection


def read_through_middleware(method="get", cookies=None):
    """Run a request through the real middleware; the view reports which database answered."""
    seen = {}

    def view(request):
        seen["replica"] = Territory.objects.filter(slug="replique").exists()
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method)("/")
    request.COOKIES.update(cookies or {})
    response = replica.ReplicaReadsMiddleware(view)(request)
    return seen["replica"], response


def test_lag_tolerant_reads_go_to_the_replica(replica_db):
    on_replica, response = read_through_middleware()
    assert on_replica and replica.COOKIE not in response.cookies


def test_reads_outside_a_request_or_in_a_transaction_stay_on_the_primary(replica_db):
    assert not Territory.objects.filter(slug="replique").exists()  # a task, a command

    def view(request):
        with transaction.atomic():
            return HttpResponse(str(Territory.objects.filter(slug="replique").exists()))

    response = replica.ReplicaReadsMiddleware(view)(RequestFactory().get("/"))
    assert response.content == b"False"


def test_a_writer_reads_its_writes_from_the_primary(replica_db):
    on_replica, response = read_through_middleware("post")
    assert not on_replica  # a POST never reads the replica
    cookie = response.cookies[replica.COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) == replica.REPLICA_PIN_SECONDS
    # the same client's next GET stays on the primary…
    on_replica, _ = read_through_middleware(cookies={replica.COOKIE: cookie.value})
    assert not on_replica
    # …until the pin is over; a forged or broken cookie pins nothing
    old = f"{time.time() - replica.REPLICA_PIN_SECONDS - 1:.3f}"
    assert read_through_middleware(cookies={replica.COOKIE: old})[0]
    assert read_through_middleware(cookies={replica.COOKIE: "n'importe quoi"})[0]
    # a stamp from a node whose clock is a little ahead still pins; one far in the future is forged
    assert not read_through_middleware(cookies={replica.COOKIE: f"{time.time() + 1:.3f}"})[0]
    assert read_through_middleware(cookies={replica.COOKIE: f"{time.time() + 60:.3f}"})[0]


def test_a_replica_down_sends_reads_to_the_primary_with_a_log_line(replica_db, tmp_path, caplog):
    replica_db.close()
    replica_db.settings_dict["NAME"] = str(tmp_path / "absent" / "replica.sqlite3")  # cannot be opened
    replica.forget_health()
    with caplog.at_level(logging.WARNING, logger="maillage.core.replica"):
        on_replica, response = read_through_middleware()
    assert not on_replica and response.status_code == 200
    assert "replica unavailable" in caplog.text
    # checked again after REPLICA_CHECK_SECONDS, not at every read: one line, not one per query
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="maillage.core.replica"):
        read_through_middleware()
    assert "replica unavailable" not in caplog.text


def test_without_a_replica_nothing_changes(territory):
    with replica_alias(None):
        on_replica, response = read_through_middleware("post")
    assert not on_replica and replica.COOKIE not in response.cookies
