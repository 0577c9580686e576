"""Page contexts of the workspace: what each page shows, read through the scoped QuerySets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.utils import timezone

from maillage.core.models import Territory
from maillage.core.search import search
from maillage.events.models import Event
from maillage.events.models import Status as EventStatus
from maillage.plan.querysets import links_to
from maillage.workspace import permissions
from maillage.workspace.models import Atelier, AtelierMeeting, AtelierMember, NewsFeed, NewsItem, Thread


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


def meetings(atelier: Atelier, *, upcoming: bool) -> Any:
    """The atelier's shown meetings: upcoming (not yet ended) soonest first, or past latest first."""
    qs = AtelierMeeting.objects.filter(atelier=atelier).shown().select_related("event", "minutes_author")
    return qs.upcoming() if upcoming else qs.past()


def atelier_list(user: Any, territory: Territory) -> dict[str, Any]:
    mine: set[int] = set()
    if user.is_authenticated:
        mine = set(user.atelier_members.active().values_list("atelier_id", flat=True))
    return {
        "ateliers": Atelier.objects.for_user(user, territory).prefetch_related("members__user"),
        "mine": mine,
        "can_create": permissions.is_staff_of(user, territory),
        "is_territory_member": permissions.is_territory_member(user, territory),
    }


def atelier_detail(user: Any, atelier: Atelier) -> dict[str, Any]:
    can_read = permissions.can_read_atelier(user, atelier)
    active = atelier.members.active().select_related("user")
    return {
        "atelier": atelier,
        "membership": permissions.membership_of(user, atelier),
        "can_read": can_read,
        "can_coordinate": permissions.can_coordinate(user, atelier),
        "can_join": permissions.is_territory_member(user, atelier.territory),
        "coordinators": [m.user for m in active if m.role == AtelierMember.Role.COORDINATOR],
        "member_count": len(active),
        "threads": atelier.threads.select_related("author")[:30] if can_read else [],
        "upcoming_meetings": meetings(atelier, upcoming=True),
        "past_meetings": meetings(atelier, upcoming=False)[:20],
        "plan_nodes": plan_nodes_for(atelier),
    }


def atelier_members(user: Any, atelier: Atelier) -> dict[str, Any]:
    members = (
        AtelierMember.objects.for_user(user, atelier)
        .select_related("user")
        .prefetch_related("user__memberships__structure")
    )
    return {
        "atelier": atelier,
        "active": [m for m in members if m.status == AtelierMember.Status.ACTIVE],
        "pending": [m for m in members if m.status == AtelierMember.Status.PENDING],
        "can_coordinate": permissions.can_coordinate(user, atelier),
    }


def thread_detail(user: Any, thread: Thread, form: Any) -> dict[str, Any]:
    posts = thread.posts.select_related("author").prefetch_related(
        "author__memberships__structure", "revisions"
    )
    return {
        "thread": thread,
        "posts": posts,
        "form": form,
        "can_moderate": permissions.can_moderate_thread(user, thread),
    }


def exchanges(user: Any, territory: Territory, kind: str, page: Any) -> dict[str, Any]:
    qs = Thread.objects.for_user(user, territory).exchanges().select_related("author")
    if kind in (Thread.Kind.SEEK, Thread.Kind.OFFER):
        qs = qs.filter(kind=kind)
    return {"page": Paginator(qs, 20).get_page(page), "kind": kind}


def news(user: Any, territory: Territory, *, query: str, tag: str, page: Any) -> dict[str, Any]:
    qs = NewsItem.objects.for_user(user, territory)
    if query:
        qs = qs.filter(pk__in=search(territory, query, kinds=["news"], limit=200).ids("news"))
    qs = qs.tagged(tag)
    all_items = NewsItem.objects.for_user(user, territory)
    tags = sorted({t for ts in all_items.values_list("tags", flat=True)[:500] for t in ts})
    return {
        "page": Paginator(qs, 20).get_page(page),
        "query": query,
        "tag": tag,
        "tags": tags,
        "can_post": permissions.is_territory_member(user, territory),
        "can_pick": permissions.is_staff_of(user, territory),
    }


def news_feeds(user: Any, territory: Territory, form: Any) -> dict[str, Any]:
    return {"form": form, "feeds": NewsFeed.objects.for_user(user, territory)}


def document_detail(document: Any, form: Any) -> dict[str, Any]:
    versions = document.versions.select_related("uploaded_by")
    return {
        "document": document,
        "versions": versions,
        "form": form,
        "downloads": sum(v.download_count for v in versions),
    }


def minutes_history(meeting: AtelierMeeting) -> list[Any]:
    return [
        h
        for h in meeting.history.select_related("minutes_author").order_by("-history_date")[:20]
        if h.minutes
    ]
