"""What the notification centre keeps about a person: their notifications and their preferences (the
export and erasure live in `services`)."""

from __future__ import annotations

from maillage.core.registry import PersonalDataHook
from maillage.notifications import services

HOOK = PersonalDataHook(
    key="notifications",
    models=(
        "notifications.Notification",
        "notifications.NotificationPreference",
    ),
    label="Notifications et préférences de notification",
    export=services.export_person,
    erase=services.erase_person,
    order=45,
)
