"""What actors keeps about a person (memberships), exported and erased through the registry.

Erasure: a structure whose sole manager leaves is handed over to an animator of its territory (logged in
the membership history and the log); then the person's memberships and their history are deleted, and
the person's addresses are redacted from the structures' texts (public contact, description).
"""

from __future__ import annotations

from typing import Any

from maillage.accounts.models import User
from maillage.accounts.personal_data import needles_for, redact_rows
from maillage.actors import services
from maillage.actors.models import EditProposal, ManagementRequest, Membership, Structure
from maillage.core.actors import system
from maillage.core.registry import PersonalDataHook

ERASURE = system("suppression d'un compte")

STRUCTURE_TEXT_FIELDS = [
    "name",
    "description",
    "public_email",
    "contact_email",
    "contact_name",
    "contact_phone",
]


def export_memberships(user: User) -> dict[str, Any]:
    memberships = Membership.objects.filter(user=user).select_related("structure__territory").order_by("pk")
    return {
        "structures": [
            {
                "structure": m.structure.name,
                "territoire": m.structure.territory.name,
                "role": m.get_role_display(),
                "depuis": m.created_at.isoformat(),
            }
            for m in memberships
        ],
        "structures_dont_l_adresse_publique_est_la_votre": [
            s.name for s in Structure.objects.filter(public_email__iexact=user.email).order_by("name")
        ],
        "structures_dont_vous_etes_la_personne_a_contacter": [
            {"structure": s.name, "nom": s.contact_name, "telephone": s.contact_phone}
            for s in Structure.objects.filter(contact_email__iexact=user.email).order_by("name")
        ],
        "demandes_de_gestion": [
            {
                "structure": r.structure.name,
                "message": r.message,
                "statut": r.get_status_display(),
                "date": r.created_at.isoformat(),
            }
            for r in ManagementRequest.objects.filter(user=user).select_related("structure").order_by("pk")
        ],
        "propositions_de_modification": [
            {
                "structure": p.structure.name,
                "modifications": p.changes,
                "statut": p.get_status_display(),
                "date": p.created_at.isoformat(),
            }
            for p in EditProposal.objects.filter(author=user).select_related("structure").order_by("pk")
        ],
    }


def erase_memberships(user: User, *, replacement: Any | None = None) -> None:
    for membership in Membership.objects.filter(user=user).select_related("structure").order_by("pk"):
        if membership.role == Membership.Role.MANAGER:
            services.hand_over_structure(actor=ERASURE, structure=membership.structure, leaving=user)
        services.remove_membership(
            actor=ERASURE, membership=membership, reason="Compte supprimé", allow_orphan=True
        )
    # The structures of which the person is the (unpublished) contact: the contact is emptied.
    for structure in Structure.objects.filter(contact_email__iexact=user.email):
        Structure.objects.filter(pk=structure.pk).update(contact_name="", contact_email="", contact_phone="")
        structure.history.filter(contact_email__iexact=user.email).update(
            contact_name="", contact_email="", contact_phone=""
        )
    ManagementRequest.objects.filter(user=user).delete()
    # The person's proposed edits stay in the structure's record, without the author nor their addresses.
    proposals = EditProposal.objects.filter(author=user)
    redact_rows(proposals, ["changes"], needles_for(user))
    proposals.update(author=None)
    # The person's addresses in the structures' own texts (a public contact, a description): redacted.
    redact_rows(Structure.objects.all(), STRUCTURE_TEXT_FIELDS, needles_for(user))
    # The history of the person's memberships (the accounts hook anonymises every other history table).
    Membership.history.filter(user_id=user.pk).delete()


HOOK = PersonalDataHook(
    key="actors",
    retention_text="tant que vous êtes rattaché ; effacé avec le compte",
    models=(
        "actors.Structure",
        "actors.Membership",
        "actors.ManagementRequest",
        "actors.EditProposal",
    ),
    label="Rattachements aux structures",
    export=export_memberships,
    erase=erase_memberships,
    order=100,
)
