"""Notifications: in-app list and e-mail, delivered per kind immediately, in a daily or weekly digest, or
never. Kinds come from the registry (`NotificationKind`), so other apps can notify through `notify_users`.

One digest mail groups everything due for a person (daily kinds every day, weekly kinds on Mondays too).
Every mail carries an unsubscribe link (a page, then a POST) that switches that kind — or all — to « never ».
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.core.tokens import make_token
from maillage.workspace.models import Notification, NotificationPreference

UNSUBSCRIBE_PURPOSE = "workspace-notifications-off"
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=400)
ALL_KINDS = "*"


def delivery_for(user: Any, kind: str) -> str:
    pref = (
        NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    )
    if pref:
        return pref
    spec = registry.notification_kinds.get(kind)
    return spec.default_delivery if spec else "immediate"


def preferences_of(user: Any) -> dict[str, str]:
    return {kind: delivery_for(user, kind) for kind in registry.notification_kinds}


@transaction.atomic
def set_preferences(*, actor: Any, choices: dict[str, str]) -> None:
    valid = set(NotificationPreference.Delivery.values)
    for kind, delivery in choices.items():
        if kind not in registry.notification_kinds or delivery not in valid:
            continue
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"delivery": delivery}
        )


def unsubscribe_url(territory: Territory, user: Any, kind: str) -> str:
    token = make_token(UNSUBSCRIBE_PURPOSE, {"u": user.pk, "k": kind})
    return territory_url(territory, "workspace:notifications_off", token=token)


@transaction.atomic
def switch_off(*, payload: dict[str, Any]) -> list[str]:
    kinds = list(registry.notification_kinds) if payload.get("k") == ALL_KINDS else [payload.get("k")]
    kinds = [k for k in kinds if k in registry.notification_kinds]
    for kind in kinds:
        NotificationPreference.objects.update_or_create(
            user_id=payload.get("u"), kind=kind, defaults={"delivery": NotificationPreference.Delivery.NEVER}
        )
    return kinds


def notify_users(
    *, territory: Territory, users: Iterable[Any], kind: str, title: str, url: str, exclude: Any = None
) -> list[Notification]:
    """Record a notification for each person (once each) and mail those who want it at once (on commit)."""
    created = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        delivery = delivery_for(user, kind)
        n = Notification.objects.create(
            user=user, territory=territory, kind=kind, title=title[:300], url=url, delivery=delivery
        )
        created.append(n)
        if delivery == "immediate" and user.email:
            send_mail_on_commit(
                territory=territory,
                to=user.email,
                template="workspace_notification",
                context={
                    "notification": n,
                    "link": territory.absolute_url(url),
                    "unsubscribe_url": unsubscribe_url(territory, user, kind),
                    "unsubscribe_all_url": unsubscribe_url(territory, user, ALL_KINDS),
                    "kind_label": registry.notification_kinds[kind].label
                    if kind in registry.notification_kinds
                    else kind,
                },
                headers={"List-Unsubscribe": f"<{unsubscribe_url(territory, user, kind)}>"},
            )
            n.mailed_at = timezone.now()
            n.save(update_fields=["mailed_at"])
    return created


def send_digests(*, now: dt.datetime | None = None) -> int:
    """One mail per person grouping every notification due: daily ones, and weekly ones on Mondays."""
    now = now or timezone.now()
    due = ["daily"] + (["weekly"] if timezone.localtime(now).weekday() == 0 else [])
    pending = (
        Notification.objects.filter(mailed_at__isnull=True, delivery__in=due, read_at__isnull=True)
        .select_related("user", "territory")
        .order_by("user_id", "territory_id", "created_at")
    )
    groups: dict[tuple[int, int], list[Notification]] = defaultdict(list)
    for n in pending:
        groups[(n.user_id, n.territory_id)].append(n)
    sent = 0
    for items in groups.values():
        user, territory = items[0].user, items[0].territory
        with transaction.atomic():
            if user.email:
                send_mail_on_commit(
                    territory=territory,
                    to=user.email,
                    template="workspace_digest",
                    context={
                        "items": [
                            {"title": n.title, "link": territory.absolute_url(n.url), "at": n.created_at}
                            for n in items
                        ],
                        "notifications_url": territory_url(territory, "workspace:notifications"),
                        "unsubscribe_all_url": unsubscribe_url(territory, user, ALL_KINDS),
                    },
                    headers={"List-Unsubscribe": f"<{unsubscribe_url(territory, user, ALL_KINDS)}>"},
                )
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(mailed_at=now)
    return sent
