"""The periodic scheduler: enqueues each registered `PeriodicJob` when it is due, once, whatever the number of
scheduler processes.

One `core.ScheduledJob` row per job holds `next_run_at`. A tick claims the due rows under a database lock
(PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`; SQLite: the IMMEDIATE transaction already takes the write
lock at BEGIN, so ticks are serialised), enqueues the task and moves `next_run_at` on, in one transaction.
The task row of the database backend is written in that same transaction: a run is enqueued if and only if
its claim commits. The scheduler only enqueues; workers run the tasks.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from maillage.core.models import ScheduledJob
from maillage.core.registry import PeriodicJob, registry

logger = logging.getLogger("maillage.scheduler")


@dataclass(frozen=True)
class Enqueued:
    key: str
    task_id: str
    due_at: dt.datetime


def next_run_after(due_at: dt.datetime, every: dt.timedelta, now: dt.datetime) -> dt.datetime:
    """The next due time: one period after the last due time, or one period from now if runs were missed
    (a scheduler that was down does not enqueue a burst of catch-up runs)."""
    following = due_at + every
    return following if following > now else now + every


def ensure_jobs(jobs: Iterable[PeriodicJob], *, now: dt.datetime) -> None:
    """Create the state rows of jobs seen for the first time, due at once (concurrent creations are
    ignored)."""
    rows = [ScheduledJob(name=job.key, next_run_at=now) for job in sorted(jobs, key=lambda j: j.key)]
    if rows:
        ScheduledJob.objects.bulk_create(rows, ignore_conflicts=True)


def tick(*, now: dt.datetime | None = None, jobs: Iterable[PeriodicJob] | None = None) -> list[Enqueued]:
    """Enqueue every due job once; return what this process enqueued.

    A « database is locked » error (another process holds SQLite's write lock past the busy timeout) is logged
    and the tick gives up: the next tick retries.
    """
    now = now or timezone.now()
    by_key = {job.key: job for job in (jobs if jobs is not None else registry.periodic_jobs.values())}
    if not by_key:
        return []
    try:
        ensure_jobs(by_key.values(), now=now)
        return _claim_and_enqueue(by_key, now)
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            logger.warning("Scheduler tick skipped: %s", exc)
            return []
        raise


def _claim_and_enqueue(by_key: dict[str, PeriodicJob], now: dt.datetime) -> list[Enqueued]:
    done: list[Enqueued] = []
    with transaction.atomic():
        due = ScheduledJob.objects.filter(name__in=list(by_key), next_run_at__lte=now).order_by("name")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        for state in due:
            job = by_key[state.name]
            task_: Task = import_string(job.task_path)
            result = task_.enqueue(**dict(job.kwargs))
            due_at = state.next_run_at or now
            state.last_run_at = now
            state.next_run_at = next_run_after(due_at, job.every, now)
            state.last_task_id = str(result.id)[:64]
            state.run_count += 1
            state.save(update_fields=["last_run_at", "next_run_at", "last_task_id", "run_count"])
            done.append(Enqueued(key=job.key, task_id=str(result.id), due_at=due_at))
            logger.info(
                "Scheduled %s (task %s); next at %s", job.key, result.id, state.next_run_at.isoformat()
            )
    return done
