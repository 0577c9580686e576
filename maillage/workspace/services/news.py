"""The news watch (veille): items posted by members or imported from feeds, picked for the lettre."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from maillage.core.actors import SYSTEM, Actor, require_actor
from maillage.core.models import Territory
from maillage.core.search import index_document
from maillage.workspace import feeds, permissions
from maillage.workspace.models import NewsFeed, NewsItem
from maillage.workspace.services._people import person_of

MEMBER_SOURCE = "Proposé par un membre"


def _clean_tags(tags: list[str] | str) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    return list(dict.fromkeys(t.strip().lower()[:50] for t in tags if t and t.strip()))[:10]


def tags_text(tags: list[str]) -> str:
    return ("," + ",".join(tags) + ",")[:600] if tags else ""


def _index_news(item: NewsItem) -> None:
    index_document(
        territory=item.territory,
        kind="news",
        object_id=item.pk,
        title=item.title,
        body=[item.summary, " ".join(item.tags), item.source],
        facets={"tags": item.tags},
    )


def _store_item(
    *,
    actor: Actor,
    territory: Territory,
    title: str,
    url: str,
    summary: str,
    tags: list[str] | str,
    source: str,
    published_at: dt.datetime,
    picked_at: dt.datetime | None = None,
) -> NewsItem:
    """The one place a news item is written, with its search document."""
    cleaned = _clean_tags(tags)
    item = NewsItem.objects.create(
        territory=territory,
        title=title[:300],
        url=url[:1000],
        summary=summary,
        tags=cleaned,
        tags_text=tags_text(cleaned),
        source=source,
        posted_by=person_of(actor),
        published_at=published_at,
        picked_at=picked_at,
    )
    _index_news(item)
    return item


@transaction.atomic
def post_news_item(
    *, actor: Actor, territory: Territory, title: str, url: str, summary: str = "", tags: list[str] | str = ""
) -> NewsItem:
    require_actor(actor)
    if not permissions.is_territory_member(actor, territory):
        raise PermissionDenied("La veille est alimentée par les membres des structures du territoire.")
    title = (title or "").strip()
    url = (url or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Donnez un titre à l'article."
    if not url.startswith(("http://", "https://")):
        errors["url"] = "Indiquez l'adresse de l'article, commençant par http:// ou https://."
    elif NewsItem.objects.filter(territory=territory, url=url).exists():
        errors["url"] = "Cet article est déjà dans la veille."
    if errors:
        raise ValidationError(errors)
    return _store_item(
        actor=actor,
        territory=territory,
        title=title,
        url=url,
        summary=(summary or "").strip()[:2000],
        tags=tags,
        source=MEMBER_SOURCE,
        published_at=timezone.now(),
    )


@transaction.atomic
def record_news_item(
    *,
    actor: Actor,
    territory: Territory,
    title: str,
    url: str,
    summary: str,
    tags: list[str],
    source: str,
    published_at: dt.datetime,
    picked_at: dt.datetime | None,
) -> NewsItem:
    """A dated item of the demo loader (staff or system): found by URL, else created and indexed."""
    require_actor(actor)
    if not permissions.is_staff_of(actor, territory):
        raise PermissionDenied("Seule l'équipe d'animation choisit les articles de la lettre.")
    existing = NewsItem.objects.filter(territory=territory, url=url).first()
    if existing is not None:
        return existing
    return _store_item(
        actor=actor,
        territory=territory,
        title=title,
        url=url,
        summary=summary,
        tags=tags,
        source=source,
        published_at=published_at,
        picked_at=picked_at,
    )


@transaction.atomic
def pick_news_item(*, actor: Actor, item: NewsItem, picked: bool) -> NewsItem:
    """Retain an item for the next lettre (its « À lire dans la veille » block), or withdraw it."""
    require_actor(actor)
    if not permissions.is_staff_of(actor, item.territory):
        raise PermissionDenied("Seule l'équipe d'animation choisit les articles de la lettre.")
    item.picked_at = timezone.now() if picked else None
    item.save(update_fields=["picked_at"])
    return item


@transaction.atomic
def add_news_feed(
    *, actor: Actor, territory: Territory, title: str, url: str, tags: list[str] | str = ""
) -> NewsFeed:
    require_actor(actor)
    if not permissions.is_staff_of(actor, territory):
        raise PermissionDenied("Seule l'équipe d'animation abonne la veille à des flux.")
    url = (url or "").strip()
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Donnez un nom au flux."
    if not url.startswith(("http://", "https://")):
        errors["url"] = "Indiquez l'adresse du flux, commençant par http:// ou https://."
    elif NewsFeed.objects.filter(territory=territory, url=url).exists():
        errors["url"] = "Ce flux est déjà suivi."
    if errors:
        raise ValidationError(errors)
    return NewsFeed.objects.create(
        territory=territory, title=title.strip()[:200], url=url, tags=_clean_tags(tags)
    )


def import_news_feed(*, feed: NewsFeed, allow_loopback: bool | None = None) -> int:
    """Fetch and import one feed: new items only (dedup by URL); an error is recorded on the feed and
    reported on the feeds page, never raised (one broken feed does not block the others). The fetch runs
    outside any transaction; the items are written in one short transaction afterwards."""
    now = timezone.now()
    try:
        items = feeds.fetch_feed(feed.url, allow_loopback=allow_loopback)
    except feeds.FeedError as exc:
        NewsFeed.objects.filter(pk=feed.pk).update(
            last_fetched_at=now, last_error=str(exc)[:500], error_count=models.F("error_count") + 1
        )
        return 0
    created = 0
    with transaction.atomic():
        known = set(
            NewsItem.objects.filter(territory=feed.territory, url__in=[i.url for i in items]).values_list(
                "url", flat=True
            )
        )
        for entry in items:
            if entry.url in known:
                continue
            known.add(entry.url)
            _store_item(
                actor=SYSTEM,
                territory=feed.territory,
                title=entry.title,
                url=entry.url,
                summary=entry.summary,
                tags=list(feed.tags) + entry.tags,
                source=feed.title,
                published_at=min(entry.published_at or now, now),
            )
            created += 1
        NewsFeed.objects.filter(pk=feed.pk).update(
            last_fetched_at=now, last_success_at=now, last_error="", error_count=0
        )
    return created


def import_all_feeds(*, allow_loopback: bool | None = None) -> dict[str, int]:
    counts = {}
    for feed in NewsFeed.objects.active().select_related("territory"):
        counts[f"{feed.territory.slug}:{feed.pk}"] = import_news_feed(
            feed=feed, allow_loopback=allow_loopback
        )
    return counts
