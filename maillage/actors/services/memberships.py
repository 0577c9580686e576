"""Memberships (add or change, remove, hand over) and « demander la gestion d'une fiche »."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import TerritoryRole, User
from maillage.actors import permissions
from maillage.actors.models import (
    Decision,
    ManagementRequest,
    Membership,
    Structure,
)
from maillage.actors.services import notices
from maillage.actors.services.base import for_history
from maillage.core.actors import Actor, require_actor, user_of
from maillage.core.machines import log_creation, transition

logger = logging.getLogger("maillage.actors.services")


# --- « demander la gestion d'une fiche » ----------------------------------------------------------------


def record_management_request(
    *, actor: Actor, structure: Structure, user: User, message: str = ""
) -> ManagementRequest:
    """Write a pending « demande de gestion » (no mail: `request_management` tells who decides; the demo
    loader calls this directly)."""
    request = ManagementRequest.objects.create(structure=structure, user=user, message=message.strip()[:2000])
    log_creation(request, actor=actor, note="Demande de gestion")
    return request


@transaction.atomic
def request_management(*, actor: User, structure: Structure, message: str = "") -> ManagementRequest:
    if Membership.objects.filter(user=actor, structure=structure, role=Membership.Role.MANAGER).exists():
        raise ValidationError("Vous gérez déjà cette fiche.")
    if ManagementRequest.objects.filter(structure=structure, user=actor, status=Decision.PENDING).exists():
        raise ValidationError("Votre demande est déjà en cours d'examen.")
    request = record_management_request(actor=actor, structure=structure, user=actor, message=message)
    # The managers of the record (if any) and the moderation both hear of it; either may decide, each
    # from a page they can open: the structure's claims page, the moderation page.
    requester = f"{actor.first_name} {actor.last_name}".strip() or "Une personne inscrite"
    notices.claim_requested(request, actor=actor, requester=requester)
    return request


@transaction.atomic
def decide_management_request(*, actor: Actor, request: ManagementRequest, accept: bool) -> ManagementRequest:
    structure = request.structure
    permissions.require(
        actor,
        "actors.decide_management_request",
        structure,
        "Seuls les gestionnaires de la fiche et la modération du territoire décident de cette demande.",
    )
    request = ManagementRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Decision.PENDING:
        raise ValidationError("Cette demande a déjà été traitée.")
    request = transition(
        request,
        Decision.ACCEPTED if accept else Decision.REFUSED,
        actor=actor,
        also={"decided_by": user_of(actor), "decided_at": timezone.now()},
    )
    if accept:
        _save_membership(
            actor=actor,
            user=request.user,
            structure=structure,
            role=Membership.Role.MANAGER,
            reason="Demande de gestion acceptée",
        )
    notices.claim_decided(request, actor=actor, accepted=accept)
    return request


def _check_can_manage(actor: Actor, structure: Structure) -> None:
    permissions.require(
        actor,
        "actors.manage_memberships",
        structure,
        "Seuls les gestionnaires de la structure et l'animation du territoire peuvent gérer ses membres.",
    )


@transaction.atomic
def add_membership(
    *,
    actor: Actor,
    user: User,
    structure: Structure,
    role: str,
    reason: str = "Rattachement à la structure",
) -> Membership:
    """Attach `user` to `structure` with `role`, or change their role. Logged in the membership history."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Ce rôle n'existe pas."})
    _check_can_manage(actor, structure)
    return _save_membership(actor=actor, user=user, structure=structure, role=role, reason=reason)


def _save_membership(*, actor: Actor, user: User, structure: Structure, role: str, reason: str) -> Membership:
    """Write a membership once the caller checked who may (managers, animation, or moderation of a claim)."""
    require_actor(actor)
    membership = Membership.objects.select_for_update().filter(user=user, structure=structure).first()
    if membership is not None and membership.role == role:
        return membership
    if membership is None:
        membership = Membership(user=user, structure=structure, role=role)
    else:
        membership.role = role
    for_history(membership, actor, reason)
    membership.save()
    user.__dict__.pop("_structure_roles", None)
    return membership


@transaction.atomic
def remove_membership(
    *,
    actor: Actor,
    membership: Membership,
    reason: str = "Fin du rattachement",
    allow_orphan: bool = False,
) -> None:
    """Detach a person from a structure. The last manager cannot leave (the structure would have nobody to
    keep it up to date) unless `allow_orphan`: an erasure hands the structure over first, then forces."""
    _check_can_manage(actor, membership.structure)
    if (
        not allow_orphan
        and membership.role == Membership.Role.MANAGER
        and not Membership.objects.filter(structure_id=membership.structure_id, role=Membership.Role.MANAGER)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            "Cette personne est la seule gestionnaire de la structure : confiez d'abord la "
            "gestion à quelqu'un d'autre."
        )
    for_history(membership, actor, reason)
    membership.delete()
    membership.user.__dict__.pop("_structure_roles", None)


def territory_animators(structure: Structure, *, excluding: User | None = None) -> list[User]:
    """The animators of the structure's territory, longest-serving first."""
    roles = (
        TerritoryRole.objects.filter(
            territory_id=structure.territory_id, role=TerritoryRole.Role.ANIMATOR, user__is_active=True
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    if excluding is not None:
        roles = roles.exclude(user=excluding)
    return [r.user for r in roles]


@transaction.atomic
def hand_over_structure(*, actor: Actor, structure: Structure, leaving: User) -> User | None:
    """Give the management of a structure whose sole manager leaves to an animator of its territory.

    Returns the animator who now manages it, or None when the territory has no other animator (logged as a
    warning: the structure stays without manager until the animation takes it).
    """
    others = Membership.objects.filter(structure=structure, role=Membership.Role.MANAGER).exclude(
        user=leaving
    )
    if others.exists():
        return None
    animators = territory_animators(structure, excluding=leaving)
    if not animators:
        logger.warning(
            "Structure %s (n° %s) left without manager: its territory has no animator.",
            structure.slug,
            structure.pk,
        )
        return None
    animator = animators[0]
    add_membership(
        actor=actor,
        user=animator,
        structure=structure,
        role=Membership.Role.MANAGER,
        reason="Gestion confiée à l'animation du territoire : la ou le seul gestionnaire a supprimé "
        "son compte",
    )
    logger.info(
        "Structure %s (n° %s) handed over to animator n° %s.", structure.slug, structure.pk, animator.pk
    )
    return animator
