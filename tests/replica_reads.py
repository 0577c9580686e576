"""The suite with the replica router on (registered from tests/conftest.py through `pytest_plugins`).

When `MAILLAGE_REPLICA_URL` is set (the CI's « test-postgres » stage: scripts/with_replica.sh starts a primary
and its streaming replica), config/settings/base.py adds the `replica` alias as a test MIRROR of `default`:
the test runner creates `test_maillage_gw0` on the primary only, and the alias reads that same database on the
replica server, where physical replication brings it. This plugin then

- lets every database test use the alias (Django's test cases refuse queries to an alias they do not list;
  the router would take that refusal for a replica down and read the primary, so the suite would prove
  nothing);
- counts the queries run on the replica, and the tests that ran any, and prints both at the end of the run
  (summed over the xdist workers): the proof that reads did go there. Reads in a transaction stay on the
  primary by design, and a plain `django_db` test runs in one, so only transactional tests read the replica.
  With MAILLAGE_TEST_REPLICA_READS_REQUIRED=1 (the CI), a run with none fails.

Without a replica (SQLite, `make test-postgres` on a developer's machine) it does nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from maillage.core import replica

_counts = {"queries": 0, "tests": 0}
_workers: list[dict[str, int]] = []
_REQUIRED = "MAILLAGE_TEST_REPLICA_READS_REQUIRED"


def router_on() -> bool:
    return replica.configured()


def pytest_configure(config: pytest.Config) -> None:
    if router_on():
        from django.test import TransactionTestCase

        # TestCase inherits it; pytest-django's test cases too, unless a marker names its own databases.
        TransactionTestCase.databases = {"default", replica.REPLICA}


@pytest.fixture(autouse=True)
def _count_replica_reads() -> Iterator[None]:
    if not router_on():
        yield
        return
    seen = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal seen
        if sql != replica.LAG_SQL:  # the router's own health check is not a read
            seen += 1
        return execute(sql, params, many, context)

    with connections[replica.REPLICA].execute_wrapper(count):
        yield
    _counts["queries"] += seen
    _counts["tests"] += 1 if seen else 0


@contextlib.contextmanager
def replica_alias(settings_dict: dict[str, Any] | None) -> Iterator[Any]:
    """Put another `replica` alias in place for a while (None: no replica at all); the suite's own comes back
    after, so the tests that follow still read from it. Yields the new connection (or None)."""
    alias = replica.REPLICA
    saved_settings = connections.settings.get(alias)
    saved_connection = connections[alias] if saved_settings is not None else None
    if settings_dict is None:
        connections.settings.pop(alias, None)
        if saved_connection is not None:
            del connections[alias]
        new = None
    else:
        connections.settings[alias] = settings_dict
        new = connections.create_connection(alias)
        connections[alias] = new
    replica.forget_health()
    try:
        yield new
    finally:
        if new is not None:
            new.close()
        if saved_settings is None:
            connections.settings.pop(alias, None)
            with contextlib.suppress(AttributeError):
                del connections[alias]
        else:
            connections.settings[alias] = saved_settings
            connections[alias] = saved_connection
        replica.forget_health()


def replica_url(port: int | None = None) -> str:
    """The URL of the suite's replica with this test's database (another port: a proxy in front of it), for a
    `maillage serve` started on the test database; "" without a replica."""
    if not router_on():
        return ""
    db = connections[replica.REPLICA].settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port or db['PORT'] or 5432}/{db['NAME']}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller adds the counts up
        workeroutput["replica_reads"] = dict(_counts)
    elif router_on() and os.environ.get(_REQUIRED) and not _total()["queries"] and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    counts = getattr(node, "workeroutput", {}).get("replica_reads")
    if counts:
        _workers.append(counts)


def _total() -> dict[str, int]:
    if not _workers:
        return dict(_counts)
    return {key: sum(worker[key] for worker in _workers) for key in _counts}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not router_on():
        return
    total = _total()
    terminalreporter.write_line(
        f"Lectures sur la réplique (routeur actif) : {total['queries']} requêtes, dans {total['tests']} tests"
    )
    if os.environ.get(_REQUIRED) and not total["queries"]:
        terminalreporter.write_line(
            "ÉCHEC : aucune lecture n'est allée à la réplique, le routeur devait être actif.", red=True
        )
