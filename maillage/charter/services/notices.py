"""What the charter tells people, through the notification centre (`notify()`), so that each person's
choice for the kind holds (at once, in a digest, or never):

- `charter_resign`: the managers of every structure that signed the previous version are invited to sign
  the one just adopted;
- `charter_amendment_decided`: the author of an amendment learns what the animation decided.

Both kinds are registered in `module.py`. The immediate mails render `mail/charter_*` (on commit: a
rollback sends nothing).
"""

from __future__ import annotations

from django.urls import reverse

from maillage.accounts.models import User
from maillage.charter.models import Amendment, AmendmentStatus, CharterVersion, Signature, SignatureStatus
from maillage.core.actors import Actor
from maillage.notifications.services import notify

RESIGN = "charter_resign"
AMENDMENT_DECIDED = "charter_amendment_decided"


def invite_previous_signatories(*, actor: Actor, version: CharterVersion, previous: CharterVersion) -> int:
    """Invite the managers of every structure with an active signature of `previous` to sign `version`.
    Returns the number of structures invited."""
    territory = version.charter.territory
    signatures = (
        Signature.objects.filter(version=previous, status=SignatureStatus.ACTIVE)
        .select_related("structure")
        .order_by("structure__name")
    )
    diff_url = reverse("charter:diff") + f"?de={previous.number}&a={version.number}"
    count = 0
    for signature in signatures:
        structure = signature.structure
        managers = list(
            User.objects.filter(
                memberships__structure=structure, memberships__role="manager", is_active=True
            ).distinct()
        )
        if not managers:
            continue
        sign_url = reverse("charter:sign", kwargs={"number": version.number}) + f"?structure={structure.slug}"
        notify(
            kind=RESIGN,
            territory=territory,
            recipients=managers,
            title=f"La version {version.number} de la charte est adoptée : signez-la pour {structure.name}",
            url=sign_url,
            actor=actor,
            template="charter_invitation",
            context={
                "structure_name": structure.name,
                "previous_number": previous.number,
                "number": version.number,
                "adopted_on": version.adopted_on,
                "sign_url": territory.absolute_url(sign_url),
                "diff_url": territory.absolute_url(diff_url),
            },
        )
        count += 1
    return count


def tell_amendment_decided(*, actor: Actor, amendment: Amendment) -> None:
    """Tell the author of `amendment` (when the account still exists) what the animation decided."""
    if amendment.author is None:
        return
    version = amendment.article.version
    territory = version.charter.territory
    accepted = amendment.status == AmendmentStatus.ACCEPTED
    url = reverse("charter:amendment", kwargs={"pk": amendment.pk})
    notify(
        kind=AMENDMENT_DECIDED,
        territory=territory,
        recipients=[amendment.author],
        title=f"Votre amendement à l'article « {amendment.article.title} » est "
        + ("accepté" if accepted else "rejeté"),
        url=url,
        actor=actor,
        body=amendment.decision_reason,
        template="charter_amendment_decided",
        context={
            "accepted": accepted,
            "article_title": amendment.article.title,
            "number": version.number,
            "reason": amendment.decision_reason,
            "amendment_url": territory.absolute_url(url),
        },
    )
