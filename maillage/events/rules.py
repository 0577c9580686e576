"""Object-level permissions on events (django-rules), autodiscovered at start-up.

An event is managed by the territory's animators and by the managers of its host structures.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.rules import is_animator, is_superuser
from maillage.actors.models import Membership


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


# Edit an event, see its registrants, export them, print the émargement, run the check-in, write the report.
rules.add_perm("events.manage_event", is_superuser | is_animator | is_host_manager)
# Create events and series, validate campaign proposals, change any event.
rules.add_perm("events.animate_agenda", is_superuser | is_animator)
# Propose an event to a campaign (as a structure's manager).
rules.add_perm("events.propose_event", is_superuser | is_animator | is_structure_manager_anywhere)
