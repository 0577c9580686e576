"""Writes of the grid: install the default grid, copy a grid into a new version, edit themes and
questions, publish. A grid that has answers (any sheet, draft or submitted) or that is retired is never
changed: the edit services copy it into the next draft version and edit the copy (`editable_grid`), so a
past answer always keeps the question it answered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from maillage.actors.taxonomy import PRACTICE_THEMES
from maillage.assessment import default_grid
from maillage.assessment.models import AnswerSheet, Grid, GridStatus, Question, QuestionKind, Theme
from maillage.assessment.permissions import require_animator
from maillage.core.actors import Actor
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory

QUESTION_FIELDS = (
    "code", "kind", "label", "guidance", "weight", "required", "levels", "unit",
    "min_value", "max_value", "score_zero", "score_full", "position",
)  # fmt: skip


def has_answers(grid: Grid) -> bool:
    return AnswerSheet.objects.filter(campaign__grid=grid).exists()


def _next_version(territory: Territory) -> int:
    return (Grid.objects.filter(territory=territory).aggregate(m=Max("version"))["m"] or 0) + 1


def _check_question(data: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(data.get("label") or "").strip():
        errors["label"] = "Écrivez la question."
    kind = data.get("kind")
    if kind not in QuestionKind.values:
        errors["kind"] = "Choisissez le type de la question."
    if kind == QuestionKind.SCALE and len([lv for lv in data.get("levels") or [] if str(lv).strip()]) < 2:
        errors["levels"] = "Une échelle a au moins deux niveaux, un par ligne, du plus faible au plus fort."
    low, high = data.get("min_value"), data.get("max_value")
    if kind == QuestionKind.NUMBER and low is not None and high is not None and low >= high:
        errors["max_value"] = "La valeur maximale doit être plus grande que la valeur minimale."
    zero, full = data.get("score_zero"), data.get("score_full")
    if kind == QuestionKind.NUMBER and (zero is None) != (full is None):
        errors["score_full"] = "Donnez les deux valeurs de notation (notée 0 et notée 100), ou aucune."
    if kind == QuestionKind.NUMBER and zero is not None and zero == full:
        errors["score_full"] = "Les valeurs notées 0 et 100 doivent être différentes."
    weight = data.get("weight", 1)
    if weight is None or not 0 <= int(weight) <= 10:
        errors["weight"] = "Le poids est un nombre entier de 0 à 10."
    if errors:
        raise ValidationError(errors)


def _copy(grid: Grid, *, actor: Actor, status: str = GridStatus.DRAFT) -> Grid:
    copy = Grid.objects.create(
        territory=grid.territory,
        version=_next_version(grid.territory),
        title=grid.title,
        introduction=grid.introduction,
        status=status,
        based_on=grid,
    )
    for theme in grid.themes.prefetch_related("questions"):
        new_theme = Theme.objects.create(
            grid=copy,
            key=theme.key,
            label=theme.label,
            position=theme.position,
            weight=theme.weight,
            guidance=theme.guidance,
        )
        Question.objects.bulk_create(
            Question(theme=new_theme, **{f: getattr(q, f) for f in QUESTION_FIELDS})
            for q in theme.questions.all()
        )
    log_creation(copy, actor=actor, note=f"nouvelle version, d'après la version {grid.version}")
    return copy


@transaction.atomic
def install_default_grid(*, actor: Actor, territory: Territory) -> Grid:
    """The default French grid, published as the territory's first grid (or the one already there)."""
    require_animator(actor, territory)
    existing = Grid.objects.filter(territory=territory).order_by("-version").first()
    if existing is not None:
        return existing
    grid = Grid.objects.create(
        territory=territory,
        version=1,
        title=default_grid.TITLE,
        introduction=default_grid.INTRODUCTION,
        status=GridStatus.DRAFT,
    )
    log_creation(grid, actor=actor, note="grille par défaut")
    for t_pos, spec in enumerate(default_grid.THEMES, start=1):
        theme = Theme.objects.create(
            grid=grid,
            key=spec["key"],
            label=PRACTICE_THEMES[spec["key"]],
            position=t_pos,
            guidance=spec["guidance"],
        )
        for q_pos, (code, kind, label, guidance, options) in enumerate(spec["questions"], start=1):
            Question.objects.create(
                theme=theme, code=code, kind=kind, label=label, guidance=guidance, position=q_pos, **options
            )
    transition(grid, GridStatus.PUBLISHED, actor=actor, note="grille par défaut")
    return grid


