"""Reading RSS 2.0, RSS 1.0 and Atom feeds from outside, safely.

Fetched only through `core.http` (no private address, capped size and time), parsed only with defusedxml
(no entity expansion, no DTD: an « XML bomb » is refused). Items keep a title, an http(s) link, a plain-text
summary (tags stripped by nh3), categories and a date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils import timezone

from maillage.core.http import FetchError, fetch

MAX_ITEMS = 100
MAX_FEED_BYTES = 2 * 1024 * 1024
FEED_TIMEOUT = 10.0


class FeedError(Exception):
    """The feed could not be read; the message is French and shown to the animator."""


@dataclass(frozen=True)
class FeedItem:
    title: str
    url: str
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    published_at: dt.datetime | None = None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: Any, *names: str) -> str:
    for name in names:
        child = _child(element, name)
        if child is not None and (child.text or "").strip():
            return child.text.strip()
    return ""


def _plain(html: str, limit: int = 600) -> str:
    text = " ".join(nh3.clean(html or "", tags=set()).split())
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return text[: limit - 1] + "…" if len(text) > limit else text


def _date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _link(entry: Any) -> str:
    link = _text(entry, "link")
    if link:
        return link
    candidates = [c for c in entry if _local(c.tag) == "link" and c.get("href")]
    for c in candidates:
        if c.get("rel", "alternate") == "alternate":
            return c.get("href")
    return candidates[0].get("href") if candidates else ""


def parse_feed(content: bytes) -> list[FeedItem]:
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(
            "Le flux contient des déclarations XML interdites (entités, DTD) : il est refusé."
        ) from exc
    except (ParseError, ValueError) as exc:
        raise FeedError("Ce n'est pas un flux RSS ou Atom lisible (XML invalide).") from exc
    if _local(root.tag) not in ("rss", "feed", "RDF"):
        raise FeedError("Ce document n'est pas un flux RSS ou Atom.")
    items = []
    for entry in root.iter():
        if _local(entry.tag) not in ("item", "entry"):
            continue
        url = _link(entry).strip()
        title = _plain(_text(entry, "title"), 300)
        if not url.startswith(("http://", "https://")) or not title:
            continue
        tags = [
            c.text.strip()
            for c in entry
            if _local(c.tag) in ("category", "subject") and (c.text or "").strip()
        ]
        tags += [c.get("term") for c in entry if _local(c.tag) == "category" and c.get("term")]
        items.append(
            FeedItem(
                title=title,
                url=url[:1000],
                summary=_plain(_text(entry, "description", "summary", "content")),
                tags=list(dict.fromkeys(t[:50] for t in tags))[:8],
                published_at=_date(_text(entry, "pubDate", "published", "updated", "date")),
            )
        )
        if len(items) >= MAX_ITEMS:
            break
    return items


def fetch_feed(url: str, *, allow_loopback: bool | None = None) -> list[FeedItem]:
    try:
        response = fetch(url, allow_loopback=allow_loopback, timeout=FEED_TIMEOUT, max_bytes=MAX_FEED_BYTES)
        response.raise_for_status()
    except FetchError as exc:
        raise FeedError(str(exc)) from exc
    return parse_feed(response.content)
