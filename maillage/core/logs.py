"""Logs an operator can use: one JSON line per request, a request id carried into background tasks.

- `RequestLogMiddleware` (second in MIDDLEWARE, after the health check): takes the request id from the
  ``X-Request-ID`` header when it is a plain token (letters, digits, `.`, `_`, `-`; ≤ 128), else draws one;
  sends it back in ``X-Request-ID``; logs one line per request on the ``maillage.request`` logger with the
  method, the path (never the query string: it may hold a token or an address), the status, the duration in
  ms, the request id and the user's id (never an e-mail address).
- `current_request_id()` / `request_id_context(...)`: the request id of the code running now. Core's task
  wrapper (`maillage.core.tasks`) passes it to the tasks a request enqueues, and the worker logs it.
- `RequestIdFilter` puts `request_id` on every log record; `JsonFormatter` writes a record as one JSON
  object (`MAILLAGE_LOG_FORMAT=json`, the production default; `plain` in development and tests).
- `init_sentry(dsn)`: Sentry, only when a DSN is set *and* the optional extra is installed
  (``pip install maillage[sentry]``); no personal data is sent.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

logger = logging.getLogger("maillage.request")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("maillage_request_id", default="")

# Attributes every LogRecord has: anything else on a record is an « extra » and goes into the JSON line.
_RECORD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str:
    """The id to use for a request: the caller's own when it is a plain token, else a new one."""
    return value if value and _VALID_ID.match(value) else new_request_id()


@contextlib.contextmanager
def request_id_context(value: str) -> Iterator[str]:
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (empty outside a request or a task) to every record, for both formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _request_id.get() or "-"
        return True


def _id_or_none(value: str) -> str | None:
    return value if value and value != "-" else None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _id_or_none(getattr(record, "request_id", "") or _request_id.get()),
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        started = time.monotonic()
        with request_id_context(request_id):
            status = 500
            try:
                response = self.get_response(request)
                status = response.status_code
            finally:
                logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    status,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": status,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                        "user_id": _user_id(request),
                    },
                )
        response[REQUEST_ID_HEADER] = request_id
        return response


def _user_id(request: Any) -> int | None:
    """The signed-in user's id, or None (never raises: a broken session store must not hide the line)."""
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except Exception:
        return None


def init_sentry(dsn: str, *, environment: str = "production") -> bool:
    """Start Sentry when `dsn` is set and sentry-sdk is installed; True if started."""
    if not dsn:
        return False
    try:
        import sentry_sdk  # optional extra: maillage[sentry]
    except ImportError:
        logging.getLogger("maillage").warning(
            "SENTRY_DSN is set but sentry-sdk is not installed (pip install 'maillage[sentry]'): ignored"
        )
        return False
    sentry_sdk.init(dsn=dsn, environment=environment, send_default_pii=False, traces_sample_rate=0.0)
    return True
