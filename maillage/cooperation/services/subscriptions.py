"""Subscribing to another Maillage installation, and writing what a fetch brought (one transaction)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from maillage.cooperation.models import ImportedItem, Subscription
from maillage.cooperation.permissions import require_animator
from maillage.cooperation.remote import RemoteFeed, api_url
from maillage.core.actors import Actor, user_of
from maillage.core.db import lock_row
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory
from maillage.core.tasks import enqueue_on_commit

REFRESH_TASK = "maillage.cooperation.tasks.refresh_subscription_task"
ONLY_ANIMATION = "Seule l'animation du territoire gère les abonnements à d'autres installations."
MAX_SUBSCRIPTIONS = 20
_IMPORTED_FIELDS = (
    "kind",
    "source_url",
    "title",
    "summary",
    "body",
    "origin_territory",
    "origin_structure",
    "themes",
    "start",
    "end",
    "place",
)


def _clean_url(territory: Territory, url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": "Saisissez l'adresse complète de l'installation (http:// ou https://)."}
        )
    address = api_url(url)
    own = api_url(territory.canonical_url)
    if address == own:
        raise ValidationError(
            {"url": "C'est l'adresse de ce territoire : abonnez-vous à une autre installation."}
        )
    return address


@transaction.atomic
def add_subscription(*, actor: Actor, territory: Territory, url: str) -> Subscription:
    require_animator(actor, territory, ONLY_ANIMATION)
    address = _clean_url(territory, url)
    existing = Subscription.objects.of(territory)
    if existing.filter(url=address).exists():
        raise ValidationError({"url": "Le territoire est déjà abonné à cette installation."})
    if existing.count() >= MAX_SUBSCRIPTIONS:
        raise ValidationError({"url": f"Un territoire suit au plus {MAX_SUBSCRIPTIONS} installations."})
    subscription = Subscription.objects.create(territory=territory, url=address, created_by=user_of(actor))
    log_creation(subscription, actor=actor, note="abonnement")
    enqueue_on_commit(REFRESH_TASK, subscription.pk)
    return subscription


@transaction.atomic
def request_refresh(*, actor: Actor, subscription: Subscription) -> None:
    """« Mettre à jour maintenant »: the fetch runs in the worker, after the commit."""
    require_animator(actor, subscription.territory, ONLY_ANIMATION)
    enqueue_on_commit(REFRESH_TASK, subscription.pk)


@transaction.atomic
def remove_subscription(*, actor: Actor, subscription: Subscription) -> None:
    """Unsubscribe: the subscription and everything it imported go."""
    require_animator(actor, subscription.territory, ONLY_ANIMATION)
    subscription.delete()


@transaction.atomic
def record_fetch(*, actor: Actor, subscription: Subscription, feed: RemoteFeed) -> Subscription:
    """Write a whole fetch at once: new items created, changed ones updated, the ones no longer shared
    removed, the status « à jour ». Items are recognised by their id at the source: run twice, it adds
    nothing."""
    require_animator(actor, subscription.territory, ONLY_ANIMATION)
    row = lock_row(Subscription.objects.all(), subscription.pk)
    existing = {item.remote_id: item for item in ImportedItem.objects.filter(subscription=row)}
    added = updated = 0
    for remote in feed.items:
        values = {name: getattr(remote, name) for name in _IMPORTED_FIELDS}
        item = existing.pop(remote.remote_id, None)
        if item is None:
            ImportedItem.objects.create(subscription=row, remote_id=remote.remote_id, **values)
            added += 1
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
            updated += 1
    removed = len(existing)
    if existing:
        ImportedItem.objects.filter(pk__in=[item.pk for item in existing.values()]).delete()
    now = timezone.now()
    also = {
        "name": feed.name[:200] or row.name,
        "last_error": "",
        "last_attempt_at": now,
        "last_success_at": now,
        "items_count": len(feed.items),
        "last_added": added,
        "last_updated": updated,
        "last_removed": removed,
    }
    if row.state != Subscription.State.OK:
        row = transition(row, Subscription.State.OK, actor=actor, note=f"{added} ajouté(s)", also=also)
    else:
        Subscription.objects.filter(pk=row.pk).update(**also)
        row.refresh_from_db()
    subscription.refresh_from_db()
    return row


@transaction.atomic
def record_failure(*, actor: Actor, subscription: Subscription, message: str) -> Subscription:
    """A fetch failed: the status says why (in French); what was imported before stays."""
    require_animator(actor, subscription.territory, ONLY_ANIMATION)
    row = lock_row(Subscription.objects.all(), subscription.pk)
    also = {"last_error": message[:500], "last_attempt_at": timezone.now()}
    if row.state != Subscription.State.ERROR:
        row = transition(row, Subscription.State.ERROR, actor=actor, note=message[:300], also=also)
    else:
        Subscription.objects.filter(pk=row.pk).update(**also)
        row.refresh_from_db()
    subscription.refresh_from_db()
    return row
