"""A supplier's answer to a need it was sent: « intéressé » (a message, a document) or « pas intéressé »
(a reason). An « intéressé » answer may carry documents (core's upload checks; private, downloaded by the
buyer, the supplier and the animation only). A structure that was not sent the need cannot answer it; an
answer can be changed until the deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.actors import Actor, user_of
from maillage.core.uploads import clean_upload
from maillage.procurement.models import Answer, AnswerDocument, Need, NeedStatus, Recipient
from maillage.procurement.permissions import require_answerer
from maillage.procurement.services import notices

MAX_DOCUMENTS = 3
NOT_SENT = "Ce besoin n'a pas été envoyé à cette structure : elle ne peut pas y répondre."


@transaction.atomic
def mark_opened(*, actor: Actor, recipient: Recipient) -> None:
    """The supplier opened the need's page (first time only): the buyer sees « ouvert »."""
    if recipient.opened_at is None and recipient.sent_at is not None:
        Recipient.objects.filter(pk=recipient.pk, opened_at__isnull=True).update(opened_at=timezone.now())


@transaction.atomic
def answer_need(
    *,
    actor: Actor,
    need: Need,
    structure: Structure,
    answer: str,
    message: str = "",
    reason: str = "",
    document: Any = None,
    today: dt.date | None = None,
) -> Recipient:
    require_answerer(actor, structure)
    need = Need.objects.get(pk=need.pk)  # its current status (a batch may have moved it meanwhile)
    recipient: Any = (
        Recipient.objects.select_for_update()
        .filter(need=need, structure=structure, sent_at__isnull=False)
        .first()
    )
    if recipient is None:
        raise PermissionDenied(NOT_SENT)
    if need.status != NeedStatus.SENT:
        raise ValidationError("Ce besoin est clos : il n'attend plus de réponse.")
    if need.deadline < (today or timezone.localdate()):
        raise ValidationError("La date limite de réponse est passée.")
    if answer == Answer.INTERESTED:
        if not message.strip():
            raise ValidationError(
                {"message": "Présentez en quelques lignes ce que vous proposez à l'acheteur."}
            )
    elif answer == Answer.NOT_INTERESTED:
        if not reason.strip():
            raise ValidationError(
                {"reason": "Dites en quelques mots pourquoi ce besoin ne vous intéresse pas."}
            )
    else:
        raise ValidationError({"answer": "Choisissez « intéressé » ou « pas intéressé »."})
    cleaned = None
    if document is not None:
        if answer != Answer.INTERESTED:
            raise ValidationError({"document": "Un document accompagne une réponse « intéressé »."})
        if recipient.documents.count() >= MAX_DOCUMENTS:
            raise ValidationError({"document": f"Une réponse compte au plus {MAX_DOCUMENTS} documents."})
        try:
            cleaned = clean_upload(document, kind="document")
        except ValidationError as exc:
            raise ValidationError({"document": exc.messages}) from exc
    recipient.answer = answer
    recipient.message = message.strip() if answer == Answer.INTERESTED else ""
    recipient.reason = reason.strip()[:300] if answer == Answer.NOT_INTERESTED else ""
    recipient.answered_at = timezone.now()
    recipient.answered_by = user_of(actor)
    recipient.opened_at = recipient.opened_at or recipient.answered_at
    recipient.save()
    if cleaned is not None:
        AnswerDocument.objects.create(
            recipient=recipient, file=cleaned.file, name=cleaned.name, size=cleaned.size
        )
    notices.answer_received(recipient, actor=actor)
    return recipient
