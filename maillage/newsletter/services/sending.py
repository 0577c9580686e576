"""The sending engine of the lettre: deliveries go out chunk by chunk, then the issue is finished.

One chunk (`CHUNK_SIZE` deliveries) is a batch in three steps, so that no transaction is ever open while
the SMTP server is being talked to and a retry never sends a message twice:

1. claim (one transaction, committed): each pending row of the chunk moves pending → sending through core's
   machine (the row is locked and checked: a row a concurrent run claimed first is skipped); a recipient
   unsubscribed meanwhile moves pending → failed;
2. hand over (no transaction): the claimed messages go to the SMTP server, one connection per run;
3. record (one transaction, committed): each claimed row moves to sent, to failed (address refused), or back
   to pending (the server did not take it: the run stops with `SendingError` and is retried later).

The issue's progress (`last_progress_at`) is written after each chunk, outside its transactions. A worker
killed between 1 and 3 leaves that chunk « sending »: its fate is unknown, so a resumed send never re-sends
it but reports it (« état inconnu »). When no row is pending any more, the issue moves sending → sent.
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

from maillage.core.actors import system
from maillage.core.machines import TransitionError, transition
from maillage.core.mail import territory_url
from maillage.core.tasks import enqueue_on_commit, maillage_task
from maillage.newsletter import rendering
from maillage.newsletter.models import Delivery, Issue, Subscriber

logger = logging.getLogger("maillage.newsletter")

CHUNK_SIZE = 200  # deliveries per transaction
BATCH_SIZE = 200  # deliveries per task run (then the next run is enqueued, so other mail is not held up)
SENDER = system("envoi de la lettre")
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


@dataclass
class Claim:
    rows: list[Delivery]  # claimed (now « sending »), to hand over
    skipped: int  # unsubscribed meanwhile: failed at once
    seen: int  # pending rows looked at


@transaction.atomic
def claim_chunk(*, issue: Issue, size: int) -> Claim:
    """Step 1: claim up to `size` pending deliveries (committed when this returns)."""
    rows = list(
        Delivery.objects.filter(issue=issue).pending().select_related("subscriber").order_by("pk")[:size]
    )
    claimed, skipped = [], 0
    for row in rows:
        subscriber = row.subscriber
        try:
            if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
                transition(
                    row,
                    Delivery.State.FAILED,
                    actor=SENDER,
                    also={"error": "désabonné avant l'envoi"},
                    note="désabonné avant l'envoi",
                )
                skipped += 1
                continue
            transition(
                row,
                Delivery.State.SENDING,
                actor=SENDER,
                also={"message_id": rendering.message_id(issue, row.pk)},
            )
        except TransitionError:
            continue  # another run has it
        claimed.append(row)
    return Claim(rows=claimed, skipped=skipped, seen=len(rows))


@transaction.atomic
def record_chunk(*, outcomes: list[tuple[Delivery, str, str]]) -> None:
    """Step 3: the fate of each claimed delivery, (row, new state, error), committed together."""
    for row, state, error in outcomes:
        also = {"error": error[:500]} if error or state != Delivery.State.PENDING else {}
        transition(row, state, actor=SENDER, also=also, note=error[:300])


def stamp_progress(*, issue: Issue) -> None:
    """The issue made progress (read by the reaper of stalled sends); its own short write."""
    Issue.objects.filter(pk=issue.pk).update(last_progress_at=timezone.now())


def _hand_over(
    issue: Issue, rows: list[Delivery], prepared: Any, connection: Any, state: dict[str, bool]
) -> tuple[list[tuple[Delivery, str, str]], BaseException | None]:
    """Step 2, outside any transaction: each row's outcome, and the error that stopped the run, if any."""
    unsubscribe_base = territory_url(issue.territory, "newsletter:unsubscribe", token=_TOKEN)
    outcomes: list[tuple[Delivery, str, str]] = []
    for index, row in enumerate(rows):
        subscriber = row.subscriber
        assert subscriber is not None  # a claimed row has its subscriber (checked by `claim_chunk`)
        message = prepared.message_for(
            to=subscriber.email,
            unsubscribe_url=unsubscribe_base.replace(_TOKEN, rendering.unsubscribe_token(subscriber)),
            message_id=row.message_id,
        )
        try:
            if not state["opened"]:
                connection.open()
                state["opened"] = True
            connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            outcomes.append((row, Delivery.State.FAILED, f"adresse refusée par le serveur : {exc}"))
            continue
        except (smtplib.SMTPException, OSError) as exc:
            # Not accepted by the server: this row and the rest of the chunk go back to pending.
            outcomes.append((row, Delivery.State.PENDING, f"{type(exc).__name__}: {exc}"))
            outcomes += [(other, Delivery.State.PENDING, "") for other in rows[index + 1 :]]
            return outcomes, exc
        outcomes.append((row, Delivery.State.SENT, ""))
    return outcomes, None


