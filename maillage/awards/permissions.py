"""Who may do what with the Trophée: the only source.

- `awards.animate`: run the editions, the jury, close the vote and publish the winners — the territory's
  animation;
- `awards.nominate_self`: nominate a structure without asking its consent — its managers.

A juror is tied to a nominee when they belong to its structure or declared a conflict with it: they can
neither see the nominee on the jury's pages nor score it (`is_tied`, and `NominationQuerySet.for_juror`).
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.actors.models import Membership
from maillage.actors.permissions import is_structure_manager
from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory

rules.add_perm("awards.animate", is_superuser | is_animator)
rules.add_perm("awards.nominate_self", is_structure_manager)


def _has(who: Any, perm: str, obj: Any) -> bool:
    if who is None:
        return False
    if is_system(who):
        return True
    return bool(who.has_perm(perm, obj))


def can_animate(who: Any, territory: Territory) -> bool:
    return _has(who, "awards.animate", territory)


def manages(who: Any, structure: Any) -> bool:
    return _has(who, "awards.nominate_self", structure)


def is_tied(juror: Any, structure_id: int) -> bool:
    if juror.conflicts.filter(structure_id=structure_id).exists():
        return True
    return Membership.objects.filter(user_id=juror.user_id, structure_id=structure_id).exists()


def require_animator(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_animate(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire peut conduire le Trophée.")


def require_person(actor: Actor) -> None:
    require_actor(actor)
    if is_system(actor):
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Connectez-vous pour proposer une initiative.")


def require_manager(actor: Actor, structure: Any) -> None:
    require_actor(actor)
    if not manages(actor, structure):
        raise PermissionDenied("Seuls les gestionnaires de la structure peuvent répondre pour elle.")


def require_juror(actor: Actor, juror: Any) -> None:
    require_actor(actor)
    if is_system(actor):
        return
    if juror.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Seuls les membres du jury du Trophée peuvent noter les candidatures.")
