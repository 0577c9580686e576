"""What the Trophée tells people: notifications to account holders through `notify()`; the public vote's
confirmation link, mailed to a bare address (the voter has no account)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from maillage.actors.models import Membership
from maillage.awards.models import Edition, Juror, Nomination
from maillage.core.actors import Actor
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.tokens import make_token
from maillage.notifications.services import notify

CONSENT_PURPOSE = "awards-consent"
VOTE_PURPOSE = "awards-vote"


def managers_of(structure_id: int) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(structure_id=structure_id, role="manager").select_related("user")
    ]


def consent_token(nomination: Nomination) -> str:
    return make_token(CONSENT_PURPOSE, {"n": nomination.pk})


def ask_consent(nomination: Nomination, *, actor: Actor) -> None:
    edition = nomination.category.edition
    notify(
        kind="awards_consent",
        territory=edition.territory,
        recipients=managers_of(nomination.structure_id),
        title=f"{nomination.structure.name} est proposée au {edition.title} : acceptez-vous ?",
        body=(
            f"Catégorie « {nomination.category.name} », initiative « {nomination.initiative} ». "
            "Ouvrez le lien pour accepter ou refuser la candidature."
        ),
        url=reverse("awards:consent", args=[consent_token(nomination)]),
        actor=actor,
    )


def consent_answered(nomination: Nomination, *, actor: Actor) -> None:
    if nomination.proposed_by is None:
        return
    verdict = "accepte" if nomination.status == "accepted" else "décline"
    notify(
        kind="awards_consent_answer",
        territory=nomination.category.edition.territory,
        recipients=[nomination.proposed_by],
        title=f"{nomination.structure.name} {verdict} votre proposition au Trophée",
        url=reverse("awards:edition", args=[nomination.category.edition.year]),
        actor=actor,
    )


def juror_added(juror: Juror, *, actor: Actor) -> None:
    edition = juror.edition
    notify(
        kind="awards_jury",
        territory=edition.territory,
        recipients=[juror.user],
        title=f"Vous faites partie du jury du {edition.title}",
        body="Déclarez vos liens avec les structures candidates, puis notez les candidatures.",
        url=reverse("awards:jury", args=[edition.year]),
        actor=actor,
    )


def results_published(edition: Edition, *, actor: Actor) -> None:
    for nomination in Nomination.objects.filter(category__edition=edition).exclude(prize=""):
        notify(
            kind="awards_results",
            territory=edition.territory,
            recipients=managers_of(nomination.structure_id),
            title=(
                f"{nomination.structure.name} est lauréate du {edition.title} "
                f"({nomination.get_prize_display()})"
            ),
            url=reverse("awards:winners", args=[edition.year]),
            actor=actor,
        )


def mail_vote_link(*, nomination: Nomination, email: str, token: str) -> None:
    edition = nomination.category.edition
    send_mail_on_commit(
        territory=edition.territory,
        to=email,
        template="awards_vote_confirm",
        context={
            "edition_title": edition.title,
            "category_name": nomination.category.name,
            "nominee": nomination.structure.name,
            "initiative": nomination.initiative,
            "confirm_url": territory_url(edition.territory, "awards:vote_confirm", token=token),
        },
    )
