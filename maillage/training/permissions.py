"""Who may do what in the training module: the only source (django-rules predicates and permissions, and the
checks the services call). Loaded at start-up by `apps.py`.

- the animation of the territory runs censuses, turns themes into sessions, names advisers;
- an adviser (an `Adviser` row of the territory) publishes office hours and records support;
- a structure's managers answer the census for it; its members (managers included) book office hours;
- support records are read by the animation, the advisers and the structure's members.
The system actor (a task, the demo) passes the checks.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser, territory_of
from maillage.actors.models import Membership, Structure
from maillage.core.actors import Actor, is_system, require_actor


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


@rules.predicate
def is_adviser(user: Any, obj: Any = None) -> bool:
    from maillage.training.models import Adviser

    territory = territory_of(obj)
    if not _signed_in(user) or territory is None:
        return False
    return Adviser.objects.filter(user=user, territory=territory).exists()


@rules.predicate
def manages_structure(user: Any, structure: Any = None) -> bool:
    if not _signed_in(user) or not isinstance(structure, Structure):
        return False
    return Membership.objects.filter(user=user, structure=structure, role=Membership.Role.MANAGER).exists()


@rules.predicate
def belongs_to_structure(user: Any, structure: Any = None) -> bool:
    if not _signed_in(user) or not isinstance(structure, Structure):
        return False
    return Membership.objects.filter(user=user, structure=structure).exists()


@rules.predicate
def is_member_anywhere(user: Any, territory: Any = None) -> bool:
    territory = territory_of(territory)
    if not _signed_in(user) or territory is None:
        return False
    return Membership.objects.filter(user=user, structure__territory=territory).exists()


ANIMATE = "training.animate"
ADVISE = "training.advise"
ANSWER_FOR = "training.answer_for"
BOOK_FOR = "training.book_for"
VIEW_SUPPORT_OF = "training.view_support_of"
TAKE_PART = "training.take_part"

# Run censuses, aggregate, create collective sessions, name advisers, manage resources.
rules.add_perm(ANIMATE, is_superuser | is_animator)
# Publish office hours, record support (object: a territory).
rules.add_perm(ADVISE, is_superuser | is_animator | is_adviser)
# Answer the census in a structure's name (object: a structure).
rules.add_perm(ANSWER_FOR, is_superuser | manages_structure)
# Book an office hour for a structure (object: a structure).
rules.add_perm(BOOK_FOR, is_superuser | belongs_to_structure)
# Read a structure's support record (object: a structure).
rules.add_perm(VIEW_SUPPORT_OF, is_superuser | is_animator | is_adviser | belongs_to_structure)
# Take part (answer, book) at all: a member of a structure of the territory (object: a territory).
rules.add_perm(TAKE_PART, is_superuser | is_member_anywhere | is_animator)


def can(user: Any, perm: str, obj: Any) -> bool:
    return bool(_signed_in(user) and user.has_perm(perm, obj))


def require(actor: Actor, perm: str, obj: Any, message: str) -> None:
    """For services: a person without the permission is refused in French; the system actor passes."""
    require_actor(actor)
    if is_system(actor):
        return
    if not actor.has_perm(perm, obj):  # type: ignore[union-attr]
        raise PermissionDenied(message)
