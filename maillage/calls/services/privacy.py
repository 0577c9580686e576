"""Personal data of the calls: a juror's name and address, the author of a comment or an application, the
accounts in the logs. Export lists them; erasure blanks the juror's identity (the seat and its scores stay,
anonymous, so the ranking already published does not change) and detaches the person everywhere else."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from maillage.calls.models import (
    Application,
    ApplicationTransition,
    AppStatus,
    Attachment,
    CallTransition,
    GrantStatus,
    GrantTransition,
    Juror,
    JurorTransition,
    ReportTransition,
    SpecComment,
    SpecificationTransition,
)

LOGS = (
    ApplicationTransition,
    CallTransition,
    GrantTransition,
    JurorTransition,
    ReportTransition,
    SpecificationTransition,
)


def seats_of(user: Any):
    return Juror.objects.filter(Q(user=user) | Q(email__iexact=user.email)).select_related("call")


def export_person(user: Any) -> dict[str, Any]:
    return {
        "jurys_d_appels_a_projets": [
            {"appel": j.call.year, "nom": j.name, "adresse": j.email, "statut": j.get_status_display()}
            for j in seats_of(user)
        ],
        "commentaires_sur_les_cahiers_des_charges": [
            {
                "appel": c.article.version.call.year,
                "article": c.article.title,
                "texte": c.body,
                "date": c.created_at.isoformat(),
            }
            for c in SpecComment.objects.filter(author=user).select_related("article__version__call")
        ],
        "candidatures_creees": [
            {"appel": a.call.year, "structure": a.structure.name, "projet": a.title}
            for a in Application.objects.filter(created_by=user).select_related("call", "structure")
        ],
    }


@transaction.atomic
def erase_person(user: Any, *, replacement: Any | None = None) -> None:
    for juror in seats_of(user):
        Juror.objects.filter(pk=juror.pk).update(
            name="Personne effacée", email=f"jure-{juror.pk}@efface.invalid", user=None
        )
    SpecComment.objects.filter(author=user).update(author=replacement)
    Application.objects.filter(created_by=user).update(created_by=replacement)
    for log in LOGS:
        log.objects.filter(actor=user).update(actor=replacement, actor_label="Personne effacée")


# Attachments of applications (statutes, accounts, CVs, quotes) are deleted, files and rows, once nothing
# can require them any more:
# - an application that got no subsidy: six months after the call's deliberation — the two months of a
#   contentious appeal (code de justice administrative, art. R. 421-1), prolonged by a prior « recours
#   gracieux » (two months of silence worth a refusal, then two months again);
# - a granted subsidy: ten years after the grant is closed or cancelled — the pieces justify a public
#   expense and stay available to the control of the accounts (the grantor's own accounting documents are
#   kept ten years, code de commerce, art. L. 123-22; the control of the public accountant reaches back as
#   far). A selected application without a grant yet counts ten years from the deliberation.
DEFAULT_UNGRANTED_ATTACHMENTS_DAYS = 183
DEFAULT_GRANTED_ATTACHMENTS_DAYS = 3653


def attachment_delays() -> tuple[dt.timedelta, dt.timedelta]:
    """(no subsidy, granted subsidy), from the settings `CALLS_UNGRANTED_ATTACHMENTS_RETENTION_DAYS` and
    `CALLS_GRANTED_ATTACHMENTS_RETENTION_DAYS`."""
    return (
        dt.timedelta(
            days=getattr(
                settings, "CALLS_UNGRANTED_ATTACHMENTS_RETENTION_DAYS", DEFAULT_UNGRANTED_ATTACHMENTS_DAYS
            )
        ),
        dt.timedelta(
            days=getattr(
                settings, "CALLS_GRANTED_ATTACHMENTS_RETENTION_DAYS", DEFAULT_GRANTED_ATTACHMENTS_DAYS
            )
        ),
    )


def attachments_retention_text() -> str:
    ungranted, granted = attachment_delays()
    return (
        "Les pièces jointes d'une candidature non financée sont supprimées "
        f"{round(ungranted.days / 30.5)} mois après le délibéré de l'appel (délai de recours) ; "
        f"celles d'une subvention accordée, {round(granted.days / 365.25)} ans après la clôture de la "
        "subvention (contrôle des comptes)."
    )


def expire_attachments(now: dt.datetime) -> int:
    """Retention: delete the attachments (files and rows) that have outlived their delay; returns a count."""
    ungranted, granted = attachment_delays()
    ended = GrantTransition.objects.filter(
        to_state__in=[GrantStatus.CLOSED, GrantStatus.CANCELLED], at__lt=now - granted
    ).values("grant_id")
    no_grant = Q(application__grant__isnull=True)
    selected = Q(application__status=AppStatus.SELECTED)
    due = Attachment.objects.filter(
        (no_grant & ~selected & Q(application__call__decided_on__lt=(now - ungranted).date()))
        | (no_grant & selected & Q(application__call__decided_on__lt=(now - granted).date()))
        | Q(application__grant__in=ended)
    )
    count = 0
    for attachment in due:
        with transaction.atomic():
            attachment.delete()
            transaction.on_commit(functools.partial(attachment.file.delete, save=False))
        count += 1
    return count
