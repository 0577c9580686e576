"""Who may do what with actors: the only source. Object-level permissions on structures (django-rules
predicates and `rules.add_perm`, loaded by the app's `ready()`), and the helpers the services and views ask
(`can`, `require`, `is_animation`, `can_moderate`).

A person's rights come from the rules; the system (a task, an import, the demo loader, an erasure: see
`core.actors`) acts on the platform's behalf and passes the checks a service makes with `can`/`require`.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_moderator, is_superuser
from maillage.actors.models import Membership
from maillage.core.actors import Actor, is_system
from maillage.core.models import Territory


def _roles_in(user: Any) -> dict[int, str]:
    """structure id → membership role, read once per user instance."""
    if "_structure_roles" not in user.__dict__:
        user.__dict__["_structure_roles"] = dict(
            Membership.objects.filter(user=user).values_list("structure_id", "role")
        )
    return user.__dict__["_structure_roles"]


def _structure_id(obj: Any) -> int | None:
    structure_id = getattr(obj, "structure_id", None)  # an object of a structure (a practice, an offer…)
    return structure_id if structure_id is not None else getattr(obj, "pk", None)


@rules.predicate
def is_structure_manager(user: Any, structure: Any = None) -> bool:
    if structure is None or user is None or not user.is_authenticated:
        return False
    return _roles_in(user).get(_structure_id(structure)) == Membership.Role.MANAGER


@rules.predicate
def is_structure_member(user: Any, structure: Any = None) -> bool:
    """Any membership (a manager is a member too)."""
    if structure is None or user is None or not user.is_authenticated:
        return False
    return _structure_id(structure) in _roles_in(user)


# Edit a structure's record, manage who manages it: its managers and the territory's animation.
rules.add_perm("actors.change_structure", is_superuser | is_structure_manager | is_animator)
rules.add_perm("actors.manage_memberships", is_superuser | is_structure_manager | is_animator)
# Moderate the directory (pending records, proposed edits, claims, reports): the territory's moderators
# and its animators (an animator moderates too).
rules.add_perm("actors.moderate_directory", is_superuser | is_moderator)
# Decide a claim (« demander la gestion d'une fiche »): the structure's managers and the moderation.
rules.add_perm("actors.decide_management_request", is_superuser | is_structure_manager | is_moderator)
# See the members of a structure (names only: DESIGN.md « a person's name and structure to members »).
rules.add_perm("actors.view_members", is_superuser | is_structure_member | is_moderator)
# Delete a structure for good (the admin; the site archives): the territory's animation.
rules.add_perm("actors.delete_structure", is_superuser | is_animator)


def _person_has(actor: Actor, perm: str, obj: Any) -> bool:
    return not is_system(actor) and bool(actor.is_authenticated) and actor.has_perm(perm, obj)


def can(actor: Actor, perm: str, obj: Any) -> bool:
    """The system may (it acts for the platform); a person per the rules above."""
    return is_system(actor) or _person_has(actor, perm, obj)


def require(actor: Actor, perm: str, obj: Any, message: str) -> None:
    """`can`, or PermissionDenied with a French message for the person."""
    if not can(actor, perm, obj):
        raise PermissionDenied(message)


def is_animation(actor: Actor, territory: Territory) -> bool:
    """A person of the territory's animation (or a superuser, who edits in the admin). The system is not:
    the services say what it may do."""
    return _person_has(actor, "core.animate_territory", territory)


def can_moderate(actor: Actor, territory: Territory) -> bool:
    """A person who moderates the territory's directory: its moderators and animators (and superusers)."""
    return _person_has(actor, "actors.moderate_directory", territory)


def can_decide_claim(actor: Actor, structure: Any) -> bool:
    """A « demande de gestion » is decided by the structure's managers and the moderation."""
    return _person_has(actor, "actors.decide_management_request", structure)
