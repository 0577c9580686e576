"""Reads from a PostgreSQL streaming replica, when one is configured (`MAILLAGE_REPLICA_URL`).

- **Which reads**: only those of a web request that tolerates lag — a GET/HEAD/OPTIONS request from a client
  that has not written in the last `REPLICA_PIN_SECONDS` seconds. `ReplicaReadsMiddleware` marks such a
  request; everything else (POSTs, tasks, management commands, tests, any read inside a transaction) reads
  the primary, as before.
- **Read-your-writes**: a request that writes (any other method) sets the cookie `maillage_ecrit` (a
  timestamp, `REPLICA_PIN_SECONDS` long): the client's next reads stay on the primary for that long, so a
  person always sees what they just did, even if the replica is a few seconds behind.
- **Replica down or behind**: the router checks the replica at most every `REPLICA_CHECK_SECONDS` (can it
  connect; on PostgreSQL, is its replay less than `REPLICA_MAX_LAG_SECONDS` behind); otherwise reads go to the
  primary with one log line per check (« replica unavailable »), and come back when it answers again.

The health memo is the only thing kept in a process, and it is a few numbers about the replica, not data.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
COOKIE = "maillage_ecrit"
CLOCK_SKEW_SECONDS = 2.0  # how far ahead another web node's clock may be
REPLICA_PIN_SECONDS = 15
REPLICA_CHECK_SECONDS = 5.0
REPLICA_MAX_LAG_SECONDS = 10.0
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
logger = logging.getLogger(__name__)

_lag_tolerant: ContextVar[bool] = ContextVar("maillage_replica_reads", default=False)
_health: dict[str, float] = {"checked": 0.0, "ok": 0.0}

LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def configured() -> bool:
    return REPLICA in connections.settings


def reads_may_lag() -> bool:
    """Whether the current request's reads may go to the replica (a GET from a client that has not just
    written), whether or not a replica is configured."""
    return _lag_tolerant.get()


def forget_health() -> None:
    """Check the replica again at the next read (tests; after a fail-over)."""
    _health["checked"] = _health["ok"] = 0.0


def _check() -> bool:
    connection = connections[REPLICA]
    try:
        if connection.connection is None:
            connection.connect()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0] or 0)
            if lag > REPLICA_MAX_LAG_SECONDS:
                logger.warning("replica unavailable: %.1f s behind; reading from the primary", lag)
                return False
    except Exception as exc:  # noqa: BLE001  (whatever the driver raises, the primary answers instead)
        logger.warning("replica unavailable (%s); reading from the primary", str(exc).strip()[:200])
        with contextlib.suppress(DatabaseError):
            connection.close()
        return False
    return True


def replica_usable() -> bool:
    now = time.monotonic()
    if now - _health["checked"] >= REPLICA_CHECK_SECONDS:
        _health["ok"] = 1.0 if _check() else 0.0
        _health["checked"] = now
    return bool(_health["ok"])


class ReplicaRouter:
    """Django database router: lag-tolerant reads to the replica, everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _lag_tolerant.get() or not configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction reads what it writes
        return REPLICA if replica_usable() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def recently_wrote(request: HttpRequest) -> bool:
    try:
        wrote = float(request.COOKIES.get(COOKIE, "0"))
    except ValueError:
        return False
    # A small negative age is a write stamped by a node whose clock is slightly ahead (or the same
    # millisecond, rounded up): still recent. A stamp further in the future is forged and pins nothing.
    return -CLOCK_SKEW_SECONDS <= time.time() - wrote < REPLICA_PIN_SECONDS


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may go to the replica; pins a writer's next reads to the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tolerant = request.method in SAFE_METHODS and not recently_wrote(request)
        token = _lag_tolerant.set(tolerant)
        try:
            response = self.get_response(request)
        finally:
            _lag_tolerant.reset(token)
        if request.method not in SAFE_METHODS and configured():
            response.set_cookie(
                COOKIE,
                f"{time.time():.3f}",
                max_age=REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        return response
