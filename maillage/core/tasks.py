"""Background work on top of django-tasks: the outbox, retries with backoff, the reaper.

- `enqueue_with_transaction(task, ...)` is the outbox: services call it inside their transaction and the
  task's queue row is written in it, so it commits with the data or not at all — even if the process is
  killed right after the COMMIT. Every service that queues a mail or a piece of work uses it.
- `enqueue_on_commit(task, ...)` enqueues once the transaction commits (a rollback enqueues nothing), but a
  process killed between the COMMIT and the hook loses the task: kept only for idempotent tasks that a
  periodic job re-derives (the lettre's next batch, re-sent by `resume_stalled_sends_task`).
- `maillage_task(...)` declares a task that is retried with exponential backoff (`retrying(...)` is the same
  wrapper, to put under `@task`). A failed attempt re-enqueues a fresh run whose `run_after` is later and
  whose reserved keyword argument `_attempt` carries the attempt number; the failed run is recorded as
  FAILED with a `RetryScheduled` error chained to the real one. After `max_attempts` the real error is
  recorded and nothing more is enqueued.
- `reap_stale_tasks(...)` marks runs left RUNNING by a killed worker as FAILED (« reaped ») and re-enqueues
  those whose task is declared `idempotent`.

Tasks are referenced by dotted path in the queue table (`maillage.core.tasks.send_mail_task`): keep the
module-level names of tasks stable.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.base import DEFAULT_TASK_PRIORITY, DEFAULT_TASK_QUEUE_NAME, Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from maillage.core.logs import current_request_id, request_id_context
from maillage.core.registry import registry

logger = logging.getLogger("maillage.tasks")

F = TypeVar("F", bound=Callable[..., Any])

ATTEMPT_KWARG = "_attempt"
REQUEST_ID_KWARG = "_request_id"  # the id of the request that enqueued the run, logged by the worker
REAPED_EXCEPTION_PATH = "maillage.core.tasks.TaskReaped"


class RetryScheduled(Exception):
    """Recorded on a failed attempt that has been re-enqueued (the real error is its `__cause__`)."""


class TaskReaped(Exception):
    """Recorded (by path) on a run the reaper found RUNNING for too long: its worker was presumably killed."""


# --- the outbox --------------------------------------------------------------------------------------


def enqueue_on_commit(task_: Task | str, /, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task_(*args, **kwargs)` once the current transaction commits; nothing on rollback.

    `task_` is the task or its dotted path (`"maillage.actors.tasks.run_import_task"`, as the queue table
    names it): a services module enqueues its app's tasks by path, so that it need not import the tasks
    module that calls it.

    Outside a transaction (autocommit) it enqueues at once. Arguments must be JSON-serialisable: pass ids,
    not model instances. A task declared with `maillage_task` also gets the current request's id (reserved
    argument `_request_id`), which its run logs. Tests using the `db` fixture run inside a transaction that
    never commits: use
    `django_capture_on_commit_callbacks(execute=True)` or `transactional_db`.
    """
    if isinstance(task_, str):
        found = import_string(task_)
        if not isinstance(found, Task):
            raise TypeError(f"{task_} is not a task")
        task_ = found
    request_id = current_request_id()
    if request_id and task_policy(task_) is not None:  # only our wrapper knows the reserved argument
        kwargs[REQUEST_ID_KWARG] = request_id
    transaction.on_commit(functools.partial(task_.enqueue, *args, **kwargs))


