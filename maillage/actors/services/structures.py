"""Structures: create (self-service or by the animation), edit (live or through a moderated proposal),
status transitions (publish, refuse, archive…: `STRUCTURE_MACHINE`, each move logged by `transition()`),
deletion (the admin)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.actors import permissions
from maillage.actors.models import (
    STRUCTURE_MACHINE,
    TRANSITION_VERBS,
    Decision,
    EditProposal,
    Membership,
    Structure,
)
from maillage.actors.services import notices
from maillage.actors.services.base import (
    ADDRESS_FIELDS,
    EDITABLE_FIELDS,
    DuplicateStructure,
    _mark_provenance,
    _set_sectors,
    clean_sectors,
    clean_structure_data,
    find_duplicate,
    for_history,
    unique_slug,
)
from maillage.actors.services.geo import schedule_geocoding
from maillage.actors.services.indexing import index_practice, index_structure, unindex_structure
from maillage.actors.services.memberships import _save_membership
from maillage.core.actors import Actor, is_system, require_actor, system, user_of
from maillage.core.machines import TransitionError, log_creation, transition
from maillage.core.models import Commune, Territory
from maillage.core.storage import save_file


def _stamp_history(structure: Structure, actor: Actor, reason: str) -> None:
    """`transition()` saved the row: its history line gets who and why (as the other saves do)."""
    structure.history.filter(pk=structure.history.latest().pk).update(
        history_user=user_of(actor), history_change_reason=reason[:100]
    )


@transaction.atomic
def create_structure(
    *,
    actor: Actor,
    territory: Territory,
    data: Mapping[str, Any],
    sectors: Iterable[str] = (),
    logo: Any = None,
    source: str = "",
    initial_status: str | None = None,
    position: tuple[float, float] | None = None,
    slug: str = "",
) -> Structure:
    """Create a structure. Self-service (a signed-in person): pending, the person manages it, the animation
    is told. By the animation or the system: published at once (the system — the demo, an import — may
    choose the status and the slug). A SIRET/RNA already known raises `DuplicateStructure` (ask to manage it
    instead). `position` (latitude, longitude) comes with the data (an import, the demo): it is kept as the
    source's, and no geocoding is queued."""
    require_actor(actor)
    by_system = is_system(actor)
    cleaned = clean_structure_data(territory, data)
    sector_keys = clean_sectors(sectors)
    duplicate = find_duplicate(territory, siret=cleaned.get("siret", ""), rna=cleaned.get("rna", ""))
    if duplicate is not None:
        raise DuplicateStructure(duplicate)
    by_animation = by_system or permissions.is_animation(actor, territory)
    structure = Structure(territory=territory)
    for field in EDITABLE_FIELDS:
        if field in cleaned:
            setattr(structure, field, cleaned[field])
    structure.slug = unique_slug(territory, slug if slug and by_system else structure.name)
    structure.status = Structure.Status.PUBLISHED if by_animation else Structure.Status.PENDING
    if initial_status is not None and by_system:  # the demo and imports choose
        structure.status = initial_status
    if source:
        _mark_provenance(structure, [f for f in EDITABLE_FIELDS if cleaned.get(f)], source)
    elif not by_system:
        _mark_provenance(structure, [f for f in EDITABLE_FIELDS if cleaned.get(f)], "manager")
    if logo is not None:  # stored first: a storage that does not answer leaves nothing written
        structure.logo.name = save_file(
            structure.logo.storage, structure.logo.field.generate_filename(structure, logo.name), logo
        )
    if position is not None:
        structure.latitude, structure.longitude = position
        structure.geocoding = Structure.Geocoding.SOURCE
    for_history(structure, actor)
    structure.save()
    _set_sectors(structure, sector_keys)
    log_creation(structure, actor=actor, note="Création de la fiche")
    if not by_animation and isinstance(actor, User):  # a person registers their own structure
        _save_membership(
            actor=actor,
            user=actor,
            structure=structure,
            role=Membership.Role.MANAGER,
            reason="Création de la fiche",
        )
        notices.structure_pending(structure, actor=actor)
    index_structure(structure)
    schedule_geocoding(structure)
    return structure


def _display(value: Any) -> Any:
    if isinstance(value, Commune):
        return value.insee_code
    return value


def _current(structure: Structure, field: str) -> Any:
    if field == "commune":
        return structure.commune.insee_code if structure.commune is not None else None
    return getattr(structure, field)


def _apply(structure: Structure, changes: Mapping[str, Any]) -> None:
    for field, value in changes.items():
        if field == "commune":
            structure.commune = Commune.objects.filter(insee_code=value).first() if value else None
        elif field == "sectors":
            continue
        elif field == "logo":
            structure.logo.name = value or ""
        else:
            setattr(structure, field, value)


