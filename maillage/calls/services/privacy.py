"""Personal data of the calls: a juror's name and address, the author of a comment or an application, the
accounts in the logs. Export lists them; erasure blanks the juror's identity (the seat and its scores stay,
anonymous, so the ranking already published does not change) and detaches the person everywhere else."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from maillage.calls.models import (
    Application,
    ApplicationTransition,
    CallTransition,
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
            {"appel": c.specification.call.year, "texte": c.body, "date": c.created_at.isoformat()}
            for c in SpecComment.objects.filter(author=user).select_related("specification__call")
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
