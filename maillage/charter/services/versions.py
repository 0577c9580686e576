"""Writes of the charter's text: the charter, its versions (and their machine), their articles."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db import transaction

from maillage.charter.models import Article, Charter, CharterVersion, VersionTransition
from maillage.charter.permissions import require_animator
from maillage.charter.services.common import clean_text
from maillage.charter.services.notices import invite_previous_signatories
from maillage.core import versioning
from maillage.core.actors import Actor, is_system
from maillage.core.db import lock_row
from maillage.core.machines import log_creation
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
    previous = charter.versions.order_by("-number").first()
    version = versioning.next_version(
        parent_versions=charter.versions.all(),
        create={
            "charter": charter,
            "title": clean_text(title, "title", "Le titre", required=False, limit=200),
            "preamble": previous.preamble if previous else "",
        },
    )
    log_creation(version, actor=actor, note="Création de la version")
    return cast(CharterVersion, version)


check_editable = versioning.check_editable


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
    saved = versioning.save_article(
        version=version, title=title, body=body, position=position, article=article
    )
    return cast(Article, saved)


@transaction.atomic
def delete_article(*, actor: Actor, article: Article) -> None:
    version = article.version
    require_animator(actor, version.charter.territory)
    version = lock_row(CharterVersion.objects.all(), version.pk)
    versioning.delete_article(version=version, article=article)


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
    """Move a version along `VERSION_MACHINE` (core's versioned-document moves). Adopting supersedes the
    previous adopted version and invites its signatories to sign the new one."""
    territory = version.charter.territory
    require_animator(actor, territory)
    lock_row(Charter.objects.all(), version.charter_id)
    version = CharterVersion.objects.select_related("charter__territory").get(pk=version.pk)
    _moved, previous = versioning.move_version(version, to_status, actor=actor, note=note, today=today)
    if previous is not None and invite:
        invite_previous_signatories(actor=actor, version=version, previous=cast(CharterVersion, previous))
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
