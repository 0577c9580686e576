"""Reads of the workspace: chainable QuerySets, each with a `for_user()` scoped by `permissions`.

`Model.objects` is one of these (models.py), so `Thread.objects.in_territory(t).for_user(user)` reads as
it says. Who may see what is decided in `permissions`, never here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillage.core.models import Territory
from maillage.workspace import permissions

# Events of these states show as meetings of an atelier (cancelled ones stay in the agenda only).
_SHOWN_EVENT_STATES = ("published", "closed")


class AtelierQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> AtelierQuerySet:
        return self.filter(territory=territory)

    def current(self) -> AtelierQuerySet:
        return self.filter(is_archived=False)

    def for_user(self, user: Any, territory: Territory) -> AtelierQuerySet:
        """Ateliers are listed publicly (name, purpose, coordinators): every current one of the territory."""
        return self.in_territory(territory).current()


class AtelierMemberQuerySet(models.QuerySet):
    def active(self) -> AtelierMemberQuerySet:
        return self.filter(status=permissions.ACTIVE)

    def pending(self) -> AtelierMemberQuerySet:
        return self.filter(status="pending")

    def coordinators(self) -> AtelierMemberQuerySet:
        return self.active().filter(role=permissions.COORDINATOR)

    def for_user(self, user: Any, atelier: Any) -> AtelierMemberQuerySet:
        """The members of an atelier, to those who may read it (nobody else)."""
        if not permissions.can_read_atelier(user, atelier):
            return self.none()
        return self.filter(atelier=atelier)


class ThreadQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> ThreadQuerySet:
        return self.filter(territory=territory)

    def exchanges(self) -> ThreadQuerySet:
        return self.filter(atelier__isnull=True)

    def for_user(self, user: Any, territory: Territory) -> ThreadQuerySet:
        """Every thread the person may read in the territory."""
        qs = self.in_territory(territory)
        if permissions.is_staff_of(user, territory):
            return qs
        if user is None or not user.is_authenticated:
            return qs.none()
        mine = user.atelier_members.filter(status=permissions.ACTIVE).values("atelier_id")
        visible = Q(atelier_id__in=mine)
        if permissions.is_territory_member(user, territory):
            visible |= Q(atelier__isnull=True)
        return qs.filter(visible)


class PostQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory) -> PostQuerySet:
        from_threads = self.model._meta.get_field("thread").related_model
        return self.filter(thread__in=from_threads.objects.for_user(user, territory))


class AbuseReportQuerySet(models.QuerySet):
    def open(self) -> AbuseReportQuerySet:
        return self.filter(outcome="open")

    def for_user(self, user: Any, territory: Territory) -> AbuseReportQuerySet:
        """Reports are read by the territory's staff only."""
        qs = self.filter(post__thread__territory=territory)
        return qs if permissions.is_staff_of(user, territory) else qs.none()


class NewsItemQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> NewsItemQuerySet:
        return self.filter(territory=territory)

    def tagged(self, tag: str) -> NewsItemQuerySet:
        return self.filter(tags_text__contains=f",{tag},") if tag else self

    def picked_since(self, since: dt.datetime, until: dt.datetime | None = None) -> NewsItemQuerySet:
        qs = self.filter(picked_at__isnull=False, picked_at__gte=since)
        return qs.filter(picked_at__lt=until) if until else qs

    def for_user(self, user: Any, territory: Territory) -> NewsItemQuerySet:
        """The news watch is public."""
        return self.in_territory(territory)


class NewsFeedQuerySet(models.QuerySet):
    def active(self) -> NewsFeedQuerySet:
        return self.filter(is_active=True)

    def for_user(self, user: Any, territory: Territory) -> NewsFeedQuerySet:
        """The feeds page is the staff's."""
        qs = self.filter(territory=territory)
        return qs if permissions.is_staff_of(user, territory) else qs.none()


class DocumentQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory) -> DocumentQuerySet:
        """Documents of the ateliers the person may read (staff: every atelier of the territory)."""
        qs = self.filter(atelier__territory=territory)
        if permissions.is_staff_of(user, territory):
            return qs
        if user is None or not user.is_authenticated:
            return qs.none()
        mine = user.atelier_members.filter(status=permissions.ACTIVE).values("atelier_id")
        return qs.filter(atelier_id__in=mine)


class DocumentVersionQuerySet(models.QuerySet):
    def for_user(self, user: Any, territory: Territory) -> DocumentVersionQuerySet:
        documents = self.model._meta.get_field("document").related_model
        return self.filter(document__in=documents.objects.for_user(user, territory))


class AtelierMeetingQuerySet(models.QuerySet):
    def shown(self) -> AtelierMeetingQuerySet:
        return self.filter(event__status__in=_SHOWN_EVENT_STATES)

    def upcoming(self) -> AtelierMeetingQuerySet:
        return self.filter(event__end__gte=timezone.now()).order_by("event__start", "pk")

    def past(self) -> AtelierMeetingQuerySet:
        return self.filter(event__end__lt=timezone.now()).order_by("-event__start", "-pk")

    def for_user(self, user: Any, territory: Territory) -> AtelierMeetingQuerySet:
        """Meetings are public (they are in the agenda); their minutes are shown to readers only (the
        template asks `can_read`)."""
        return self.filter(atelier__territory=territory, atelier__is_archived=False)
