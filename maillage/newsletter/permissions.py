"""Who may do what with the lettre: the only source (views, services and querysets ask here).

The territory's animators (and superusers, through `core.animate_territory`) write and send issues and see
the subscribers; the public reads sent issues and subscribes through the double opt-in; the system actor
(the sending task, the demo loader, an example builder) may do what an animator may.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.core.actors import is_system
from maillage.core.models import Territory


def can_manage(user: Any, territory: Territory | None) -> bool:
    """Write, test, send issues and list the subscribers of the territory."""
    if territory is None or user is None:
        return False
    if is_system(user):
        return True
    return bool(user.is_authenticated and user.has_perm("newsletter.manage_lettre", territory))


# Object: the territory.
rules.add_perm("newsletter.manage_lettre", is_superuser | is_animator)
