"""Shared pieces of the agenda's services: constants, checks, mails, seat counts."""

from __future__ import annotations

import datetime as dt
import re
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
from maillage.notifications.services import notify

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


# The kinds of notification the agenda sends to registrants who have an account (module.py registers them).
KIND_REGISTRATION = "events.registration"  # registered, or on the waiting list
KIND_CHANGED = "events.changed"  # the date or the place changed, or the event is cancelled
KIND_MESSAGE = "events.message"  # « message aux inscrits »
KIND_WAITLIST = "events.waitlist"  # a seat freed: moved up from the waiting list
KIND_REMINDER = "events.reminder"  # the reminder before the event
MAIL_TEMPLATE = "events_notice"  # mail/notification.* plus the unsubscribe footer of notifications
_GREETING = re.compile(
    r"^\W*(bonjour|bonsoir|salut|hello|coucou|cher|chère|chers|chères|madame|monsieur)\b", re.I
)


def greets(body: str) -> bool:
    """Does the text open with its own greeting (« Bonjour à toutes et à tous, »)? Then the mail's layout
    does not say « Bonjour » a second time."""
    return bool(_GREETING.match(body or ""))


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
    """A mail to a bare address. The layout says « Bonjour {name}, » (or « Bonjour, »), unless the body
    greets already (`greets`)."""
    send_mail_on_commit(
        territory=event.territory,
        to=to,
        template=MAIL_TEMPLATE,
        context={
            "title": title,
            "body": body,
            "action_url": action_url,
            "action_label": action_label,
            "greeting_name": name,
            "body_greets": greets(body),
        },
    )


def tell(
    registration: Registration,
    *,
    kind: str,
    actor: Actor,
    title: str,
    body: str,
    action_url: str = "",
    action_label: str = "",
    name: str = "",
) -> None:
    """Tell a registrant about their event. A person with an account is notified through the notification
    centre (`kind`: in-app, and a mail at once, in a digest or never, as they chose); a registration by
    address alone gets a direct mail (no account, no preferences). Same wording either way."""
    event = registration.event
    user = registration.user
    if user is None or not user.is_active:
        _mail(
            event,
            registration.email,
            title=title,
            body=body,
            action_url=action_url,
            action_label=action_label,
            name=name,
        )
        return
    context: dict[str, Any] = {
        "title": title,
        "body": body,
        "action_url": action_url,
        "action_label": action_label,
        "body_greets": greets(body),
    }
    if name:
        context["greeting_name"] = name
    notify(
        kind=kind,
        territory=event.territory,
        recipients=[user],
        title=title,
        url=reverse("events:detail", kwargs={"slug": event.slug}),
        actor=actor,
        body=body,
        template=MAIL_TEMPLATE,
        context=context,
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
