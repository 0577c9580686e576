"""What the services share: French errors gathered per field, the territory check of a commune."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class Errors:
    """Collect French messages per field; `raise_if_any()` raises one ValidationError with all of them."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def in_territory(commune: Any, territory: Any) -> bool:
    return commune is None or commune.territories.filter(pk=territory.pk).exists()
