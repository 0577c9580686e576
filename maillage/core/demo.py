"""The demo's clock: the contract is in its second year relative to DEMO_TODAY (default: today)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def demo_today() -> dt.date:
    value = getattr(settings, "MAILLAGE_DEMO_TODAY", "")
    if value:
        return dt.date.fromisoformat(value)
    return timezone.localdate()


def contract_start(today: dt.date) -> dt.date:
    """The demo contract started 14 months before today, on the first of a month: it is in its second year."""
    month_index = today.year * 12 + (today.month - 1) - 14
    return dt.date(month_index // 12, month_index % 12 + 1, 1)
