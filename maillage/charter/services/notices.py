"""What the charter tells people: the invitation to re-sign a new version (to the managers of every
structure that signed the previous one) and the decision on an amendment (to its author).

Both go out once the transaction commits (a rollback sends nothing).
"""

from __future__ import annotations

from django.urls import reverse

from maillage.actors.models import Membership
from maillage.charter.models import Amendment, AmendmentStatus, CharterVersion, Signature, SignatureStatus
from maillage.core.actors import Actor
from maillage.core.mail import send_mail_on_commit


def invite_previous_signatories(*, actor: Actor, version: CharterVersion, previous: CharterVersion) -> int:
    """Invite the managers of every structure with an active signature of `previous` to sign `version`.
    Returns the number of structures invited."""
    territory = version.charter.territory
    signatures = (
        Signature.objects.filter(version=previous, status=SignatureStatus.ACTIVE)
        .select_related("structure")
        .order_by("structure__name")
    )
    count = 0
    for signature in signatures:
        managers = list(
            Membership.objects.filter(
                structure=signature.structure, role=Membership.Role.MANAGER, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        if not managers:
            continue
        link = territory.absolute_url(
            reverse("charter:sign", kwargs={"number": version.number})
            + f"?structure={signature.structure.slug}"
        )
        send_mail_on_commit(
            territory=territory,
            to=managers,
            template="charter_invitation",
            context={
                "structure_name": signature.structure.name,
                "previous_number": previous.number,
                "number": version.number,
                "adopted_on": version.adopted_on,
                "sign_url": link,
                "diff_url": territory.absolute_url(
                    reverse("charter:diff") + f"?de={previous.number}&a={version.number}"
                ),
            },
        )
        count += 1
    return count


def tell_amendment_decided(*, actor: Actor, amendment: Amendment) -> None:
    """Tell the author of `amendment` (when the account still exists) what the animation decided."""
    author = amendment.author
    if author is None or not author.email:
        return
    version = amendment.article.version
    territory = version.charter.territory
    send_mail_on_commit(
        territory=territory,
        to=author.email,
        template="charter_amendment_decided",
        context={
            "accepted": amendment.status == AmendmentStatus.ACCEPTED,
            "article_title": amendment.article.title,
            "number": version.number,
            "reason": amendment.decision_reason,
            "amendment_url": territory.absolute_url(
                reverse("charter:amendment", kwargs={"pk": amendment.pk})
            ),
        },
    )
