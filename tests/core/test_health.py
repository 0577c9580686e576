"""/healthz (and /api/v1/sante): each part the site needs is stopped for real and named in a 503."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
import time_machine
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django_tasks_db.models import DBTaskResult

from maillage.core.health import HEARTBEAT_KEY, worker_heartbeat_task
from maillage.core.registry import registry
from maillage.core.scheduler import tick

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(path: str = "/healthz", host: str = "10.0.0.7"):
    # A load balancer probes by IP: the host is in no ALLOWED_HOSTS.
    return Client(HTTP_HOST=host).get(path)


@pytest.fixture
def queue(settings):
    """A real queue backend (the tests' ImmediateBackend has no worker to check)."""
    settings.TASKS = QUEUE


def test_all_parts_up_answers_ok(db, queue):
    worker_heartbeat_task.call()  # what the worker runs every minute
    for path in ("/healthz", "/api/v1/sante"):
        response = get(path)
        assert response.status_code == 200, response.content
        assert response.json() == {
            "status": "ok",
            "checks": {"database": "ok", "cache": "ok", "worker": "ok"},
        }
        assert response["Cache-Control"] == "no-store"


def test_answers_before_the_host_check_and_the_https_redirect(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = get(host="adresse-inconnue.example")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    # Any other page on that host is still refused: only the health paths are let through.
    assert get("/", host="adresse-inconnue.example").status_code in (301, 400)


def test_no_heartbeat_names_the_worker(db, queue):
    response = get()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"] == "aucun signal du worker des tâches"


def test_a_stale_heartbeat_names_the_worker(db, queue, settings):
    settings.MAILLAGE_WORKER_HEARTBEAT_STALE = dt.timedelta(minutes=5)
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=9)):
        worker_heartbeat_task.call()
    response = get()
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
    assert "il y a 9 min" in response.json()["checks"]["worker"]


def test_a_redis_that_does_not_answer_names_the_cache(db, queue, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = get()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache", "worker"]  # the heartbeat lives in the cache
    assert body["checks"]["cache"] == "cache injoignable"


def test_a_working_redis_is_ok(db, queue, settings):
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "maillage-health-test",
        }
    }
    worker_heartbeat_task.call()
    assert get().status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_names_the_database(queue):
    worker_heartbeat_task.call()
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/maillage.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    try:
        response = get()
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == "base de données injoignable"


def test_the_heartbeat_is_a_periodic_job_of_every_minute():
    job = registry.periodic_jobs["core.worker_heartbeat"]
    assert job.every == dt.timedelta(minutes=1)
    assert job.task_path == "maillage.core.health.worker_heartbeat_task"


def test_the_heartbeat_goes_through_the_queue(db, queue):
    tick(jobs=[registry.periodic_jobs["core.worker_heartbeat"]])
    row = DBTaskResult.objects.get(task_path="maillage.core.health.worker_heartbeat_task")
    assert cache.get(HEARTBEAT_KEY) is None  # enqueued, not yet run: only a worker writes it
    assert row.status == "READY"
