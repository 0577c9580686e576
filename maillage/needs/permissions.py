"""Who may do what with the needs register: the only source (django-rules predicates and permissions, and
the checks that views and services call).

- `needs.animate`: qualify, answer, merge, link and edit the categories — the territory's animation;
- `needs.qualify`: qualify a reported need (write its synthesis) — the animation, and the active members of
  the territory's needs atelier (the atelier named in `RegisterSettings`, its membership read through core's
  registry: `registry.is_group_member("atelier", …)`, so the needs import no workspace code);
- `needs.take_part`: report a need under one's name and support a need — any signed-in person (citizens
  without an account report and support through a link sent to their address instead).

The system actor (the demo loader, a task, a signed link) passes every check.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.needs.models import RegisterSettings

# The kind of group (core's `GroupMembership`) whose members may qualify needs: the workspace's ateliers.
ATELIER_GROUP = "atelier"


@rules.predicate
def is_signed_in(user: Any, territory: Any = None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def atelier_slug(territory: Territory | None) -> str:
    """The slug of the territory's needs atelier ("" when the animation has named none)."""
    if territory is None:
        return ""
    found = (
        RegisterSettings.objects.filter(territory=territory).values_list("atelier_slug", flat=True).first()
    )
    return found or ""


@rules.predicate
def is_needs_atelier_member(user: Any, territory: Any = None) -> bool:
    if not isinstance(territory, Territory):
        return False
    return registry.is_group_member(ATELIER_GROUP, user, territory, atelier_slug(territory))


rules.add_perm("needs.animate", is_superuser | is_animator)
rules.add_perm("needs.qualify", is_superuser | is_animator | is_needs_atelier_member)
rules.add_perm("needs.take_part", is_signed_in)


def _has(who: Any, perm: str, obj: Any) -> bool:
    if who is None:
        return False
    if is_system(who):
        return True
    return bool(who.has_perm(perm, obj))


def can_animate(who: Any, territory: Territory) -> bool:
    return _has(who, "needs.animate", territory)


def can_qualify(who: Any, territory: Territory) -> bool:
    return _has(who, "needs.qualify", territory)


def can_take_part(who: Any, territory: Territory) -> bool:
    return _has(who, "needs.take_part", territory)


def require_animator(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_animate(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire peut qualifier et faire évoluer les besoins.")


def require_qualifier(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_qualify(actor, territory):
        raise PermissionDenied(
            "Seuls l'animation du territoire et les membres de l'atelier des besoins sociaux peuvent "
            "qualifier un besoin."
        )


def require_participant(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_take_part(actor, territory):
        raise PermissionDenied("Connectez-vous pour signaler ou soutenir un besoin.")