@transaction.atomic
def editable_grid(*, actor: Actor, grid: Grid) -> tuple[Grid, bool]:
    """The grid an edit of `grid` goes to: `grid` itself while nobody answered it and it is not retired;
    otherwise the territory's next draft version (created by copying `grid` if there is none). Returns
    (grid to edit, True when a new version was created)."""
    require_animator(actor, grid.territory)
    if grid.status == GridStatus.DRAFT:
        return grid, False
    if grid.status == GridStatus.PUBLISHED and not has_answers(grid):
        return grid, False
    draft = (
        Grid.objects.filter(territory=grid.territory, status=GridStatus.DRAFT).order_by("-version").first()
    )
    if draft is not None:
        return draft, False
    return _copy(grid, actor=actor), True


@transaction.atomic
def save_question(
    *, actor: Actor, grid: Grid, theme_key: str, data: Mapping[str, Any], question: Question | None = None
) -> tuple[Question, bool]:
    """Add a question to a theme (question=None) or change one. On a grid with answers, the change goes to
    a new version (the question of the same code there). Returns (question, new version created)."""
    require_animator(actor, grid.territory)
    _check_question(data)
    target, created = editable_grid(actor=actor, grid=grid)
    theme = Theme.objects.filter(grid=target, key=theme_key).first()
    if theme is None:
        raise ValidationError("Ce thème n'existe pas dans la grille.")
    values = {f: data[f] for f in QUESTION_FIELDS if f in data and f != "code"}
    if values.get("kind") == QuestionKind.SCALE:
        values["levels"] = [str(lv).strip() for lv in values.get("levels") or [] if str(lv).strip()]
    if question is not None:
        row = Question.objects.filter(theme__grid=target, code=question.code).first()
        if row is None:
            raise ValidationError("Cette question n'existe plus dans la version en cours d'écriture.")
        if row.answers.exists():  # defensive: editable_grid never returns an answered grid
            raise ValidationError("Cette question a déjà des réponses : elle ne peut plus être modifiée.")
        for name, value in values.items():
            setattr(row, name, value)
        if row.theme_id != theme.pk:
            row.theme = theme
        row.save()
        return row, created
    code = str(data.get("code") or "").strip()
    if not code:
        raise ValidationError({"code": "Donnez un code court à la question (lettres, chiffres, tirets)."})
    if Question.objects.filter(theme__grid=target, code=code).exists():
        raise ValidationError({"code": f"Le code « {code} » est déjà pris dans cette grille."})
    values.setdefault("position", (theme.questions.aggregate(m=Max("position"))["m"] or 0) + 1)
    return Question.objects.create(theme=theme, code=code, **values), created


@transaction.atomic
def delete_question(*, actor: Actor, question: Question) -> tuple[Grid, bool]:
    """Remove a question; from a new version when the grid has answers."""
    grid = question.theme.grid
    require_animator(actor, grid.territory)
    target, created = editable_grid(actor=actor, grid=grid)
    Question.objects.filter(theme__grid=target, code=question.code).delete()
    return target, created


@transaction.atomic
def save_theme(*, actor: Actor, theme: Theme, weight: int, guidance: str) -> tuple[Theme, bool]:
    require_animator(actor, theme.grid.territory)
    if not 0 <= weight <= 10:
        raise ValidationError({"weight": "Le poids est un nombre entier de 0 à 10."})
    target, created = editable_grid(actor=actor, grid=theme.grid)
    row = Theme.objects.get(grid=target, key=theme.key)
    row.weight = weight
    row.guidance = guidance.strip()[:2000]
    row.save(update_fields=["weight", "guidance"])
    return row, created


@transaction.atomic
def publish_grid(*, actor: Actor, grid: Grid) -> Grid:
    """Publish a draft version: it becomes the grid of the next campaigns; the previous one is retired
    (campaigns already opened keep theirs)."""
    require_animator(actor, grid.territory)
    empty = [t.label for t in grid.themes.all() if not t.questions.exists()]
    if empty:
        raise ValidationError(
            "Chaque thème doit avoir au moins une question avant la publication. Sans question : "
            + ", ".join(f"« {label} »" for label in empty)
            + "."
        )
    current = Grid.objects.filter(territory=grid.territory, status=GridStatus.PUBLISHED).exclude(pk=grid.pk)
    for old in current:
        transition(old, GridStatus.RETIRED, actor=actor, note=f"remplacée par la version {grid.version}")
    return transition(grid, GridStatus.PUBLISHED, actor=actor)
