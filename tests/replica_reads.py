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
  With MAILLAGE_TEST_REPLICA_READS_REQUIRED=1 (the CI), a run with none fails;
- lists the tests in which a request whose reads may lag (a GET) wrote: such a request sets no « just
  wrote » cookie, so the client's next reads could miss that write.

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

_counts = {"queries": 0, "tests": 0, "get_writes": 0}
_get_writes: list[str] = []  # the tests whose lag-tolerant requests wrote, with their first write
_workers: list[dict[str, Any]] = []
_REQUIRED = "MAILLAGE_TEST_REPLICA_READS_REQUIRED"


def router_on() -> bool:
    return replica.configured()


def pytest_configure(config: pytest.Config) -> None:
    if router_on():
        from django.test import TransactionTestCase

        # TestCase inherits it; pytest-django's test cases too, unless a marker names its own databases.
        TransactionTestCase.databases = {"default", replica.REPLICA}


@pytest.fixture(autouse=True)
def _count_replica_reads(request: pytest.FixtureRequest) -> Iterator[None]:
    if not router_on():
        yield
        return
    seen = {"reads": 0, "writes": 0}
    first_write = ""

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql != replica.LAG_SQL:  # the router's own health check is not a read
            seen["reads"] += 1
        return execute(sql, params, many, context)

    def spot(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # A write during a request whose reads may go to the replica: a GET that writes sets no cookie, so
        # that client's next reads may miss the write (none expected: « a GET never acts »).
        nonlocal first_write
        if replica.reads_may_lag() and sql.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}:
            seen["writes"] += 1
            first_write = first_write or sql[:100]
        return execute(sql, params, many, context)

    with connections[replica.REPLICA].execute_wrapper(count), connections["default"].execute_wrapper(spot):
        yield
    _counts["queries"] += seen["reads"]
    _counts["tests"] += 1 if seen["reads"] else 0
    _counts["get_writes"] += seen["writes"]
    if seen["writes"]:
        _get_writes.append(f"{request.node.nodeid} : {first_write}")


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
        workeroutput["replica_reads"] = {**_counts, "examples": _get_writes}
    elif router_on() and os.environ.get(_REQUIRED) and not _total()["queries"] and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    counts = getattr(node, "workeroutput", {}).get("replica_reads")
    if counts:
        _workers.append(counts)


def _total() -> dict[str, Any]:
    if not _workers:
        return {**_counts, "examples": _get_writes}
    total: dict[str, Any] = {key: sum(worker[key] for worker in _workers) for key in _counts}
    total["examples"] = [example for worker in _workers for example in worker["examples"]]
    return total


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not router_on():
        return
    total = _total()
    terminalreporter.write_line(
        f"Lectures sur la réplique (routeur actif) : {total['queries']} requêtes, dans {total['tests']} tests"
    )
    if total["get_writes"]:
        terminalreporter.write_line(
            f"Écritures pendant des requêtes aux lectures tolérant le retard (GET…) : {total['get_writes']}, "
            f"dans {len(total['examples'])} tests :"
        )
        for example in total["examples"][:20]:
            terminalreporter.write_line(f"  {example}")
    if os.environ.get(_REQUIRED) and not total["queries"]:
        terminalreporter.write_line(
            "ÉCHEC : aucune lecture n'est allée à la réplique, le routeur devait être actif.", red=True
        )
