"""What the plan keeps about a person: their comments on yearly evaluations (the author; the report shows
only the structure's name). Exported and erased through the registry. Other traces (who changed a status, who
recorded a measurement, history users) point to the account and are set to null when it is deleted; the name
the status logs keep beside it (`actor_label`) is replaced here by « Personne supprimée »."""

from __future__ import annotations

from typing import Any

from maillage.core.registry import PersonalDataHook
from maillage.plan.models import EvaluationComment, EvaluationTransition, NodeTransition


def export_comments(user: Any) -> dict[str, Any]:
    comments = EvaluationComment.objects.filter(author=user).select_related(
        "evaluation__version", "structure"
    )
    return {
        "commentaires_d_evaluation": [
            {
                "plan": str(c.evaluation.version),
                "structure": c.structure.name if c.structure else "",
                "texte": c.text,
                "date": c.created_at.isoformat(),
            }
            for c in comments.order_by("pk")
        ]
    }


def erase_comments(user: Any, *, replacement: Any | None = None) -> None:
    """Delete the person's comments and every history row of them (an adopted report keeps its frozen
    copy, which names the structure only)."""
    ids = list(EvaluationComment.objects.filter(author=user).values_list("pk", flat=True))
    EvaluationComment.objects.filter(pk__in=ids).delete()
    # After the delete, which itself writes a history row.
    history = EvaluationComment.history.model.objects
    history.filter(id__in=ids).delete()
    history.filter(author_id=user.pk).delete()
    history.filter(history_user_id=user.pk).update(history_user=None)
    for log in (NodeTransition, EvaluationTransition):
        log.objects.filter(actor_id=user.pk).update(actor_label="Personne supprimée")


HOOK = PersonalDataHook(
    key="plan.evaluation_comments",
    retention_text="le temps du contrat ; supprimés avec le compte",
    models=("plan.EvaluationComment",),
    label="Commentaires sur les évaluations du plan",
    export=export_comments,
    erase=erase_comments,
)
