"""Writes of the nominations: a structure's manager nominates it (accepted at once), anyone signed in may
propose another structure — then its managers are asked (a mail, a page, a POST) and the nomination
counts only once they accept."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillage.actors.models import Structure
from maillage.awards.models import Category, EditionStatus, Nomination, NominationStatus
from maillage.awards.permissions import manages, require_manager, require_person
from maillage.awards.services import notices
from maillage.core.actors import Actor, is_system, user_of
from maillage.core.machines import TransitionError, log_creation, transition


@transaction.atomic
def nominate(
    *, actor: Actor, category: Category, structure: Structure, initiative: str, pitch: str = ""
) -> Nomination:
    require_person(actor)
    edition = category.edition
    if edition.status != EditionStatus.NOMINATIONS:
        raise ValidationError("Les candidatures ne sont pas ouvertes pour cette édition du Trophée.")
    if structure.territory_id != edition.territory_id:
        raise ValidationError("Seules les structures du territoire peuvent concourir.")
    initiative = (initiative or "").strip()
    if not initiative:
        raise ValidationError({"initiative": "Nommez l'initiative que vous proposez."})
    if len(initiative) > 200 or len(pitch or "") > 3000:
        raise ValidationError(
            "Le texte est trop long (200 caractères pour le nom, 3 000 pour la présentation)."
        )
    own = is_system(actor) or manages(actor, structure)
    if not own and not notices.managers_of(structure.pk):
        raise ValidationError(
            "Cette structure n'a pas de gestionnaire sur la plateforme : elle ne peut pas donner son accord. "
            "Invitez-la à demander la gestion de sa fiche."
        )
    taken = f"{structure.name} concourt déjà dans la catégorie « {category.name} »."
    if Nomination.objects.filter(category=category, structure=structure).exists():
        raise ValidationError(taken)
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                category=category,
                structure=structure,
                initiative=initiative,
                pitch=(pitch or "").strip(),
                proposed_by=user_of(actor),
                self_nominated=own,
            )
    except IntegrityError:
        raise ValidationError(taken) from None
    log_creation(nomination, actor=actor)
    if own:
        transition(nomination, NominationStatus.ACCEPTED, actor=actor, note="candidature de la structure")
    else:
        notices.ask_consent(nomination, actor=actor)
    return nomination


@transaction.atomic
def answer_consent(*, actor: Actor, nomination: Nomination, accept: bool) -> Nomination:
    """A manager of the nominee accepts or declines the proposal (once: the first answer holds)."""
    require_manager(actor, nomination.structure)
    if accept and nomination.category.edition.status not in (EditionStatus.NOMINATIONS, EditionStatus.DRAFT):
        raise ValidationError("Les candidatures sont closes : cette proposition ne peut plus être acceptée.")
    to = NominationStatus.ACCEPTED if accept else NominationStatus.DECLINED
    try:
        nomination = transition(nomination, to, actor=actor, note="réponse de la structure")
    except TransitionError:
        raise ValidationError("Votre structure a déjà répondu à cette proposition.") from None
    notices.consent_answered(nomination, actor=actor)
    return nomination
