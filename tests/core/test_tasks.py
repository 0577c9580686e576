"""Background work: the outbox (enqueue on commit), retries with backoff, the reaper.

Tasks run on the real database backend (django-tasks-db) and the worker's own loop (`Worker(batch=True)`).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from maillage.core.tasks import (
    ATTEMPT_KWARG,
    REAPED_EXCEPTION_PATH,
    RetryPolicy,
    enqueue_on_commit,
    maillage_task,
    reap_stale_tasks,
)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}

CALLS: list[str] = []


class Boom(Exception):
    pass


@task()
def record(value: str) -> str:
    CALLS.append(value)
    return value


@maillage_task(max_attempts=3, base_delay=dt.timedelta(seconds=30))
def always_fails(label: str) -> None:
    CALLS.append(label)
    raise Boom(f"échec {label}")


@maillage_task(max_attempts=5, base_delay=dt.timedelta(seconds=10))
def fails_once(label: str) -> str:
    CALLS.append(label)
    if CALLS.count(label) == 1:
        raise Boom("première tentative")
    return f"ok {label}"


@maillage_task(max_attempts=3, idempotent=True)
def idempotent_job(n: int) -> int:
    return n


@maillage_task(max_attempts=3)
def not_idempotent_job(n: int) -> int:
    return n


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.fixture
def db_backend(settings):
    settings.TASKS = DB_TASKS


def run_worker() -> None:
    """What `db_worker --batch` does: run every task that is ready, then return (it closes old connections:
    tests that call it use `transaction=True`)."""
    Worker(
        queue_names=["default", "mail"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def make_due() -> None:
    """Time passes: every deferred run becomes ready."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


# --- the outbox ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_waits_for_the_commit(db_backend):
    with transaction.atomic():
        enqueue_on_commit(record, "après validation")
        assert DBTaskResult.objects.count() == 0
    row = DBTaskResult.objects.get()
    assert row.task_path == "tests.core.test_tasks.record"
    assert row.args_kwargs == {"args": ["après validation"], "kwargs": {}}
    run_worker()
    assert CALLS == ["après validation"]


@pytest.mark.django_db(transaction=True)
def test_rollback_enqueues_nothing(db_backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(record, "jamais")
        raise RuntimeError("annulé")
    assert DBTaskResult.objects.count() == 0
    run_worker()
    assert CALLS == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_with_the_immediate_backend_runs_after_commit():
    with transaction.atomic():
        enqueue_on_commit(record, "immédiat")
        assert CALLS == []
    assert CALLS == ["immédiat"]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_enqueues_at_once(db_backend):
    enqueue_on_commit(record, "tout de suite")
    assert DBTaskResult.objects.count() == 1


# --- retries -------------------------------------------------------------------------------------------


def test_backoff_doubles_is_jittered_and_capped():
    policy = RetryPolicy(base_delay=dt.timedelta(seconds=30), max_delay=dt.timedelta(minutes=5))
    for attempt, full in [(1, 30), (2, 60), (3, 120), (4, 240), (5, 300), (9, 300)]:
        delays = {policy.delay(attempt) for _ in range(50)}
        assert all(dt.timedelta(seconds=full / 2) <= d <= dt.timedelta(seconds=full) for d in delays)
        assert len(delays) > 1  # jittered


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_retried_later_then_gives_up(db_backend):
    always_fails.enqueue("a")
    run_worker()

    first = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert first.exception_class_path == "maillage.core.tasks.RetryScheduled"
    assert "Boom" in first.traceback  # the real error is chained
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs == {"args": ["a"], "kwargs": {ATTEMPT_KWARG: 2}}
    # Deferred by the backoff (between half and all of 30 s after the failure): not run by this batch.
    assert dt.timedelta(seconds=15) <= retry.run_after - first.finished_at <= dt.timedelta(seconds=31)
    assert CALLS == ["a"]

    make_due()
    run_worker()
    third = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert third.args_kwargs["kwargs"] == {ATTEMPT_KWARG: 3}
    assert CALLS == ["a", "a"]

    make_due()
    run_worker()
    # Third attempt was the last: the real error is recorded, nothing more is enqueued.
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [r.status for r in rows] == [TaskResultStatus.FAILED] * 3
    assert rows[-1].exception_class_path == "tests.core.test_tasks.Boom"
    assert CALLS == ["a", "a", "a"]
    make_due()
    run_worker()
    assert CALLS == ["a", "a", "a"]


@pytest.mark.django_db(transaction=True)
def test_a_flaky_task_succeeds_on_its_retry(db_backend):
    fails_once.enqueue("b")
    run_worker()
    make_due()
    run_worker()
    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", "return_value"))
    assert statuses == [(TaskResultStatus.FAILED, None), (TaskResultStatus.SUCCESSFUL, "ok b")]


def test_the_immediate_backend_records_the_failure_without_retrying():
    result = always_fails.enqueue("c")
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "tests.core.test_tasks.Boom"
    assert CALLS == ["c"]


def test_task_paths_are_stable():
    from maillage.core.mail import send_mail_task
    from maillage.core.tasks import prune_task_results_task, reap_stale_tasks_task, run_retention_task

    assert send_mail_task.module_path == "maillage.core.mail.send_mail_task"
    assert send_mail_task.queue_name == "mail"
    assert reap_stale_tasks_task.module_path == "maillage.core.tasks.reap_stale_tasks_task"
    assert run_retention_task.module_path == "maillage.core.tasks.run_retention_task"
    assert prune_task_results_task.module_path == "maillage.core.tasks.prune_task_results_task"


# --- the reaper ----------------------------------------------------------------------------------------


def running_row(task_path: str, *, started_minutes_ago: int, kwargs: dict | None = None) -> DBTaskResult:
    started = timezone.now() - dt.timedelta(minutes=started_minutes_ago)
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        task_path=task_path,
        args_kwargs={"args": [7], "kwargs": kwargs or {}},
        queue_name="default",
        backend_name="default",
        run_after=started,
        started_at=started,
        worker_ids=["tué"],
    )


