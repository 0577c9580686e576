"""Ateliers, their members (a state machine: core's `transition()`), and their meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from maillage.core.actors import Actor, require_actor
from maillage.core.machines import TransitionError, log_creation, transition
from maillage.core.models import Territory
from maillage.core.text import render_markdown
from maillage.events import services as event_services
from maillage.events.models import Event
from maillage.events.models import Kind as EventKind
from maillage.events.models import Status as EventStatus
from maillage.workspace import notify, permissions
from maillage.workspace.models import Atelier, AtelierMeeting, AtelierMember
from maillage.workspace.services._people import person_of


@transaction.atomic
def create_atelier(
    *,
    actor: Actor,
    territory: Territory,
    name: str,
    purpose: str = "",
    policy: str = Atelier.Policy.OPEN,
    slug: str = "",
) -> Atelier:
    """A new atelier; `slug` (the demo's) is taken as given when free, else derived from the name."""
    require_actor(actor)
    if not permissions.is_staff_of(actor, territory):
        raise PermissionDenied("Seule l'équipe d'animation crée les ateliers.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom à l'atelier."})
    if policy not in Atelier.Policy.values:
        raise ValidationError({"policy": "Choisissez un mode d'adhésion dans la liste."})
    base = slugify(slug or name)[:180] or "atelier"
    slug, n = base, 2
    while Atelier.objects.filter(territory=territory, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Atelier.objects.create(territory=territory, name=name, slug=slug, purpose=purpose, policy=policy)


def _move(member: AtelierMember, to: str, actor: Actor) -> AtelierMember:
    """The one way a membership changes state (core's machine), with the workspace's French message."""
    try:
        return transition(member, to, actor=actor)
    except TransitionError:
        raise ValidationError(f"Impossible : cette adhésion est « {member.get_status_display()} ».") from None


@transaction.atomic
def join_atelier(*, actor: Actor, atelier: Atelier) -> AtelierMember:
    """Open atelier: member at once. On request: a pending request the coordinators are told about."""
    require_actor(actor)
    user = person_of(actor)
    if user is None or not permissions.is_territory_member(actor, atelier.territory):
        raise PermissionDenied("Les ateliers sont ouverts aux membres des structures du territoire.")
    target = (
        AtelierMember.Status.ACTIVE if atelier.policy == Atelier.Policy.OPEN else AtelierMember.Status.PENDING
    )
    member = AtelierMember.objects.filter(atelier=atelier, user=user).first()
    if member is None:
        member = AtelierMember.objects.create(atelier=atelier, user=user, status=target)
        log_creation(member, actor=actor)
    elif member.status in (AtelierMember.Status.ACTIVE, AtelierMember.Status.PENDING):
        return member  # a second click changes nothing
    else:
        _move(member, target, actor)
    if target == AtelierMember.Status.PENDING:
        notify.membership_requested(member)
    return member


@transaction.atomic
def add_member(
    *, actor: Actor, atelier: Atelier, user: Any, role: str = AtelierMember.Role.MEMBER
) -> AtelierMember:
    """The coordination (or the staff, or the demo loader) makes a person an active member at once, with a
    role. Idempotent: an active member keeps their row (and gets the role); a former one comes back."""
    require_actor(actor)
    if not permissions.can_coordinate(actor, atelier):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation décident.")
    if role not in AtelierMember.Role.values:
        raise ValidationError("Choisissez un rôle dans la liste.")
    member = AtelierMember.objects.filter(atelier=atelier, user=user).first()
    if member is None:
        member = AtelierMember.objects.create(
            atelier=atelier, user=user, status=AtelierMember.Status.ACTIVE, role=role
        )
        log_creation(member, actor=actor)
        return member
    if member.status == AtelierMember.Status.REFUSED:
        _move(member, AtelierMember.Status.PENDING, actor)
    if member.status != AtelierMember.Status.ACTIVE:
        _move(member, AtelierMember.Status.ACTIVE, actor)
    if member.role != role:
        member.role = role
        member.save(update_fields=["role", "updated_at"])
    return member


@transaction.atomic
def decide_membership(*, actor: Actor, member: AtelierMember, accept: bool) -> AtelierMember:
    require_actor(actor)
    if not permissions.can_coordinate(actor, member.atelier):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation décident.")
    _move(member, AtelierMember.Status.ACTIVE if accept else AtelierMember.Status.REFUSED, actor)
    notify.membership_decided(member, accepted=accept, actor=actor)
    return member


@transaction.atomic
def set_member_role(*, actor: Actor, member: AtelierMember, role: str) -> AtelierMember:
    require_actor(actor)
    if not permissions.can_coordinate(actor, member.atelier):
        raise PermissionDenied(
            "Seuls les coordinateurs de l'atelier et l'équipe d'animation changent les rôles."
        )
    if role not in AtelierMember.Role.values:
        raise ValidationError("Choisissez un rôle dans la liste.")
    if member.status != AtelierMember.Status.ACTIVE:
        raise ValidationError("Seul un membre actif peut recevoir un rôle.")
    if (
        role == AtelierMember.Role.MEMBER
        and member.role == AtelierMember.Role.COORDINATOR
        and not member.atelier.members.coordinators().exclude(pk=member.pk).exists()
        and not permissions.is_staff_of(actor, member.atelier.territory)
    ):
        raise ValidationError("L'atelier doit garder au moins une personne à sa coordination.")
    member.role = role
    member.save(update_fields=["role", "updated_at"])
    return member


@transaction.atomic
def leave_atelier(*, actor: Actor, atelier: Atelier) -> None:
    require_actor(actor)
    user = person_of(actor)
    if user is None:
        return
    member = AtelierMember.objects.filter(
        atelier=atelier, user=user, status=AtelierMember.Status.ACTIVE
    ).first()
    if member is not None:
        _move(member, AtelierMember.Status.LEFT, actor)


# --- meetings ----------------------------------------------------------------------------------------


def _check_coordinator(actor: Actor, atelier: Atelier) -> None:
    require_actor(actor)
    if not permissions.can_coordinate(actor, atelier):
        raise PermissionDenied("Seuls la coordination de l'atelier et l'animation du territoire le peuvent.")


@transaction.atomic
def create_meeting(*, actor: Actor, atelier: Atelier, **fields: Any) -> AtelierMeeting:
    """A new « réunion d'atelier » in the agenda (created through the events app, published), linked."""
    _check_coordinator(actor, atelier)
    fields.setdefault("kind", EventKind.WORKSHOP_MEETING)
    fields.setdefault("description", f"Réunion de l'atelier « {atelier.name} ».")
    event = event_services.create_event(
        actor=actor,
        territory=atelier.territory,
        status=EventStatus.PUBLISHED,
        permitted_by="coordination de l'atelier",
        **fields,
    )
    return AtelierMeeting.objects.create(atelier=atelier, event=event)


@transaction.atomic
def link_meeting(*, actor: Actor, atelier: Atelier, event: Event) -> AtelierMeeting:
    """An existing event of the territory becomes a meeting of the atelier."""
    _check_coordinator(actor, atelier)
    if event.territory_id != atelier.territory_id:
        raise ValidationError("Ce rendez-vous n'est pas dans l'agenda du territoire.")
    current = AtelierMeeting.objects.filter(event=event).select_related("atelier").first()
    if current is not None:
        if current.atelier_id == atelier.pk:
            return current
        raise ValidationError(f"Ce rendez-vous est déjà une réunion de l'atelier « {current.atelier.name} ».")
    return AtelierMeeting.objects.create(atelier=atelier, event=event)


@transaction.atomic
def save_minutes(
    *, actor: Actor, meeting: AtelierMeeting, minutes: str, at: dt.datetime | None = None
) -> AtelierMeeting:
    """Write or edit the minutes of a meeting that has begun; the former text stays in the history.
    `at` (the demo's past meetings) dates the minutes; by default, now."""
    _check_coordinator(actor, meeting.atelier)
    if meeting.event.start > timezone.now():
        raise ValidationError("Le compte rendu s'écrit une fois la réunion commencée.")
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": "Écrivez le compte rendu."})
    if len(minutes) > 50_000:
        raise ValidationError({"minutes": "Le compte rendu dépasse 50 000 caractères."})
    if minutes == meeting.minutes:
        return meeting
    meeting.minutes = minutes
    meeting.minutes_html = render_markdown(minutes)
    meeting.minutes_author = person_of(actor)
    meeting.minutes_updated_at = at or timezone.now()
    meeting.save(update_fields=["minutes", "minutes_html", "minutes_author", "minutes_updated_at"])
    return meeting
