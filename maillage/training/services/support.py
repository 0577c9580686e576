"""Support follow-up: what support a structure received, recorded by the animation or an adviser."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.actors import Actor
from maillage.training import permissions
from maillage.training.models import SupportKind, SupportRecord
from maillage.training.services.common import person_of


@transaction.atomic
def record_support(
    *, actor: Actor, structure: Structure, kind: str, date: dt.date, summary: str = ""
) -> SupportRecord:
    territory = structure.territory
    permissions.require(
        actor, permissions.ADVISE, territory, "Seuls l'animation et les conseillers notent un accompagnement."
    )
    if kind not in SupportKind.values:
        raise ValidationError({"kind": "Choisissez le type d'accompagnement."})
    if date > timezone.localdate():
        raise ValidationError(
            {"date": "Un accompagnement se note une fois reçu : la date ne peut pas être future."}
        )
    return SupportRecord.objects.create(
        territory=territory,
        structure=structure,
        kind=kind,
        date=date,
        summary=summary.strip()[:4000],
        recorded_by=person_of(actor),
    )


@transaction.atomic
def delete_support(*, actor: Actor, record: SupportRecord) -> None:
    permissions.require(
        actor,
        permissions.ADVISE,
        record.territory,
        "Seuls l'animation et les conseillers suppriment une fiche.",
    )
    record.delete()
