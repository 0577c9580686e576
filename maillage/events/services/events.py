"""Events: create, change, publish / cancel / close (the event's machine)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors.models import Structure
from maillage.core.actors import Actor
from maillage.core.machines import TransitionError, log_creation, transition
from maillage.core.models import Territory
from maillage.events import calendars, permissions
from maillage.events.models import Event, Registration, Status
from maillage.events.services.common import (
    EVENT_FIELDS,
    KIND_CHANGED,
    NOTIFY_FIELDS,
    _check_hosts,
    _check_place,
    _check_times,
    _event_url,
    _lock_event,
    _unique_slug,
    cancel_url,
    person_of,
    tell,
    when_label,
)
from maillage.events.services.registrations import _promote


@transaction.atomic
def create_event(
    *,
    actor: Actor,
    territory: Territory,
    hosts: Iterable[Structure] = (),
    status: str = Status.DRAFT,
    slug: str = "",
    permitted_by: str = "",
    **fields: Any,
) -> Event:
    """A new event (a draft, then moved to `status`). `slug` fixes its address; by default it is drawn from
    the title and the date. Only the animation creates one, or a structure's manager proposing it to an open
    campaign; `permitted_by` names another app's permission its caller checked (see `require_create`)."""
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    permissions.require_create(actor, territory, campaign=fields.get("campaign"), permitted_by=permitted_by)
    _check_times(fields.get("start"), fields.get("end"))
    _check_place(fields)
    if not (fields.get("title") or "").strip():
        raise ValidationError("Donnez un titre au rendez-vous.")
    event = Event(
        territory=territory,
        created_by=person_of(actor),
        status=Status.DRAFT,
        **fields,
    )
    event.slug = slug or _unique_slug(territory, event.title, event.start)
    event.full_clean(exclude=["slug", "image", "questions"])
    event.save()
    event.hosts.set(_check_hosts(territory, hosts))
    calendars.forget_version(territory.pk)
    log_creation(event, actor=actor, note=f"création ({permitted_by})" if permitted_by else "création")
    if status != Status.DRAFT:
        move_event(event, status, actor=actor)
    return event


def move_event(event: Event, to: str, *, actor: Actor, note: str = "") -> Event:
    """Move the event along its machine (`EVENT_MACHINE`), logged; the calendars' version is forgotten."""
    try:
        transition(event, to, actor=actor, note=note)
    except TransitionError as exc:
        if exc.code != "transition_not_allowed":
            raise
        raise TransitionError(
            "Un rendez-vous « %(from)s » ne peut pas passer à « %(to)s ».",
            code="transition_not_allowed",
            params={"from": event.get_status_display(), "to": Status(to).label},
        ) from exc
    calendars.forget_version(event.territory_id)
    return event


@transaction.atomic
def change_status(*, actor: Actor, event: Event, to: str, note: str = "") -> Event:
    """Publish, cancel, close or reopen an event (EVENT_MACHINE); cancelling mails every registrant."""
    permissions.require(actor, permissions.MANAGE_EVENT, event)
    event = Event.objects.get(pk=event.pk)
    move_event(event, to, actor=actor, note=note)
    if to == Status.CANCELLED:
        for registration in Registration.objects.filter(
            event=event, state__in=[Registration.State.REGISTERED, Registration.State.WAITLISTED]
        ).select_related("user"):
            registration.event = event
            tell(
                registration,
                kind=KIND_CHANGED,
                actor=actor,
                title=f"Annulé : {event.title}",
                body=(
                    f"Le rendez-vous « {event.title} » prévu le "
                    f"{when_label(event)} est annulé.{' ' + note if note else ''}\n\n"
                    "Nous vous prions de nous en excuser."
                ),
                action_url=_event_url(event),
                action_label="Voir l'agenda",
                name=registration.display_name,
            )
    return event


@transaction.atomic
def update_event(
    *, actor: Actor, event: Event, hosts: Iterable[Structure] | None = None, **fields: Any
) -> Event:
    """Change an event's fields; registrants are told when the date or the place changes."""
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    permissions.require(actor, permissions.MANAGE_EVENT, event)
    event = _lock_event(event.pk, event)
    if event.status == Status.CANCELLED:
        raise ValidationError("Ce rendez-vous est annulé : il ne peut plus être modifié.")
    before = {name: getattr(event, name) for name in fields}
    merged = {name: getattr(event, name) for name in EVENT_FIELDS if name != "image"} | fields
    _check_times(merged["start"], merged["end"])
    _check_place(merged)
    for name, value in fields.items():
        setattr(event, name, value)
    if event.series_id and fields:
        event.is_override = True
    event.full_clean(exclude=["image", "questions"])
    event.save()
    if hosts is not None:
        event.hosts.set(_check_hosts(event.territory, hosts))
    calendars.forget_version(event.territory_id)
    changed = {name for name in fields if before[name] != fields[name]}
    if changed & NOTIFY_FIELDS:
        _notify_change(event, changed, actor=actor)
    if "capacity" in changed:
        _promote(event)
    return event


def _notify_change(event: Event, changed: set[str], *, actor: Actor) -> None:
    what = "la date" if changed & {"start", "end"} else "le lieu"
    for registration in Registration.objects.filter(
        event=event, state__in=[Registration.State.REGISTERED, Registration.State.WAITLISTED]
    ).select_related("user"):
        registration.event = event
        tell(
            registration,
            kind=KIND_CHANGED,
            actor=actor,
            title=f"Changement : {event.title}",
            body=(
                f"{what.capitalize()} du rendez-vous « {event.title} » a changé.\n"
                f"Quand : {when_label(event)}\nOù : {event.place_label}\n\n"
                "Si vous ne pouvez plus venir, merci d'annuler votre inscription pour libérer la place."
            ),
            action_url=cancel_url(registration),
            action_label="Annuler mon inscription",
            name=registration.display_name,
        )
