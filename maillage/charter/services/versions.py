"""Writes of the charter's text: the charter, its versions (and their machine), their articles."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from maillage.charter.models import (
    VERSION_MACHINE,
    Article,
    Charter,
    CharterVersion,
    VersionStatus,
    VersionTransition,
)
from maillage.charter.permissions import require_animator
from maillage.charter.services.common import clean_text
from maillage.charter.services.notices import invite_previous_signatories
from maillage.core.actors import Actor, is_system
from maillage.core.db import lock_row
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory


@transaction.atomic
def get_or_create_charter(*, territory: Territory) -> Charter:
    charter, _ = Charter.objects.get_or_create(territory=territory)
    return charter


@transaction.atomic
def rename_charter(*, actor: Actor, territory: Territory, title: str) -> Charter:
    require_animator(actor, territory)
    charter = lock_row(Charter.objects.all(), get_or_create_charter(territory=territory).pk)
    charter.title = clean_text(title, "title", "Le titre", limit=200)
    charter.save(update_fields=["title"])
    return charter


@transaction.atomic
def create_version(*, actor: Actor, territory: Territory, title: str = "") -> CharterVersion:
    """A new draft, copying the articles of the latest version (their keys too, so the diff pairs them)."""
    require_animator(actor, territory)
    charter = get_or_create_charter(territory=territory)
    charter = lock_row(Charter.objects.all(), charter.pk)
    if charter.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.OPEN]).exists():
        raise ValidationError(
            "Une version est déjà en cours de rédaction : adoptez-la ou poursuivez-la "
            "avant d'en créer une autre."
        )
    previous = charter.versions.order_by("-number").first()
    number = (charter.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = CharterVersion.objects.create(
        charter=charter,
        number=number,
        title=clean_text(title, "title", "Le titre", required=False, limit=200),
        preamble=previous.preamble if previous else "",
    )
    if previous is not None:
        Article.objects.bulk_create(
            Article(version=version, key=a.key, position=a.position, title=a.title, body=a.body)
            for a in previous.articles.all()
        )
    log_creation(version, actor=actor, note="Création de la version")
    return version


def check_editable(version: CharterVersion) -> None:
    if version.status not in (VersionStatus.DRAFT, VersionStatus.OPEN):
        raise ValidationError(
            f"La version {version.number} est {version.get_status_display()} : "
            "son texte ne peut plus changer."
        )


@transaction.atomic
def update_version(*, actor: Actor, version: CharterVersion, title: str, preamble: str) -> CharterVersion:
    require_animator(actor, version.charter.territory)
    version = lock_row(CharterVersion.objects.all(), version.pk)
    check_editable(version)
    version.title = clean_text(title, "title", "Le titre", required=False, limit=200)
    version.preamble = clean_text(preamble, "preamble", "Le préambule", required=False)
    version.save(update_fields=["title", "preamble"])
    return version


@transaction.atomic
def save_article(
    *,
    actor: Actor,
    version: CharterVersion,
    title: str,
    body: str,
    position: int | None = None,
    article: Article | None = None,
) -> Article:
    """Add an article to a draft or open version, or change one (title, text, position)."""
    require_animator(actor, version.charter.territory)
    version = lock_row(CharterVersion.objects.all(), version.pk)
    check_editable(version)
    if article is not None and article.version_id != version.pk:
        raise ValidationError("Cet article n'appartient pas à cette version.")
    title = clean_text(title, "title", "Le titre", limit=200)
    body = clean_text(body, "body", "Le texte de l'article")
    if position is not None and position < 1:
        raise ValidationError({"position": "La position doit être un nombre entier positif."})
    if article is None:
        last = version.articles.aggregate(m=Max("position"))["m"] or 0
        article = Article(version=version, position=position or last + 1)
    elif position is not None:
        article.position = position
    article.title = title
    article.body = body
    article.save()
    return article


@transaction.atomic
def delete_article(*, actor: Actor, article: Article) -> None:
    version = article.version
    require_animator(actor, version.charter.territory)
    version = lock_row(CharterVersion.objects.all(), version.pk)
    check_editable(version)
    article.delete()


def _refuse_move(version: CharterVersion, to_status: str) -> None:
    """The animation may ask for any move of the machine but « superseded » (it follows an adoption)."""
    if to_status == VersionStatus.SUPERSEDED or not VERSION_MACHINE.can(version.status, to_status):
        raise ValidationError(
            f"La version {version.number} est {version.get_status_display()} : "
            "ce changement n'est pas possible.",
            code="transition_not_allowed",
        )


@transaction.atomic
def transition_version(
    *,
    actor: Actor,
    version: CharterVersion,
    to_status: str,
    note: str = "",
    today: dt.date | None = None,
    invite: bool = True,
) -> CharterVersion:
    """Move a version along `VERSION_MACHINE`. Adopting supersedes the previous adopted version and
    invites its signatories to sign the new one."""
    territory = version.charter.territory
    require_animator(actor, territory)
    today = today or timezone.localdate()
    lock_row(Charter.objects.all(), version.charter_id)
    version = CharterVersion.objects.select_related("charter__territory").get(pk=version.pk)
    _refuse_move(version, to_status)
    if to_status in (VersionStatus.OPEN, VersionStatus.ADOPTED) and not version.articles.exists():
        raise ValidationError("Une version sans article ne peut être ni ouverte aux commentaires ni adoptée.")
    also: dict[str, dt.date] = {}
    previous = None
    if to_status == VersionStatus.ADOPTED:
        previous = version.charter.versions.filter(status=VersionStatus.ADOPTED).first()
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
    if previous is not None and invite:
        invite_previous_signatories(actor=actor, version=version, previous=previous)
    return version


@transaction.atomic
def date_last_move(*, actor: Actor, version: CharterVersion, day: dt.date) -> None:
    """Date the last logged move of `version` on `day` (18:00 UTC): the demo loader tells a story that
    happened over months, while the log records the moment of the load. Only the platform may do it."""
    if not is_system(actor):
        raise PermissionDenied("Seule la plateforme peut redater l'historique d'une version.")
    last = VersionTransition.objects.filter(version=version).order_by("-pk").first()
    if last is not None:
        last.at = dt.datetime.combine(day, dt.time(18, 0), tzinfo=dt.UTC)
        last.save(update_fields=["at"])
