"""What actors tells the people with an account about the decisions on their records, through the
notification centre (`notify()`: in-app, and a mail at once, in a digest or never, per their choice).
The kinds are registered in module.py. Mails to bare addresses (the contact form) stay direct."""

from __future__ import annotations

from django.urls import reverse

from maillage.accounts.models import User
from maillage.actors.models import EditProposal, ManagementRequest, Membership, Structure
from maillage.core.actors import Actor
from maillage.core.mail import territory_url
from maillage.notifications.services import notify

KIND_STRUCTURE_DECISION = "actors_structure_decision"
KIND_EDIT_DECISION = "actors_edit_decision"
KIND_CLAIM_DECISION = "actors_claim_decision"

# key → label on the preferences page
KINDS = {
    KIND_STRUCTURE_DECISION: "Publication ou refus d'une fiche que je gère (annuaire)",
    KIND_EDIT_DECISION: "Décision sur les modifications que j'ai proposées pour une fiche (annuaire)",
    KIND_CLAIM_DECISION: "Réponse à ma demande de gestion d'une fiche (annuaire)",
}


def _managers(structure: Structure) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            structure=structure, role=Membership.Role.MANAGER, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    ]


def _detail(structure: Structure) -> str:
    return reverse("actors:detail", kwargs={"slug": structure.slug})


def structure_decided(structure: Structure, *, actor: Actor, published: bool, reason: str) -> None:
    """The managers hear that their record is published, or refused (with the reason)."""
    verdict = "publiée" if published else "refusée"
    notify(
        kind=KIND_STRUCTURE_DECISION,
        territory=structure.territory,
        recipients=_managers(structure),
        title=f"La fiche « {structure.name} » est {verdict}",
        body=reason if not published else "",
        url=_detail(structure),
        actor=actor,
        template="actors_decision",
        context={
            "structure": structure,
            "published": published,
            "reason": reason,
            "url": territory_url(structure.territory, "actors:detail", slug=structure.slug),
        },
    )


def edit_decided(proposal: EditProposal, *, actor: Actor, accepted: bool) -> None:
    """The author of a proposed edit hears whether it was accepted."""
    structure = proposal.structure
    author = proposal.author
    if author is None or not author.is_active:
        return
    verdict = "acceptées" if accepted else "refusées"
    notify(
        kind=KIND_EDIT_DECISION,
        territory=structure.territory,
        recipients=[author],
        title=f"Vos modifications de la fiche « {structure.name} » sont {verdict}",
        url=_detail(structure),
        actor=actor,
        template="actors_edit_decision",
        context={
            "structure": structure,
            "accepted": accepted,
            "url": territory_url(structure.territory, "actors:detail", slug=structure.slug),
        },
    )


def claim_decided(request: ManagementRequest, *, actor: Actor, accepted: bool) -> None:
    """The person who asked to manage a record hears the answer."""
    structure = request.structure
    verdict = "acceptée" if accepted else "refusée"
    notify(
        kind=KIND_CLAIM_DECISION,
        territory=structure.territory,
        recipients=[request.user],
        title=f"Votre demande de gestion de la fiche « {structure.name} » est {verdict}",
        url=_detail(structure),
        actor=actor,
        template="actors_management_decision",
        context={
            "structure": structure,
            "accepted": accepted,
            "url": territory_url(structure.territory, "actors:detail", slug=structure.slug),
        },
    )