@transaction.atomic
def update_structure(
    *,
    actor: Actor,
    structure: Structure,
    data: Mapping[str, Any],
    sectors: Iterable[str] | None = None,
    logo: Any = None,
) -> Structure | EditProposal:
    """Edit a structure. A manager's edit of a published structure waits for the animator when the
    territory moderates managers' edits (returns the `EditProposal`); otherwise it goes live."""
    permissions.require(
        actor,
        "actors.change_structure",
        structure,
        "Seuls les gestionnaires de la structure et l'animation peuvent la modifier.",
    )
    territory = structure.territory
    by_animation = is_system(actor) or permissions.is_animation(actor, territory)
    cleaned = clean_structure_data(territory, {k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    duplicate = find_duplicate(
        territory, siret=cleaned.get("siret", ""), rna=cleaned.get("rna", ""), exclude=structure.pk
    )
    if duplicate is not None:
        raise DuplicateStructure(duplicate)
    changes: dict[str, list[Any]] = {}
    for field, value in cleaned.items():
        old, new = _current(structure, field), _display(value)
        if (old or None) != (new or None):
            changes[field] = [old, new]
    if sectors is not None:
        keys = clean_sectors(sectors)
        if sorted(keys) != sorted(structure.sector_keys):
            changes["sectors"] = [structure.sector_keys, keys]
    if logo is not None:
        stored = save_file(structure.logo.storage, f"structures/logos/{logo.name}", logo)
        changes["logo"] = [structure.logo.name or None, stored]
    if not changes:
        return structure
    moderated = (
        territory.settings.get("moderate_manager_edits", False)
        and structure.status == Structure.Status.PUBLISHED
        and not by_animation
    )
    if moderated:
        proposal = record_edit_proposal(
            actor=actor,
            structure=structure,
            author=actor if isinstance(actor, User) else None,
            changes=changes,
        )
        notices.edit_proposed(proposal, actor=actor)
        return proposal
    _commit_changes(structure, changes, actor, source="animator" if by_animation else "manager")
    return structure


def record_edit_proposal(
    *, actor: Actor, structure: Structure, author: User | None, changes: Mapping[str, list[Any]]
) -> EditProposal:
    """Write a proposed edit waiting for the moderation (no mail: `update_structure` tells the moderation;
    the demo loader calls this directly)."""
    proposal = EditProposal.objects.create(structure=structure, author=author, changes=dict(changes))
    log_creation(proposal, actor=actor, note="Modification proposée")
    return proposal


def _commit_changes(
    structure: Structure, changes: Mapping[str, list[Any]], actor: Actor, *, source: str
) -> None:
    new_values = {field: pair[1] for field, pair in changes.items()}
    address_changed = bool(ADDRESS_FIELDS & set(new_values))
    _apply(structure, new_values)
    _mark_provenance(structure, new_values, source)
    if address_changed and structure.geocoding != Structure.Geocoding.MANUAL:
        structure.latitude = structure.longitude = None
        structure.geocoding = Structure.Geocoding.NONE
    for_history(structure, actor, "Modification de la fiche")
    structure.save()
    if "sectors" in new_values:
        _set_sectors(structure, new_values["sectors"])
    index_structure(structure)
    if address_changed:
        schedule_geocoding(structure)


@transaction.atomic
def decide_edit_proposal(*, actor: Actor, proposal: EditProposal, accept: bool) -> EditProposal:
    permissions.require(
        actor,
        "actors.moderate_directory",
        proposal.structure.territory,
        "Seule la modération du territoire valide les modifications.",
    )
    proposal = EditProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Decision.PENDING:
        raise ValidationError("Cette modification a déjà été traitée.")
    if accept:
        structure = Structure.objects.select_for_update().get(pk=proposal.structure_id)
        _commit_changes(
            structure,
            proposal.changes,
            proposal.author or system("proposition d'un compte supprimé"),
            source="manager",
        )
    proposal = transition(
        proposal,
        Decision.ACCEPTED if accept else Decision.REFUSED,
        actor=actor,
        also={"decided_by": user_of(actor), "decided_at": timezone.now()},
    )
    notices.edit_decided(proposal, actor=actor, accepted=accept)
    return proposal


@transaction.atomic
def transition_structure(
    *, actor: Actor, structure: Structure, to_status: str, reason: str = ""
) -> Structure:
    """Move a structure along `STRUCTURE_MACHINE` (the moderation; a refusal needs a reason, e-mailed)."""
    permissions.require(
        actor,
        "actors.moderate_directory",
        structure.territory,
        "Seule la modération du territoire modère les fiches.",
    )
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    from_status = structure.status
    if not STRUCTURE_MACHINE.can(from_status, to_status):
        target = Structure.Status(to_status).label if to_status in Structure.Status.values else to_status
        raise TransitionError(
            f"Impossible de passer une fiche « {Structure.Status(from_status).label} » à « {target} ».",
            code="transition_not_allowed",
        )
    reason = (reason or "").strip()
    if to_status == Structure.Status.REFUSED and not reason:
        raise ValidationError({"reason": "Indiquez le motif du refus : il est envoyé aux gestionnaires."})
    structure = transition(
        structure,
        to_status,
        actor=actor,
        note=reason,
        also={"refusal_reason": reason if to_status == Structure.Status.REFUSED else ""},
    )
    _stamp_history(structure, actor, TRANSITION_VERBS.get((from_status, to_status), ""))
    index_structure(structure)
    for practice in structure.practices.all():
        index_practice(practice)
    if to_status in (Structure.Status.PUBLISHED, Structure.Status.REFUSED):
        notices.structure_decided(
            structure, actor=actor, published=to_status == Structure.Status.PUBLISHED, reason=reason
        )
    return structure


@transaction.atomic
def delete_structure(*, actor: Actor, structure: Structure) -> None:
    """Delete a structure for good (the admin; the site archives instead): it leaves the search and the
    directory in the same transaction; its history keeps who deleted it."""
    permissions.require(
        actor, "actors.delete_structure", structure, "Seule l'animation du territoire supprime une fiche."
    )
    unindex_structure(structure)
    for_history(structure, actor, "Suppression de la fiche")
    structure.delete()
