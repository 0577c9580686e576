"""The health check a load balancer or a supervisor asks: `/healthz` (and `/api/v1/sante`, same answer).

It checks, for real, each part the site needs:
- the database: a connection and `SELECT 1`;
- the shared cache: a value written and read back;
- the task worker: its heartbeat. A periodic job (`core.worker_heartbeat`, every minute, enqueued by the
  scheduler) is run by the worker, which writes the time into the cache; older than
  ``MAILLAGE_WORKER_HEARTBEAT_STALE`` (5 minutes by default), or missing, the worker is down (or the
  scheduler is, which is as bad: nothing periodic runs). With the ImmediateBackend (tasks run inside the
  web process, as in tests) there is no worker to check.
The answer is JSON: 200 `{"status": "ok", ...}`, or 503 `{"status": "erreur", "failing": [...], ...}` naming
the failing parts. `HealthCheckMiddleware` answers before `SecurityMiddleware` (first in MIDDLEWARE): no
Host check against ALLOWED_HOSTS, no redirect to HTTPS, no session or database work beyond the checks —
a load balancer probing by IP gets its answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

from maillage.core.tasks import maillage_task

logger = logging.getLogger("maillage.health")

HEALTH_PATHS = frozenset({"/healthz", "/healthz/", "/api/v1/sante", "/api/v1/sante/"})
HEARTBEAT_KEY = "maillage:worker-heartbeat"
PROBE_KEY = "maillage:health-probe"


def stale_after() -> dt.timedelta:
    return getattr(settings, "MAILLAGE_WORKER_HEARTBEAT_STALE", dt.timedelta(minutes=5))


@maillage_task(max_attempts=1)
def worker_heartbeat_task() -> str:
    """Periodic (every minute): the worker says it is alive, in the shared cache."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


def check_database() -> str | None:
    """None if the database answers, else why not."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is a failing part, reported, never raised
        logger.warning("Health: database failing: %s", exc)
        return "base de données injoignable"
    return None


def check_cache() -> str | None:
    nonce = secrets.token_hex(8)
    try:
        cache.set(PROBE_KEY, nonce, timeout=30)
        if cache.get(PROBE_KEY) != nonce:
            return "cache : la valeur écrite n'a pas été relue"
    except Exception as exc:
        logger.warning("Health: cache failing: %s", exc)
        return "cache injoignable"
    return None


def check_worker(now: dt.datetime | None = None) -> str | None:
    if isinstance(task_backends["default"], ImmediateBackend):  # tasks run in the web process: no worker
        return None
    try:
        raw = cache.get(HEARTBEAT_KEY)
    except Exception:
        return "signal du worker illisible (cache injoignable)"
    beat = parse_datetime(raw) if isinstance(raw, str) else None
    if beat is None:
        return "aucun signal du worker des tâches"
    age = (now or timezone.now()) - beat
    if age > stale_after():
        return f"dernier signal du worker des tâches il y a {int(age.total_seconds() // 60)} min"
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "cache": check_cache,
    "worker": check_worker,
}


def health() -> tuple[int, dict[str, object]]:
    """(HTTP status, JSON body) of the health check."""
    results = {name: check() for name, check in CHECKS.items()}
    failing = [name for name, problem in results.items() if problem]
    body: dict[str, object] = {
        "status": "erreur" if failing else "ok",
        "checks": {name: problem or "ok" for name, problem in results.items()},
    }
    if failing:
        body["failing"] = failing
    return (503 if failing else 200), body


def health_response() -> HttpResponse:
    status, body = health()
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers the health paths before any other middleware (put it first in MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)
