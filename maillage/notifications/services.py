"""Every write of the notification centre: notify people, their preferences, unsubscribe, read marks,
digests, and the personal-data export and erasure.

`notify(...)` records one in-app notification per person and mails it according to the person's choice
for its kind: at once (on commit), in the daily or weekly digest (`send_digests`, one mail per person
grouping everything due), or never. Kinds are `NotificationKind`s registered by the apps' module.py; an
unregistered kind is a programming error (`UnknownNotificationKind`).

Every mail carries `List-Unsubscribe` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058):
the link opens a page with a button (a GET never acts), and the mail client's one-click POST (no CSRF
token, the signed token is the authority) switches that kind — or all — to « jamais ».
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.actors import Actor, actor_label, require_actor, user_of
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.models import Territory
from maillage.core.registry import NotificationKind, registry
from maillage.core.tokens import make_token
from maillage.notifications.models import Delivery, Notification, NotificationPreference

# The purpose is the one the workspace used: unsubscribe links in mails already sent keep working.
UNSUBSCRIBE_PURPOSE = "workspace-notifications-off"
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=400)
ALL_KINDS = "*"
GENERIC_TEMPLATE = "notifications_notice"
DIGEST_TEMPLATE = "notifications_digest"


class UnknownNotificationKind(ValueError):
    """`notify()` was given a kind that no app registered (`registry.add_notification_kind`)."""


def kind_of(kind: str) -> NotificationKind:
    try:
        return registry.notification_kinds[kind]
    except KeyError:
        raise UnknownNotificationKind(
            f"Notification kind {kind!r} is not registered (registry.add_notification_kind in module.py)."
        ) from None


# --- preferences -------------------------------------------------------------------------------------


def _deliveries(users: Collection[User], kind: str) -> dict[int, str]:
    """Each person's delivery for `kind` (their choice, else the kind's default), in one query."""
    default = kind_of(kind).default_delivery
    chosen = dict(
        NotificationPreference.objects.filter(user__in=[u.pk for u in users], kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {u.pk: chosen.get(u.pk, default) for u in users}


def delivery_for(user: User, kind: str) -> str:
    return _deliveries([user], kind)[user.pk]


def preferences_of(user: User) -> dict[str, str]:
    """Every registered kind with the person's delivery for it."""
    chosen = dict(NotificationPreference.objects.for_user(user).values_list("kind", "delivery"))
    return {key: chosen.get(key, spec.default_delivery) for key, spec in registry.notification_kinds.items()}


@transaction.atomic
def set_preferences(*, actor: User, choices: Mapping[str, str]) -> None:
    """The person's own choices, kind by kind (unknown kinds and deliveries are ignored)."""
    valid = set(Delivery.values)
    for kind, delivery in choices.items():
        if kind not in registry.notification_kinds or delivery not in valid:
            continue
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"delivery": delivery}
        )


def unsubscribe_url(territory: Territory, user: User, kind: str) -> str:
    """The signed link that switches `kind` (or `ALL_KINDS`) to « jamais » for this person."""
    token = make_token(UNSUBSCRIBE_PURPOSE, {"u": user.pk, "k": kind})
    return territory_url(territory, "notifications:off", token=token)


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058: the mail client may offer « se désabonner » and POST to `url` in one click."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@transaction.atomic
def switch_off(*, payload: Mapping[str, Any]) -> list[str]:
    """Unsubscribe through a signed link (no session: the token names the person and the kind)."""
    requested = str(payload.get("k", ""))
    kinds = list(registry.notification_kinds) if requested == ALL_KINDS else [requested]
    kinds = [k for k in kinds if k in registry.notification_kinds]
    user_pk = payload.get("u")  # an int in the links we sign
    user = User.objects.filter(pk=user_pk).first() if isinstance(user_pk, int) else None
    if user is None:
        return []
    for kind in kinds:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": Delivery.NEVER}
        )
    return kinds


# --- read marks --------------------------------------------------------------------------------------


@transaction.atomic
def mark_read(*, actor: User, territory: Territory, pks: Collection[int] | None = None) -> int:
    """Mark the person's own unread notifications on this territory as read (all of them, or `pks`)."""
    qs = Notification.objects.for_user(actor).in_territory(territory).unread()
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.update(read_at=timezone.now())


# --- notify ------------------------------------------------------------------------------------------


def _recipients(recipients: Iterable[User | None], exclude: User | None) -> list[User]:
    seen: set[int] = set()
    people = []
    for user in recipients:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        people.append(user)
    return people


