"""The erasure of a person from the self-assessment (the registry's personal-data hook calls it). Answer
sheets belong to the structure, not to the person: they stay, without the person's name."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from maillage.assessment.models import AnswerSheet, CampaignTransition, GridTransition, SheetTransition


def export_person(user: Any) -> dict[str, Any]:
    return {
        "feuilles_transmises": [
            {
                "structure": s.structure.name,
                "campagne": s.campaign.year,
                "transmise_le": s.submitted_at.isoformat(),
            }
            for s in AnswerSheet.objects.filter(submitted_by=user).select_related("structure", "campaign")
            if s.submitted_at
        ],
        "actions": [
            {"objet": str(log), "le": log.at.isoformat()}
            for model in (GridTransition, CampaignTransition, SheetTransition)
            for log in model.objects.filter(actor=user)
        ],
    }


@transaction.atomic
def erase_person(user: Any, *, replacement: Any = None) -> None:
    AnswerSheet.objects.filter(submitted_by=user).update(submitted_by=replacement)
    for model in (GridTransition, CampaignTransition, SheetTransition):
        model.objects.filter(actor=user).update(actor=replacement, actor_label="")
