"""What actors tells the people with an account about the decisions on their records, through the
notification centre (`notify()`: in-app, and a mail at once, in a digest or never, per their choice).
The kinds are registered in module.py. Mails to bare addresses (the contact form) stay direct.

Two audiences: the people a decision concerns (managers, authors, claimants), and the moderation team
(the territory's moderators and animators), each of whom hears of new records, proposed edits, error
reports and claims as their own notification, which they can mute or group in a digest."""

from __future__ import annotations

from django.urls import reverse

from maillage.accounts.models import TerritoryRole, User
from maillage.actors.models import EditProposal, ManagementRequest, Membership, Structure
from maillage.core.actors import Actor
from maillage.core.mail import territory_url
from maillage.core.models import Territory
from maillage.notifications.services import notify

KIND_STRUCTURE_DECISION = "actors_structure_decision"
KIND_EDIT_DECISION = "actors_edit_decision"
KIND_CLAIM_DECISION = "actors_claim_decision"
KIND_PENDING = "actors_pending"
KIND_EDIT_PROPOSAL = "actors_edit_proposal"
KIND_ERROR_REPORT = "actors_error_report"
KIND_CLAIM_REQUEST = "actors_claim_request"

# key → label on the preferences page
KINDS = {
    KIND_STRUCTURE_DECISION: "Publication ou refus d'une fiche que je gère (annuaire)",
    KIND_EDIT_DECISION: "Décision sur les modifications que j'ai proposées pour une fiche (annuaire)",
    KIND_CLAIM_DECISION: "Réponse à ma demande de gestion d'une fiche (annuaire)",
    KIND_PENDING: "Nouvelle fiche à vérifier (modération de l'annuaire)",
    KIND_EDIT_PROPOSAL: "Modifications proposées pour une fiche publiée (modération de l'annuaire)",
    KIND_ERROR_REPORT: "Erreur signalée sur une fiche (modération de l'annuaire)",
    KIND_CLAIM_REQUEST: "Demande de gestion d'une fiche que je gère ou modère (annuaire)",
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


def moderators(territory: Territory) -> list[User]:
    """Who moderates the directory: the territory's moderators and animators (active accounts)."""
    return list(
        User.objects.filter(
            is_active=True,
            territory_roles__territory=territory,
            territory_roles__role__in=[TerritoryRole.Role.ANIMATOR, TerritoryRole.Role.MODERATOR],
        )
        .distinct()
        .order_by("email")
    )


def _moderation_path() -> str:
    return reverse("actors:moderation")


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


# --- to the moderation team ---------------------------------------------------------------------------


def structure_pending(structure: Structure, *, actor: Actor) -> None:
    """A person registered a record: each moderator hears it waits for verification."""
    notify(
        kind=KIND_PENDING,
        territory=structure.territory,
        recipients=moderators(structure.territory),
        title=f"Nouvelle fiche à vérifier : « {structure.name} »",
        url=_moderation_path(),
        actor=actor,
        template="actors_pending",
        context={"structure": structure, "url": territory_url(structure.territory, "actors:moderation")},
    )


def edit_proposed(proposal: EditProposal, *, actor: Actor) -> None:
    """A manager proposed changes to a published record of a moderated territory."""
    structure = proposal.structure
    notify(
        kind=KIND_EDIT_PROPOSAL,
        territory=structure.territory,
        recipients=moderators(structure.territory),
        title=f"Modifications proposées pour la fiche « {structure.name} »",
        url=_moderation_path(),
        actor=actor,
        template="actors_edit_proposal",
        context={"structure": structure, "url": territory_url(structure.territory, "actors:moderation")},
    )


def error_reported(structure: Structure, *, message: str, actor: Actor) -> None:
    """A visitor reported an error on a record."""
    notify(
        kind=KIND_ERROR_REPORT,
        territory=structure.territory,
        recipients=moderators(structure.territory),
        title=f"Erreur signalée sur la fiche « {structure.name} »",
        body=message,
        url=_moderation_path(),
        actor=actor,
        template="actors_error_report",
        context={
            "structure": structure,
            "message": message,
            "url": territory_url(structure.territory, "actors:moderation"),
        },
    )


def claim_requested(request: ManagementRequest, *, actor: Actor, requester: str) -> None:
    """Someone asks to manage a record: its managers (from the record's claims page) and the moderation
    (from the moderation page) hear it; a manager who also moderates hears it once, as a manager."""
    structure = request.structure
    managers = _managers(structure)
    manager_pks = {u.pk for u in managers}
    others = [u for u in moderators(structure.territory) if u.pk not in manager_pks]
    for recipients, url_name, path in (
        (managers, "actors:claims", reverse("actors:claims", kwargs={"slug": structure.slug})),
        (others, "actors:moderation", _moderation_path()),
    ):
        kwargs = {"slug": structure.slug} if url_name == "actors:claims" else {}
        notify(
            kind=KIND_CLAIM_REQUEST,
            territory=structure.territory,
            recipients=recipients,
            title=f"Demande de gestion de la fiche « {structure.name} »",
            url=path,
            actor=actor,
            template="actors_management_request",
            context={
                "structure": structure,
                "requester": requester,
                "url": territory_url(structure.territory, url_name, **kwargs),
            },
        )
