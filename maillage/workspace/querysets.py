"""Reads of the workspace, scoped to what the person may see.

- ateliers: listed publicly (name, purpose, coordinators); their discussions only to their active members
  and to the territory's animators and moderators;
- the « échanges » area: to every member of the territory (a person attached to a published structure of
  the territory) and to its animators and moderators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from maillage.actors.models import Membership, Structure
from maillage.core.models import Territory
from maillage.workspace.models import Atelier, AtelierMember, Post, Thread


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_staff_of(user: Any, territory: Territory) -> bool:
    """Animator or moderator of the territory (they moderate every discussion)."""
    return _signed_in(user) and (user.is_moderator_of(territory) or user.is_animator_of(territory))


def is_territory_member(user: Any, territory: Territory) -> bool:
    if not _signed_in(user):
        return False
    if is_staff_of(user, territory):
        return True
    return Membership.objects.filter(
        user=user, structure__territory=territory, structure__status=Structure.Status.PUBLISHED
    ).exists()


def membership_of(user: Any, atelier: Atelier) -> AtelierMember | None:
    if not _signed_in(user):
        return None
    return AtelierMember.objects.filter(atelier=atelier, user=user).first()


def is_active_member(user: Any, atelier: Atelier) -> bool:
    m = membership_of(user, atelier)
    return m is not None and m.status == AtelierMember.Status.ACTIVE


def is_coordinator(user: Any, atelier: Atelier) -> bool:
    m = membership_of(user, atelier)
    return (
        m is not None and m.status == AtelierMember.Status.ACTIVE and m.role == AtelierMember.Role.COORDINATOR
    )


def can_coordinate(user: Any, atelier: Atelier) -> bool:
    return is_coordinator(user, atelier) or is_staff_of(user, atelier.territory)


def can_read_atelier(user: Any, atelier: Atelier) -> bool:
    return is_active_member(user, atelier) or is_staff_of(user, atelier.territory)


def can_read_thread(user: Any, thread: Thread) -> bool:
    if thread.atelier_id is None:
        return is_territory_member(user, thread.territory)
    return can_read_atelier(user, thread.atelier)


def can_moderate_thread(user: Any, thread: Thread) -> bool:
    if is_staff_of(user, thread.territory):
        return True
    return thread.atelier_id is not None and is_coordinator(user, thread.atelier)


def ateliers(territory: Territory) -> QuerySet[Atelier]:
    return Atelier.objects.filter(territory=territory, is_archived=False)


def threads_for(user: Any, territory: Territory) -> QuerySet[Thread]:
    """Every thread the person may read in the territory."""
    qs = Thread.objects.filter(territory=territory)
    if is_staff_of(user, territory):
        return qs
    if not _signed_in(user):
        return qs.none()
    mine = AtelierMember.objects.filter(user=user, status=AtelierMember.Status.ACTIVE).values("atelier_id")
    visible = Q(atelier_id__in=mine)
    if is_territory_member(user, territory):
        visible |= Q(atelier__isnull=True)
    return qs.filter(visible)


def posts_for(user: Any, territory: Territory) -> QuerySet[Post]:
    return Post.objects.filter(thread__in=threads_for(user, territory))
