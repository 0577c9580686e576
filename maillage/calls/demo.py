"""Demo data of the calls (written through the services)."""

from __future__ import annotations

from typing import Any


def load(*, territory: Any, today: Any, context: dict) -> None:
    return None
