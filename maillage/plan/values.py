"""Numbers typed by a person or read from a file (« 1 234,5 », « 40 % »), checked with a French message."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

# Indicator values are DecimalField(max_digits=14, decimal_places=2).
MAX_VALUE = Decimal("1e12")


def parse_value(value: Any, label: str = "La valeur") -> Decimal:
    """A number typed in French or English style (« 1 234,5 », « 1234.5 »), rounded to the cent."""
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label} est un nombre, pas « {value} ».") from None
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        raise ValidationError(f"{label} est un nombre (moins de mille milliards), pas « {value} ».")
    return number.quantize(Decimal("0.01"))


def parse_progress(value: Any) -> int:
    try:
        number = Decimal(str(value).strip().rstrip("%").strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({"progress": "L'avancement est un nombre de 0 à 100."}) from None
    if number != number.to_integral_value() or not 0 <= number <= 100:
        raise ValidationError({"progress": "L'avancement est un nombre entier de 0 à 100."})
    return int(number)
