"""Sending a validated need to its matched suppliers, in batches.

Each batch takes the next best suppliers not yet mailed (the first batch moves the need to « sent »), records
each one as a `Recipient` with its score and the score's parts, and tells it once: a recipient's `sent_at` is
set in the batch's transaction, and a resend only ever picks recipients without one — a supplier is never
mailed twice about the same need (the unique constraint on need × structure backs it). The daily job sends
another batch while fewer suppliers than wanted have answered « intéressé » and the deadline has not passed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor
from maillage.core.db import lock_row
from maillage.core.machines import transition
from maillage.procurement.matching import ranked_matches
from maillage.procurement.models import Answer, Need, NeedStatus, Recipient
from maillage.procurement.permissions import can_animate, can_buy_for, require_buyer
from maillage.procurement.services import notices


@transaction.atomic
def send_next_batch(*, actor: Actor, need: Need, size: int | None = None) -> list[Recipient]:
    """Mail the next `size` (default: the need's batch size) best suppliers not yet mailed."""
    if not (can_buy_for(actor, need.buyer) or can_animate(actor, need.territory)):
        require_buyer(actor, need.buyer)
    need = lock_row(Need.objects.all(), need.pk)
    if need.status not in (NeedStatus.VALIDATED, NeedStatus.SENT):
        raise ValidationError("Seul un besoin validé par l'animation peut être envoyé aux fournisseurs.")
    size = size or need.batch_size
    already = Recipient.objects.filter(need=need)
    start_rank = already.count()
    matches = ranked_matches(need, limit=size, exclude_ids=already.values("structure_id"))
    if not matches:
        raise ValidationError("Aucun autre fournisseur éligible : tous ont déjà reçu ce besoin.")
    now = timezone.now()
    recipients = []
    for offset, match in enumerate(matches, start=1):
        recipient = Recipient.objects.create(
            need=need,
            structure=match.structure,
            score=match.score,
            parts=match.parts,
            rank=start_rank + offset,
            sent_at=now,
        )
        notices.need_sent_to(recipient, actor=actor)
        recipients.append(recipient)
    if need.status == NeedStatus.VALIDATED:
        transition(need, NeedStatus.SENT, actor=actor, note=f"{len(recipients)} fournisseurs")
    return recipients


def needs_more(need: Need, today: dt.date) -> bool:
    interested = need.recipients.filter(answer=Answer.INTERESTED).count()
    return need.status == NeedStatus.SENT and need.deadline >= today and interested < need.wanted_answers


def send_daily_batches(*, actor: Actor, today: dt.date | None = None) -> int:
    """One more batch for each sent need that still wants answers; each need its own transaction."""
    today = today or timezone.localdate()
    sent = 0
    for need in Need.objects.filter(status=NeedStatus.SENT, deadline__gte=today).select_related("buyer"):
        if not needs_more(need, today):
            continue
        try:
            sent += len(send_next_batch(actor=actor, need=need))
        except ValidationError:
            continue  # no supplier left
    return sent