def _mail_now(
    notification: Notification, *, user: User, spec: NotificationKind, template: str | None, context: Mapping
) -> None:
    territory = notification.territory
    off_url = unsubscribe_url(territory, user, spec.key)
    send_mail_on_commit(
        territory=territory,
        to=user.email,
        template=template or GENERIC_TEMPLATE,
        context={
            "greeting_name": f"{user.first_name} {user.last_name}".strip(),
            **context,
            "notification": notification,
            "link": territory.absolute_url(notification.url) if notification.url else "",
            "kind_label": spec.label,
            "unsubscribe_url": off_url,
            "unsubscribe_all_url": unsubscribe_url(territory, user, ALL_KINDS),
        },
        headers=unsubscribe_headers(off_url),
    )


@transaction.atomic
def notify(
    *,
    kind: str,
    territory: Territory,
    recipients: Iterable[User],
    title: str,
    url: str,
    actor: Actor,
    body: str = "",
    template: str | None = None,
    context: Mapping[str, Any] | None = None,
    exclude: User | None = None,
) -> list[Notification]:
    """Tell each person (once each, `exclude` left out) that something happened: an in-app notification,
    and a mail at once (on commit), in the next digest or never, per the person's choice for `kind`.

    `url` is a path on the territory. With `template`, the immediate mail renders `mail/<template>*` with
    `context` plus `notification`, `link`, `kind_label`, `unsubscribe_url`, `unsubscribe_all_url`;
    otherwise a generic mail with the title, the body and the link.
    """
    spec = kind_of(kind)
    actor = require_actor(actor)
    people = _recipients(recipients, exclude)
    if not people:
        return []
    deliveries = _deliveries(people, kind)
    by_user, by_label = user_of(actor), actor_label(actor)
    created = []
    for user in people:
        delivery = deliveries[user.pk]
        notification = Notification.objects.create(
            user=user,
            territory=territory,
            kind=kind,
            title=title[:300],
            body=body,
            url=url,
            actor=by_user,
            actor_label=by_label,
            delivery=delivery,
        )
        created.append(notification)
        if delivery == Delivery.IMMEDIATE and user.email:
            _mail_now(notification, user=user, spec=spec, template=template, context=context or {})
            notification.mailed_at = timezone.now()
            notification.save(update_fields=["mailed_at"])
    return created


# --- digests -----------------------------------------------------------------------------------------


def send_digests(*, now: dt.datetime | None = None) -> int:
    """One mail per person and territory grouping every notification due: daily ones, and weekly ones on
    Mondays. Each group is its own transaction; returns the number of mails."""
    now = now or timezone.now()
    pending = (
        Notification.objects.due_for_digest(now)
        .select_related("user", "territory")
        .order_by("user_id", "territory_id", "created_at", "pk")
    )
    groups: dict[tuple[int, int], list[Notification]] = defaultdict(list)
    for n in pending:
        groups[(n.user_id, n.territory_id)].append(n)
    sent = 0
    for items in groups.values():
        user, territory = items[0].user, items[0].territory
        with transaction.atomic():
            if user.email:
                off_url = unsubscribe_url(territory, user, ALL_KINDS)
                send_mail_on_commit(
                    territory=territory,
                    to=user.email,
                    template=DIGEST_TEMPLATE,
                    context={
                        "greeting_name": f"{user.first_name} {user.last_name}".strip(),
                        "items": [
                            {
                                "title": n.title,
                                "body": n.body,
                                "link": territory.absolute_url(n.url) if n.url else "",
                                "at": n.created_at,
                            }
                            for n in items
                        ],
                        "notifications_url": territory_url(territory, "notifications:list"),
                        "unsubscribe_all_url": off_url,
                    },
                    headers=unsubscribe_headers(off_url),
                )
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(mailed_at=now)
    return sent


# --- personal data -----------------------------------------------------------------------------------


def export_person(user: User) -> dict[str, Any]:
    return {
        "notifications": [
            {"date": n.created_at.isoformat(), "titre": n.title, "texte": n.body}
            for n in Notification.objects.for_user(user)
        ],
        "preferences_de_notification": dict(
            NotificationPreference.objects.for_user(user).values_list("kind", "delivery")
        ),
    }


def erase_person(user: User, *, replacement: Any | None = None) -> None:
    """The person's notifications and preferences go; notifications they caused forget who they were."""
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    Notification.objects.filter(actor=user).update(actor=None, actor_label="")
