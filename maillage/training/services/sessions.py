"""Collective sessions (« DLA collectif »): a theme of the census turned into an agenda event, made by the
events services; the interested structures are invited and registered first, public registration opens
at `priority_until` (the events app's own `registration_open` switch)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.actors.models import Membership, Structure
from maillage.core.actors import Actor, system
from maillage.events import services as events
from maillage.events.models import Kind, Status
from maillage.notifications.services import notify
from maillage.training import permissions
from maillage.training.models import CollectiveSession, Resource, Theme
from maillage.training.services.common import KIND_SESSION, path

# Who writes the invited structures' registrations into the event (the events app's « recorded by hand »).
BY_INVITATION = system("session collective : inscription prioritaire")


def interested_structures(theme: Theme) -> list[Structure]:
    return list(
        Structure.objects.filter(training_responses__interests__theme=theme).distinct().order_by("name")
    )


@transaction.atomic
def create_collective_session(
    *,
    actor: Actor,
    theme: Theme,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    trainer: str,
    priority_until: dt.datetime,
    capacity: int | None = None,
    cofunders: str = "",
    venue: str = "",
    mode: str = "in_person",
    online_url: str = "",
    description: str = "",
    resources: Iterable[Resource] = (),
    now: dt.datetime | None = None,
) -> CollectiveSession:
    """The event (published, registration closed to the public), the session, the invitations."""
    now = now or timezone.now()
    territory = theme.census.territory
    permissions.require(
        actor,
        permissions.ANIMATE,
        territory,
        "Seule l'animation du territoire crée les sessions collectives.",
    )
    if not trainer.strip():
        raise ValidationError({"trainer": "Indiquez l'intervenant ou l'organisme de formation."})
    if start <= now:
        raise ValidationError({"start": "La session doit avoir lieu dans le futur."})
    if not (now < priority_until <= start):
        raise ValidationError(
            {"priority_until": "La période réservée aux structures intéressées doit finir avant la session."}
        )
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": "Le nombre de places doit être positif."})
    invited = interested_structures(theme)
    if not invited:
        raise ValidationError("Aucune structure ne s'est dite intéressée par ce thème.")
    text = description.strip() or f"Session collective (DLA collectif) sur le thème « {theme.name} »."
    text += f"\n\nIntervenant : {trainer.strip()}."
    if cofunders.strip():
        text += f"\n\nCofinanceurs : {cofunders.strip()}."
    fields: dict[str, Any] = {
        "title": title.strip() or f"DLA collectif : {theme.name}",
        "description": text,
        "kind": Kind.TRAINING,
        "start": start,
        "end": end,
        "capacity": capacity,
        "venue": venue,
        "mode": mode,
        "online_url": online_url,
        "registration_open": False,
    }
    event = events.create_event(actor=actor, territory=territory, status=Status.PUBLISHED, **fields)
    session = CollectiveSession.objects.create(
        theme=theme,
        event=event,
        trainer=trainer.strip()[:200],
        cofunders=cofunders.strip()[:300],
        priority_until=priority_until,
    )
    session.invited.set(invited)
    session.resources.set([r for r in resources if r.territory_id == territory.pk])
    managers = User.objects.filter(
        memberships__structure__in=invited, memberships__role=Membership.Role.MANAGER, is_active=True
    ).distinct()
    notify(
        kind=KIND_SESSION,
        territory=territory,
        recipients=managers,
        title=f"Session collective « {event.title} » : inscription prioritaire",
        body=f"Votre structure s'est dite intéressée par le thème « {theme.name} ». "
        "Vous pouvez vous inscrire "
        f"avant l'ouverture au public, jusqu'au {timezone.localtime(priority_until):%d/%m/%Y à %H:%M}.",
        url=path("training:session", session.pk),
        actor=actor,
    )
    return session


def is_priority_phase(session: CollectiveSession, now: dt.datetime | None = None) -> bool:
    return session.public_opened_at is None and (now or timezone.now()) < session.priority_until


@transaction.atomic
def register_invited(
    *, actor: Actor, session: CollectiveSession, structure: Structure, now: dt.datetime | None = None
) -> Any:
    """A member of an invited structure takes a seat before the public (the events app's registration)."""
    now = now or timezone.now()
    permissions.require(
        actor, permissions.BOOK_FOR, structure, "Seuls les membres de la structure l'inscrivent."
    )
    session = CollectiveSession.objects.select_related("event").get(pk=session.pk)
    if not session.invited.filter(pk=structure.pk).exists():
        raise ValidationError("Cette structure n'est pas invitée en priorité à cette session.")
    if not is_priority_phase(session, now):
        raise ValidationError(
            "La période d'inscription prioritaire est finie : inscrivez-vous depuis l'agenda."
        )
    if session.event.status != Status.PUBLISHED or session.event.start <= now:
        raise ValidationError("Cette session n'accepte plus d'inscriptions.")
    email = getattr(actor, "email", "")
    registration = events.record_registration(
        actor=BY_INVITATION,
        event=session.event,
        email=email,
        name=getattr(actor, "display_name", email)[:200],
        structure_name=structure.name,
        at=now,
    )
    if registration is None:
        raise ValidationError("Vous êtes déjà inscrit à cette session.")
    return registration


@transaction.atomic
def open_public_registration(
    *, actor: Actor, session: CollectiveSession, now: dt.datetime | None = None
) -> None:
    """Open the event's registration to everyone (at `priority_until`, or earlier by the animation)."""
    territory = session.theme.census.territory
    permissions.require(actor, permissions.ANIMATE, territory, "Seule l'animation ouvre les inscriptions.")
    if session.public_opened_at is not None:
        return
    events.update_event(actor=actor, event=session.event, registration_open=True)
    CollectiveSession.objects.filter(pk=session.pk).update(public_opened_at=now or timezone.now())
    session.public_opened_at = now or timezone.now()


def open_due_sessions(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Periodic job: sessions whose priority period is over open to the public."""
    now = now or timezone.now()
    count = 0
    due = CollectiveSession.objects.filter(public_opened_at__isnull=True, priority_until__lte=now).exclude(
        event__status=Status.CANCELLED
    )
    for session in due.select_related("event", "theme__census__territory"):
        open_public_registration(actor=actor, session=session, now=now)
        count += 1
    return count
