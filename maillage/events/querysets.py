"""Permission-scoped, chainable reads of the agenda: `Event.objects.for_user(user, territory).upcoming()`.

`models.py` builds its managers from these (`objects = EventQuerySet.as_manager()`), so this module does not
import the models: it reads the enumerations from `choices.py` and the model from `self.model`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from maillage.actors.models import Membership
from maillage.events.choices import RegistrationState, Status, Visibility

if TYPE_CHECKING:
    from maillage.events.models import Event, Registration  # noqa: F401 (types only)

# What the agenda shows to whoever may see the event: drafts are for organisers only.
SHOWN = [Status.PUBLISHED, Status.CLOSED, Status.CANCELLED]
ACTIVE = [RegistrationState.REGISTERED, RegistrationState.WAITLISTED]


def _is_animator(user: Any, territory: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_animator_of(territory))


class EventQuerySet(models.QuerySet["Event"]):
    def for_user(self, user: Any, territory: Any) -> EventQuerySet:
        """Events the person may see: published, closed or cancelled ones (members-only ones to members of a
        structure of the territory); drafts to animators and to the managers of their host structures."""
        qs = self.filter(territory=territory)
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
            through: Any = self.model._meta.get_field("hosts").remote_field.through
            hosted = through.objects.filter(structure_id__in=managed).values("event_id")
            visible |= models.Q(pk__in=hosted)
        return qs.filter(visible)

    def public_agenda(self, territory: Any) -> EventQuerySet:
        """What feeds and blocks open to anyone show: public, not draft."""
        return self.filter(territory=territory, visibility=Visibility.PUBLIC, status__in=SHOWN)

    def upcoming(self, now: dt.datetime | None = None) -> EventQuerySet:
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    def past(self, now: dt.datetime | None = None) -> EventQuerySet:
        return self.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def for_user(self, user: Any) -> RegistrationQuerySet:
        """The person's own registrations (by account or by their address)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(models.Q(user=user) | models.Q(email__iexact=user.email))

    def for_event(self, event: Any) -> RegistrationQuerySet:
        return self.filter(event=event)

    def active(self) -> RegistrationQuerySet:
        return self.filter(state__in=ACTIVE).select_related("structure", "user")

    def registered(self) -> RegistrationQuerySet:
        return self.filter(state=RegistrationState.REGISTERED).order_by("name", "pk")

    def waitlist(self) -> RegistrationQuerySet:
        return self.filter(state=RegistrationState.WAITLISTED).order_by("sequence")

    def for_person(self, user: Any) -> RegistrationQuerySet:
        """The person's registrations made with their account (« Mon espace »)."""
        return self.filter(user=user).select_related("event")
