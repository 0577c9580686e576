"""A text written together, version after version: the charter of the territory, the specification of a call
for projects (ADR 0018).

A versioned document belongs to a parent (the charter, the call) and is made of ordered articles; while a
version is open for comments, the people allowed by the app comment each article. Its states are the same
everywhere — draft → open for comments → adopted → superseded — and so are its rules: at most one version
being written (draft or open) and one adopted per parent, numbers unique per parent, adopting a version
supersedes the one in force. This module holds that pattern once:

- `VersionedDocument`, `VersionedArticle`, `VersionedComment`, `VersionLog`: abstract models. A concrete
  document names its parent's foreign key in `parent_field` and builds its constraints with
  `version_constraints(parent_field, …)`; a concrete article declares `version` (its foreign key to the
  document, `related_name="articles"`), a concrete comment declares `article` (`related_name="comments"`).
- `version_machine(model, log)`: the state machine (core's `Machine`), registered for a concrete model.
- the writes the apps' services call, inside their own transaction, after their own permission check and
  before their own notifications: `next_version`, `save_article`, `delete_article`, `move_article`,
  `add_comment`, `move_version`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from maillage.core.actors import Actor, user_of
from maillage.core.machines import Machine, TransitionLog, register, transition
from maillage.core.text import render_markdown

MAX_TEXT = 20_000
MAX_COMMENT = 5_000


class VersionStatus(models.TextChoices):
    """The states of a version, in one French vocabulary (a « version » is feminine)."""

    DRAFT = "draft", _("brouillon")
    OPEN = "open", _("ouverte aux commentaires")
    ADOPTED = "adopted", _("adoptée")
    SUPERSEDED = "superseded", _("remplacée")


# The states in which the text may still change (one such version per parent).
WORKING: tuple[str, ...] = (VersionStatus.DRAFT, VersionStatus.OPEN)

# What the animation's buttons say for each move (« superseded » has none: it follows an adoption).
TRANSITION_LABELS: dict[str, str] = {
    VersionStatus.OPEN: "Ouvrir aux commentaires",
    VersionStatus.DRAFT: "Revenir au brouillon",
    VersionStatus.ADOPTED: "Adopter cette version",
    VersionStatus.SUPERSEDED: "Marquer comme remplacée",
}

# « superseded » is reached only when the next version is adopted (`move_version` does it, logged like any
# other move); the animation never asks for it.
VERSION_MOVES: dict[str, set[str]] = {
    VersionStatus.DRAFT: {VersionStatus.OPEN},
    VersionStatus.OPEN: {VersionStatus.DRAFT, VersionStatus.ADOPTED},
    VersionStatus.ADOPTED: {VersionStatus.SUPERSEDED},
    VersionStatus.SUPERSEDED: set(),
}


def version_machine(*, model: str, log: str) -> Machine:
    """The machine of a concrete versioned document (`"app.Model"`), logged in `log` (a `VersionLog`)."""
    return register(Machine(model=model, moves=VERSION_MOVES, log=log))


def version_constraints(
    parent_field: str, *, number: str, adopted: str, working: str
) -> list[models.BaseConstraint]:
    """The three rules of a versioned document, enforced by the database, for the concrete model whose
    foreign key to its parent is `parent_field`: numbers unique per parent, at most one adopted version and
    one version being written per parent. The names are the constraints' names in the database."""
    return [
        models.UniqueConstraint(fields=[parent_field, "number"], name=number),
        models.UniqueConstraint(fields=[parent_field], condition=models.Q(status="adopted"), name=adopted),
        models.UniqueConstraint(
            fields=[parent_field], condition=models.Q(status__in=["draft", "open"]), name=working
        ),
    ]


def article_constraints(*, key: str) -> list[models.BaseConstraint]:
    """An article's `key` follows it from version to version: unique within a version."""
    return [models.UniqueConstraint(fields=["version", "key"], name=key)]


