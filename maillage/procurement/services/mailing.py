"""The mail that tells a supplier without any manager account about a need, at its public address: at most
once, whatever process is killed.

A batch (`sending.send_next_batch`) marks such a recipient « en file » and writes its task row in the same
transaction (`enqueue_with_transaction`): the mail is never lost with a web process killed after the COMMIT.
The worker's task (`tasks.send_need_mail_task`) first claims the recipient — « en file » → « envoi en cours »,
committed before any SMTP exchange — then hands the mail over and records « envoyé ». A worker killed between
the claim and the record leaves it « envoi en cours »: whether the SMTP server took the message is unknown, so
it is never sent again (the task is not idempotent: the reaper does not re-run it), and after
`MAIL_UNKNOWN_AFTER` the need's page says « état inconnu », as the lettre's report does for its deliveries. A
refused hand-over (SMTP error, server out of reach) records « échec de l'envoi », which the task's next
attempt (backoff) may claim again; after the last attempt it stays, visible on the need's page.
"""

from __future__ import annotations

from django.core.mail import get_connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from maillage.core.mail import render_mail, territory_url
from maillage.procurement.models import MailState, Recipient

CLAIMABLE = Q(mail_state=MailState.PENDING) | Q(mail_state=MailState.FAILED)


def plain_mail_context(recipient: Recipient) -> dict[str, object]:
    need = recipient.need
    return {
        "need": need,
        "recipient": recipient,
        "answer_url": need.territory.absolute_url(reverse("procurement:answer", args=[recipient.pk])),
        "claim_url": territory_url(need.territory, "actors:detail", recipient.structure.slug),
    }


def claim_mail(recipient_id: int) -> bool:
    """« en file » (or « échec ») → « envoi en cours », committed at once (autocommit). False: another run
    has it, or had it (sent, or of unknown fate): nothing is sent."""
    now = timezone.now()
    claimed = Recipient.objects.filter(CLAIMABLE, pk=recipient_id).update(
        mail_state=MailState.SENDING, mail_at=now
    )
    return bool(claimed)


def record_mail(recipient_id: int, state: str) -> None:
    Recipient.objects.filter(pk=recipient_id, mail_state=MailState.SENDING).update(
        mail_state=state, mail_at=timezone.now()
    )


def deliver_need_mail(recipient_id: int) -> str:
    """Send the recipient's mail if it is still to be sent (see the module's docstring); returns the state."""
    if not claim_mail(recipient_id):
        state = Recipient.objects.filter(pk=recipient_id).values_list("mail_state", flat=True).first()
        return str(state or "")
    recipient = Recipient.objects.select_related("need__territory", "structure").get(pk=recipient_id)
    message = render_mail(
        territory=recipient.need.territory,
        to=recipient.structure.public_email,
        template="procurement_need_plain",
        context=plain_mail_context(recipient),
    )
    message.connection = get_connection()
    try:
        message.send(fail_silently=False)
    except Exception:
        record_mail(recipient_id, MailState.FAILED)
        raise
    record_mail(recipient_id, MailState.SENT)
    return MailState.SENT
