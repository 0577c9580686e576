"""What the calls' services share: text and amount cleaning with French messages, euros written the
French way."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

MAX_TEXT = 20_000


def clean_text(value: str, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label} est obligatoire."})
    if len(value) > limit:
        raise ValidationError({field: f"{label} ne doit pas dépasser {limit} caractères."})
    return value


def clean_amount(value: Any, field: str, label: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u202f", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label} doit être un nombre (en euros)."}) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: f"{label} doit être un montant positif."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: f"{label} s'écrit au centime près."})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: f"{label} est trop grand."})
    return amount


def euros(amount: Decimal | int | float | None) -> str:
    """12 345,50 € (or 12 345 € for a round amount)."""
    value = Decimal(str(amount or 0)).quantize(Decimal("0.01"))
    whole, cents = f"{value:.2f}".split(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = " ".join([digits[max(0, i - 3) : i] for i in range(len(digits), 0, -3)][::-1])
    return f"{sign}{grouped}{',' + cents if cents != '00' else ''} €"
