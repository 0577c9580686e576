"""Personal data kept by procurement: who wrote a need and who answered one (the rest is the structures')."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from maillage.procurement.models import Need, Recipient


def export_person(user: Any) -> dict[str, Any]:
    return {
        "besoins_rediges": [
            {"titre": n.title, "acheteur": n.buyer.name, "cree_le": n.created_at.isoformat()}
            for n in Need.objects.filter(author=user).select_related("buyer")
        ],
        "reponses": [
            {
                "besoin": r.need.title,
                "structure": r.structure.name,
                "reponse": r.get_answer_display(),
                "message": r.message,
                "motif": r.reason,
            }
            for r in Recipient.objects.filter(answered_by=user).select_related("need", "structure")
        ],
    }


@transaction.atomic
def erase_person(user: Any, *, replacement: Any | None = None) -> None:
    """The needs and answers stay (they belong to the structures); the person's name is unlinked."""
    Need.objects.filter(author=user).update(author=replacement)
    Recipient.objects.filter(answered_by=user).update(answered_by=replacement)
