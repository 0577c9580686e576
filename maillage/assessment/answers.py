"""Believable answers for the demo, the registry's examples, the tests and the bench: a complete set of
form values (« q<id> » → text) for a grid, around a level between 0 (beginner) and 1 (exemplary)."""

from __future__ import annotations

import random
from collections.abc import Iterable

from maillage.assessment.models import Question, QuestionKind
from maillage.assessment.scoring import format_number

TEXTS = [
    "Nous avons remplacé nos véhicules par des vélos-cargos pour les livraisons en centre-ville.",
    "Un compost partagé avec les voisins du quartier.",
    "Des ateliers de réparation ouverts à tous, un samedi par mois.",
]


def answers_for(questions: Iterable[Question], *, level: float, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    raw: dict[str, str] = {}
    for q in questions:
        jitter = max(0.0, min(1.0, level + rng.uniform(-0.25, 0.25)))
        name = f"q{q.pk}"
        if q.kind == QuestionKind.SCALE:
            raw[name] = str(round(jitter * (len(q.levels) - 1)))
        elif q.kind == QuestionKind.YESNO:
            raw[name] = "oui" if rng.random() < jitter else "non"
        elif q.kind == QuestionKind.NUMBER:
            low = q.min_value if q.min_value is not None else 0.0
            high = q.max_value if q.max_value is not None else 100.0
            if q.score_zero is not None and q.score_full is not None:
                value = q.score_zero + (q.score_full - q.score_zero) * jitter
            else:
                value = low + (high - low) * jitter
            raw[name] = format_number(round(max(low, min(high, value)), 1))
        else:
            raw[name] = rng.choice(TEXTS) if rng.random() < 0.5 else ""
    return raw
