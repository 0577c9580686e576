"""Who may do what in the workspace: the only source (views, services and querysets ask here).

- ateliers: listed publicly; their discussions, documents and members to their active members and to the
  territory's animators and moderators (« staff »); coordinators and staff decide memberships, moderate,
  plan meetings and write minutes;
- the « échanges » area and the news watch: to every member of the territory (a person attached to a
  published structure of the territory) and to its staff; the staff picks news for the lettre and follows
  feeds;
- the system actor (a task, the demo loader, an example builder) may do what the staff may.

No workspace model is imported here (models → querysets → permissions): memberships are read through the
reverse relations.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.permissions import is_superuser
from maillage.actors.models import Membership, Structure
from maillage.core.actors import is_system
from maillage.core.models import Territory

ACTIVE = "active"
COORDINATOR = "coordinator"


def _signed_in(user: Any) -> bool:
    return bool(user is not None and not is_system(user) and user.is_authenticated)


def is_staff_of(user: Any, territory: Territory) -> bool:
    """Animator or moderator of the territory (they moderate every discussion), or the system."""
    if is_system(user):
        return True
    return _signed_in(user) and (user.is_moderator_of(territory) or user.is_animator_of(territory))


def is_territory_member(user: Any, territory: Territory) -> bool:
    if is_staff_of(user, territory):
        return True
    if not _signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, structure__territory=territory, structure__status=Structure.Status.PUBLISHED
    ).exists()


def membership_of(user: Any, atelier: Any) -> Any:
    """The person's membership row of the atelier (any state), or None."""
    if not _signed_in(user):
        return None
    return atelier.members.filter(user=user).first()


def is_active_member(user: Any, atelier: Any) -> bool:
    m = membership_of(user, atelier)
    return m is not None and m.status == ACTIVE


def is_coordinator(user: Any, atelier: Any) -> bool:
    m = membership_of(user, atelier)
    return m is not None and m.status == ACTIVE and m.role == COORDINATOR


def can_coordinate(user: Any, atelier: Any) -> bool:
    return is_staff_of(user, atelier.territory) or is_coordinator(user, atelier)


def can_read_atelier(user: Any, atelier: Any) -> bool:
    return is_staff_of(user, atelier.territory) or is_active_member(user, atelier)


def can_read_thread(user: Any, thread: Any) -> bool:
    if thread.atelier_id is None:
        return is_territory_member(user, thread.territory)
    return can_read_atelier(user, thread.atelier)


def can_moderate_thread(user: Any, thread: Any) -> bool:
    if is_staff_of(user, thread.territory):
        return True
    return thread.atelier_id is not None and is_coordinator(user, thread.atelier)


def can_edit_post(user: Any, post: Any) -> bool:
    """Only the author edits a message (not even the moderation: it hides)."""
    return _signed_in(user) and post.author_id == user.pk


# --- rules predicates (django-rules: `user.has_perm("workspace.…", obj)`) ---------------------------------


@rules.predicate
def staff_of_object(user: Any, obj: Any = None) -> bool:
    territory = obj if isinstance(obj, Territory) else getattr(obj, "territory", None)
    return territory is not None and is_staff_of(user, territory)


@rules.predicate
def member_of_territory(user: Any, obj: Any = None) -> bool:
    territory = obj if isinstance(obj, Territory) else getattr(obj, "territory", None)
    return territory is not None and is_territory_member(user, territory)


@rules.predicate
def coordinates_atelier(user: Any, atelier: Any = None) -> bool:
    return atelier is not None and can_coordinate(user, atelier)


@rules.predicate
def reads_atelier(user: Any, atelier: Any = None) -> bool:
    return atelier is not None and can_read_atelier(user, atelier)


@rules.predicate
def reads_thread(user: Any, thread: Any = None) -> bool:
    return thread is not None and can_read_thread(user, thread)


@rules.predicate
def moderates_thread(user: Any, thread: Any = None) -> bool:
    return thread is not None and can_moderate_thread(user, thread)


# Create ateliers, pick news for the lettre, follow feeds, see the reports (object: the territory).
rules.add_perm("workspace.animate_workspace", is_superuser | staff_of_object)
# Join ateliers, open « échanges », post to the news watch (object: the territory).
rules.add_perm("workspace.take_part", is_superuser | member_of_territory)
# Decide memberships, roles, meetings and minutes (object: the atelier).
rules.add_perm("workspace.coordinate_atelier", is_superuser | coordinates_atelier)
# Read an atelier's discussions, documents and members (object: the atelier).
rules.add_perm("workspace.read_atelier", is_superuser | reads_atelier)
rules.add_perm("workspace.read_thread", is_superuser | reads_thread)
rules.add_perm("workspace.moderate_thread", is_superuser | moderates_thread)
