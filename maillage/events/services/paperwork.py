"""After registration: check-in, « message aux inscrits », reminders, closing report and photos."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor, system
from maillage.core.models import Territory
from maillage.events import permissions
from maillage.events.models import (
    Event,
    EventPhoto,
    Message,
    Registration,
    Status,
)
from maillage.events.services.common import (
    KIND_MESSAGE,
    KIND_REMINDER,
    _event_url,
    _lock_event,
    cancel_url,
    person_of,
    tell,
    when_label,
)


@transaction.atomic
def check_in(
    *, actor: Actor, registration: Registration, attended: bool = True, now: dt.datetime | None = None
) -> Registration:
    permissions.require(actor, permissions.MANAGE_EVENT, registration.event)
    if registration.state != Registration.State.REGISTERED:
        raise ValidationError("Seules les personnes inscrites peuvent être pointées présentes.")
    registration.attended = attended
    registration.checked_in_at = (now or timezone.now()) if attended else None
    registration.save(update_fields=["attended", "checked_in_at"])
    return registration


@transaction.atomic
def send_message(*, actor: Actor, event: Event, subject: str, body: str) -> Message:
    """« Message aux inscrits »: logged, and one mail per registrant through the queue (after commit)."""
    permissions.require(actor, permissions.MANAGE_EVENT, event)
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise ValidationError("Indiquez l'objet et le texte du message.")
    recipients = list(
        Registration.objects.filter(
            event=event, state__in=[Registration.State.REGISTERED, Registration.State.WAITLISTED]
        ).select_related("user")
    )
    if not recipients:
        raise ValidationError("Personne n'est encore inscrit : il n'y a personne à prévenir.")
    message = Message.objects.create(
        event=event,
        subject=subject[:200],
        body=body,
        sent_by=person_of(actor),
        recipients_count=len(recipients),
    )
    for registration in recipients:
        registration.event = event
        tell(
            registration,
            kind=KIND_MESSAGE,
            actor=actor,
            title=f"{subject} — {event.title}",
            body=body,
            action_url=_event_url(event),
            action_label="Voir le rendez-vous",
        )
    return message


@transaction.atomic
def save_report(
    *, actor: Actor, event: Event, report: str, publish: bool, now: dt.datetime | None = None
) -> Event:
    permissions.require(actor, permissions.MANAGE_EVENT, event)
    now = now or timezone.now()
    if event.start > now:
        raise ValidationError("Le compte rendu s'écrit après le rendez-vous.")
    event.report = (report or "").strip()
    event.report_published_at = (event.report_published_at or now) if publish and event.report else None
    event.save(update_fields=["report", "report_published_at", "updated_at"])
    return event


@transaction.atomic
def add_photo(*, actor: Actor, event: Event, image: Any, caption: str, consent: bool) -> EventPhoto:
    permissions.require(actor, permissions.MANAGE_EVENT, event)
    if not consent:
        raise ValidationError(
            "Cochez la case de consentement : les personnes reconnaissables sur la photo "
            "doivent avoir accepté sa publication."
        )
    return EventPhoto.objects.create(
        event=event, image=image, caption=caption.strip()[:250], consent=True, uploaded_by=person_of(actor)
    )


# --- reminders -------------------------------------------------------------------------------------------


REMINDERS = system("rappels des rendez-vous")
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
            ).select_related("user"):
                registration.event = event
                tell(
                    registration,
                    kind=KIND_REMINDER,
                    actor=REMINDERS,
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
