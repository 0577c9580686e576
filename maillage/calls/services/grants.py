"""Writes of the deliberation and of the support fund: amounts set within the envelope with the minutes;
the grants with their payment schedule (70 % / 30 %) and reports due; payments; reports received and
reminders; endowments of the fund."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from maillage.calls.models import (
    Application,
    AppStatus,
    Call,
    CallStatus,
    Endowment,
    Grant,
    GrantStatus,
    Instalment,
    Payment,
    ReportDue,
    ReportStatus,
)
from maillage.calls.permissions import require_animator
from maillage.calls.services import notices
from maillage.calls.services.common import clean_amount, clean_text, euros
from maillage.core.actors import Actor
from maillage.core.db import lock_row
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory

SCHEDULE = ((70, "à la signature de la convention"), (30, "à la remise du rapport d'activité"))


def check_amounts(call: Call, amounts: Mapping[int, Decimal]) -> list[str]:
    """Why these amounts cannot be granted (empty when they can)."""
    problems = []
    apps = {a.pk: a for a in call.applications.filter(pk__in=list(amounts))}
    for pk, amount in amounts.items():
        application = apps.get(pk)
        if application is None or application.status != AppStatus.ELIGIBLE:
            problems.append("Seules les candidatures éligibles de cet appel peuvent recevoir un montant.")
            continue
        if amount > call.ceiling:
            problems.append(
                f"« {application.title} » : {euros(amount)} dépasse le plafond de {euros(call.ceiling)}."
            )
        if amount > application.requested_amount:
            problems.append(
                f"« {application.title} » : {euros(amount)} dépasse le montant demandé "
                f"({euros(application.requested_amount)})."
            )
    total = sum(amounts.values(), Decimal(0))
    if total > call.envelope:
        problems.append(
            f"Le total attribué ({euros(total)}) dépasse l'enveloppe de l'appel ({euros(call.envelope)}) de "
            f"{euros(total - call.envelope)}."
        )
    return problems


@transaction.atomic
def deliberate(
    *,
    actor: Actor,
    call: Call,
    amounts: Mapping[int, Any],
    minutes: str,
    decided_on: dt.date | None = None,
    conditions: str = "",
) -> list[Grant]:
    """Record the jury's decision: eligible applications with an amount become laureates (a grant each, its
    70/30 schedule and reports due), the other eligible ones are not selected; the call is decided."""
    require_animator(actor, call.territory)
    call = lock_row(Call.objects.all(), call.pk)
    if call.status != CallStatus.CLOSED:
        raise ValidationError("Le jury délibère une fois l'appel clos, et une seule fois.")
    minutes = clean_text(minutes, "minutes", "Le procès-verbal de la délibération", limit=50_000)
    cleaned = {
        int(pk): clean_amount(v, "amounts", "Chaque montant")
        for pk, v in amounts.items()
        if str(v).strip() not in ("", "0")
    }
    if not cleaned:
        raise ValidationError({"amounts": "Attribuez un montant à au moins un projet lauréat."})
    problems = check_amounts(call, cleaned)
    if problems:
        raise ValidationError(problems)
    decided_on = decided_on or timezone.localdate()
    grants = []
    for application in call.applications.filter(status=AppStatus.ELIGIBLE).select_related("structure"):
        amount = cleaned.get(application.pk)
        if amount is None:
            transition(application, AppStatus.REJECTED, actor=actor, note="délibération")
            notices.result_announced(application, actor=actor)
            continue
        transition(
            application, AppStatus.SELECTED, actor=actor, note="délibération", also={"granted_amount": amount}
        )
        grants.append(
            _create_grant(
                actor=actor, application=application, amount=amount, on=decided_on, conditions=conditions
            )
        )
        notices.result_announced(application, actor=actor)
    transition(
        call,
        CallStatus.DECIDED,
        actor=actor,
        note="délibération",
        also={"minutes": minutes, "decided_on": decided_on},
    )
    return grants


def _create_grant(
    *, actor: Actor, application: Application, amount: Decimal, on: dt.date, conditions: str
) -> Grant:
    grant = Grant.objects.create(
        application=application, amount=amount, convention_on=on, conditions=conditions.strip()
    )
    first = (amount * SCHEDULE[0][0] / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    Instalment.objects.bulk_create(
        [
            Instalment(
                grant=grant,
                position=1,
                share=SCHEDULE[0][0],
                amount=first,
                due_on=on,
                condition=SCHEDULE[0][1],
            ),
            Instalment(
                grant=grant,
                position=2,
                share=SCHEDULE[1][0],
                amount=amount - first,
                due_on=on.replace(year=on.year + 1, day=min(on.day, 28)),
                condition=SCHEDULE[1][1],
            ),
        ]
    )
    report_on = on.replace(year=on.year + 1, day=min(on.day, 28))
    for kind, due in (
        (ReportDue.Kind.ACTIVITY, report_on),
        (ReportDue.Kind.ACCOUNTS, dt.date(on.year + 1, 6, 30)),
    ):
        report = ReportDue.objects.create(grant=grant, kind=kind, due_on=due)
        log_creation(report, actor=actor)
    log_creation(grant, actor=actor)
    return grant


@transaction.atomic
def record_payment(
    *, actor: Actor, grant: Grant, amount: Any, paid_on: dt.date, reference: str = ""
) -> Payment:
    require_animator(actor, grant.application.call.territory)
    grant = lock_row(Grant.objects.all(), grant.pk)
    if grant.status != GrantStatus.ACTIVE:
        raise ValidationError("Cette subvention n'est plus en cours : aucun versement ne peut y être ajouté.")
    amount_d = clean_amount(amount, "amount", "Le montant versé")
    paid = grant.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if paid + amount_d > grant.amount:
        raise ValidationError(
            {
                "amount": f"Ce versement de {euros(amount_d)} porterait le total versé à "
                f"{euros(paid + amount_d)}, au-delà de la subvention ({euros(grant.amount)}). "
                f"Reste à verser : {euros(grant.amount - paid)}."
            }
        )
    payment = Payment.objects.create(
        grant=grant, amount=amount_d, paid_on=paid_on, reference=reference.strip()[:100]
    )
    if paid + amount_d == grant.amount and not grant.reports.filter(status=ReportStatus.DUE).exists():
        transition(grant, GrantStatus.CLOSED, actor=actor, note="soldée")
    return payment


@transaction.atomic
def receive_report(*, actor: Actor, report: ReportDue, received_on: dt.date | None = None) -> ReportDue:
    require_animator(actor, report.grant.application.call.territory)
    report = transition(
        report, ReportStatus.RECEIVED, actor=actor, also={"received_on": received_on or timezone.localdate()}
    )
    grant = report.grant
    paid = grant.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if paid == grant.amount and not grant.reports.filter(status=ReportStatus.DUE).exists():
        transition(grant, GrantStatus.CLOSED, actor=actor, note="soldée")
    return report


@transaction.atomic
def send_report_reminders(*, actor: Actor, today: dt.date | None = None, ahead_days: int = 15) -> int:
    """Remind the laureates of reports due within `ahead_days` or late, at most once a week each."""
    today = today or timezone.localdate()
    due = ReportDue.objects.select_for_update().filter(
        status=ReportStatus.DUE,
        due_on__lte=today + dt.timedelta(days=ahead_days),
        grant__status=GrantStatus.ACTIVE,
    )
    count = 0
    for report in due.select_related("grant__application__call__territory"):
        if report.reminded_on and report.reminded_on > today - dt.timedelta(days=7):
            continue
        notices.report_reminder(report, actor=actor)
        ReportDue.objects.filter(pk=report.pk).update(reminded_on=today)
        count += 1
    return count


@transaction.atomic
def add_endowment(*, actor: Actor, territory: Territory, year: int, source: str, amount: Any) -> Endowment:
    require_animator(actor, territory)
    source = clean_text(source, "source", "L'origine des fonds", limit=200)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": "L'année doit être comprise entre 2000 et 2100."})
    return Endowment.objects.create(
        territory=territory, year=year, source=source, amount=clean_amount(amount, "amount", "Le montant")
    )
