"""Sharing a practice sheet or an event with the other territories of the instance."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors.models import Practice
from maillage.cooperation.models import Kind, Share
from maillage.cooperation.permissions import require_animator
from maillage.cooperation.querysets import EVENT_SHOWN, PUBLISHED_STRUCTURE
from maillage.core.actors import Actor
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory
from maillage.events.choices import Visibility
from maillage.events.models import Event

ONLY_ANIMATION = "Seule l'animation du territoire partage ses pratiques et ses rendez-vous."


def _check_shareable(territory: Territory, practice: Practice | None, event: Event | None) -> None:
    if (practice is None) == (event is None):
        raise ValidationError("Choisissez une fiche pratique ou un rendez-vous à partager.")
    if practice is not None:
        if practice.structure.territory_id != territory.pk:
            raise ValidationError("Cette fiche pratique n'appartient pas au territoire.")
        if not practice.is_published or practice.structure.status != PUBLISHED_STRUCTURE:
            raise ValidationError("Seule une fiche pratique publiée, d'une structure publiée, se partage.")
    if event is not None:
        if event.territory_id != territory.pk:
            raise ValidationError("Ce rendez-vous n'appartient pas au territoire.")
        if event.visibility != Visibility.PUBLIC or event.status not in EVENT_SHOWN:
            raise ValidationError("Seul un rendez-vous publié et ouvert à tous se partage.")


@transaction.atomic
def share_item(
    *, actor: Actor, territory: Territory, practice: Practice | None = None, event: Event | None = None
) -> Share:
    """Share a practice sheet or an event of the territory (again, if it was withdrawn)."""
    require_animator(actor, territory, ONLY_ANIMATION)
    _check_shareable(territory, practice, event)
    existing = Share.objects.filter(practice=practice) if practice else Share.objects.filter(event=event)
    share = existing.first()
    if share is None:
        share = Share.objects.create(
            territory=territory,
            kind=Kind.PRACTICE if practice is not None else Kind.EVENT,
            practice=practice,
            event=event,
        )
        log_creation(share, actor=actor, note="partagé avec les autres territoires")
        return share
    if share.status == Share.Status.SHARED:
        raise ValidationError("Cet élément est déjà partagé.")
    return transition(share, Share.Status.SHARED, actor=actor, note="partagé de nouveau")


@transaction.atomic
def withdraw_share(*, actor: Actor, share: Share) -> Share:
    """Stop sharing: the other territories no longer see it (the object itself is untouched)."""
    require_animator(actor, share.territory, ONLY_ANIMATION)
    if share.status == Share.Status.WITHDRAWN:
        raise ValidationError("Cet élément n'est déjà plus partagé.")
    return transition(share, Share.Status.WITHDRAWN, actor=actor, note="partage retiré")
