"""Shared pieces of the agenda's services: constants, checks, mails, seat counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from maillage.accounts.models import User
from maillage.actors.models import Structure
from maillage.core.actors import Actor, user_of
from maillage.core.db import lock_row
from maillage.core.mail import send_mail_on_commit
from maillage.core.models import Territory
from maillage.core.text import long_date
from maillage.core.tokens import make_token
from maillage.events import recurrence
from maillage.events.models import (
    Event,
    Mode,
    Registration,
)

HOLD = dt.timedelta(minutes=30)  # how long an unconfirmed e-mail registration holds its seat
CONFIRM_MAX_AGE = dt.timedelta(days=2)
CANCEL_MAX_AGE = dt.timedelta(days=400)
CONFIRM_PURPOSE = "events.confirm"
HELD = "Votre place est réservée pendant 30 minutes."
FULL = "Le rendez-vous est complet : vous serez placé sur la liste d'attente."
CANCEL_PURPOSE = "events.cancel"

EVENT_FIELDS = {
    "title", "description", "kind", "visibility", "mode", "venue", "address", "commune", "latitude",
    "longitude", "online_url", "accessibility", "capacity", "registration_open", "questions", "image",
    "image_alt", "start", "end", "campaign",
}  # fmt: skip
SERIES_FIELDS = {
    "title", "description", "kind", "visibility", "mode", "venue", "address", "commune", "latitude",
    "longitude", "online_url", "accessibility", "capacity",
}  # fmt: skip
# Changes that registrants must hear about.
NOTIFY_FIELDS = {"start", "end", "mode", "venue", "address", "commune", "online_url"}


class RegistrationError(ValidationError):
    pass


# --- helpers ---------------------------------------------------------------------------------------------


def person_of(actor: Actor) -> User | None:
    """The person behind `actor`, for the `created_by`/`sent_by` columns (None for the platform)."""
    user = user_of(actor)
    return user if isinstance(user, User) else None


def _event_url(event: Event) -> str:
    return event.territory.absolute_url(reverse("events:detail", kwargs={"slug": event.slug}))


def cancel_url(registration: Registration) -> str:
    token = make_token(CANCEL_PURPOSE, {"r": registration.pk})
    return registration.event.territory.absolute_url(reverse("events:cancel_link", kwargs={"token": token}))


def _lock_event(pk: int, read: Event | None = None) -> Event:
    """The event row, locked for the rest of the transaction — the event's row only: a join under FOR UPDATE
    (`select_related("territory")`) would lock the territory's row too and make every registration of the
    territory, to any event, wait for the others. The territory is taken from `read` (the caller's copy of the
    event) when it holds it, else read when first needed.
    """
    event = lock_row(Event.objects.all(), pk)
    if read is not None and Event.territory.is_cached(read) and read.territory_id == event.territory_id:
        event.territory = read.territory
    return event


def _mail(
    event: Event,
    to: str,
    *,
    title: str,
    body: str,
    action_url: str = "",
    action_label: str = "",
    name: str = "",
) -> None:
    """A notification mail. The layout says « Bonjour {name}, » (or « Bonjour, »): bodies never greet."""
    send_mail_on_commit(
        territory=event.territory,
        to=to,
        template="notification",
        context={
            "title": title,
            "body": body,
            "action_url": action_url,
            "action_label": action_label,
            "greeting_name": name,
        },
    )


def when_label(event: Event) -> str:
    start = timezone.localtime(event.start)
    end = timezone.localtime(event.end)
    label = f"{long_date(start)} de {recurrence._time_fr(start)} à {recurrence._time_fr(end)}"
    if end.date() != start.date():
        label = (
            f"du {long_date(start)} {recurrence._time_fr(start)} "
            f"au {long_date(end)} {recurrence._time_fr(end)}"
        )
    return label


def _unique_slug(territory: Territory, title: str, start: dt.datetime, *, exclude: int | None = None) -> str:
    local = timezone.localtime(start)
    base = slugify(f"{title}-{local:%Y-%m-%d}")[:100] or "evenement"
    slug, n = base, 2
    qs = Event.objects.filter(territory=territory)
    if exclude:
        qs = qs.exclude(pk=exclude)
    while qs.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _check_times(start: dt.datetime | None, end: dt.datetime | None) -> None:
    if start is None or end is None:
        raise ValidationError("Indiquez le début et la fin.")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError("Les dates doivent porter un fuseau horaire.")
    if end <= start:
        raise ValidationError("La fin doit être après le début.")


def _check_place(fields: Mapping[str, Any]) -> None:
    mode = fields.get("mode", Mode.IN_PERSON)
    if mode in (Mode.ONLINE, Mode.HYBRID) and not fields.get("online_url"):
        raise ValidationError("Un rendez-vous en ligne a besoin d'un lien de visioconférence.")
    if mode in (Mode.IN_PERSON, Mode.HYBRID) and not (
        fields.get("commune") or fields.get("address") or fields.get("venue")
    ):
        raise ValidationError("Indiquez le lieu du rendez-vous (lieu, adresse ou commune).")
    capacity = fields.get("capacity")
    if capacity is not None and capacity < 1:
        raise ValidationError("Le nombre de places doit être d'au moins 1 (ou laissé vide).")


def _check_hosts(territory: Territory, hosts: Iterable[Structure]) -> list[Structure]:
    hosts = list(hosts)
    if any(h.territory_id != territory.pk for h in hosts):
        raise ValidationError("Les structures d'accueil doivent être du territoire.")
    return hosts


def seats_taken(event: Event, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return Registration.objects.filter(
        Q(state=Registration.State.REGISTERED)
        | Q(state=Registration.State.PENDING, holds_seat=True, hold_until__gt=now),
        event=event,
    ).count()


def seats_left(event: Event, now: dt.datetime | None = None) -> int | None:
    if event.capacity is None:
        return None
    return max(0, event.capacity - seats_taken(event, now))