class VersionedDocument(models.Model):
    """One version of a document written together. Concrete models add the foreign key to their parent,
    name it in `parent_field`, and add `version_constraints(parent_field, …)` to their Meta."""

    parent_field: ClassVar[str] = ""

    number = models.PositiveIntegerField(_("numéro"))
    status = models.CharField(
        _("statut"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    opened_on = models.DateField(_("ouverte aux commentaires le"), null=True, blank=True)
    adopted_on = models.DateField(_("adoptée le"), null=True, blank=True)
    superseded_on = models.DateField(_("remplacée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def label(self) -> str:
        return f"version {self.number}"

    @property
    def is_public(self) -> bool:
        return self.status != VersionStatus.DRAFT

    @property
    def is_working(self) -> bool:
        return self.status in WORKING

    @property
    def is_open(self) -> bool:
        return self.status == VersionStatus.OPEN

    def siblings(self) -> models.QuerySet[Any]:
        """Every version of the same parent (this one included)."""
        parent_id = getattr(self, f"{self.parent_field}_id")
        return type(self)._default_manager.filter(**{f"{self.parent_field}_id": parent_id})

    def allowed_transitions(self) -> tuple[str, ...]:
        """The moves the animation may ask for (« superseded » only follows the next adoption)."""
        return tuple(
            s
            for s in VersionStatus.values
            if s != VersionStatus.SUPERSEDED and s in VERSION_MOVES[self.status]
        )


class VersionLog(TransitionLog):
    """The log of a document's machine; the concrete log adds its foreign key to the document."""

    class Meta(TransitionLog.Meta):
        abstract = True

    @property
    def from_label(self) -> str:
        return _state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return _state_label(self.to_state)


def _state_label(state: str) -> str:
    return str(VersionStatus(state).label) if state in VersionStatus.values else state


class VersionedArticle(models.Model):
    """An article of one version. `key` follows an article from version to version (a diff pairs on it).
    The concrete model declares `version`, its foreign key to the document (`related_name="articles"`)."""

    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte (Markdown)"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"Article {self.position} — {self.title}"

    @property
    def body_html(self) -> SafeString:
        """The text as HTML, sanitised (nh3) like every Markdown shown by the platform."""
        return render_markdown(self.body)


class VersionedComment(models.Model):
    """A comment on an article while its version is open. The concrete model declares `article`."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Commentaire sur {getattr(self, 'article', '')}"


# --- the writes (called by the apps' services, after their permission check) -----------------------------


def clean_text(value: str, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label} est obligatoire."})
    if len(value) > limit:
        raise ValidationError({field: f"{label} ne doit pas dépasser {limit} caractères."})
    return value


def check_editable(version: VersionedDocument) -> None:
    if version.status not in WORKING:
        raise ValidationError(
            f"La version {version.number} est {version.get_status_display()} : "
            "son texte ne peut plus changer."
        )


def check_open(version: VersionedDocument, *, refusal: str = "on ne peut plus la commenter") -> None:
    version.refresh_from_db(fields=["status"])  # its status now, not the caller's copy
    if version.status != VersionStatus.OPEN:
        raise ValidationError(f"La version {version.number} n'est pas ouverte aux commentaires : {refusal}.")


def _articles(version: VersionedDocument) -> models.QuerySet[Any]:
    return version.articles.all()  # type: ignore[attr-defined]


@transaction.atomic
def next_version(
    *, parent_versions: models.QuerySet[Any], create: dict[str, Any], copy_from_latest: bool = True
) -> VersionedDocument:
    """A new draft among `parent_versions` (the parent's row is locked by the caller), numbered after the
    last one, with the articles of the latest version copied (their keys too). `create` holds the concrete
    model's own fields (its parent, a title…). Refuses when a version is still being written."""
    if parent_versions.filter(status__in=WORKING).exists():
        raise ValidationError(
            "Une version est déjà en cours de rédaction : adoptez-la ou poursuivez-la "
            "avant d'en créer une autre."
        )
    previous = parent_versions.order_by("-number").first()
    number = (parent_versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = parent_versions.model._default_manager.create(number=number, **create)
    if previous is not None and copy_from_latest:
        article_model = type(version).articles.rel.related_model
        article_model._default_manager.bulk_create(
            article_model(version=version, key=a.key, position=a.position, title=a.title, body=a.body)
            for a in _articles(previous)
        )
    return version


def save_article(
    *,
    version: VersionedDocument,
    title: str,
    body: str,
    position: int | None = None,
    article: VersionedArticle | None = None,
) -> VersionedArticle:
    """Add an article to a version being written, or change one (title, text, position)."""
    check_editable(version)
    if article is not None and article.version_id != version.pk:  # type: ignore[attr-defined]
        raise ValidationError("Cet article n'appartient pas à cette version.")
    title = clean_text(title, "title", "Le titre", limit=200)
    body = clean_text(body, "body", "Le texte de l'article")
    if position is not None and position < 1:
        raise ValidationError({"position": "La position doit être un nombre entier positif."})
    if article is None:
        last = _articles(version).aggregate(m=Max("position"))["m"] or 0
        article = _articles(version).model(version=version, position=position or last + 1)
    elif position is not None:
        article.position = position
    assert article is not None
    article.title = title
    article.body = body
    article.save()
    return article


def delete_article(*, version: VersionedDocument, article: VersionedArticle, renumber: bool = False) -> None:
    """Remove an article from a version being written; `renumber` closes the gap (1, 2, 3…)."""
    check_editable(version)
    article.delete()
    if renumber:
        for position, row in enumerate(_articles(version).order_by("position", "pk"), 1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])


def move_article(*, version: VersionedDocument, article: VersionedArticle, step: int) -> None:
    """Swap the article with its neighbour above (`step=-1`) or below (`step=1`); positions are renumbered
    1, 2, 3… on the way, so equal or missing positions never block a move."""
    check_editable(version)
    if step not in (-1, 1):
        raise ValidationError("Un article monte ou descend d'une place à la fois.")
    ordered = list(_articles(version).order_by("position", "pk"))
    index = next((i for i, a in enumerate(ordered) if a.pk == article.pk), None)
    if index is None:
        raise ValidationError("Cet article n'appartient pas à cette version.")
    target = index + step
    if not 0 <= target < len(ordered):
        raise ValidationError(
            "Cet article est déjà le premier." if step < 0 else "Cet article est déjà le dernier."
        )
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, row in enumerate(ordered, 1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def add_comment(
    *, actor: Actor, article: VersionedArticle, body: str, refusal: str = "on ne peut plus la commenter"
) -> VersionedComment:
    """Comment an article of a version open for comments (the author's account is kept)."""
    check_open(article.version, refusal=refusal)  # type: ignore[attr-defined]
    body = clean_text(body, "body", "Le commentaire", limit=MAX_COMMENT)
    comment_model = type(article).comments.rel.related_model  # type: ignore[attr-defined]
    return comment_model._default_manager.create(article=article, author=user_of(actor), body=body)


def move_version(
    version: VersionedDocument,
    to_status: str,
    *,
    actor: Actor,
    note: str = "",
    today: dt.date | None = None,
) -> tuple[VersionedDocument, VersionedDocument | None]:
    """Move `version` along its machine, inside the caller's transaction (the parent's row locked by the
    caller). Refuses « superseded » (it follows an adoption) and, for a version without article, opening and
    adopting. Adopting supersedes the version in force. Returns the version and the one it superseded."""
    today = today or timezone.localdate()
    version.refresh_from_db(fields=["status"])  # as it is now that the parent is locked
    if to_status == VersionStatus.SUPERSEDED or to_status not in VERSION_MOVES.get(version.status, ()):
        raise ValidationError(
            f"La version {version.number} est {version.get_status_display()} : "
            "ce changement n'est pas possible.",
            code="transition_not_allowed",
        )
    if to_status in (VersionStatus.OPEN, VersionStatus.ADOPTED) and not _articles(version).exists():
        raise ValidationError("Une version sans article ne peut être ni ouverte aux commentaires ni adoptée.")
    also: dict[str, dt.date] = {}
    previous = None
    if to_status == VersionStatus.ADOPTED:
        previous = version.siblings().filter(status=VersionStatus.ADOPTED).first()
        if previous is not None:
            transition(
                previous,
                VersionStatus.SUPERSEDED,
                actor=actor,
                note=f"Remplacée par la v{version.number}",
                also={"superseded_on": today},
            )
        also["adopted_on"] = today
    if to_status == VersionStatus.OPEN:
        also["opened_on"] = today
    transition(version, to_status, actor=actor, note=note, also=also)
    return version, previous
