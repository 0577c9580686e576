"""Registrations and the waitlist: by account, by e-mail (confirmed through a link), cancel, promote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import User
from maillage.actors.models import Structure
from maillage.core.actors import Actor, system, visitor
from maillage.core.machines import log_creation, transition
from maillage.core.tasks import enqueue_with_transaction
from maillage.core.tokens import make_token
from maillage.events import permissions
from maillage.events.models import Event, Registration, Status
from maillage.events.services.common import (
    CONFIRM_PURPOSE,
    FULL,
    HELD,
    HOLD,
    KIND_REGISTRATION,
    KIND_WAITLIST,
    RegistrationError,
    _lock_event,
    _mail,
    cancel_url,
    seats_taken,
    tell,
    when_label,
)

REGISTRATION_MAIL_TASK = "maillage.events.tasks.registration_mail_task"  # by path: tasks import services


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


# Who moves a registration when nobody signed in clicked: the confirmation or cancellation link of a mail,
# the e-mail registration form, the waitlist moving up.
BY_MAIL_LINK = visitor("lien du courriel")
BY_FORM = visitor("formulaire d'inscription")
BY_WAITLIST = system("liste d'attente")


def _place(event: Event, registration: Registration, now: dt.datetime) -> str:
    """Where the registration goes (event locked): a seat if one is free, else the end of the waitlist. Sets
    its sequence and confirmation time; the state itself moves through the machine (`_enter`)."""
    seat_reserved = registration.holds_seat and registration.hold_until and registration.hold_until > now
    taken = seats_taken(event, now) - (1 if seat_reserved and registration.pk else 0)
    registration.sequence = _next_sequence(event)
    registration.holds_seat = False
    registration.hold_until = None
    registration.confirmed_at = now
    if event.capacity is None or taken < event.capacity:
        return Registration.State.REGISTERED
    return Registration.State.WAITLISTED


def _enter(registration: Registration, state: str, *, actor: Actor, note: str = "") -> Registration:
    """Save the registration in `state`, logged: a new one is created in it, an existing one moves to it."""
    if registration.pk is None:
        registration.state = state
        registration.save()
        log_creation(registration, actor=actor, note=note or "inscription")
        return registration
    registration.save()  # its other fields; the state moves through the machine
    if registration.state != state:
        transition(registration, state, actor=actor, note=note)
    return registration


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
    if user is not None and not permissions.can_register_structure(user, structure):
        raise RegistrationError("Vous ne pouvez inscrire que l'une de vos structures.")
    return structure


def _registration_mail(registration: Registration, *, actor: Actor) -> None:
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
    tell(
        registration,
        kind=KIND_REGISTRATION,
        actor=actor,
        title=title,
        body=body,
        action_url=cancel_url(registration),
        action_label="Annuler mon inscription",
        name=registration.display_name,
    )


@transaction.atomic
def register_account(
    *,
    actor: Actor,
    event: Event,
    structure: Structure | None = None,
    structure_name: str = "",
    answers: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a signed-in person: a seat, or the end of the waitlist. Locks the event row."""
    now = now or timezone.now()
    if not isinstance(actor, User) or not actor.is_authenticated:
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
    _enter(registration, _place(event, registration, now), actor=actor)
    # The mail is rendered by the worker (the event row's lock is not held while its templates render); the
    # task is queued in this transaction, so a web process killed right after the commit cannot lose it.
    enqueue_with_transaction(REGISTRATION_MAIL_TASK, registration.pk)
    return registration


def send_registration_mail(*, registration_id: int) -> bool:
    """The mail of a registration by account (seat or waitlist, as it stands now); the worker's task queued by
    `register_account`. Nothing for a registration cancelled meanwhile."""
    found = Registration.objects.select_related("event__territory", "user").filter(pk=registration_id).first()
    if found is None or not found.is_active:
        return False
    with transaction.atomic():
        _registration_mail(found, actor=found.user or BY_FORM)
    return True


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
    if not registration.holds_seat or not registration.hold_until or registration.hold_until <= now:
        free = event.capacity is None or seats_taken(event, now) < event.capacity
        registration.holds_seat = free
    registration.hold_until = now + HOLD if registration.holds_seat else None
    _enter(registration, Registration.State.PENDING, actor=BY_FORM, note="demande par courriel")
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
    state = _place(event, registration, now)
    registration.event = event
    _enter(registration, state, actor=BY_MAIL_LINK, note="confirmation")
    _registration_mail(registration, actor=BY_MAIL_LINK)
    return registration


@transaction.atomic
def cancel_registration(
    *, actor: Actor, registration_id: int, now: dt.datetime | None = None
) -> Registration:
    """Cancel a registration (idempotent) and promote the waitlist in order. `actor`: the person, or
    `BY_MAIL_LINK` for the cancellation link of a mail."""
    now = now or timezone.now()
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        raise RegistrationError("Cette inscription n'existe plus.")
    event = _lock_event(registration.event_id)
    registration.refresh_from_db()
    if registration.state == Registration.State.CANCELLED:
        return registration
    transition(
        registration,
        Registration.State.CANCELLED,
        actor=actor,
        also={"holds_seat": False, "hold_until": None, "cancelled_at": now},
    )
    if event.end > now and event.status == Status.PUBLISHED:
        _promote(event, now)
    return registration


def _promote(event: Event, now: dt.datetime | None = None) -> list[Registration]:
    """Seat waitlisted people in order while seats are free (the event row is locked by the caller)."""
    now = now or timezone.now()
    promoted: list[Registration] = []
    free = 10**9 if event.capacity is None else event.capacity - seats_taken(event, now)
    if free <= 0:
        return promoted
    for registration in Registration.objects.filter(
        event=event, state=Registration.State.WAITLISTED
    ).order_by("sequence")[:free]:
        transition(
            registration,
            Registration.State.REGISTERED,
            actor=BY_WAITLIST,
            note="place libérée",
            also={"promoted_at": now},
        )
        promoted.append(registration)
        tell(
            registration,
            kind=KIND_WAITLIST,
            actor=BY_WAITLIST,
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


@transaction.atomic
def record_registration(
    *,
    actor: Actor,
    event: Event,
    email: str,
    name: str,
    structure_name: str = "",
    at: dt.datetime | None = None,
    attended: bool = False,
) -> Registration | None:
    """An organiser records a registration by hand (a paper list, the demo, an example): no link to confirm,
    no mail, open or not; a seat if one is free, else the waitlist. Nothing if the address is already
    registered (returns None)."""
    permissions.require(actor, permissions.MANAGE_EVENT, event)
    at = at or timezone.now()
    email = email.strip().lower()
    event = _lock_event(event.pk, event)
    if (
        Registration.objects.filter(event=event, email=email)
        .exclude(state=Registration.State.CANCELLED)
        .exists()
    ):
        return None
    registration = Registration(
        event=event, email=email, name=name[:200], structure_name=structure_name[:250], created_at=at
    )
    state = _place(event, registration, at)
    if attended and state == Registration.State.REGISTERED:
        registration.attended = True
        registration.checked_in_at = event.start
    return _enter(registration, state, actor=actor, note="inscription enregistrée par l'organisation")
