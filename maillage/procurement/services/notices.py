"""What procurement tells people, through `notify()` (people with an account) or a plain mail (a supplier
structure without any manager account, at its public address)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import User
from maillage.actors.models import Membership, Structure
from maillage.core.actors import Actor
from maillage.core.tasks import enqueue_with_transaction
from maillage.notifications.services import notify
from maillage.procurement.models import MailState, Need, OfferProposal, Recipient

# By path: the tasks module imports the services, not the other way round.
NEED_MAIL_TASK = "maillage.procurement.tasks.send_need_mail_task"


def _managers(structure: Structure) -> list[User]:
    return list(
        User.objects.filter(
            memberships__structure=structure, memberships__role=Membership.Role.MANAGER, is_active=True
        )
    )


def _animators(need: Need) -> list[User]:
    return list(
        User.objects.filter(
            territory_roles__territory=need.territory, territory_roles__role="animator", is_active=True
        ).distinct()
    )


def need_submitted(need: Need, *, actor: Actor) -> None:
    notify(
        kind="procurement_need_submitted",
        territory=need.territory,
        recipients=_animators(need),
        title=f"Besoin d'achat à valider : {need.title}",
        url=reverse("procurement:need", args=[need.pk]),
        actor=actor,
        body=f"{need.buyer.name} a soumis un besoin à l'animation.",
    )


def need_decided(need: Need, *, actor: Actor, validated: bool, note: str = "") -> None:
    title = (
        f"Votre besoin « {need.title} » est validé : vous pouvez l'envoyer aux fournisseurs."
        if validated
        else f"Votre besoin « {need.title} » est à revoir"
    )
    notify(
        kind="procurement_need_decided",
        territory=need.territory,
        recipients=_managers(need.buyer),
        title=title,
        url=reverse("procurement:need", args=[need.pk]),
        actor=actor,
        body=note,
    )


def need_sent_to(recipient: Recipient, *, actor: Actor) -> None:
    """Tell a matched supplier about a need: its managers by notify(); a structure without any manager
    account at its public address, with a link to the answer page (answering needs a manager's account)."""
    need = recipient.need
    path = reverse("procurement:answer", args=[recipient.pk])
    title = f"Un besoin d'achat pour {recipient.structure.name} : {need.title}"
    context: dict[str, Any] = {
        "need": need,
        "recipient": recipient,
        "answer_url": need.territory.absolute_url(path),
    }
    managers = _managers(recipient.structure)
    if managers:
        notify(
            kind="procurement_need_received",
            territory=need.territory,
            recipients=managers,
            title=title,
            url=path,
            actor=actor,
            template="procurement_need",
            context=context,
        )
        return
    if recipient.structure.public_email:  # sent by the worker, at most once (see `services.mailing`)
        Recipient.objects.filter(pk=recipient.pk).update(mail_state=MailState.PENDING, mail_at=timezone.now())
        recipient.mail_state = MailState.PENDING
        enqueue_with_transaction(NEED_MAIL_TASK, recipient.pk)


def outcome_asked(need: Need, *, actor: Actor) -> None:
    notify(
        kind="procurement_outcome_asked",
        territory=need.territory,
        recipients=_managers(need.buyer),
        title=f"La date limite de « {need.title} » est passée : un contrat a-t-il suivi ?",
        url=reverse("procurement:outcome", args=[need.pk]),
        actor=actor,
        body="Dites-le en une minute : le fournisseur retenu, le montant, les heures d'insertion.",
    )


def answer_received(recipient: Recipient, *, actor: Actor) -> None:
    need = recipient.need
    notify(
        kind="procurement_answer_received",
        territory=need.territory,
        recipients=_managers(need.buyer),
        title=f"{recipient.structure.name} a répondu à votre besoin « {need.title} » : "
        f"{recipient.get_answer_display()}",
        url=reverse("procurement:need", args=[need.pk]),
        actor=actor,
        body=recipient.message or recipient.reason,
    )


def _moderators(proposal: OfferProposal) -> list[User]:
    return list(
        User.objects.filter(
            territory_roles__territory=proposal.structure.territory,
            territory_roles__role__in=["animator", "moderator"],
            is_active=True,
        ).distinct()
    )


def offer_proposed(proposal: OfferProposal, *, actor: Actor) -> None:
    structure = proposal.structure
    notify(
        kind="procurement_offer_proposed",
        territory=structure.territory,
        recipients=_moderators(proposal),
        title=f"Offre de fournisseur à relire : {structure.name}",
        url=reverse("procurement:offer_proposal", args=[proposal.pk]),
        actor=actor,
        body="Un gestionnaire a modifié l'offre de sa structure : "
        "acceptez-la ou refusez-la en disant pourquoi.",
        exclude=proposal.author,
    )


def offer_decided(proposal: OfferProposal, *, actor: Actor, accepted: bool) -> None:
    structure = proposal.structure
    people = [proposal.author] if proposal.author is not None else _managers(structure)
    notify(
        kind="procurement_offer_decided",
        territory=structure.territory,
        recipients=people,
        title=(
            f"La modification de l'offre de {structure.name} est acceptée : elle est en ligne."
            if accepted
            else f"La modification de l'offre de {structure.name} est refusée"
        ),
        url=reverse("procurement:offer", args=[structure.slug]),
        actor=actor,
        body=proposal.reason,
    )
