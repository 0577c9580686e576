"""What the charter's services share: the text cleaning with its French messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError

MAX_TEXT = 20_000


def clean_text(value: str, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label} est obligatoire."})
    if len(value) > limit:
        raise ValidationError({field: f"{label} ne doit pas dépasser {limit} caractères."})
    return value
