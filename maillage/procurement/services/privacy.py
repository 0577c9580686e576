"""Personal data kept by procurement: who wrote a need, who answered one, who made a shortlist, who proposed
or decided an offer edit (the rest is the structures')."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from maillage.procurement.models import Need, OfferProposal, Recipient, Shortlist


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
        "listes_de_fournisseurs": [
            {"nom": s.name, "acheteur": s.buyer.name, "creee_le": s.created_at.isoformat()}
            for s in Shortlist.objects.filter(author=user).select_related("buyer")
        ],
        "modifications_d_offre_proposees": [
            {
                "structure": p.structure.name,
                "statut": p.get_status_display(),
                "proposee_le": p.created_at.isoformat(),
                "motif_du_refus": p.reason,
            }
            for p in OfferProposal.objects.filter(author=user).select_related("structure")
        ],
    }


@transaction.atomic
def erase_person(user: Any, *, replacement: Any | None = None) -> None:
    """The needs and answers stay (they belong to the structures); the person's name is unlinked."""
    Need.objects.filter(author=user).update(author=replacement)
    Recipient.objects.filter(answered_by=user).update(answered_by=replacement)
    Shortlist.objects.filter(author=user).update(author=replacement)
    OfferProposal.objects.filter(author=user).update(author=replacement)
    OfferProposal.objects.filter(decided_by=user).update(decided_by=replacement)
