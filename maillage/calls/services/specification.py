"""Writes of the call's specification (« cahier des charges »), co-written like the charter through core's
versioned-document pattern (`core.versioning`, ADR 0018): the animation starts a version (the articles of
the latest one copied), writes its articles (add, change, reorder, remove while it is being written), opens
it for comments, adopts it (the version in force is then superseded); while it is open, the territory's
members comment each article."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.calls.models import Call, SpecArticle, SpecComment, Specification
from maillage.calls.permissions import require_animator, require_commenter
from maillage.core import versioning
from maillage.core.actors import Actor
from maillage.core.db import lock_row
from maillage.core.machines import log_creation


@transaction.atomic
def start_specification(*, actor: Actor, call: Call) -> Specification:
    """The version being written (draft or open for comments); after an adoption, the next one, starting
    from the articles of the latest version. The call's row is locked: two animators pressing together
    start one version."""
    require_animator(actor, call.territory)
    call = lock_row(Call.objects.all(), call.pk)
    working = call.specifications.filter(status__in=versioning.WORKING).first()
    if working is not None:
        return working
    spec = versioning.next_version(parent_versions=call.specifications.all(), create={"call": call})
    log_creation(spec, actor=actor, note="Création de la version")
    return cast(Specification, spec)


def _locked(actor: Actor, specification: Specification) -> Specification:
    require_animator(actor, specification.call.territory)
    lock_row(Call.objects.all(), specification.call_id)
    return Specification.objects.select_related("call__territory").get(pk=specification.pk)


def _article_of(specification: Specification, article: SpecArticle | int | str) -> SpecArticle:
    pk = article.pk if isinstance(article, SpecArticle) else article
    try:
        return specification.articles.get(pk=int(pk))
    except (TypeError, ValueError, SpecArticle.DoesNotExist):
        raise ValidationError("Cet article n'existe pas dans cette version du cahier des charges.") from None


@transaction.atomic
def save_spec_article(
    *,
    actor: Actor,
    specification: Specification,
    title: str,
    body: str,
    position: int | None = None,
    article: SpecArticle | int | None = None,
) -> SpecArticle:
    """Add an article to the version being written, or change one (title, text, position)."""
    specification = _locked(actor, specification)
    versioning.check_editable(specification)
    existing = _article_of(specification, article) if article is not None else None
    saved = versioning.save_article(
        version=specification, title=title, body=body, position=position, article=existing
    )
    return cast(SpecArticle, saved)


@transaction.atomic
def delete_spec_article(*, actor: Actor, article: SpecArticle) -> None:
    specification = _locked(actor, article.version)
    versioning.delete_article(
        version=specification, article=_article_of(specification, article), renumber=True
    )


@transaction.atomic
def move_spec_article(*, actor: Actor, article: SpecArticle, step: int) -> None:
    """Move an article one place up (`step=-1`) or down (`step=1`)."""
    specification = _locked(actor, article.version)
    versioning.move_article(version=specification, article=_article_of(specification, article), step=step)


@transaction.atomic
def transition_specification(
    *, actor: Actor, specification: Specification, to: str, note: str = ""
) -> Specification:
    """Move a version along `SPEC_MACHINE`: adopting it supersedes the version in force."""
    specification = _locked(actor, specification)
    versioning.move_version(specification, to, actor=actor, note=note)
    return specification


@transaction.atomic
def comment_spec_article(*, actor: Actor, article: SpecArticle, body: str) -> SpecComment:
    require_commenter(actor, article.version.call.territory)
    comment = versioning.add_comment(actor=actor, article=article, body=body)
    return cast(SpecComment, comment)


__all__ = [
    "comment_spec_article",
    "delete_spec_article",
    "move_spec_article",
    "save_spec_article",
    "start_specification",
    "transition_specification",
]
