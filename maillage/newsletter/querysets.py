"""Reads of the lettre, scoped: the public sees sent issues of its territory; the animator everything."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from maillage.core.models import Territory
from maillage.newsletter.models import Issue, Subscriber


def can_manage(user: Any, territory: Territory | None) -> bool:
    return bool(
        territory is not None
        and user is not None
        and user.is_authenticated
        and user.has_perm("core.animate_territory", territory)
    )


def issues_for(user: Any, territory: Territory) -> QuerySet[Issue]:
    qs = Issue.objects.filter(territory=territory)
    return qs if can_manage(user, territory) else qs.filter(status=Issue.Status.SENT)


def published_issues(territory: Territory) -> QuerySet[Issue]:
    return Issue.objects.filter(territory=territory, status=Issue.Status.SENT).order_by("-number")


def subscribers_for(user: Any, territory: Territory) -> QuerySet[Subscriber]:
    if not can_manage(user, territory):
        return Subscriber.objects.none()
    return Subscriber.objects.filter(territory=territory).select_related("commune")
