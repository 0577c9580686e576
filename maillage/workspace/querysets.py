"""Reads of the workspace, scoped to what the person may see.

- ateliers: listed publicly (name, purpose, coordinators); their discussions only to their active members
  and to the territory's animators and moderators;
- the « échanges » area: to every member of the territory (a person attached to a published structure of
  the territory) and to its animators and moderators.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from maillage.actors.models import Membership, Structure
from maillage.core.models import Territory
from maillage.events.models import Event
from maillage.events.models import Status as EventStatus
from maillage.plan.querysets import links_to
from maillage.workspace.models import Atelier, AtelierMeeting, AtelierMember, Post, Thread


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


def meetings(atelier: Atelier, *, upcoming: bool) -> QuerySet[AtelierMeeting]:
    """The atelier's meetings whose event is published or closed (cancelled ones stay in the agenda only):
    upcoming (not yet ended) soonest first, or past latest first. The minutes are shown to readers only
    (the template checks `can_read`)."""
    qs = AtelierMeeting.objects.filter(
        atelier=atelier, event__status__in=[EventStatus.PUBLISHED, EventStatus.CLOSED]
    ).select_related("event", "minutes_author")
    now = timezone.now()
    if upcoming:
        return qs.filter(event__end__gte=now).order_by("event__start", "pk")
    return qs.filter(event__end__lt=now).order_by("-event__start", "-pk")


def linkable_events(atelier: Atelier) -> list[tuple[int, str]]:
    """Events of the territory not yet tied to an atelier, from a month ago on (for « rattacher »)."""
    since = timezone.now() - dt.timedelta(days=31)
    events = (
        Event.objects.filter(territory=atelier.territory, atelier_meeting__isnull=True, start__gte=since)
        .exclude(status=EventStatus.CANCELLED)
        .order_by("start")[:200]
    )
    return [(e.pk, f"{timezone.localtime(e.start):%d/%m/%Y %H:%M} — {e.title}") for e in events]


def plan_nodes_for(atelier: Atelier) -> list[Any]:
    """The plan nodes (actions, objectives) that link to the atelier, through the plan's links."""
    content_type = ContentType.objects.get_for_model(Atelier)
    return list(links_to(content_type, atelier.pk, atelier.territory).select_related("version"))
