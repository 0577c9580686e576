"""The erasure of a person from the charter (the registry's personal-data hook calls it)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from maillage.charter.models import (
    Amendment,
    AmendmentSupport,
    AmendmentTransition,
    Comment,
    Signature,
    SignatureTransition,
    VersionTransition,
)

ANONYMISED_NAME = "Signataire anonymisé"


def signatures_of(user: Any) -> Any:
    """Signatures the person made (signed_by), and those whose public signer name is the person's name."""
    full_name = f"{user.first_name} {user.last_name}".strip()
    qs = Signature.objects.filter(signed_by=user)
    if full_name:
        qs = qs | Signature.objects.filter(signer_name__iexact=full_name, signed_by__isnull=True)
    return qs.select_related("structure", "version")


@transaction.atomic
def erase_person(user: Any) -> None:
    """The signature stays (the structure's commitment is not the person's), the person's name goes: the
    public name is anonymised, the logs keep the acts without the account. Comments are the person's
    words: deleted. Amendments belong to the collective writing once proposed: kept without their author
    (and their rationale, which may speak of the person). Supports: deleted."""
    for signature in signatures_of(user):
        signature.signer_name = ANONYMISED_NAME
        signature.signed_by = None
        signature.save(update_fields=["signer_name", "signed_by"])
    for log in (VersionTransition, SignatureTransition, AmendmentTransition):
        log.objects.filter(actor=user).update(actor=None, actor_label="")
    Comment.objects.filter(author=user).delete()
    Amendment.objects.filter(author=user).update(author=None, rationale="")
    Amendment.objects.filter(decided_by=user).update(decided_by=None)
    AmendmentSupport.objects.filter(user=user).delete()
