"""Every write of the agenda: keyword-only `verb_noun(*, actor, ...)` functions, one transaction each.

Mails are sent with `send_mail_on_commit` (after the transaction commits; a rollback sends nothing).
Registrations lock the event row (`core.db.lock_row`: SELECT … FOR UPDATE on PostgreSQL, the IMMEDIATE
transaction's write lock on SQLite) while seats are counted, so an event is never overbooked and the
waitlist's `sequence` follows commit order without gaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from maillage.actors.models import Membership, Structure
from maillage.core.db import lock_row
from maillage.core.mail import send_mail_on_commit
from maillage.core.models import Territory
from maillage.core.text import long_date
from maillage.core.tokens import make_token
from maillage.events import calendars, recurrence
from maillage.events.models import (
    Campaign,
    Event,
    EventPhoto,
    EventTransition,
    Message,
    Mode,
    OnHoliday,
    Registration,
    Series,
    Status,
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


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
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


# --- events ----------------------------------------------------------------------------------------------


@transaction.atomic
def create_event(
    *,
    actor: Any,
    territory: Territory,
    hosts: Iterable[Structure] = (),
    status: str = Status.DRAFT,
    **fields: Any,
) -> Event:
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    _check_times(fields.get("start"), fields.get("end"))
    _check_place(fields)
    if not (fields.get("title") or "").strip():
        raise ValidationError("Donnez un titre au rendez-vous.")
    event = Event(
        territory=territory,
        created_by=actor if getattr(actor, "pk", None) else None,
        status=Status.DRAFT,
        **fields,
    )
    event.slug = _unique_slug(territory, event.title, event.start)
    event.full_clean(exclude=["slug", "image", "questions"])
    event.save()
    event.hosts.set(_check_hosts(territory, hosts))
    calendars.forget_version(territory.pk)
    EventTransition.objects.create(
        event=event, from_status="", to_status=Status.DRAFT, actor=_user(actor), note="création"
    )
    if status != Status.DRAFT:
        _transition(event, status, actor=actor)
    return event


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _transition(event: Event, to: str, *, actor: Any, note: str = "") -> None:
    if not event.can_become(to):
        raise ValidationError(
            "Un rendez-vous « %(from)s » ne peut pas passer à « %(to)s ».",
            params={"from": event.get_status_display(), "to": Status(to).label},
        )
    EventTransition.objects.create(
        event=event, from_status=event.status, to_status=to, actor=_user(actor), note=note
    )
    event.status = to
    event.save(update_fields=["status", "updated_at"])
    calendars.forget_version(event.territory_id)


@transaction.atomic
def change_status(*, actor: Any, event: Event, to: str, note: str = "") -> Event:
    """Publish, cancel, close or reopen an event (EVENT_TRANSITIONS); cancelling mails every registrant."""
    event = lock_row(Event.objects.all(), event.pk)
    _transition(event, to, actor=actor, note=note)
    if to == Status.CANCELLED:
        for registration in Registration.objects.filter(
            event=event, state__in=[Registration.State.REGISTERED, Registration.State.WAITLISTED]
        ):
            _mail(
                event,
                registration.email,
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
    *, actor: Any, event: Event, hosts: Iterable[Structure] | None = None, **fields: Any
) -> Event:
    """Change an event's fields; registrants are told when the date or the place changes."""
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
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
        _notify_change(event, changed)
    if "capacity" in changed:
        _promote(event)
    return event


