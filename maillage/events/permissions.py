"""Who may do what in the agenda: the only source (django-rules predicates and permissions, and the helpers
that views and services ask). Imported at start-up by `module.py`, which registers the permissions.

An event is managed by the territory's animators and by the managers of its host structures. The system
actor (a task, the demo, a signed link) passes the checks a service makes: it acts for no one in particular.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.actors.models import Membership, Structure
from maillage.core.actors import Actor, is_system, require_actor


@rules.predicate
def is_host_manager(user: Any, event: Any = None) -> bool:
    if event is None or user is None or not user.is_authenticated or not getattr(event, "pk", None):
        return False
    return Membership.objects.filter(
        user=user, role=Membership.Role.MANAGER, structure__in=event.hosts.all()
    ).exists()


@rules.predicate
def is_structure_manager_anywhere(user: Any, territory: Any = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, role=Membership.Role.MANAGER, structure__territory=territory
    ).exists()


MANAGE_EVENT = "events.manage_event"
ANIMATE_AGENDA = "events.animate_agenda"
PROPOSE_EVENT = "events.propose_event"

# Edit an event, see its registrants, export them, print the émargement, run the check-in, write the report.
rules.add_perm(MANAGE_EVENT, is_superuser | is_animator | is_host_manager)
# Create events and series, validate campaign proposals, change any event, edit a whole series.
rules.add_perm(ANIMATE_AGENDA, is_superuser | is_animator)
# Propose an event to a campaign (as a structure's manager).
rules.add_perm(PROPOSE_EVENT, is_superuser | is_animator | is_structure_manager_anywhere)


def can_manage_event(user: Any, event: Any) -> bool:
    return bool(user.has_perm(MANAGE_EVENT, event))


def can_animate(user: Any, territory: Any) -> bool:
    return bool(user.has_perm(ANIMATE_AGENDA, territory))


def can_propose(user: Any, territory: Any) -> bool:
    return bool(user.has_perm(PROPOSE_EVENT, territory))


def can_register_structure(user: Any, structure: Structure) -> bool:
    """A person registers a structure to an event only if they belong to it."""
    return Membership.objects.filter(user=user, structure=structure).exists()


def require_create(actor: Actor, territory: Any, *, campaign: Any = None, permitted_by: str = "") -> None:
    """For `create_event`: the territory's animation creates events; a structure's manager only proposes one
    to an open campaign. Another app that creates events for its own users (an atelier's coordination) names
    the permission it has checked in `permitted_by`; the creation log keeps it."""
    require_actor(actor)
    if is_system(actor) or permitted_by:
        return
    if actor.has_perm(ANIMATE_AGENDA, territory):
        return
    if campaign is not None and campaign.proposals_open and actor.has_perm(PROPOSE_EVENT, territory):
        return
    raise PermissionDenied("Seule l'animation du territoire crée un rendez-vous dans l'agenda.")


def require(actor: Actor, perm: str, obj: Any) -> None:
    """For services: a person without the permission is refused; the system actor passes."""
    require_actor(actor)
    if is_system(actor):
        return
    if not actor.has_perm(perm, obj):  # type: ignore[union-attr]
        raise PermissionDenied
