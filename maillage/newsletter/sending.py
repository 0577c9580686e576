"""The sending engine of the lettre: deliver pending rows one by one, finish the issue, resume stalled sends.

Each delivery row is claimed alone (pending → sending, a conditional UPDATE that only one run can win),
handed to the SMTP server, then marked sent: a worker killed in between leaves that one row « sending » —
never sent again, reported as « état inconnu » on the sending page. Runs in autocommit (from the worker).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from maillage.core.mail import territory_url
from maillage.newsletter import rendering
from maillage.newsletter.models import ISSUE_TRANSITIONS, Delivery, Issue, IssueTransition, Subscriber

logger = logging.getLogger("maillage.newsletter")

BATCH_SIZE = 200
_TOKEN = "JETON"


class SendingError(Exception):
    """A delivery could not be handed to the SMTP server for a reason that may pass (retry later)."""


@dataclass(frozen=True)
class SendReport:
    pending: int
    sending: int
    sent: int
    failed: int

    @property
    def total(self) -> int:
        return self.pending + self.sending + self.sent + self.failed

    @property
    def done(self) -> int:
        return self.sent + self.failed


def sending_report(issue: Issue) -> SendReport:
    counts = dict(
        Delivery.objects.filter(issue=issue)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return SendReport(
        pending=counts.get(Delivery.State.PENDING, 0),
        sending=counts.get(Delivery.State.SENDING, 0),
        sent=counts.get(Delivery.State.SENT, 0),
        failed=counts.get(Delivery.State.FAILED, 0),
    )


def deliver_batch(*, issue_id: int, batch_size: int = BATCH_SIZE, connection: Any = None) -> dict[str, Any]:
    """Send up to `batch_size` pending deliveries of a sending issue; returns what it did and whether more
    remain. Runs in autocommit: each row is claimed alone (pending → sending, a conditional UPDATE that a
    concurrent run cannot win twice), handed to the SMTP server, then marked sent. A worker killed between
    the two leaves that single row « sending »: it is never sent again, only reported."""
    issue = Issue.objects.select_related("territory").filter(pk=issue_id).first()
    if issue is None or issue.status != Issue.Status.SENDING:
        return {"sent": 0, "failed": 0, "more": False}
    rows = list(
        Delivery.objects.filter(issue=issue, state=Delivery.State.PENDING)
        .select_related("subscriber")
        .order_by("pk")[:batch_size]
    )
    prepared = rendering.prepare(issue) if rows else None
    unsubscribe_base = territory_url(issue.territory, "newsletter:unsubscribe", token=_TOKEN)
    sent = failed = 0
    connection = connection or get_connection()
    opened = False
    try:
        for row in rows:
            message_id = rendering.message_id(issue, row.pk)
            claimed = Delivery.objects.filter(pk=row.pk, state=Delivery.State.PENDING).update(
                state=Delivery.State.SENDING, message_id=message_id, updated_at=timezone.now()
            )
            if not claimed:
                continue  # another run has it
            subscriber = row.subscriber
            if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
                _finish(row.pk, Delivery.State.FAILED, "désabonné avant l'envoi")
                failed += 1
                continue
            message = prepared.message_for(
                to=subscriber.email,
                unsubscribe_url=unsubscribe_base.replace(_TOKEN, rendering.unsubscribe_token(subscriber)),
                message_id=message_id,
            )
            try:
                if not opened:
                    connection.open()
                    opened = True
                connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused as exc:
                _finish(row.pk, Delivery.State.FAILED, f"adresse refusée par le serveur : {exc}"[:500])
                failed += 1
                continue
            except (smtplib.SMTPException, OSError) as exc:
                # Not accepted by the server: the row goes back to pending and the run is retried later.
                Delivery.objects.filter(pk=row.pk, state=Delivery.State.SENDING).update(
                    state=Delivery.State.PENDING, error=f"{type(exc).__name__}: {exc}"[:500]
                )
                raise SendingError(str(exc)) from exc
            _finish(row.pk, Delivery.State.SENT, "")
            sent += 1
    finally:
        if opened:
            connection.close()
    more = Delivery.objects.filter(issue=issue, state=Delivery.State.PENDING).exists()
    Issue.objects.filter(pk=issue.pk).update(last_progress_at=timezone.now())
    if not more:
        finish_issue(issue=issue)
    return {"sent": sent, "failed": failed, "more": more}


def _finish(pk: int, state: str, error: str) -> None:
    Delivery.objects.filter(pk=pk, state=Delivery.State.SENDING).update(
        state=state, error=error, updated_at=timezone.now()
    )


@transaction.atomic
def finish_issue(*, issue: Issue) -> bool:
    """sending → sent once no delivery is pending (rows left « sending » by a killed worker are reported)."""
    if Delivery.objects.filter(issue=issue, state=Delivery.State.PENDING).exists():
        return False
    flipped = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
        status=Issue.Status.SENT, sent_at=timezone.now()
    )
    if flipped:
        _log_transition(issue, Issue.Status.SENDING, Issue.Status.SENT)
        report = sending_report(issue)
        if report.sending:
            logger.warning(
                "Issue %s sent; %d deliveries in an unknown state (worker interrupted)",
                issue.pk,
                report.sending,
            )
    return bool(flipped)


def resume_stalled_sends(
    *, enqueue: Callable[[int], Any], stalled_after: dt.timedelta = dt.timedelta(minutes=10)
) -> int:
    """Periodic: re-enqueue the sending of issues that made no progress for a while (a killed worker whose
    task was lost). Safe even if the original run is alive: rows are claimed one by one."""
    cutoff = timezone.now() - stalled_after
    count = 0
    for issue in Issue.objects.filter(status=Issue.Status.SENDING, last_progress_at__lt=cutoff):
        Issue.objects.filter(pk=issue.pk).update(last_progress_at=timezone.now())
        enqueue(issue.pk)
        count += 1
    return count


def _log_transition(issue: Issue, from_status: str, to_status: str) -> None:
    assert to_status in ISSUE_TRANSITIONS[from_status]
    IssueTransition.objects.create(issue=issue, actor=None, from_status=from_status, to_status=to_status)
