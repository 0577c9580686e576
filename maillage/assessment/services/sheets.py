"""Writes of a structure's answer sheet: start it (pre-filled from its last submitted year), save the
answers (a draft, as often as wanted), submit (complete answers only; scores computed and frozen), reopen
while the campaign is open, share the results on the public profile or not. Every write is refused, with
nothing written, when a value is out of range or the sheet is not the person's to fill."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.assessment.aggregates import size_class
from maillage.assessment.models import Answer, AnswerSheet, Campaign, Question, SheetStatus
from maillage.assessment.permissions import require_filler
from maillage.assessment.scoring import parse_answer, theme_scores
from maillage.assessment.services.notices import tell_results_ready
from maillage.core.actors import Actor, user_of
from maillage.core.db import lock_row
from maillage.core.machines import log_creation, transition


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def grid_questions(campaign: Campaign) -> list[Question]:
    return list(Question.objects.filter(theme__grid_id=campaign.grid_id).select_related("theme"))


def _still_valid(question: Question, value: Any) -> Any:
    """Last year's value when it fits this year's question (same type, within its levels and range)."""
    try:
        raw = "oui" if value is True else "non" if value is False else value
        return parse_answer(question, raw)
    except ValidationError:
        return None


def previous_sheet(structure: Structure, campaign: Campaign) -> AnswerSheet | None:
    return (
        AnswerSheet.objects.filter(
            structure=structure, status=SheetStatus.SUBMITTED, campaign__year__lt=campaign.year
        )
        .order_by("-campaign__year")
        .first()
    )


@transaction.atomic
def start_sheet(*, actor: Actor, campaign: Campaign, structure: Structure) -> AnswerSheet:
    """The structure's sheet for the campaign (created on first visit by a manager, with last year's
    answers to the questions of the same code)."""
    require_filler(actor, structure)
    if structure.territory_id != campaign.territory_id:
        raise ValidationError("Cette structure n'appartient pas au territoire de la campagne.")
    existing = AnswerSheet.objects.filter(campaign=campaign, structure=structure).first()
    if existing is not None:
        return existing
    if not campaign.is_open:
        raise ValidationError(f"La campagne {campaign.year} est close : elle ne reçoit plus de réponses.")
    previous = previous_sheet(structure, campaign)
    try:
        with transaction.atomic():
            sheet = AnswerSheet.objects.create(
                campaign=campaign, structure=structure, prefilled_from=previous
            )
    except IntegrityError:
        return AnswerSheet.objects.get(campaign=campaign, structure=structure)
    log_creation(sheet, actor=actor, note=f"pré-remplie d'après {previous.campaign.year}" if previous else "")
    if previous is not None:
        old = {
            a.question.code: (a.question.kind, a.value)
            for a in previous.answers.select_related("question")
            if a.value is not None
        }
        rows = []
        for question in grid_questions(campaign):
            kind, value = old.get(question.code, (None, None))
            if kind == question.kind:
                value = _still_valid(question, value)
                if value is not None:
                    rows.append(Answer(sheet=sheet, question=question, value=value))
        Answer.objects.bulk_create(rows)
    return sheet


def _check_editable(sheet: AnswerSheet) -> None:
    if sheet.status != SheetStatus.DRAFT:
        raise ValidationError(
            "Ces réponses ont été transmises : rouvrez-les pour les modifier "
            "(tant que la campagne est ouverte)."
        )
    if not sheet.campaign.is_open:
        raise ValidationError(
            f"La campagne {sheet.campaign.year} est close : les réponses ne peuvent plus changer."
        )


def _write_answers(sheet: AnswerSheet, raw: Mapping[str, Any]) -> dict[int, Any]:
    """Parse every answer first (all errors at once, keyed by field), then write: all or nothing."""
    questions = grid_questions(sheet.campaign)
    parsed: dict[int, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        name = field_name(question)
        if name not in raw:
            continue
        try:
            parsed[question.pk] = parse_answer(question, raw[name])
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    current = {a.question_id: a for a in sheet.answers.all()}
    for question_id, value in parsed.items():
        answer = current.get(question_id)
        if answer is None:
            if value is not None:
                Answer.objects.create(sheet=sheet, question_id=question_id, value=value)
        elif value is None:
            answer.delete()
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])
    return {a.question_id: a.value for a in sheet.answers.all()}


@transaction.atomic
def save_answers(*, actor: Actor, sheet: AnswerSheet, raw: Mapping[str, Any]) -> AnswerSheet:
    """Save a draft (answers by field name « q<id> »; an empty value clears an answer)."""
    require_filler(actor, sheet.structure)
    sheet = lock_row(AnswerSheet.objects.select_related("campaign", "structure"), sheet.pk)
    _check_editable(sheet)
    _write_answers(sheet, raw)
    AnswerSheet.objects.filter(pk=sheet.pk).update(updated_at=timezone.now())
    return sheet


@transaction.atomic
def submit_sheet(*, actor: Actor, sheet: AnswerSheet, raw: Mapping[str, Any] | None = None) -> AnswerSheet:
    """Save the last answers (if given) and submit: every required question answered, or nothing is
    written. The scores per theme are computed now and kept with the sheet."""
    require_filler(actor, sheet.structure)
    sheet = lock_row(AnswerSheet.objects.select_related("campaign", "structure"), sheet.pk)
    _check_editable(sheet)
    values = _write_answers(sheet, raw or {})
    questions = grid_questions(sheet.campaign)
    missing = [q for q in questions if q.required and values.get(q.pk) is None]
    if missing:
        names = ", ".join(f"« {q.label} »" for q in missing[:5])
        more = f" et {len(missing) - 5} autre(s)" if len(missing) > 5 else ""
        plural = "s" if len(missing) > 1 else ""
        raise ValidationError(
            {
                **{field_name(q): ["Réponse obligatoire."] for q in missing},
                "__all__": [
                    f"Réponses incomplètes : {len(missing)} question{plural} obligatoire{plural} "
                    f"sans réponse ({names}{more}). Rien n'a été transmis ni enregistré."
                ],
            }
        )
    weights = {t.key: t.weight for t in sheet.campaign.grid.themes.all()}
    scores, overall = theme_scores(questions, values, weights)
    sheet = transition(
        sheet,
        SheetStatus.SUBMITTED,
        actor=actor,
        also={
            "scores": scores,
            "overall": overall,
            "submitted_at": timezone.now(),
            "submitted_by": user_of(actor),
            "family": sheet.structure.family,
            "size_class": size_class(sheet.structure.workforce_band or ""),
        },
    )
    tell_results_ready(actor=actor, sheet=sheet)
    return sheet


@transaction.atomic
def reopen_sheet(*, actor: Actor, sheet: AnswerSheet) -> AnswerSheet:
    """Back to a draft, to correct an answer, while the campaign is open. The scores go until the next
    submission (and so do the shared results)."""
    require_filler(actor, sheet.structure)
    if not sheet.campaign.is_open:
        raise ValidationError(
            f"La campagne {sheet.campaign.year} est close : les réponses ne peuvent plus changer."
        )
    return transition(sheet, SheetStatus.DRAFT, actor=actor, also={"scores": {}, "overall": None})


@transaction.atomic
def set_sharing(*, actor: Actor, sheet: AnswerSheet, shared: bool) -> AnswerSheet:
    """The structure shows (or hides) its scores per theme on its public profile; never its answers."""
    require_filler(actor, sheet.structure)
    sheet = lock_row(AnswerSheet.objects.all(), sheet.pk)
    if shared and sheet.status != SheetStatus.SUBMITTED:
        raise ValidationError("Transmettez d'abord vos réponses : seuls des résultats complets se partagent.")
    sheet.shared = shared
    sheet.save(update_fields=["shared", "updated_at"])
    return sheet
