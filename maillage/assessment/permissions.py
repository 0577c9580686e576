"""Who may do what with the self-assessment: the only source (django-rules predicates and permissions, and
the checks that views, querysets and services call).

- `assessment.animate`: edit the grid, open and close the yearly campaigns — the territory's animation;
- `assessment.fill_for`: fill, submit, reopen and share a structure's answers — its managers;
- `assessment.read_for`: read a structure's answers and results — its managers and members.

A structure's answers are private: the animation (of this territory or another) reads only the territory's
aggregates, published for groups of at least 5 structures, never one structure's sheet. A structure that
chooses to share its results shows its scores per theme (never its answers) on its public profile.
The system actor (demo, tasks) passes every check.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.actors.models import Structure
from maillage.actors.permissions import is_structure_manager, is_structure_member
from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory

rules.add_perm("assessment.animate", is_superuser | is_animator)
rules.add_perm("assessment.fill_for", is_structure_manager)
rules.add_perm("assessment.read_for", is_structure_manager | is_structure_member)


def _has(who: Any, perm: str, obj: Any) -> bool:
    if who is None:
        return False
    if is_system(who):
        return True
    return bool(who.has_perm(perm, obj))


def can_animate(who: Any, territory: Territory) -> bool:
    return _has(who, "assessment.animate", territory)


def can_fill_for(who: Any, structure: Structure) -> bool:
    return _has(who, "assessment.fill_for", structure)


def can_read_for(who: Any, structure: Structure) -> bool:
    return _has(who, "assessment.read_for", structure)


def require_animator(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_animate(actor, territory):
        raise PermissionDenied(
            "Seule l'animation du territoire peut modifier la grille et ouvrir ou clore une campagne."
        )


def require_filler(actor: Actor, structure: Structure) -> None:
    require_actor(actor)
    if not can_fill_for(actor, structure):
        raise PermissionDenied(
            "Seuls les gestionnaires de la structure peuvent remplir, transmettre ou partager ses réponses."
        )


def require_reader(actor: Actor, structure: Structure) -> None:
    require_actor(actor)
    if not can_read_for(actor, structure):
        raise PermissionDenied("Les réponses d'une structure ne sont lisibles que par ses membres.")
