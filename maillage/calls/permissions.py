"""Who may do what with the calls for projects: the only source (django-rules predicates and permissions,
and the checks that views, querysets and services call).

- `calls.animate`: run the calls, check eligibility, invite the jury, deliberate, manage grants — the
  territory's animation;
- `calls.apply_for`: apply on behalf of a structure — its managers;
- `calls.comment`: comment on a specification open for comments — the territory's members and animation.

A juror is tied to an applicant when they belong to its structure or declared a conflict with it: they can
neither see that application's scores nor score it (`is_tied`, and the querysets' `conflicted_q`).
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


@rules.predicate
def is_member_of_territory(user: Any, territory: Any = None) -> bool:
    if territory is None or user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, structure__territory_id=territory.pk).exists()


rules.add_perm("calls.animate", is_superuser | is_animator)
rules.add_perm("calls.apply_for", is_structure_manager)
rules.add_perm("calls.comment", is_superuser | is_animator | is_member_of_territory)


def _has(who: Any, perm: str, obj: Any) -> bool:
    if who is None:
        return False
    if is_system(who):
        return True
    return bool(who.has_perm(perm, obj))


def can_animate(who: Any, territory: Territory) -> bool:
    return _has(who, "calls.animate", territory)


def can_apply_for(who: Any, structure: Any) -> bool:
    return _has(who, "calls.apply_for", structure)


def can_comment(who: Any, territory: Territory) -> bool:
    return _has(who, "calls.comment", territory)


def is_tied(juror: Any, structure_id: int) -> bool:
    """The juror belongs to the structure or declared a conflict of interest with it."""
    if juror.conflicts.filter(structure_id=structure_id).exists():
        return True
    return (
        juror.user_id is not None
        and Membership.objects.filter(user_id=juror.user_id, structure_id=structure_id).exists()
    )


# --- the checks services make ----------------------------------------------------------------------------


def require_animator(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_animate(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire peut conduire l'appel à projets.")


def require_applicant(actor: Actor, structure: Any) -> None:
    require_actor(actor)
    if not can_apply_for(actor, structure):
        raise PermissionDenied("Seuls les gestionnaires de la structure peuvent candidater en son nom.")


def require_commenter(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_comment(actor, territory):
        raise PermissionDenied(
            "Seuls les membres des structures du territoire et l'animation peuvent commenter."
        )


def require_juror(actor: Actor, juror: Any) -> None:
    require_actor(actor)
    if is_system(actor):
        return
    if juror.user_id != getattr(actor, "pk", None) or juror.status != "accepted":
        raise PermissionDenied("Seuls les membres du jury de cet appel peuvent noter les candidatures.")
