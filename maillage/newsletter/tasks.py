"""Background work of the lettre: delivering an issue batch by batch, resuming stalled sends.

`deliver_issue_task` is declared beside the engine (`services.sending`), which `start_sending` enqueues;
it is re-exported here, where the worker and the registry look for the app's tasks.
"""

from __future__ import annotations

from maillage.core.tasks import enqueue_on_commit, maillage_task
from maillage.newsletter.services.sending import deliver_issue_task, resume_stalled_sends

__all__ = ["deliver_issue_task", "resume_stalled_sends_task"]


@maillage_task(max_attempts=1)
def resume_stalled_sends_task() -> int:
    """Periodic: restart the sending of issues that made no progress for ten minutes. On commit is enough:
    `deliver_issue_task` is idempotent, and a run lost here is re-derived by this job's next run."""
    return resume_stalled_sends(enqueue=lambda pk: enqueue_on_commit(deliver_issue_task, pk))
