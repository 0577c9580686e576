"""Background work of the lettre: delivering an issue batch by batch, resuming stalled sends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maillage.core.tasks import enqueue_on_commit, maillage_task
from maillage.newsletter import sending


@maillage_task(
    queue_name="mail",
    max_attempts=8,
    base_delay=dt.timedelta(seconds=30),
    retry_on=(sending.SendingError,),
    idempotent=True,  # re-running only sends rows still pending: the reaper may re-enqueue it
)
def deliver_issue_task(issue_id: int) -> dict[str, Any]:
    """Send one batch of an issue, then enqueue the next batch (so other mail is not held up)."""
    result = sending.deliver_batch(issue_id=issue_id)
    if result["more"]:
        enqueue_on_commit(deliver_issue_task, issue_id)
    return result


@maillage_task(max_attempts=1)
def resume_stalled_sends_task() -> int:
    """Periodic: restart the sending of issues that made no progress for ten minutes."""
    return sending.resume_stalled_sends(enqueue=lambda pk: enqueue_on_commit(deliver_issue_task, pk))
