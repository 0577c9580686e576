"""Writes of signatures: sign (a structure's manager, for an adopted version), withdraw, attach to a
signing ceremony. The signature's machine (`SIGNATURE_MACHINE`) logs every move."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.charter.models import CharterVersion, Signature, SignatureStatus, VersionStatus
from maillage.charter.permissions import require_animator, require_signer, require_withdrawer
from maillage.charter.selectors import ceremonies_for
from maillage.charter.services.common import clean_text
from maillage.core.actors import Actor, user_of
from maillage.core.db import lock_row
from maillage.core.machines import TransitionError, log_creation, transition
from maillage.events.models import Event


def _check_ceremony(version: CharterVersion, ceremony: Event, signed_on: dt.date) -> None:
    if ceremony.territory_id != version.charter.territory_id:
        raise ValidationError(
            {
                "ceremony": "Ce rendez-vous n'appartient pas au territoire de la charte : choisissez une "
                "cérémonie de signature du territoire."
            }
        )
    if not ceremonies_for(version, until=signed_on).filter(pk=ceremony.pk).exists():
        raise ValidationError(
            {
                "ceremony": f"« {ceremony.title} » ne peut pas servir de cérémonie de signature pour la "
                f"version {version.number} : choisissez un rendez-vous public du territoire (plénière ou "
                "Rendez-vous de l'ESS), tenu depuis l'adoption de la version."
            }
        )


@transaction.atomic
def sign_charter(
    *,
    actor: Actor,
    version: CharterVersion,
    structure: Structure,
    signer_name: str,
    signer_role: str,
    commitment: bool,
    signed_on: dt.date | None = None,
    ceremony: Event | None = None,
) -> Signature:
    """A manager signs an adopted version on behalf of their structure. One active signature per structure
    and version: the structure's row is locked, and the database constraint is the last guard."""
    if structure.territory_id != version.charter.territory_id:
        raise ValidationError("Cette structure n'appartient pas au territoire de la charte.")
    require_signer(actor, structure)
    version = CharterVersion.objects.select_related("charter").get(pk=version.pk)  # its status now
    if version.status != VersionStatus.ADOPTED:
        raise ValidationError(
            f"La version {version.number} n'est pas la version adoptée de la charte : "
            "elle ne peut pas être signée."
        )
    if not commitment:
        raise ValidationError(
            {"commitment": "Cochez la case d'engagement pour signer la charte au nom de la structure."}
        )
    signer_name = clean_text(signer_name, "signer_name", "Le nom de la personne qui signe", limit=150)
    signer_role = clean_text(signer_role, "signer_role", "La fonction dans la structure", limit=150)
    signed_on = signed_on or timezone.localdate()
    if ceremony is not None:
        _check_ceremony(version, ceremony, signed_on)
    lock_row(Structure.objects.all(), structure.pk)
    already = f"{structure.name} a déjà signé la version {version.number} de la charte."
    if Signature.objects.filter(structure=structure, version=version, status=SignatureStatus.ACTIVE).exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                version=version,
                structure=structure,
                signer_name=signer_name,
                signer_role=signer_role,
                commitment=True,
                signed_on=signed_on,
                signed_by=user_of(actor),
                ceremony=ceremony,
            )
    except IntegrityError:
        raise ValidationError(already) from None
    log_creation(signature, actor=actor, note="signature")
    return signature


@transaction.atomic
def withdraw_signature(
    *, actor: Actor, signature: Signature, reason: str, today: dt.date | None = None
) -> Signature:
    require_withdrawer(actor, signature.structure)
    reason = clean_text(reason, "reason", "La raison du retrait", limit=2000)
    try:
        return transition(
            signature,
            SignatureStatus.WITHDRAWN,
            actor=actor,
            note=reason,
            also={"withdrawn_on": today or timezone.localdate(), "withdrawal_reason": reason},
        )
    except TransitionError:
        raise ValidationError("Cette signature a déjà été retirée.", code="transition_not_allowed") from None


@transaction.atomic
def attach_ceremony(*, actor: Actor, version: CharterVersion, day: dt.date, ceremony: Event) -> int:
    """Point the signatures of `version` made on `day` without a ceremony to `ceremony` (the demo links
    the signatures of a database demoed before ceremonies became agenda events). Returns their number."""
    require_animator(actor, version.charter.territory)
    if ceremony.territory_id != version.charter.territory_id:
        raise ValidationError("Ce rendez-vous n'appartient pas au territoire de la charte.")
    signatures = Signature.objects.select_for_update().filter(
        version=version, signed_on=day, ceremony__isnull=True
    )
    return signatures.update(ceremony=ceremony)
