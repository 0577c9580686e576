"""Logs an operator can use: a JSON line per request with a request id, carried into the tasks it enqueues."""

from __future__ import annotations

import json
import logging

import pytest
from django_tasks_db.models import DBTaskResult

from maillage.core.logs import JsonFormatter, RequestIdFilter, init_sentry, request_id_context
from maillage.core.tasks import REQUEST_ID_KWARG, enqueue_on_commit, maillage_task
from tests.core.test_tasks import DB_TASKS, run_worker
from tests.factories import UserFactory

SEEN: list[str] = []


@maillage_task(max_attempts=1)
def note_task(*, word: str) -> str:
    logging.getLogger("maillage.tests").info("note %s", word)
    SEEN.append(word)
    return word


def as_json(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "maillage.request"]


def test_one_json_line_per_request_with_its_id_and_the_user_id(client, territory, caplog):
    user = UserFactory(email="jeanne.dupont@example.org")
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="maillage.request"):
        response = client.get("/?q=jeanne.dupont@example.org", HTTP_X_REQUEST_ID="lb-4f2a.91")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-4f2a.91"
    [record] = request_records(caplog)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert {k: entry[k] for k in ("method", "path", "status", "request_id", "user_id")} == {
        "method": "GET",
        "path": "/",
        "status": 200,
        "request_id": "lb-4f2a.91",
        "user_id": user.pk,
    }
    assert entry["duration_ms"] >= 0 and entry["level"] == "INFO"
    assert "jeanne" not in line  # no address, no query string


@pytest.mark.parametrize("given", [None, "", "<script>", "x" * 200, "a b"])
def test_a_missing_or_odd_request_id_is_replaced(client, territory, caplog, given):
    headers = {} if given is None else {"HTTP_X_REQUEST_ID": given}
    with caplog.at_level(logging.INFO, logger="maillage.request"):
        response = client.get("/", **headers)
    issued = response["X-Request-ID"]
    assert len(issued) == 32 and issued != given
    [record] = request_records(caplog)
    assert as_json(record)["request_id"] == issued and as_json(record)["user_id"] is None


def test_an_error_is_logged_with_its_status(client, territory, caplog):
    with caplog.at_level(logging.INFO, logger="maillage.request"):
        client.get("/page-qui-n-existe-pas/")
    [record] = request_records(caplog)
    assert as_json(record)["status"] == 404


@pytest.mark.django_db(transaction=True)
def test_the_request_id_is_carried_into_the_task_and_logged_by_the_worker(settings, caplog):
    settings.TASKS = DB_TASKS
    SEEN.clear()
    with request_id_context("req-7c1"):
        enqueue_on_commit(note_task, word="bonjour")  # autocommit: enqueued at once
    row = DBTaskResult.objects.get(task_path="tests.core.test_logs.note_task")
    assert row.args_kwargs["kwargs"] == {"word": "bonjour", REQUEST_ID_KWARG: "req-7c1"}
    with caplog.at_level(logging.INFO):
        run_worker()
    assert SEEN == ["bonjour"]
    lines = [as_json(r) for r in caplog.records if r.name in ("maillage.tasks", "maillage.tests")]
    assert lines and all(line["request_id"] == "req-7c1" for line in lines)
    assert any(line["message"] == "note bonjour" for line in lines)


def test_outside_a_request_nothing_is_added(db, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DB_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(note_task, word="seul")
    row = DBTaskResult.objects.get(task_path="tests.core.test_logs.note_task")
    assert REQUEST_ID_KWARG not in row.args_kwargs["kwargs"]


def test_sentry_starts_only_with_a_dsn():
    assert init_sentry("") is False
    try:
        import sentry_sdk  # noqa: F401
    except ImportError:
        assert init_sentry("https://cle@sentry.example/1") is False  # extra not installed: ignored
