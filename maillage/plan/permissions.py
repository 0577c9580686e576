"""Who may do what in the plan (django-rules): the only source, asked by views and services.

- `plan.animate`: run the contract and its plan (versions, nodes, statuses, indicators, imports, the yearly
  evaluation): the territory's animation.
- `plan.comment_evaluation`: comment a yearly evaluation: the animation, and the members of a published
  structure of the territory (who comment on its behalf).

Services ask `check_animator` / `check_commenter`, which let the system actor (`core.actors.SYSTEM`: the
demo, the periodic job) through and refuse anyone else without the right with a French `PermissionDenied`.
Registered at start-up by `PlanConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.actors.models import Structure
from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory
from maillage.plan.models import Evaluation

ANIMATOR_ONLY_MESSAGE = "Seule l'animation du territoire peut modifier le contrat et son plan d'actions."
COMMENT_MESSAGE = "Seuls les partenaires du territoire et l'animation peuvent commenter l'évaluation."


def commenting_structures(user: Any, evaluation: Evaluation) -> list[Structure]:
    """The structures of the territory on whose behalf `user` may comment (their memberships)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Structure.objects.filter(
            territory=evaluation.version.contract.territory,
            memberships__user=user,
            status=Structure.Status.PUBLISHED,
        ).distinct()
    )


@rules.predicate
def is_partner(user: Any, evaluation: Evaluation | None = None) -> bool:
    """The person belongs to a published structure of the evaluation's territory."""
    return evaluation is not None and bool(commenting_structures(user, evaluation))


@rules.predicate
def is_evaluation_animator(user: Any, evaluation: Evaluation | None = None) -> bool:
    return evaluation is not None and is_animator(user, evaluation.version.contract.territory)


rules.add_perm("plan.animate", is_superuser | is_animator)
rules.add_perm("plan.comment_evaluation", is_superuser | is_evaluation_animator | is_partner)


def can_animate(user: Any, territory: Territory | None) -> bool:
    """The person may edit the territory's contract and plan (pages show the editing links)."""
    return bool(
        territory is not None
        and getattr(user, "is_authenticated", False)
        and user.has_perm("plan.animate", territory)
    )


def can_comment(user: Any, evaluation: Evaluation) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm("plan.comment_evaluation", evaluation)
    )


def check_animator(actor: Actor, territory: Territory) -> None:
    """The actor may run the territory's plan (the system may), else PermissionDenied."""
    require_actor(actor)
    if is_system(actor):
        return
    if not actor.has_perm("plan.animate", territory):
        raise PermissionDenied(ANIMATOR_ONLY_MESSAGE)


def check_commenter(actor: Actor, evaluation: Evaluation) -> None:
    """The actor may comment the evaluation, else PermissionDenied."""
    require_actor(actor)
    if is_system(actor):
        return
    if not actor.has_perm("plan.comment_evaluation", evaluation):
        raise PermissionDenied(COMMENT_MESSAGE)
