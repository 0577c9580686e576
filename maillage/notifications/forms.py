from __future__ import annotations

from typing import Any

from django import forms

from maillage.core.registry import registry
from maillage.notifications.models import Delivery


class PreferencesForm(forms.Form):
    """One choice per registered kind: at once, daily, weekly, or never by mail."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, kind in sorted(registry.notification_kinds.items()):
            self.fields[key] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current.get(key, kind.default_delivery),
                required=False,
                widget=forms.RadioSelect,
            )