def _notify_change(event: Event, changed: set[str]) -> None:
    what = "la date" if changed & {"start", "end"} else "le lieu"
    for registration in Registration.objects.filter(
        event=event, state__in=[Registration.State.REGISTERED, Registration.State.WAITLISTED]
    ):
        _mail(
            event,
            registration.email,
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


# --- registration ----------------------------------------------------------------------------------------


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


def _check_open(event: Event, now: dt.datetime) -> None:
    if event.status == Status.CANCELLED:
        raise RegistrationError("Ce rendez-vous est annulé : les inscriptions sont fermées.")
    if event.start <= now:
        raise RegistrationError("Ce rendez-vous a déjà commencé ou est passé : on ne peut plus s'y inscrire.")
    if event.status != Status.PUBLISHED or not event.registration_open:
        raise RegistrationError("Les inscriptions à ce rendez-vous sont fermées.")


def _next_sequence(event: Event) -> int:
    """The next number of the event's counter; the event row is locked by the caller."""
    event.registration_counter += 1
    Event.objects.filter(pk=event.pk).update(registration_counter=event.registration_counter)
    return event.registration_counter


def _place(event: Event, registration: Registration, now: dt.datetime) -> None:
    """Seat the registration if a seat is free, else put it at the end of the waitlist (event locked)."""
    seat_reserved = registration.holds_seat and registration.hold_until and registration.hold_until > now
    taken = seats_taken(event, now) - (1 if seat_reserved and registration.pk else 0)
    registration.sequence = _next_sequence(event)
    registration.holds_seat = False
    registration.hold_until = None
    registration.confirmed_at = now
    if event.capacity is None or taken < event.capacity:
        registration.state = Registration.State.REGISTERED
    else:
        registration.state = Registration.State.WAITLISTED


def _clean_answers(event: Event, answers: Mapping[str, Any] | None) -> dict[str, str]:
    answers = answers or {}
    return {
        q: str(answers.get(q, "")).strip()[:1000] for q in event.questions if str(answers.get(q, "")).strip()
    }


def _structure_for(user: Any, structure: Structure | None, event: Event) -> Structure | None:
    if structure is None:
        return None
    if structure.territory_id != event.territory_id:
        raise RegistrationError("Cette structure n'est pas du territoire.")
    if user is not None and not Membership.objects.filter(user=user, structure=structure).exists():
        raise RegistrationError("Vous ne pouvez inscrire que l'une de vos structures.")
    return structure


def _registration_mail(registration: Registration) -> None:
    event = registration.event
    if registration.state == Registration.State.REGISTERED:
        title = f"Inscription confirmée : {event.title}"
        body = f"Votre inscription est confirmée.\nQuand : {when_label(event)}\nOù : {event.place_label}"
    else:
        title = f"Liste d'attente : {event.title}"
        body = (
            "Le rendez-vous est complet : vous êtes sur la liste d'attente. "
            "Si une place se libère, vous serez inscrit automatiquement et prévenu par courriel."
        )
    body += f"\n\nCode de présence : {registration.checkin_code}"
    _mail(
        event,
        registration.email,
        title=title,
        body=body,
        action_url=cancel_url(registration),
        action_label="Annuler mon inscription",
        name=registration.display_name,
    )


@transaction.atomic
def register_account(
    *,
    actor: Any,
    event: Event,
    structure: Structure | None = None,
    structure_name: str = "",
    answers: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a signed-in person: a seat, or the end of the waitlist. Locks the event row."""
    now = now or timezone.now()
    if actor is None or not actor.is_authenticated:
        raise RegistrationError("Connectez-vous pour vous inscrire avec votre compte.")
    event = _lock_event(event.pk, event)
    _check_open(event, now)
    existing = (
        Registration.objects.filter(event=event)
        .filter(Q(user=actor) | Q(email__iexact=actor.email))
        .exclude(state=Registration.State.CANCELLED)
        .first()
    )
    if existing is not None and existing.is_active:
        raise RegistrationError("Vous êtes déjà inscrit à ce rendez-vous.")
    registration = existing or Registration(event=event, email=actor.email.lower())
    registration.user = actor
    registration.name = actor.display_name[:200]  # first and last name, else the address's local part
    registration.structure = _structure_for(actor, structure, event)
    registration.structure_name = (structure.name if structure else structure_name.strip())[:250]
    registration.answers = _clean_answers(event, answers)
    registration.created_at = registration.created_at or now
    _place(event, registration, now)
    registration.save()
    # rendered after commit: the event row's lock is not held while the mail's templates render
    transaction.on_commit(lambda: _registration_mail(registration))
    return registration


@transaction.atomic
def request_registration(
    *,
    event: Event,
    email: str,
    name: str,
    structure_name: str = "",
    answers: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Register by e-mail alone: mail a confirmation link (GET shows, POST confirms). Returns nothing, so the
    page says the same whether the address is known or not; a free seat is held for `HOLD`."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    name = (name or "").strip()
    if not email or not name:
        raise RegistrationError("Indiquez votre nom et votre adresse électronique.")
    event = _lock_event(event.pk, event)
    _check_open(event, now)
    existing = (
        Registration.objects.filter(event=event, email=email)
        .exclude(state=Registration.State.CANCELLED)
        .first()
    )
    if existing is not None and existing.is_active:
        _mail(
            event,
            email,
            title=f"Vous êtes déjà inscrit : {event.title}",
            body=(
                "Quelqu'un (sans doute vous) a demandé à s'inscrire "
                f"au rendez-vous « {event.title} » "
                f"avec cette adresse. Elle y est déjà inscrite ({existing.get_state_display()}).\n"
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
            ),
            action_url=cancel_url(existing),
            action_label="Annuler mon inscription",
        )
        return
    registration = existing or Registration(event=event, email=email, created_at=now)
    registration.name = name[:200]
    registration.structure_name = structure_name.strip()[:250]
    registration.answers = _clean_answers(event, answers)
    registration.state = Registration.State.PENDING
    if not registration.holds_seat or not registration.hold_until or registration.hold_until <= now:
        free = event.capacity is None or seats_taken(event, now) < event.capacity
        registration.holds_seat = free
    registration.hold_until = now + HOLD if registration.holds_seat else None
    registration.save()
    token = make_token(CONFIRM_PURPOSE, {"r": registration.pk}, single_use=True)
    url = event.territory.absolute_url(reverse("events:confirm", kwargs={"token": token}))
    _mail(
        event,
        email,
        title=f"Confirmez votre inscription : {event.title}",
        body=(
            f"Pour confirmer votre inscription au rendez-vous « {event.title} » "
            f"({when_label(event)}), ouvrez le lien ci-dessous puis cliquez sur « Confirmer ». "
            f"{HELD if registration.holds_seat else FULL}\n"
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne sera fait."
        ),
        action_url=url,
        action_label="Confirmer mon inscription",
        name=registration.display_name,
    )


@transaction.atomic
def confirm_registration(*, registration_id: int, now: dt.datetime | None = None) -> Registration:
    """The POST behind the confirmation link: seat the registration (its held seat if still held)."""
    now = now or timezone.now()
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None:
        raise RegistrationError("Cette inscription n'existe plus.")
    event = _lock_event(registration.event_id)
    registration.refresh_from_db()
    if registration.is_active:
        return registration
    if registration.state == Registration.State.CANCELLED:
        raise RegistrationError("Cette inscription a été annulée.")
    _check_open(event, now)
    _place(event, registration, now)
    registration.event = event
    registration.save()
    _registration_mail(registration)
    return registration


@transaction.atomic
def cancel_registration(*, actor: Any, registration_id: int, now: dt.datetime | None = None) -> Registration:
    """Cancel a registration (idempotent) and promote the waitlist in order."""
    now = now or timezone.now()
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        raise RegistrationError("Cette inscription n'existe plus.")
    event = _lock_event(registration.event_id)
    registration.refresh_from_db()
    if registration.state == Registration.State.CANCELLED:
        return registration
    registration.state = Registration.State.CANCELLED
    registration.holds_seat = False
    registration.hold_until = None
    registration.cancelled_at = now
    registration.save()
    if event.end > now and event.status == Status.PUBLISHED:
        _promote(event, now)
    return registration


def _promote(event: Event, now: dt.datetime | None = None) -> list[Registration]:
    """Seat waitlisted people in order while seats are free (the event row is locked by the caller)."""
    now = now or timezone.now()
    promoted = []
    free = 10**9 if event.capacity is None else event.capacity - seats_taken(event, now)
    if free <= 0:
        return promoted
    for registration in Registration.objects.filter(
        event=event, state=Registration.State.WAITLISTED
    ).order_by("sequence")[:free]:
        registration.state = Registration.State.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["state", "promoted_at"])
        promoted.append(registration)
        _mail(
            event,
            registration.email,
            title=f"Une place s'est libérée : {event.title}",
            body=(
                f"Une place s'est libérée : vous êtes maintenant inscrit au "
                f"rendez-vous « {event.title} ».\nQuand : {when_label(event)}\nOù : {event.place_label}\n\n"
                "Si vous ne pouvez plus venir, merci d'annuler pour laisser la place à la personne suivante."
            ),
            action_url=cancel_url(registration),
            action_label="Annuler mon inscription",
            name=registration.display_name,
        )
    return promoted


def release_expired_holds(*, now: dt.datetime | None = None) -> int:
    """Periodic: unconfirmed holds that expired free their seat; the waitlist moves up. Returns the count."""
    now = now or timezone.now()
    count = 0
    event_ids = set(
        Registration.objects.filter(
            state=Registration.State.PENDING, holds_seat=True, hold_until__lte=now
        ).values_list("event_id", flat=True)
    )
    for event_id in event_ids:
        with transaction.atomic():
            event = _lock_event(event_id)
            count += Registration.objects.filter(
                event=event, state=Registration.State.PENDING, holds_seat=True, hold_until__lte=now
            ).update(holds_seat=False)
            if event.status == Status.PUBLISHED and event.start > now:
                _promote(event, now)
    return count


# --- series ----------------------------------------------------------------------------------------------


def _occurrence_fields(series: Series) -> dict[str, Any]:
    return {name: getattr(series, name) for name in SERIES_FIELDS}


def _create_occurrence(
    series: Series, start: dt.datetime, *, actor: Any, status: str, moved_to: dt.datetime | None = None
) -> Event:
    """The occurrence of the rule's date `start` (its RECURRENCE-ID), held on `moved_to` if given."""
    held = moved_to or start
    event = Event(
        territory=series.territory,
        series=series,
        recurrence_id=start,
        start=held,
        end=held + series.duration,
        created_by=_user(actor),
        status=status,
        **_occurrence_fields(series),
    )
    event.slug = _unique_slug(series.territory, series.title, held)
    event.save()
    event.hosts.set(series.hosts.all())
    calendars.forget_version(series.territory_id)
    EventTransition.objects.create(
        event=event, from_status="", to_status=status, actor=_user(actor), note="série"
    )
    return event


@transaction.atomic
def create_series(
    *,
    actor: Any,
    territory: Territory,
    rrule: str,
    first_start: dt.datetime,
    duration: dt.timedelta,
    hosts: Iterable[Structure] = (),
    publish: bool = True,
    on_holiday: str = OnHoliday.KEEP,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Series:
    """A series and its occurrences for the coming year. `on_holiday` says what becomes of a date that
    falls on a French public holiday: kept, skipped, or moved to the next working day (same time)."""
    unknown = set(fields) - SERIES_FIELDS
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    if timezone.is_naive(first_start):
        raise ValidationError("La première date doit porter un fuseau horaire.")
    if duration <= dt.timedelta(0):
        raise ValidationError("La fin doit être après le début.")
    _check_place(fields)
    if on_holiday not in OnHoliday.values:
        raise ValidationError("Choisissez ce que deviennent les dates tombant un jour férié.")
    rule = recurrence.validate(rrule, first_start)
    dates = recurrence.occurrences(rule, first_start, after=first_start)
    series = Series(
        territory=territory,
        rrule=rule,
        first_start=dates[0],
        duration=duration,
        on_holiday=on_holiday,
        created_by=_user(actor),
        **fields,
    )
    series.full_clean(exclude=["uid"])
    series.save()
    series.hosts.set(_check_hosts(territory, hosts))
    series._publish = publish  # type: ignore[attr-defined]
    materialise_series(
        series=series, now=now, status=Status.PUBLISHED if publish else Status.DRAFT, actor=actor
    )
    return series


def materialise_series(
    *, series: Series, now: dt.datetime | None = None, status: str = Status.PUBLISHED, actor: Any = None
) -> int:
    """Create the occurrences up to now + AHEAD (idempotent: existing recurrence-ids are left alone)."""
    now = now or timezone.now()
    horizon = now + recurrence.AHEAD
    start_from = series.materialised_until or series.first_start
    dates = recurrence.occurrences(series.rrule, series.first_start, after=start_from, before=horizon)
    existing = set(Event.objects.filter(series=series).values_list("recurrence_id", flat=True))
    dates = dates[: recurrence.MAX_OCCURRENCES]
    on_holiday = dict(recurrence.holidays_among(dates)) if series.on_holiday != OnHoliday.KEEP else {}
    rule_days = {d.astimezone(recurrence.PARIS).date() for d in dates}
    created = 0
    for start in dates:
        if start in existing:
            continue
        moved_to = None
        if start in on_holiday:
            moved_to = recurrence.next_working_day(start) if series.on_holiday == OnHoliday.MOVE else None
            if moved_to is None or moved_to.astimezone(recurrence.PARIS).date() in rule_days:
                continue  # skipped (or its next working day already holds a date of the rule)
        _create_occurrence(series, start, actor=actor, status=status, moved_to=moved_to)
        created += 1
    Series.objects.filter(pk=series.pk).update(materialised_until=horizon)
    series.materialised_until = horizon
    return created


def materialise_all_series(*, now: dt.datetime | None = None) -> int:
    """Periodic job: every series gets its occurrences for the coming year."""
    total = 0
    for series in Series.objects.select_related("territory"):
        with transaction.atomic():
            total += materialise_series(series=series, now=now)
    return total


def rule_end_before(rule: str, start: dt.datetime) -> str:
    """The rule stopped just before `start` (UNTIL in local time, COUNT removed)."""
    parts = recurrence.parse_parts(rule)
    parts.pop("COUNT", None)
    local = timezone.localtime(start, recurrence.PARIS) - dt.timedelta(seconds=1)
    parts["UNTIL"] = local.strftime("%Y%m%dT%H%M%S")
    return recurrence.normalise(";".join(f"{k}={v}" for k, v in parts.items()))


@transaction.atomic
def edit_occurrences(
    *,
    actor: Any,
    event: Event,
    scope: str,
    shift: dt.timedelta = dt.timedelta(0),
    duration: dt.timedelta | None = None,
    hosts: Iterable[Structure] | None = None,
    now: dt.datetime | None = None,
    **fields: Any,
) -> list[Event]:
    """Edit one occurrence (« this »), this one and the following (« following »: the series is split at
    this date), or all future occurrences (« all »). `shift` moves the start time (e.g. 18:00 → 18:30),
    kept in local time. Registrants of moved occurrences are told. Returns the changed events."""
    now = now or timezone.now()
    calendars.forget_version(event.territory_id)
    if scope not in ("this", "following", "all"):
        raise ValidationError("Choisissez : cette date, celle-ci et les suivantes, ou toutes.")
    unknown = set(fields) - SERIES_FIELDS
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    if scope == "this" or event.series_id is None:
        new_start = _shift_local(event.start, shift)
        new_end = new_start + (duration if duration is not None else event.end - event.start)
        changed = {**fields}
        if new_start != event.start or new_end != event.end:
            changed |= {"start": new_start, "end": new_end}
        return [update_event(actor=actor, event=event, hosts=hosts, **changed)]
    series = Series.objects.get(pk=event.series_id)
    if scope == "following":
        anchor = event.recurrence_id or event.start
        new_series = Series.objects.get(pk=series.pk)
        new_series.pk = None
        new_series.uid = Series._meta.get_field("uid").default()
        new_series.previous = series
        parts = recurrence.parse_parts(series.rrule)
        if "COUNT" in parts:  # the new series gets the dates the old one had left
            done = recurrence.occurrences(
                series.rrule, series.first_start, before=anchor - dt.timedelta(seconds=1)
            )
            parts["COUNT"] = str(max(1, int(parts["COUNT"]) - len(done)))
            new_series.rrule = recurrence.normalise(";".join(f"{k}={v}" for k, v in parts.items()))
        new_series.first_start = _shift_local(anchor, shift)
        new_series.materialised_until = None
        for name, value in fields.items():
            setattr(new_series, name, value)
        if duration is not None:
            new_series.duration = duration
        new_series.save()
        new_series.hosts.set(list(hosts) if hosts is not None else series.hosts.all())
        series.rrule = rule_end_before(series.rrule, anchor)
        series.save(update_fields=["rrule", "updated_at"])
        targets = list(Event.objects.filter(series=series, recurrence_id__gte=anchor))
        for occurrence in targets:
            occurrence.series = new_series
            occurrence.recurrence_id = _shift_local(occurrence.recurrence_id, shift)
            occurrence.save(update_fields=["series", "recurrence_id"])
        series = new_series
        shift_all = shift
    else:
        for name, value in fields.items():
            setattr(series, name, value)
        if duration is not None:
            series.duration = duration
        if shift:
            series.first_start = _shift_local(series.first_start, shift)
        series.save()
        if hosts is not None:
            series.hosts.set(list(hosts))
        if shift:
            for occurrence in Event.objects.filter(series=series):
                occurrence.recurrence_id = _shift_local(occurrence.recurrence_id, shift)
                occurrence.save(update_fields=["recurrence_id"])
        shift_all = shift
    changed_events = []
    for occurrence in Event.objects.filter(series=series, start__gte=now).exclude(status=Status.CANCELLED):
        if occurrence.is_override and scope == "all":
            continue
        new_start = _shift_local(occurrence.start, shift_all)
        new_end = new_start + (duration if duration is not None else occurrence.end - occurrence.start)
        update = {**fields}
        if new_start != occurrence.start or new_end != occurrence.end:
            update |= {"start": new_start, "end": new_end}
        if update or hosts is not None:
            changed_events.append(update_event(actor=actor, event=occurrence, hosts=hosts, **update))
            Event.objects.filter(pk=occurrence.pk).update(is_override=False)
    return changed_events


def _shift_local(value: dt.datetime, shift: dt.timedelta) -> dt.datetime:
    """Shift a datetime by `shift` in local wall time (18:00 + 30 min = 18:30 on either side of a clock
    change)."""
    if not shift:
        return value
    naive = timezone.localtime(value, recurrence.PARIS).replace(tzinfo=None) + shift
    return recurrence.localise(naive)


# --- paperwork -------------------------------------------------------------------------------------------


@transaction.atomic
def check_in(
    *, actor: Any, registration: Registration, attended: bool = True, now: dt.datetime | None = None
) -> Registration:
    if registration.state != Registration.State.REGISTERED:
        raise ValidationError("Seules les personnes inscrites peuvent être pointées présentes.")
    registration.attended = attended
    registration.checked_in_at = (now or timezone.now()) if attended else None
    registration.save(update_fields=["attended", "checked_in_at"])
    return registration


@transaction.atomic
def send_message(*, actor: Any, event: Event, subject: str, body: str) -> Message:
    """« Message aux inscrits »: logged, and one mail per registrant through the queue (after commit)."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise ValidationError("Indiquez l'objet et le texte du message.")
    recipients = list(
        Registration.objects.filter(
            event=event, state__in=[Registration.State.REGISTERED, Registration.State.WAITLISTED]
        ).values_list("email", flat=True)
    )
    if not recipients:
        raise ValidationError("Personne n'est encore inscrit : il n'y a personne à prévenir.")
    message = Message.objects.create(
        event=event, subject=subject[:200], body=body, sent_by=_user(actor), recipients_count=len(recipients)
    )
    for email in recipients:
        _mail(
            event,
            email,
            title=f"{subject} — {event.title}",
            body=body,
            action_url=_event_url(event),
            action_label="Voir le rendez-vous",
        )
    return message


@transaction.atomic
def save_report(
    *, actor: Any, event: Event, report: str, publish: bool, now: dt.datetime | None = None
) -> Event:
    now = now or timezone.now()
    if event.start > now:
        raise ValidationError("Le compte rendu s'écrit après le rendez-vous.")
    event.report = (report or "").strip()
    event.report_published_at = (event.report_published_at or now) if publish and event.report else None
    event.save(update_fields=["report", "report_published_at", "updated_at"])
    return event


@transaction.atomic
def add_photo(*, actor: Any, event: Event, image: Any, caption: str, consent: bool) -> EventPhoto:
    if not consent:
        raise ValidationError(
            "Cochez la case de consentement : les personnes reconnaissables sur la photo "
            "doivent avoir accepté sa publication."
        )
    return EventPhoto.objects.create(
        event=event, image=image, caption=caption.strip()[:250], consent=True, uploaded_by=_user(actor)
    )


# --- reminders -------------------------------------------------------------------------------------------


REMINDER_SETTING = "events_reminder_hours"  # in Territory.settings; default 24, 0 turns reminders off


def reminder_delay(territory: Territory) -> dt.timedelta:
    try:
        hours = int((territory.settings or {}).get(REMINDER_SETTING, 24))
    except (TypeError, ValueError):
        hours = 24
    return dt.timedelta(hours=max(0, min(hours, 24 * 7)))


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Periodic: mail each registered person once, `reminder_delay(territory)` before the event (a day by
    default; the territory's setting « events_reminder_hours »). Idempotent: `reminded_at`, under the lock."""
    now = now or timezone.now()
    sent = 0
    candidates = Event.objects.filter(
        status=Status.PUBLISHED, start__gt=now, start__lte=now + dt.timedelta(days=7)
    ).select_related("territory")
    delays: dict[int, dt.timedelta] = {}
    events = []
    for event in candidates:
        delay = delays.setdefault(event.territory_id, reminder_delay(event.territory))
        if delay and event.start <= now + delay:
            events.append(event.pk)
    for event_id in events:
        with transaction.atomic():
            event = _lock_event(event_id)
            for registration in Registration.objects.filter(
                event=event, state=Registration.State.REGISTERED, reminded_at__isnull=True
            ):
                _mail(
                    event,
                    registration.email,
                    title=f"Rappel : {event.title}",
                    body=(
                        f"À bientôt au rendez-vous « {event.title} ».\n"
                        f"Quand : {when_label(event)}\nOù : {event.place_label}\n"
                        f"{'Lien : ' + event.online_url if event.online_url else ''}\n\n"
                        "Si vous ne pouvez plus venir, merci d'annuler pour libérer votre place."
                    ),
                    action_url=cancel_url(registration),
                    action_label="Annuler mon inscription",
                    name=registration.display_name,
                )
                registration.reminded_at = now
                registration.save(update_fields=["reminded_at"])
                sent += 1
            Event.objects.filter(pk=event.pk).update(reminder_sent_at=now)
    return sent


# --- campaigns -------------------------------------------------------------------------------------------


@transaction.atomic
def validate_campaign_event(*, actor: Any, event: Event, accept: bool) -> Event:
    if event.campaign_id is None:
        raise ValidationError("Ce rendez-vous n'est proposé à aucune campagne.")
    event.campaign_validated = accept
    event.save(update_fields=["campaign_validated", "updated_at"])
    if accept and event.status == Status.DRAFT:
        _transition(event, Status.PUBLISHED, actor=actor, note="validé pour la campagne")
    return event


@transaction.atomic
def create_campaign(
    *,
    actor: Any,
    territory: Territory,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
) -> Campaign:
    if ends_on < starts_on:
        raise ValidationError("La fin de la campagne doit être après son début.")
    campaign = Campaign(
        territory=territory,
        title=title,
        slug=slugify(title)[:120],
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


# --- personal data ---------------------------------------------------------------------------------------


def export_person(user: Any) -> dict[str, Any]:
    rows = Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email)).select_related("event")
    return {
        "inscriptions": [
            {
                "rendez_vous": r.event.title,
                "date": r.event.start.isoformat(),
                "etat": r.get_state_display(),
                "nom": r.name,
                "adresse": r.email,
                "structure": r.structure_name,
                "reponses": r.answers,
                "present": r.attended,
                "inscrit_le": r.created_at.isoformat(),
            }
            for r in rows
        ]
    }


def erase_person(user: Any, *, replacement: Any | None = None) -> None:
    """Delete the person's registrations (a cancelled seat frees its place: the waitlist moves up)."""
    for registration in Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email)):
        if registration.is_active:
            cancel_registration(actor=None, registration_id=registration.pk)
        Registration.objects.filter(pk=registration.pk).delete()


def expire_registrations(now: dt.datetime) -> int:
    """Retention: registrations of events that ended more than 3 years ago (attendance counts stay on
    reports)."""
    deleted, _ = Registration.objects.filter(event__end__lt=now - dt.timedelta(days=3 * 365)).delete()
    return deleted