@pytest.mark.django_db(transaction=True)
def test_reaper_fails_stale_runs_and_requeues_idempotent_ones(db_backend):
    stale_idem = running_row("tests.core.test_tasks.idempotent_job", started_minutes_ago=120)
    stale_other = running_row("tests.core.test_tasks.not_idempotent_job", started_minutes_ago=120)
    last_attempt = running_row(
        "tests.core.test_tasks.idempotent_job", started_minutes_ago=120, kwargs={ATTEMPT_KWARG: 3}
    )
    gone = running_row("tests.core.test_tasks.no_such_task", started_minutes_ago=120)
    fresh = running_row("tests.core.test_tasks.idempotent_job", started_minutes_ago=2)

    report = reap_stale_tasks(older_than=dt.timedelta(minutes=30))

    assert (report.reaped, report.requeued) == (4, 1)
    for row in (stale_idem, stale_other, last_attempt, gone):
        row.refresh_from_db()
        assert row.status == TaskResultStatus.FAILED
        assert row.exception_class_path == REAPED_EXCEPTION_PATH
        assert "reaped" in row.traceback
        assert row.finished_at is not None
    fresh.refresh_from_db()
    assert fresh.status == TaskResultStatus.RUNNING
    requeued = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert requeued.task_path == "tests.core.test_tasks.idempotent_job"
    assert requeued.args_kwargs == {"args": [7], "kwargs": {ATTEMPT_KWARG: 2}}

    run_worker()
    requeued.refresh_from_db()
    assert (requeued.status, requeued.return_value) == (TaskResultStatus.SUCCESSFUL, 7)


def test_reap_tasks_command_uses_the_setting(db, db_backend, settings, django_capture_on_commit_callbacks):
    settings.MAILLAGE_TASK_REAP_AFTER = dt.timedelta(minutes=60)
    old = running_row("tests.core.test_tasks.not_idempotent_job", started_minutes_ago=90)
    recent = running_row("tests.core.test_tasks.not_idempotent_job", started_minutes_ago=45)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reap_tasks")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == TaskResultStatus.FAILED
    assert recent.status == TaskResultStatus.RUNNING


def test_prune_deletes_old_finished_results_only(db, db_backend):
    from maillage.core.tasks import prune_task_results_task

    now = timezone.now()
    old = DBTaskResult.objects.create(
        status=TaskResultStatus.SUCCESSFUL,
        task_path="x.y",
        args_kwargs={},
        backend_name="default",
        run_after=now,
        finished_at=now - dt.timedelta(days=40),
    )
    recent = DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        task_path="x.y",
        args_kwargs={},
        backend_name="default",
        run_after=now,
        finished_at=now - dt.timedelta(days=3),
    )
    waiting = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        task_path="x.y",
        args_kwargs={},
        backend_name="default",
        run_after=now - dt.timedelta(days=60),
    )
    assert prune_task_results_task.call(days=30) == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()


def test_retention_job_calls_every_hook(db):
    from maillage.core.registry import PersonalDataHook, Registry, registry
    from maillage.core.tasks import run_retention_task

    seen = []
    fresh = Registry()
    fresh.add_personal_data(
        PersonalDataHook(
            key="a",
            label="A",
            export=dict,
            erase=lambda u, **k: None,
            retention=lambda now: seen.append(now) or 3,
        )
    )
    fresh.add_personal_data(PersonalDataHook(key="b", label="B", export=dict, erase=lambda u, **k: None))
    with registry.override(fresh):
        assert run_retention_task.call() == {"a": 3}
    assert len(seen) == 1
