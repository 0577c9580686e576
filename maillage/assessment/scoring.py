"""Answers checked and scored: pure functions over a question and a value, no database write.

- `parse_answer(question, raw)`: the value a form field sent (a string), checked against the question's
  type, levels and range; a French `ValidationError` otherwise. An empty answer is `None`.
- `question_score(question, value)`: 0–100, or None when the question is not scored or not answered.
  Scale: the level's rank (lowest 0, highest 100); yes/no: 100 or 0; number: linear between the value
  scoring 0 and the one scoring 100 (pay ratio: 10 scores 0 and 1 scores 100), clamped.
- `theme_scores(questions, values)`: the weighted mean per theme and the overall weighted mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError

from maillage.assessment.models import Question, QuestionKind

TEXT_LIMIT = 2000
YES = ("oui", "true", "1", "yes")
NO = ("non", "false", "0", "no")


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def range_text(question: Question) -> str:
    unit = f" {question.unit}" if question.unit else ""
    low, high = question.min_value, question.max_value
    if low is not None and high is not None:
        return f"entre {format_number(low)} et {format_number(high)}{unit}"
    if low is not None:
        return f"au moins {format_number(low)}{unit}"
    if high is not None:
        return f"au plus {format_number(high)}{unit}"
    return ""


def parse_answer(question: Question, raw: Any) -> Any:
    """The stored value of a form's raw answer, or a French ValidationError naming the question."""
    if raw is None:
        return None
    if question.kind == QuestionKind.TEXT:
        text = str(raw).strip()
        if len(text) > TEXT_LIMIT:
            raise ValidationError(f"« {question.label} » : {TEXT_LIMIT} caractères au plus.")
        return text or None
    text = str(raw).strip().lower()
    if text == "":
        return None
    if question.kind == QuestionKind.YESNO:
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValidationError(f"« {question.label} » : répondez par oui ou par non.")
    if question.kind == QuestionKind.SCALE:
        try:
            index = int(text)
        except ValueError:
            index = -1
        if not 0 <= index < len(question.levels):
            raise ValidationError(f"« {question.label} » : choisissez l'un des niveaux proposés.")
        return index
    # A number, written the French way (« 12,5 ») or not; spaces between thousands allowed.
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValidationError(f"« {question.label} » : saisissez un nombre (par exemple 12,5).") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(f"« {question.label} » : saisissez un nombre (par exemple 12,5).")
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValidationError(
            f"« {question.label} » : la valeur {format_number(number)} est hors des limites ; "
            f"saisissez une valeur {range_text(question)}."
        )
    return number


def display_value(question: Question, value: Any) -> str:
    """An answer in words, for the results page and the PDF."""
    if value is None:
        return "sans réponse"
    if question.kind == QuestionKind.YESNO:
        return "oui" if value else "non"
    if question.kind == QuestionKind.SCALE:
        levels = question.levels or []
        return str(levels[value]) if isinstance(value, int) and 0 <= value < len(levels) else "?"
    if question.kind == QuestionKind.NUMBER:
        return f"{format_number(value)} {question.unit}".strip()
    return str(value)


def question_score(question: Question, value: Any) -> float | None:
    if value is None or not question.is_scored:
        return None
    if question.kind == QuestionKind.YESNO:
        return 100.0 if value else 0.0
    if question.kind == QuestionKind.SCALE:
        steps = len(question.levels) - 1
        return 100.0 * value / steps if steps > 0 else None
    zero, full = question.score_zero, question.score_full
    if zero is None or full is None or zero == full:
        return None
    share = (float(value) - zero) / (full - zero)
    return 100.0 * min(1.0, max(0.0, share))


def theme_scores(
    questions: Iterable[Question], values: Mapping[int, Any], theme_weights: Mapping[str, int]
) -> tuple[dict[str, float], float | None]:
    """({theme key: 0–100}, overall) from the answers by question id; themes without a scored answer are
    left out."""
    sums: dict[str, float] = {}
    weights: dict[str, int] = {}
    for question in questions:
        score = question_score(question, values.get(question.pk))
        if score is None or question.weight == 0:
            continue
        key = question.theme.key
        sums[key] = sums.get(key, 0.0) + score * question.weight
        weights[key] = weights.get(key, 0) + question.weight
    scores = {key: round(sums[key] / weights[key], 1) for key in sums}
    total_weight = sum(theme_weights.get(key, 1) for key in scores)
    overall = (
        round(sum(scores[key] * theme_weights.get(key, 1) for key in scores) / total_weight, 1)
        if total_weight
        else None
    )
    return scores, overall
