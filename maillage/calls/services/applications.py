"""Writes of applications: a structure's manager starts one, saves drafts (answers, budget table with its
co-funders, attachments), submits it before the deadline; the animation checks eligibility (with a reason)
and may ask for a missing piece, whose deadline is tracked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.calls.models import (
    Application,
    AppStatus,
    Attachment,
    BudgetLine,
    Call,
    CallStatus,
)
from maillage.calls.permissions import require_animator, require_applicant
from maillage.calls.services import notices
from maillage.calls.services.common import clean_amount, clean_text, euros
from maillage.core.actors import Actor, user_of
from maillage.core.machines import TransitionError, log_creation, transition
from maillage.core.registry import registry
from maillage.core.uploads import clean_upload

MAX_BUDGET_LINES = 40


def _refuse_after_deadline(call: Call, now: dt.datetime) -> None:
    if call.status != CallStatus.OPEN:
        raise ValidationError(f"L'appel à projets {call.year} n'est pas ouvert aux candidatures.")
    if call.deadline and now > call.deadline:
        local = timezone.localtime(call.deadline)
        raise ValidationError(
            f"La date limite de dépôt est passée (le {local:%d/%m/%Y à %H:%M}) : la candidature ne peut plus "
            "être déposée."
        )


@transaction.atomic
def start_application(
    *, actor: Actor, call: Call, structure: Structure, title: str, now: dt.datetime | None = None
) -> Application:
    require_applicant(actor, structure)
    if structure.territory_id != call.territory_id:
        raise ValidationError("Cette structure n'appartient pas au territoire de l'appel.")
    _refuse_after_deadline(call, now or timezone.now())
    title = clean_text(title, "title", "Le titre du projet", limit=200)
    already = f"{structure.name} a déjà une candidature à l'appel {call.year}."
    if Application.objects.filter(call=call, structure=structure).exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call, structure=structure, title=title, created_by=user_of(actor)
            )
    except IntegrityError:
        raise ValidationError(already) from None
    log_creation(application, actor=actor)
    return application


def _clean_lines(lines: Sequence[Mapping[str, Any]]) -> list[BudgetLine]:
    if len(lines) > MAX_BUDGET_LINES:
        raise ValidationError({"budget": f"Le budget compte au plus {MAX_BUDGET_LINES} lignes."})
    cleaned = []
    for i, line in enumerate(lines, 1):
        label = str(line.get("label", "")).strip()
        if not label and not str(line.get("amount", "")).strip():
            continue
        kind = line.get("kind")
        if kind not in BudgetLine.Kind.values:
            raise ValidationError({"budget": f"Ligne {i} : choisissez dépense ou recette."})
        if not label:
            raise ValidationError({"budget": f"Ligne {i} : le poste est obligatoire."})
        amount = clean_amount(line.get("amount", ""), "budget", f"Ligne {i} : le montant")
        cleaned.append(
            BudgetLine(
                kind=kind,
                label=label[:200],
                funder=str(line.get("funder", "")).strip()[:200],
                amount=amount,
                position=i,
            )
        )
    return cleaned


@transaction.atomic
def save_application(
    *,
    actor: Actor,
    application: Application,
    title: str,
    summary: str,
    requested_amount: Any,
    answers: Mapping[str, str],
    checklist: Sequence[str],
    budget: Sequence[Mapping[str, Any]],
    founded_on: dt.date | None = None,
) -> Application:
    """Save the draft as it is (the balance is checked at submission, so a half-written budget is kept)."""
    require_applicant(actor, application.structure)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_editable:
        raise ValidationError("Cette candidature est déposée : elle ne peut plus être modifiée.")
    call = application.call
    requested = clean_amount(requested_amount or 0, "requested_amount", "Le montant demandé", allow_zero=True)
    fields = {
        "title": clean_text(title, "title", "Le titre du projet", limit=200),
        "summary": clean_text(summary, "summary", "Le résumé du projet", required=False, limit=5000),
        "requested_amount": requested,
        "answers": {q: str(answers.get(q, "")).strip()[:10_000] for q in call.questions},
        "checklist": [c for c in checklist if c in call.checklist],
        "founded_on": founded_on,
    }
    lines = _clean_lines(budget)
    Application.objects.filter(pk=application.pk).update(**fields, updated_at=timezone.now())
    application.budget_lines.all().delete()
    for line in lines:
        line.application = application
    BudgetLine.objects.bulk_create(lines)
    for name, value in fields.items():
        setattr(application, name, value)
    return application


def budget_totals(application: Application) -> tuple[Decimal, Decimal]:
    """(expenses, resources: co-funders' income plus the amount asked of the call)."""
    expenses = sum((x.amount for x in application.budget_lines.all() if x.kind == "expense"), Decimal(0))
    income = sum((x.amount for x in application.budget_lines.all() if x.kind == "income"), Decimal(0))
    return expenses, income + application.requested_amount


def _age_months(founded: dt.date, today: dt.date) -> int:
    return (today.year - founded.year) * 12 + today.month - founded.month - (today.day < founded.day)


def eligibility_problems(application: Application, today: dt.date) -> list[str]:
    """What keeps the application from being submitted, in French (empty when nothing)."""
    call, structure = application.call, application.structure
    problems = []
    expenses, resources = budget_totals(application)
    if application.requested_amount <= 0:
        problems.append("Indiquez le montant demandé.")
    elif application.requested_amount > call.ceiling:
        problems.append(
            f"Le montant demandé ({euros(application.requested_amount)}) dépasse le plafond par projet "
            f"({euros(call.ceiling)})."
        )
    if expenses <= 0:
        problems.append("Le budget du projet ne compte aucune dépense.")
    elif expenses != resources:
        problems.append(
            f"Le budget n'est pas équilibré : {euros(expenses)} de dépenses pour {euros(resources)} de "
            f"recettes (montant demandé compris). Écart : {euros(abs(expenses - resources))}."
        )
    missing = [c for c in call.checklist if c not in application.checklist]
    if missing:
        problems.append("Cochez chaque critère d'éligibilité : " + " ; ".join(missing) + ".")
    unanswered = [q for q in call.questions if not application.answers.get(q)]
    if unanswered:
        problems.append("Répondez à chaque question : " + " ; ".join(unanswered) + ".")
    if call.families and structure.family not in call.families:
        problems.append(f"L'appel est réservé à d'autres familles de l'ESS que celle de {structure.name}.")
    if call.communes and (structure.commune is None or structure.commune.insee_code not in call.communes):
        problems.append(f"Le siège de {structure.name} n'est pas dans une commune couverte par l'appel.")
    if call.min_age_months:
        if application.founded_on is None:
            problems.append("Indiquez la date de création de la structure.")
        elif _age_months(application.founded_on, today) < call.min_age_months:
            problems.append(
                f"L'appel demande une structure créée depuis au moins {call.min_age_months} mois."
            )
    if call.charter_required:
        badge = registry.structure_badges.get("charter")
        signed = (
            badge is not None
            and Structure.objects.filter(pk=structure.pk, pk__in=badge.structure_ids(call.territory)).exists()
        )
        if not signed:
            problems.append("L'appel est réservé aux structures signataires de la charte en vigueur.")
    return problems


@transaction.atomic
def submit_application(
    *, actor: Actor, application: Application, now: dt.datetime | None = None
) -> Application:
    require_applicant(actor, application.structure)
    now = now or timezone.now()
    application = Application.objects.select_related("call", "structure__commune").get(pk=application.pk)
    if not application.is_editable:
        raise ValidationError("Cette candidature est déjà déposée.")
    call = application.call
    if application.status == AppStatus.DRAFT:
        _refuse_after_deadline(call, now)
    elif application.piece_due_on and timezone.localdate(now) > application.piece_due_on:
        raise ValidationError(
            f"La pièce demandée était attendue le {application.piece_due_on:%d/%m/%Y} : ce délai est passé."
        )
    problems = eligibility_problems(application, timezone.localdate(now))
    if problems:
        raise ValidationError(problems)
    also: dict[str, Any] = {"submitted_at": now}
    if not application.receipt_number:
        also["receipt_number"] = f"AAP{call.year}-{application.pk:04d}"
    note = "dépôt" if application.status == AppStatus.DRAFT else "pièce fournie"
    application = transition(application, AppStatus.SUBMITTED, actor=actor, note=note, also=also)
    notices.application_submitted(application, actor=actor)
    return application


@transaction.atomic
def add_attachment(*, actor: Actor, application: Application, label: str, file: Any) -> Attachment:
    require_applicant(actor, application.structure)
    if not application.is_editable:
        raise ValidationError("Cette candidature est déposée : elle ne peut plus recevoir de pièce.")
    label = clean_text(label, "label", "L'intitulé de la pièce", limit=200)
    if application.attachments.count() >= 10:
        raise ValidationError("Une candidature compte au plus 10 pièces jointes.")
    upload = clean_upload(file, kind="document")
    attachment = Attachment(application=application, label=label, filename=upload.name[:200])
    attachment.file.save(upload.name, upload.file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def decide_eligibility(*, actor: Actor, application: Application, eligible: bool, reason: str) -> Application:
    require_animator(actor, application.call.territory)
    reason = clean_text(reason, "reason", "La raison", limit=2000)
    to = AppStatus.ELIGIBLE if eligible else AppStatus.INELIGIBLE
    try:
        application = transition(
            application, to, actor=actor, note=reason, also={"eligibility_reason": reason}
        )
    except TransitionError as exc:
        raise ValidationError(exc.messages) from None
    notices.eligibility_decided(application, actor=actor)
    return application


@transaction.atomic
def request_piece(
    *, actor: Actor, application: Application, piece: str, due_on: dt.date, today: dt.date | None = None
) -> Application:
    require_animator(actor, application.call.territory)
    piece = clean_text(piece, "piece", "La pièce demandée", limit=2000)
    if due_on < (today or timezone.localdate()):
        raise ValidationError({"due_on": "Le délai pour fournir la pièce doit être dans le futur."})
    try:
        application = transition(
            application,
            AppStatus.INCOMPLETE,
            actor=actor,
            note=piece,
            also={"piece_requested": piece, "piece_due_on": due_on},
        )
    except TransitionError as exc:
        raise ValidationError(exc.messages) from None
    notices.piece_requested(application, actor=actor)
    return application
