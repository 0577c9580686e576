"""The periodic scheduler: due jobs are enqueued once, even by two schedulers ticking at the same time."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from maillage.core.models import ScheduledJob
from maillage.core.registry import PeriodicJob, Registry, registry
from maillage.core.scheduler import next_run_after, tick

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}


@task()
def hourly(*, label: str = "") -> str:
    return label


@task()
def daily() -> None:
    return None


JOBS = [
    PeriodicJob(
        key="test.hourly",
        task_path="tests.core.test_scheduler.hourly",
        every=dt.timedelta(hours=1),
        kwargs={"label": "toutes les heures"},
    ),
    PeriodicJob(key="test.daily", task_path="tests.core.test_scheduler.daily", every=dt.timedelta(days=1)),
]


@pytest.fixture
def db_backend(settings):
    settings.TASKS = DB_TASKS


@pytest.fixture
def jobs_registry():
    fresh = Registry()
    for job in JOBS:
        fresh.add_periodic_job(job)
    with registry.override(fresh):
        yield fresh


def enqueued_paths() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_next_run_follows_the_period_without_catching_up():
    t0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    assert next_run_after(t0, hour, now=t0 + dt.timedelta(minutes=2)) == t0 + hour
    # Down for a day: one run now, the next one a period later (no burst of missed runs).
    late = t0 + dt.timedelta(days=1)
    assert next_run_after(t0, hour, now=late) == late + hour


def test_a_tick_enqueues_due_jobs_once_then_when_due_again(db, db_backend, jobs_registry):
    now = timezone.now()
    done = tick(now=now)
    assert sorted(e.key for e in done) == ["test.daily", "test.hourly"]
    assert enqueued_paths() == ["tests.core.test_scheduler.daily", "tests.core.test_scheduler.hourly"]
    hourly_row = DBTaskResult.objects.get(task_path="tests.core.test_scheduler.hourly")
    assert hourly_row.args_kwargs == {"args": [], "kwargs": {"label": "toutes les heures"}}

    assert tick(now=now + dt.timedelta(minutes=30)) == []
    assert DBTaskResult.objects.count() == 2

    done = tick(now=now + dt.timedelta(hours=1))
    assert [e.key for e in done] == ["test.hourly"]
    state = ScheduledJob.objects.get(name="test.hourly")
    assert state.run_count == 2
    assert state.next_run_at == now + dt.timedelta(hours=2)
    assert state.last_task_id == str(DBTaskResult.objects.order_by("-enqueued_at").first().id)
    assert ScheduledJob.objects.get(name="test.daily").run_count == 1


def test_scheduler_once_command(db, db_backend, jobs_registry):
    call_command("scheduler", "--once")
    assert len(enqueued_paths()) == 2
    call_command("scheduler", "--once")
    assert len(enqueued_paths()) == 2


def test_core_registers_its_periodic_jobs():
    assert registry.periodic_jobs["core.reap_stale_tasks"].every == dt.timedelta(minutes=5)
    assert registry.periodic_jobs["core.personal_data_retention"].every == dt.timedelta(days=1)
    assert registry.periodic_jobs["core.prune_task_results"].kwargs == {"days": 30}
    from django.utils.module_loading import import_string

    for job in registry.periodic_jobs.values():
        import_string(job.task_path)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_ticking_together_enqueue_each_run_once(db_backend, jobs_registry):
    """Two scheduler threads, each with its own database connection, tick at the same instants."""
    now = timezone.now()
    rounds = 6
    barrier = threading.Barrier(2)
    results: dict[str, list] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def scheduler(name: str) -> None:
        try:
            for _ in range(rounds):
                barrier.wait(timeout=30)
                results[name].extend(tick(now=now, jobs=JOBS))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler, args=(name,)) for name in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    claimed = sorted(e.key for e in results["a"] + results["b"])
    assert claimed == ["test.daily", "test.hourly"]
    assert enqueued_paths() == ["tests.core.test_scheduler.daily", "tests.core.test_scheduler.hourly"]
    assert sorted(ScheduledJob.objects.values_list("name", "run_count")) == [
        ("test.daily", 1),
        ("test.hourly", 1),
    ]
    # The next period is claimed once too.
    later = now + dt.timedelta(hours=1)
    assert [e.key for e in tick(now=later, jobs=JOBS)] == ["test.hourly"]
    assert connection.vendor in {"sqlite", "postgresql"}