def deliver_batch(*, issue_id: int, batch_size: int = BATCH_SIZE, connection: Any = None) -> dict[str, Any]:
    """Send up to `batch_size` pending deliveries of a sending issue, chunk by chunk (see the module's
    docstring); returns what it did and whether more remain. Runs in autocommit (from the worker)."""
    issue = Issue.objects.select_related("territory").filter(pk=issue_id).first()
    if issue is None or issue.status != Issue.Status.SENDING:
        return {"sent": 0, "failed": 0, "more": False}
    sent = failed = 0
    left = batch_size
    prepared = None
    connection = connection or get_connection()
    state = {"opened": False}
    try:
        while left > 0:
            claim = claim_chunk(issue=issue, size=min(CHUNK_SIZE, left))
            if not claim.seen:
                break
            failed += claim.skipped
            left -= claim.seen
            if not claim.rows:
                continue
            prepared = prepared or rendering.prepare(issue)
            outcomes, error = _hand_over(issue, claim.rows, prepared, connection, state)
            record_chunk(outcomes=outcomes)
            stamp_progress(issue=issue)
            sent += sum(1 for _, s, _ in outcomes if s == Delivery.State.SENT)
            failed += sum(1 for _, s, _ in outcomes if s == Delivery.State.FAILED)
            if error is not None:
                raise SendingError(str(error)) from error
    finally:
        if state["opened"]:
            connection.close()
    more = Delivery.objects.filter(issue=issue).pending().exists()
    stamp_progress(issue=issue)
    if not more:
        finish_issue(issue=issue)
    return {"sent": sent, "failed": failed, "more": more}


@transaction.atomic
def finish_issue(*, issue: Issue) -> bool:
    """sending → sent once no delivery is pending (rows left « sending » by a killed worker are reported)."""
    if Delivery.objects.filter(issue=issue).pending().exists():
        return False
    try:
        transition(issue, Issue.Status.SENT, actor=SENDER, also={"sent_at": timezone.now()})
    except TransitionError:
        return False  # finished by a concurrent run
    report = sending_report(issue)
    if report.sending:
        logger.warning(
            "Issue %s sent; %d deliveries in an unknown state (worker interrupted)", issue.pk, report.sending
        )
    return True


def resume_stalled_sends(
    *, enqueue: Callable[[int], Any], stalled_after: dt.timedelta = dt.timedelta(minutes=10)
) -> int:
    """Periodic: re-enqueue the sending of issues that made no progress for a while (a killed worker whose
    task was lost). Safe even if the original run is alive: rows are claimed under lock, once."""
    cutoff = timezone.now() - stalled_after
    count = 0
    for issue in Issue.objects.filter(status=Issue.Status.SENDING, last_progress_at__lt=cutoff):
        stamp_progress(issue=issue)
        enqueue(issue.pk)
        count += 1
    return count


@maillage_task(
    queue_name="mail",
    max_attempts=8,
    base_delay=dt.timedelta(seconds=30),
    retry_on=(SendingError,),
    idempotent=True,  # re-running only sends rows still pending: the reaper may re-enqueue it
)
def deliver_issue_task(issue_id: int) -> dict[str, Any]:
    """Send one batch of an issue, then enqueue the next batch (so other mail is not held up). Declared
    here, beside the engine, because `start_sending` enqueues it (`tasks` re-exports it)."""
    result = deliver_batch(issue_id=issue_id)
    if result["more"]:
        # On commit (here: at once, no transaction is open) is enough: the task is idempotent, and a next
        # batch lost with a killed worker is re-derived by the periodic `resume_stalled_sends_task`.
        enqueue_on_commit(deliver_issue_task, issue_id)
    return result
