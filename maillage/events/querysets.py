"""Permission-scoped reads of the agenda."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from maillage.actors.models import Membership
from maillage.events.models import Event, Registration, Status, Visibility


def _is_animator(user: Any, territory: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_animator_of(territory))


SHOWN = [Status.PUBLISHED, Status.CLOSED, Status.CANCELLED]


class EventQuerySet:
    @staticmethod
    def for_user(user: Any, territory: Any) -> models.QuerySet[Event]:
        """Events the person may see: published, closed or cancelled ones (members-only ones to members of a
        structure of the territory); drafts to animators and to the managers of their host structures."""
        qs = Event.objects.filter(territory=territory)
        if user is None or not user.is_authenticated:
            return qs.filter(visibility=Visibility.PUBLIC, status__in=SHOWN)
        if _is_animator(user, territory):
            return qs
        roles = list(
            Membership.objects.filter(user=user, structure__territory=territory).values_list(
                "structure_id", "role"
            )
        )
        visible = models.Q(status__in=SHOWN)
        if not roles:
            visible &= models.Q(visibility=Visibility.PUBLIC)
        managed = [structure_id for structure_id, role in roles if role == Membership.Role.MANAGER]
        if managed:
            hosted = Event.hosts.through.objects.filter(structure_id__in=managed).values("event_id")
            visible |= models.Q(pk__in=hosted)
        return qs.filter(visible)

    @staticmethod
    def public_agenda(territory: Any) -> models.QuerySet[Event]:
        """What feeds and blocks open to anyone show: public, not draft."""
        return Event.objects.filter(
            territory=territory,
            visibility=Visibility.PUBLIC,
            status__in=[Status.PUBLISHED, Status.CLOSED, Status.CANCELLED],
        )

    @staticmethod
    def upcoming(qs: models.QuerySet[Event], now: dt.datetime | None = None) -> models.QuerySet[Event]:
        return qs.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    @staticmethod
    def past(qs: models.QuerySet[Event], now: dt.datetime | None = None) -> models.QuerySet[Event]:
        return qs.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")


class RegistrationQuerySet:
    @staticmethod
    def active(event: Event) -> models.QuerySet[Registration]:
        return Registration.objects.filter(
            event=event, state__in=[Registration.State.REGISTERED, Registration.State.WAITLISTED]
        ).select_related("structure", "user")

    @staticmethod
    def registered(event: Event) -> models.QuerySet[Registration]:
        return Registration.objects.filter(event=event, state=Registration.State.REGISTERED).order_by(
            "name", "pk"
        )

    @staticmethod
    def waitlist(event: Event) -> models.QuerySet[Registration]:
        return Registration.objects.filter(event=event, state=Registration.State.WAITLISTED).order_by(
            "sequence"
        )

    @staticmethod
    def for_person(user: Any) -> models.QuerySet[Registration]:
        return Registration.objects.filter(user=user).select_related("event")
