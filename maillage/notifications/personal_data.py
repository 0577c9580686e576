"""What the notification centre keeps about a person: their notifications and their preferences (the
export and erasure live in `services`). Retention: a notification is deleted a year after it was made
(setting NOTIFICATIONS_RETENTION_DAYS); the preferences stay as long as the account."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from maillage.core.registry import PersonalDataHook
from maillage.notifications import services
from maillage.notifications.models import Notification

DEFAULT_RETENTION_DAYS = 365


def notification_retention() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "NOTIFICATIONS_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def expire_notifications(now: dt.datetime) -> int:
    return Notification.objects.filter(created_at__lt=now - notification_retention()).delete()[0]


HOOK = PersonalDataHook(
    key="notifications",
    models=(
        "notifications.Notification",
        "notifications.NotificationPreference",
    ),
    label="Notifications et préférences de notification",
    export=services.export_person,
    erase=services.erase_person,
    retention=expire_notifications,
    retention_text=f"une notification est supprimée {notification_retention().days} jours après son envoi ; "
    "les préférences, avec le compte",
    order=45,
)
