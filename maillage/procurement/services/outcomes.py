"""What followed a need: a contract (with whom, how much, social-clause hours) or none. Recorded by the
buyer after the deadline; the need is closed at the same time."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor
from maillage.core.machines import transition
from maillage.procurement.models import Award, Need, NeedStatus
from maillage.procurement.permissions import require_buyer
from maillage.procurement.services import notices
from maillage.procurement.services.common import Errors

CPV_RE = re.compile(r"^[0-9]{8}(-[0-9])?$")


def ask_outcomes(*, actor: Actor, today: dt.date | None = None) -> int:
    """After the deadline, ask each sent need's buyer (once) whether a contract followed."""
    today = today or timezone.localdate()
    asked = 0
    pending = Need.objects.filter(
        status=NeedStatus.SENT, deadline__lt=today, outcome_asked_at__isnull=True, award__isnull=True
    )
    for need in pending.select_related("buyer", "territory"):
        with transaction.atomic():
            if Need.objects.filter(pk=need.pk, outcome_asked_at__isnull=True).update(
                outcome_asked_at=timezone.now()
            ):
                notices.outcome_asked(need, actor=actor)
                asked += 1
    return asked


@transaction.atomic
def record_outcome(
    *,
    actor: Actor,
    need: Need,
    contract_followed: bool,
    supplier: Any = None,
    amount: Decimal | None = None,
    clause_hours: int = 0,
    notified_on: dt.date | None = None,
    duration_months: int | None = None,
    cpv: str = "",
    reference: str = "",
    today: dt.date | None = None,
) -> Award:
    require_buyer(actor, need.buyer)
    need = Need.objects.select_for_update().get(pk=need.pk)  # its current status
    today = today or timezone.localdate()
    errors = Errors()
    if hasattr(need, "award"):
        errors.add("__all__", "La suite de ce besoin est déjà enregistrée.")
    if need.status not in (NeedStatus.SENT, NeedStatus.CLOSED):
        errors.add(
            "__all__", "On enregistre la suite d'un besoin une fois qu'il a été envoyé aux fournisseurs."
        )
    if contract_followed:
        if supplier is None:
            errors.add("supplier", "Choisissez le fournisseur retenu.")
        elif not need.recipients.filter(structure=supplier, sent_at__isnull=False).exists():
            errors.add("supplier", "Le fournisseur retenu doit être l'un de ceux qui ont reçu le besoin.")
        if amount is None or amount < 1:
            errors.add("amount", "Indiquez le montant du contrat (au moins 1 € HT).")
        if notified_on is None or notified_on > today:
            errors.add("notified_on", "Indiquez la date de notification du contrat (aujourd'hui ou avant).")
        if not duration_months or duration_months < 1:
            errors.add("duration_months", "Indiquez la durée du contrat en mois (au moins 1).")
        if not CPV_RE.match(cpv or ""):
            errors.add(
                "cpv", "Le code CPV compte 8 chiffres, suivis ou non d'un tiret et d'un chiffre (45000000-7)."
            )
        if clause_hours < 0:
            errors.add("clause_hours", "Le nombre d'heures ne peut pas être négatif.")
        if reference and not re.fullmatch(r"[A-Za-z0-9_\-/.]{1,16}", reference):
            errors.add("reference", "Le numéro du marché compte 1 à 16 lettres, chiffres, tirets ou barres.")
    errors.raise_if_any()
    award = Award.objects.create(
        need=need,
        contract_followed=contract_followed,
        supplier=supplier if contract_followed else None,
        amount=amount if contract_followed else None,
        clause_hours=clause_hours if contract_followed else 0,
        notified_on=notified_on if contract_followed else None,
        duration_months=duration_months if contract_followed else None,
        cpv=cpv if contract_followed else "",
        reference=(reference or f"MAIL{need.pk}")[:16] if contract_followed else "",
        offers_received=max(1, need.recipients.filter(answer="interested").count()),
        published_on=today,
    )
    if need.status != NeedStatus.CLOSED:
        transition(need, NeedStatus.CLOSED, actor=actor, note="suite enregistrée")
    return award