def enqueue_with_transaction(task_: Task | str, /, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task_(*args, **kwargs)` as part of the current transaction: with the database backend the
    queue row is written now, so it commits with the data or not at all. `enqueue_on_commit` leaves a gap
    between the COMMIT and the enqueue: a web process killed there (SIGKILL, OOM) has committed the data and
    lost the task (tests/faults/test_registration_burst.py). For the work that must follow a write — a
    confirmation mail — whatever kills the process. The worker cannot see the row before the commit.

    Other backends (the tests' immediate one, which would run the task before the data is committed), or
    outside a transaction: as `enqueue_on_commit`.
    """
    if isinstance(task_, str):
        found = import_string(task_)
        if not isinstance(found, Task):
            raise TypeError(f"{task_} is not a task")
        task_ = found
    if not (
        transaction.get_connection().in_atomic_block and isinstance(task_.get_backend(), DatabaseBackend)
    ):
        enqueue_on_commit(task_, *args, **kwargs)
        return
    request_id = current_request_id()
    if request_id and task_policy(task_) is not None:
        kwargs[REQUEST_ID_KWARG] = request_id
    task_.enqueue(*args, **kwargs)


# --- retries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How a task is retried. `idempotent`: running it twice is harmless, so the reaper may re-run it."""

    max_attempts: int = 5
    base_delay: dt.timedelta = dt.timedelta(seconds=30)
    max_delay: dt.timedelta = dt.timedelta(hours=1)
    retry_on: tuple[type[BaseException], ...] = (Exception,)
    idempotent: bool = False

    def delay(self, attempt: int) -> dt.timedelta:
        """Backoff before the run that follows failed attempt `attempt` (1-based): base * 2**(attempt-1),
        capped at `max_delay`, with « equal jitter » (between half and all of it)."""
        raw = min(self.base_delay * (2 ** max(attempt - 1, 0)), self.max_delay)
        return raw / 2 + raw / 2 * random.random()


def task_policy(task_: Task) -> RetryPolicy | None:
    """The retry policy of a task declared with `maillage_task`/`retrying`, else None."""
    return getattr(task_.func, "maillage_policy", None)


def _own_task(func: Callable[..., Any]) -> Task:
    """The module-level Task wrapping `func` (what the queue table's `task_path` points to)."""
    found = import_string(f"{func.__module__}.{func.__qualname__}")
    if not isinstance(found, Task):
        raise TypeError(f"{func.__module__}.{func.__qualname__} is not a module-level task")
    return found


def retrying(
    *,
    max_attempts: int = 5,
    base_delay: dt.timedelta = dt.timedelta(seconds=30),
    max_delay: dt.timedelta = dt.timedelta(hours=1),
    retry_on: tuple[type[BaseException], ...] = (Exception,),
    idempotent: bool = False,
) -> Callable[[F], F]:
    """Wrap a task function (under `@task(...)`) so that a failure re-enqueues it later, up to `max_attempts`.

    Backends that cannot defer a run (the ImmediateBackend of the tests) do not retry: the error is recorded.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    policy = RetryPolicy(
        max_attempts=max_attempts,
        base_delay=base_delay,
        max_delay=max_delay,
        retry_on=retry_on,
        idempotent=idempotent,
    )

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            request_id = str(kwargs.pop(REQUEST_ID_KWARG, "") or "")
            with request_id_context(request_id or current_request_id()):
                return _run(args, kwargs, attempt, request_id)

        def _run(args: tuple[Any, ...], kwargs: dict[str, Any], attempt: int, request_id: str) -> Any:
            logger.info("Task %s.%s: attempt %d", func.__module__, func.__qualname__, attempt)
            try:
                return func(*args, **kwargs)
            except policy.retry_on as exc:
                own = _own_task(wrapper)
                name = own.module_path
                if attempt >= policy.max_attempts:
                    logger.error(
                        "Task %s failed at attempt %d/%d: giving up", name, attempt, policy.max_attempts
                    )
                    raise
                if not own.get_backend().supports_defer:
                    logger.warning("Task %s failed; its backend cannot defer a retry", name)
                    raise
                run_after = timezone.now() + policy.delay(attempt)
                carried = {REQUEST_ID_KWARG: request_id} if request_id else {}
                retry = own.using(run_after=run_after).enqueue(
                    *args, **{**kwargs, **carried, ATTEMPT_KWARG: attempt + 1}
                )
                logger.warning(
                    "Task %s failed at attempt %d/%d: retry %s after %s",
                    name,
                    attempt,
                    policy.max_attempts,
                    retry.id,
                    run_after.isoformat(),
                )
                raise RetryScheduled(
                    f"attempt {attempt}/{policy.max_attempts} failed; "
                    f"retry {retry.id} after {run_after.isoformat()}"
                ) from exc

        wrapper.maillage_policy = policy  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def maillage_task(
    *,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    priority: int = DEFAULT_TASK_PRIORITY,
    max_attempts: int = 5,
    base_delay: dt.timedelta = dt.timedelta(seconds=30),
    max_delay: dt.timedelta = dt.timedelta(hours=1),
    retry_on: tuple[type[BaseException], ...] = (Exception,),
    idempotent: bool = False,
) -> Callable[[Callable[..., Any]], Task]:
    """`@task(...)` with retries: the way to declare a Maillage task (`max_attempts=1`: no retry)."""

    def decorate(func: Callable[..., Any]) -> Task:
        wrapped = retrying(
            max_attempts=max_attempts,
            base_delay=base_delay,
            max_delay=max_delay,
            retry_on=retry_on,
            idempotent=idempotent,
        )(func)
        return task(queue_name=queue_name, priority=priority)(wrapped)

    return decorate


# --- the reaper --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReapReport:
    reaped: int
    requeued: int


def reap_stale_tasks(*, older_than: dt.timedelta | None = None, now: dt.datetime | None = None) -> ReapReport:
    """Mark runs RUNNING since before `now - older_than` as FAILED (« reaped »); re-enqueue idempotent ones.

    `older_than` defaults to `settings.MAILLAGE_TASK_REAP_AFTER` and must exceed the longest task's run: a run
    still alive past it would be reaped (and its late result would overwrite the FAILED status).
    """
    older_than = older_than if older_than is not None else settings.MAILLAGE_TASK_REAP_AFTER
    now = now or timezone.now()
    reaped = requeued = 0
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - older_than).order_by("started_at")
    for row in stale:
        note = (
            f"{REAPED_EXCEPTION_PATH}: reaped at {now.isoformat()}: RUNNING since "
            f"{row.started_at.isoformat()} (worker {', '.join(row.worker_ids) or '?'}), "
            f"presumed killed\n"
        )
        with transaction.atomic():
            # Conditional update: a run that finished meanwhile is left alone.
            updated = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=REAPED_EXCEPTION_PATH,
                traceback=note,
                return_value=None,
            )
            if not updated:
                continue
            reaped += 1
            if _requeue_if_idempotent(row):
                requeued += 1
    if reaped:
        logger.warning("Reaped %d stale task run(s), re-enqueued %d", reaped, requeued)
    return ReapReport(reaped=reaped, requeued=requeued)


def _requeue_if_idempotent(row: Any) -> bool:
    try:
        task_ = row.task
    except Exception:  # the task no longer exists (renamed or removed)
        logger.exception("Reaped task %s (%s) cannot be loaded", row.pk, row.task_path)
        return False
    policy = task_policy(task_)
    if policy is None or not policy.idempotent:
        return False
    args = list(row.args_kwargs.get("args", []))
    kwargs = dict(row.args_kwargs.get("kwargs", {}))
    attempt = int(kwargs.get(ATTEMPT_KWARG, 1))
    if attempt >= policy.max_attempts:
        logger.error("Reaped task %s (%s) was at its last attempt: not re-enqueued", row.pk, row.task_path)
        return False
    kwargs[ATTEMPT_KWARG] = attempt + 1
    # row.task carries the row's queue, priority and backend; run as soon as a worker is free.
    transaction.on_commit(functools.partial(task_.using(run_after=timezone.now()).enqueue, *args, **kwargs))
    return True


# --- periodic jobs registered by core (see maillage/core/module.py) ---------------------------------


@maillage_task(max_attempts=1)
def reap_stale_tasks_task() -> dict[str, int]:
    """Periodic: reap runs left RUNNING by a killed worker."""
    report = reap_stale_tasks()
    return {"reaped": report.reaped, "requeued": report.requeued}


@maillage_task(max_attempts=3, idempotent=True)
def run_retention_task() -> dict[str, int]:
    """Periodic (daily): every personal-data hook's `retention(now)`; returns the count deleted per hook."""
    now = timezone.now()
    counts: dict[str, int] = {}
    for hook in registry.ordered_personal_data():
        if hook.retention is not None:
            counts[hook.key] = int(hook.retention(now) or 0)
    return counts


@maillage_task(max_attempts=3, idempotent=True)
def prune_task_results_task(*, days: int = 30) -> int:
    """Periodic (daily): delete finished task results older than `days` (their arguments may name people)."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
