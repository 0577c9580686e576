"""Writes of the collective writing, while a version is open for comments: comments, amendments (proposed
by a contributor, supported by others, accepted or rejected by the animation through `AMENDMENT_MACHINE`)."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.charter.models import (
    AMENDMENT_MACHINE,
    Amendment,
    AmendmentStatus,
    AmendmentSupport,
    Article,
    CharterVersion,
    Comment,
)
from maillage.charter.permissions import require_animator, require_contributor
from maillage.charter.services.common import clean_text
from maillage.charter.services.notices import tell_amendment_decided
from maillage.charter.services.versions import check_editable
from maillage.core import versioning
from maillage.core.actors import Actor, user_of
from maillage.core.db import lock_row
from maillage.core.machines import TransitionError, log_creation, transition

REFUSAL = "on ne peut plus la commenter ni l'amender"


def _check_open(version: CharterVersion) -> None:
    versioning.check_open(version, refusal=REFUSAL)


@transaction.atomic
def comment_article(*, actor: Actor, article: Article, body: str) -> Comment:
    require_contributor(actor, article.version.charter.territory)
    return cast(Comment, versioning.add_comment(actor=actor, article=article, body=body, refusal=REFUSAL))


@transaction.atomic
def propose_amendment(
    *, actor: Actor, version: CharterVersion, article_id: int | str, text: str, rationale: str = ""
) -> Amendment:
    require_contributor(actor, version.charter.territory)
    _check_open(version)
    try:
        article = version.articles.get(pk=int(article_id))
    except (TypeError, ValueError, Article.DoesNotExist):
        raise ValidationError(
            {"article": "Cet article n'existe pas dans cette version de la charte."}
        ) from None
    text = clean_text(text, "text", "Le texte proposé")
    if text == article.body.strip():
        raise ValidationError({"text": "Le texte proposé est identique au texte actuel de l'article."})
    rationale = clean_text(rationale, "rationale", "La justification", required=False, limit=5000)
    amendment = Amendment.objects.create(
        article=article, author=user_of(actor), text=text, rationale=rationale, original_text=article.body
    )
    log_creation(amendment, actor=actor, note="proposition")
    return amendment


@transaction.atomic
def support_amendment(*, actor: Actor, amendment: Amendment) -> AmendmentSupport:
    require_contributor(actor, amendment.article.version.charter.territory)
    _check_open(amendment.article.version)
    if amendment.status != AmendmentStatus.PROPOSED:
        raise ValidationError("Cet amendement a déjà été tranché : il ne peut plus recevoir de soutien.")
    user = user_of(actor)
    if user is None:
        raise ValidationError("Seule une personne peut soutenir un amendement.")
    if amendment.author_id == user.pk:
        raise ValidationError("Vous ne pouvez pas soutenir votre propre amendement.")
    support, created = AmendmentSupport.objects.get_or_create(amendment=amendment, user=user)
    if not created:
        raise ValidationError("Vous soutenez déjà cet amendement.")
    return support


def _decide(actor: Actor, amendment: Amendment, status: str, reason: str) -> Amendment:
    amendment = lock_row(
        Amendment.objects.select_related("article__version__charter__territory"), amendment.pk
    )
    require_animator(actor, amendment.article.version.charter.territory)
    if not AMENDMENT_MACHINE.can(amendment.status, status):
        raise ValidationError("Cet amendement a déjà été tranché.", code="transition_not_allowed")
    check_editable(amendment.article.version)
    try:
        transition(
            amendment,
            status,
            actor=actor,
            note=reason,
            also={"decided_by": user_of(actor), "decided_at": timezone.now(), "decision_reason": reason},
        )
    except TransitionError:
        raise ValidationError("Cet amendement a déjà été tranché.", code="transition_not_allowed") from None
    tell_amendment_decided(actor=actor, amendment=amendment)
    return amendment


@transaction.atomic
def accept_amendment(*, actor: Actor, amendment: Amendment, reason: str = "") -> Amendment:
    """The animator accepts: the replacement text enters the working text of the version (logged on the
    amendment, which keeps the original text)."""
    reason = clean_text(reason, "reason", "Le commentaire", required=False, limit=2000)
    amendment = _decide(actor, amendment, AmendmentStatus.ACCEPTED, reason)
    article = amendment.article
    article.body = amendment.text
    article.save(update_fields=["body"])
    return amendment


@transaction.atomic
def reject_amendment(*, actor: Actor, amendment: Amendment, reason: str) -> Amendment:
    reason = clean_text(reason, "reason", "La raison du rejet", limit=2000)
    return _decide(actor, amendment, AmendmentStatus.REJECTED, reason)
