"""Who may do what in responsible procurement: the only source (django-rules predicates and permissions, and
the checks that views and services call).

- `procurement.edit_offer`: edit a structure's supplier offer — its managers (and the animation);
- `procurement.buy_for`: post and follow needs, keep the purchase ledger of a buyer structure — its managers;
- `procurement.view_buyer`: read a buyer structure's needs and dashboard — its members and the animation;
- `procurement.animate`: validate needs, see every match — the territory's animation;
- `procurement.answer_for`: answer a need sent to a structure — its managers;
- `procurement.moderate_offers`: accept or refuse a manager's edit of a supplier offer — the territory's
  moderation (animators and moderators), never for their own edit (checked by the service).

The system actor (the demo, a task) passes every check.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_moderator, is_superuser
from maillage.actors.permissions import is_structure_manager, is_structure_member
from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory

rules.add_perm("procurement.edit_offer", is_superuser | is_structure_manager | is_animator)
rules.add_perm("procurement.buy_for", is_superuser | is_structure_manager)
rules.add_perm("procurement.view_buyer", is_superuser | is_structure_member | is_animator)
rules.add_perm("procurement.animate", is_superuser | is_animator)
rules.add_perm("procurement.answer_for", is_superuser | is_structure_manager)
rules.add_perm("procurement.moderate_offers", is_superuser | is_moderator)


def _has(who: Any, perm: str, obj: Any) -> bool:
    """`who` is an actor or the request's user (possibly anonymous, or None: no one)."""
    if who is None:
        return False
    if is_system(who):
        return True
    return bool(who.is_authenticated and who.has_perm(perm, obj))


def can_edit_offer(who: Any, structure: Any) -> bool:
    return _has(who, "procurement.edit_offer", structure)


def can_buy_for(who: Any, structure: Any) -> bool:
    return _has(who, "procurement.buy_for", structure)


def can_view_buyer(who: Any, structure: Any) -> bool:
    return _has(who, "procurement.view_buyer", structure)


def can_animate(who: Any, territory: Territory) -> bool:
    return _has(who, "procurement.animate", territory)


def can_answer_for(who: Any, structure: Any) -> bool:
    return _has(who, "procurement.answer_for", structure)


def can_moderate_offers(who: Any, territory: Territory) -> bool:
    return _has(who, "procurement.moderate_offers", territory)


def can_see_matches(who: Any, need: Any) -> bool:
    """The buyer's members and the animation see who a need was matched to, and why."""
    return can_view_buyer(who, need.buyer) or can_animate(who, need.territory)


# --- the checks services make (a French message for the person refused) ---------------------------------


def require_offer_editor(actor: Actor, structure: Any) -> None:
    require_actor(actor)
    if not can_edit_offer(actor, structure):
        raise PermissionDenied("Seuls les gestionnaires de la structure peuvent modifier son offre.")


def require_buyer(actor: Actor, structure: Any) -> None:
    require_actor(actor)
    if not can_buy_for(actor, structure):
        raise PermissionDenied(
            "Seuls les gestionnaires de la structure acheteuse peuvent déposer et suivre ses besoins."
        )


def require_animator(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_animate(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire peut valider un besoin et l'envoyer.")


def require_answerer(actor: Actor, structure: Any) -> None:
    require_actor(actor)
    if not can_answer_for(actor, structure):
        raise PermissionDenied("Seuls les gestionnaires de la structure peuvent répondre en son nom.")


def require_offer_moderator(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_moderate_offers(actor, territory):
        raise PermissionDenied("Seule la modération du territoire valide les modifications d'offre.")
